"""Webhook mode end to end: the real bot behind its HTTP server, the real Rasa server, the
fake Bot API for the replies; health, readiness and metrics."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from bench.fakes.telegram import TOKEN, FakeTelegram, _message
from bot.webhook import SECRET_HEADER, run_webhook
from nlu.server import LocalRasaServer, free_port
from prima.bootstrap import Runtime
from tests.conftest import POSTGRES_ADMIN
from tests.e2e.conftest import make_runtime

pytestmark = pytest.mark.rasa

SECRET = "s3cret_token-for-tests"
CUSTOMER = 7001


def webhook_runtime(
    tmp_path: Path, telegram: FakeTelegram, rasa: LocalRasaServer, database_url: str
) -> Runtime:
    return make_runtime(
        tmp_path,
        telegram,
        rasa,
        database_url,
        webhook_secret=SECRET,
        webhook_host="127.0.0.1",
        webhook_port=free_port(),
    )


@asynccontextmanager
async def serving_webhook(runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    """The bot in webhook mode until the block ends; a client for its HTTP server."""
    stop = asyncio.Event()
    task = asyncio.create_task(run_webhook(runtime, TOKEN, stop))
    base = f"http://127.0.0.1:{runtime.settings.webhook_port}"
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        try:
            async with asyncio.timeout(60):
                while True:
                    if task.done():
                        task.result()
                    try:
                        if (await client.get("/healthz")).status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                    await asyncio.sleep(0.05)
            yield client
        finally:
            stop.set()
            await asyncio.wait_for(task, 60)


def update(update_id: int, text: str, user: int = CUSTOMER) -> dict[str, Any]:
    message = _message(user, "Siti", text=text)
    message["message_id"] = update_id
    return {"update_id": update_id, "message": message}


def post(client: httpx.AsyncClient, body: Any, secret: str | None = SECRET) -> Any:
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    return client.post("/telegram", json=body, headers=headers)


async def test_updates_over_the_webhook_with_the_secret_only(
    tmp_path: Path, telegram: FakeTelegram, rasa_server: LocalRasaServer, database_url: str
) -> None:
    runtime = webhook_runtime(tmp_path, telegram, rasa_server, database_url)
    async with serving_webhook(runtime) as client:
        assert (await post(client, update(1, "/start"), secret=None)).status_code == 403
        assert (await post(client, update(1, "/start"), secret="wrong")).status_code == 403
        # What cannot be read is skipped with 200: Telegram redelivers anything else forever.
        bad = await client.post("/telegram", content=b"{", headers={SECRET_HEADER: SECRET})
        assert bad.status_code == 200 and bad.json()["skipped"] == "not an update"
        unreadable = {"update_id": 1, "message": {"text": "no chat, no date, no id"}}
        skipped = await post(client, unreadable)
        assert skipped.status_code == 200 and skipped.json()["skipped"] == "not an update"
        assert telegram.sent[CUSTOMER] == []

        answered = await post(client, update(2, "/start"))
        assert answered.status_code == 200
        # The reply went out before the webhook answered.
        assert len(telegram.sent[CUSTOMER]) == 1 and "Siti" in telegram.sent[CUSTOMER][0].text
        # Telegram delivering the same update again: answered, handled once.
        assert (await post(client, update(2, "/start"))).status_code == 200
        reply = await post(client, update(3, "Tagihan listrik saya dobel bulan ini"))
        assert reply.status_code == 200
        assert len(telegram.sent[CUSTOMER]) == 2

        assert (await client.get("/healthz")).json() == {"ok": True}
        ready = await client.get("/readyz")
        assert ready.status_code == 200
        assert ready.json()["checks"] == {"database": True, "redis": True, "nlu": True}
        metrics = (await client.get("/metrics")).text
        assert 'prima_updates_total{kind="message",outcome="handled"}' in metrics
        assert 'prima_updates_total{kind="message",outcome="duplicate"}' in metrics
        assert "prima_reply_seconds_bucket" in metrics
        assert "prima_nlu_seconds_count" in metrics
        assert 'prima_complaints_total{category="service"}' in metrics
    # Stopped: nothing listens any more.
    with pytest.raises(httpx.TransportError):
        async with httpx.AsyncClient() as probe:
            await probe.get(f"http://127.0.0.1:{runtime.settings.webhook_port}/healthz")


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_a_database_outage_answers_5xx_and_readiness_reports_it(
    tmp_path: Path, telegram: FakeTelegram, rasa_server: LocalRasaServer, database_url: str
) -> None:
    import asyncpg  # type: ignore[import-untyped]

    runtime = webhook_runtime(tmp_path, telegram, rasa_server, database_url)
    name = database_url.rsplit("/", 1)[1]
    async with serving_webhook(runtime) as client:
        assert (await post(client, update(10, "/start"))).status_code == 200
        admin = await asyncpg.connect(POSTGRES_ADMIN)
        try:
            # The database goes away under the running bot.
            await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            failed = await post(client, update(11, "/help"))
            assert failed.status_code == 503  # Telegram will deliver it again
            ready = await client.get("/readyz")
            assert ready.status_code == 503 and ready.json()["checks"]["database"] is False
            metrics = (await client.get("/metrics")).text
            assert 'prima_updates_total{kind="message",outcome="error"}' in metrics
            # Through PTB's process_update, the error handler saw it (and sent no apology).
            assert 'prima_errors_total{where="handler"}' in metrics
        finally:
            await admin.execute(f'CREATE DATABASE "{name}"')
            await admin.close()


async def test_set_webhook_and_refusals_from_the_command_line(
    tmp_path: Path, telegram: FakeTelegram
) -> None:
    async def prima(*args: str, **env: str) -> tuple[int, str]:
        environment = {
            k: v for k, v in os.environ.items() if not k.startswith(("RASA_", "PRIMA_", "TELEG"))
        }
        environment.update(
            {"TELEGRAM_API_BASE_URL": telegram.base_url, "PRIMA_STATE_DIR": str(tmp_path)}, **env
        )
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "prima.cli",
            *args,
            env=environment,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(process.communicate(), 120)
        return int(process.returncode or 0), (out + err).decode()

    code, said = await prima("set-webhook", "https://bot.example.org/telegram")
    assert code == 3 and "TELEGRAM_WEBHOOK_SECRET" in said
    code, said = await prima("run", "--webhook", TELEGRAM_BOT_TOKEN=TOKEN)
    assert code == 3 and "TELEGRAM_WEBHOOK_SECRET" in said
    code, said = await prima(
        "set-webhook",
        "http://bot.example.org/telegram",
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_WEBHOOK_SECRET=SECRET,
    )
    assert code == 2 and "https://" in said
    code, said = await prima(
        "set-webhook",
        "https://bot.example.org/telegram",
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_WEBHOOK_SECRET=SECRET,
    )
    assert code == 0, said
    (hook,) = telegram.params["setWebhook"]
    assert hook["url"] == "https://bot.example.org/telegram"
    assert hook["secret_token"] == SECRET
    assert set(hook["allowed_updates"]) == {"message", "edited_message", "callback_query"}
    assert int(hook["max_connections"]) == 40  # telegram.webhook_max_connections
    assert SECRET not in said and TOKEN not in said
