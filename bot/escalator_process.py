"""`prima escalator`: the escalation scheduler on its own, sending through Telegram's Bot API."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from bot.telegram import TelegramSender, build_application, stop_on_signals
from prima.bootstrap import Runtime
from prima.core.ports import Sender

logger = logging.getLogger(__name__)


@contextlib.asynccontextmanager
async def telegram_sender(runtime: Runtime) -> AsyncIterator[Sender | None]:
    """A sender on the Bot API when a token is set (no polling: the bot process does that)."""
    token = runtime.settings.telegram_bot_token
    if token is None:
        yield None
        return
    application = build_application(runtime, token.get_secret_value())
    async with application:
        yield TelegramSender(application)


async def run_escalator(
    runtime: Runtime, *, once: bool = False, stop: asyncio.Event | None = None
) -> int:
    """Escalate due cases until SIGINT/SIGTERM (or `stop`), or one pass with `once`."""
    if not runtime.config.escalation.enabled:
        logger.warning("escalation is disabled in the configuration (escalation.enabled)")
        return 0
    if stop is None:
        stop = stop_on_signals()
    async with runtime.database() as sessions, telegram_sender(runtime) as sender:
        escalator = runtime.escalator(sessions, sender)
        if once:
            fired, sent = await escalator.run_once()
            print(f"{fired} escalation level(s) fired, {sent} notification(s) tried")
            return 0
        logger.info("escalator running")
        await escalator.run(stop)
    return 0
