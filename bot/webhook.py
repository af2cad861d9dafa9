"""Webhook mode: Telegram posts updates to our HTTP server; health, readiness and metrics.

`POST <WEBHOOK_PATH>` takes an update only with Telegram's secret-token header; the update is
handled before the answer, so a failure answers 5xx and Telegram delivers it again (the
database makes sure it is handled once). `/healthz` says the process is up, `/readyz` checks
the database, Redis and the Rasa server, `/metrics` is Prometheus' text format.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from telegram import Update

from bot.handlers import FailedUpdates
from bot.intake import READ_ERRORS, skipped
from bot.telegram import ALLOWED_UPDATES, Serving, build_application, serving, stop_on_signals
from prima.bootstrap import Runtime

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
READY_TIMEOUT = 3.0
# Requests in flight get this long to finish on SIGTERM.
SHUTDOWN_SECONDS = 30.0
SERVING = web.AppKey("serving", Serving)


def webhook_app(bot: Serving, secret: str, path: str, failed: FailedUpdates) -> web.Application:
    """The HTTP application around a running bot; `failed` is where its error handler marks
    the updates it could not handle."""
    app = web.Application(client_max_size=1024 * 1024)
    app[SERVING] = bot
    expected = secret.encode()

    async def telegram_update(request: web.Request) -> web.Response:
        """One update from Telegram: handled now; 5xx makes Telegram try again; an update that
        cannot be read gets 200 (skipped), since Telegram redelivers anything but 2xx."""
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            logger.warning("webhook: request without the right secret token refused")
            return web.json_response({"ok": False}, status=403)
        data: Any = None
        try:
            data = await request.json()
            update = Update.de_json(data, bot.application.bot)
        except READ_ERRORS:  # not JSON, or no update this version can read
            # Any answer but 2xx makes Telegram deliver it again, and again: an update this
            # version cannot read (a newer Bot API's shape, say) is logged, counted, skipped.
            skipped(data.get("update_id") if isinstance(data, dict) else None, "webhook")
            return web.json_response({"ok": True, "skipped": "not an update"})
        # The bot's handlers, through PTB: a failure reaches the error handler, which marks it.
        await bot.application.process_update(update)
        if failed.pop(update):
            logger.warning("webhook: update %s failed; Telegram will retry", update.update_id)
            return web.json_response({"ok": False}, status=503)
        return web.json_response({"ok": True})

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    async def readyz(_: web.Request) -> web.Response:
        checks = await readiness(bot)
        status = 200 if all(checks.values()) else 503
        return web.json_response({"ok": status == 200, "checks": checks}, status=status)

    async def metrics(_: web.Request) -> web.Response:
        body = generate_latest()
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    app.router.add_post(path, telegram_update)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
    return app


async def readiness(bot: Serving) -> dict[str, bool]:
    """Each dependency: answers within READY_TIMEOUT seconds?"""

    async def within(check: Any) -> bool:
        try:
            return bool(await asyncio.wait_for(check(), READY_TIMEOUT))
        except Exception:
            logger.warning("readiness check failed", exc_info=True)
            return False

    names = ("database", "redis", "nlu")
    results = await asyncio.gather(
        within(bot.database.ping), within(bot.guards.ping), within(bot.classifier.is_ready)
    )
    return dict(zip(names, results, strict=True))


async def run_webhook(
    runtime: Runtime, token: str, stop: asyncio.Event | None = None, *, escalator: bool = True
) -> int:
    """Serve the webhook until SIGINT/SIGTERM: stop taking updates, finish those in flight,
    close connections. Without `escalator`, a separate `prima escalator` runs the ladder."""
    settings = runtime.settings
    if settings.webhook_secret is None:
        raise RuntimeError("TELEGRAM_WEBHOOK_SECRET is unset: webhook mode needs it")
    if stop is None:
        stop = stop_on_signals()
    application = build_application(runtime, token, polling=False)
    # Several instances may get one chat's updates: turns in update-id order (see guards).
    failed = FailedUpdates()
    async with serving(runtime, application, stop, escalator=escalator, failed=failed) as bot:
        secret = settings.webhook_secret.get_secret_value()
        app = webhook_app(bot, secret, settings.webhook_path, failed)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=SHUTDOWN_SECONDS)
        await runner.setup()
        site = web.TCPSite(runner, settings.webhook_host, settings.webhook_port)
        await site.start()
        logger.info(
            "webhook: listening on %s:%s%s",
            settings.webhook_host,
            settings.webhook_port,
            settings.webhook_path,
        )
        try:
            await stop.wait()
        finally:
            logger.info("stopping: no new updates; finishing those in flight")
            await runner.cleanup()  # stops listening, waits for requests in flight
    return 0


async def set_webhook(runtime: Runtime, token: str, url: str) -> None:
    """Tell Telegram where to post updates (with our secret token)."""
    secret = runtime.settings.webhook_secret
    if secret is None:
        raise RuntimeError("TELEGRAM_WEBHOOK_SECRET is unset: set it before the webhook")
    application = build_application(runtime, token, polling=False)
    async with application:
        await application.bot.set_webhook(
            url,
            secret_token=secret.get_secret_value(),
            allowed_updates=ALLOWED_UPDATES,
            max_connections=runtime.config.telegram.webhook_max_connections,
        )
