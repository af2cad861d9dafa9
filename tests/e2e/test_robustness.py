"""Restarts, repeated deliveries, floods and rate limits, with and without Redis."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client import REGISTRY
from redis import Redis

from bench.fakes.telegram import FakeTelegram
from nlu.server import LocalRasaServer
from prima.config import ConversationSection, ServiceConfig
from prima.storage.database import create_engine, sessions
from prima.storage.models import Case, Message
from prima.storage.unit_of_work import Transactions
from tests.e2e.conftest import make_runtime, running

pytestmark = pytest.mark.rasa

UNREADABLE = {"kind": "unreadable", "outcome": "skipped"}


@pytest.fixture(params=["memory", "redis"])
def redis_or_none(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """No Redis (guards in process memory), or a flushed Redis database."""
    if request.param == "memory":
        yield None
        return
    url = "redis://127.0.0.1:6379/9"
    client = Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()
    client.close()


async def count(database_url: str, model: type[Case] | type[Message]) -> int:
    engine = create_engine(database_url)
    try:
        async with Transactions(sessions(engine)).reads() as uow:
            if model is Case:
                return await uow.cases.count()
            return await uow.conversations.message_count()
    finally:
        await engine.dispose()


async def test_a_restart_mid_conversation_continues_where_the_customer_was(
    tmp_path: Path,
    telegram: FakeTelegram,
    rasa_server: LocalRasaServer,
    database_url: str,
    redis_or_none: str | None,
) -> None:
    runtime = make_runtime(tmp_path, telegram, rasa_server, database_url, redis_or_none)
    user = 7001
    async with running(runtime, telegram):
        await telegram.reply_to(
            user, lambda: telegram.say(user, "Saya dibentak waktu mau masuk, kasar sekali")
        )
        await telegram.reply_to(user, lambda: telegram.say(user, "Tadi pagi di gedung B"))
    # A new process: the state comes from the database, not from memory.
    async with running(runtime, telegram):
        question = await telegram.reply_to(user, lambda: telegram.say(user, "Satpam bertopi"))
        assert "«Lewati»" not in question.text  # the expectation question comes next
        summary = await telegram.reply_to(user, lambda: telegram.say(user, "Minta maaf"))
    lines = summary.text.splitlines()
    assert "• Tempat: gedung B" in lines  # place and time each on a line of their own
    assert "• Waktu: Tadi pagi" in lines
    assert "Satpam bertopi" in summary.text


async def test_an_update_delivered_twice_is_handled_once(
    tmp_path: Path,
    telegram: FakeTelegram,
    rasa_server: LocalRasaServer,
    database_url: str,
    redis_or_none: str | None,
) -> None:
    runtime = make_runtime(tmp_path, telegram, rasa_server, database_url, redis_or_none)
    user = 7002
    async with running(runtime, telegram):
        await telegram.reply_to(user, lambda: telegram.say(user, "Kursi roda di lobi rusak"))
        for answer in ("Kursi roda", "-", "-"):
            await telegram.reply_to(user, lambda a=answer: telegram.say(user, a))
        await telegram.reply_to(user, lambda: telegram.say(user, "diganti"))
        confirm = telegram.press(user, "confirm:yes")
        await telegram.wait_for(user, len(telegram.sent[user]) + 1)
        sent_before = len(telegram.sent[user])
        # Telegram delivers the same update again (e.g. after a lost acknowledgement).
        telegram.push(telegram_update_copy(telegram, confirm), update_id=confirm)
        telegram.say(user, "/status")
        await telegram.wait_for(user, sent_before + 1)
        await asyncio.sleep(0.3)
    assert len(telegram.sent[user]) == sent_before + 1  # only the /status answer
    assert await count(database_url, Case) == 1


def telegram_update_copy(telegram: FakeTelegram, update_id: int) -> dict[str, object]:
    return {k: v for k, v in telegram.delivered[update_id].items() if k != "update_id"}


async def test_a_flood_gets_one_friendly_notice_and_every_message_is_kept(
    tmp_path: Path,
    telegram: FakeTelegram,
    rasa_server: LocalRasaServer,
    database_url: str,
    redis_or_none: str | None,
) -> None:
    config = ServiceConfig(conversation=ConversationSection(flood_messages=3, flood_seconds=30))
    runtime = make_runtime(tmp_path, telegram, rasa_server, database_url, redis_or_none, config)
    user = 7003
    async with running(runtime, telegram):
        for number in range(8):
            telegram.say(user, f"halo {number}")
        await telegram.wait_for(user, 4)
        await asyncio.sleep(0.5)
    texts = [m.text for m in telegram.sent[user]]
    notices = [t for t in texts if "beri jeda sejenak" in t]
    assert len(notices) == 1
    assert len(texts) == 4  # three answers and the notice
    assert await count(database_url, Message) == 8 + 4


async def test_telegram_rate_limits_are_waited_out(
    tmp_path: Path,
    telegram: FakeTelegram,
    rasa_server: LocalRasaServer,
    database_url: str,
) -> None:
    runtime = make_runtime(tmp_path, telegram, rasa_server, database_url)
    user = 7004
    telegram.rate_limited[user] = 1  # the first send gets 429 retry_after=1
    async with running(runtime, telegram):
        reply = await telegram.reply_to(user, lambda: telegram.say(user, "/start"), within=30)
    assert "Selamat datang" in reply.text


async def test_an_update_that_cannot_be_read_is_skipped_and_polling_goes_on(
    tmp_path: Path,
    telegram: FakeTelegram,
    rasa_server: LocalRasaServer,
    database_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """PTB fails a whole getUpdates batch on one update it cannot read, and would fetch the
    batch again for ever: the update is logged by id (no content), counted and skipped."""
    runtime = make_runtime(tmp_path, telegram, rasa_server, database_url, None)
    user = 7005
    skipped = REGISTRY.get_sample_value("prima_updates_total", UNREADABLE) or 0.0
    async with running(runtime, telegram):
        # A shape this PTB rejects (a newer Bot API's, say): a button press without its sender.
        bad = telegram.push({"callback_query": {"id": "q-1", "data": "kata rahasia"}})
        telegram.say(user, "/start")
        await telegram.wait_for(user, 1)
        # The offset moved past it: nothing is left to fetch again.
        await telegram.until(lambda: not any(u["update_id"] <= bad for u in telegram.updates))
        await telegram.reply_to(user, lambda: telegram.say(user, "/status"))
    assert REGISTRY.get_sample_value("prima_updates_total", UNREADABLE) == skipped + 1
    logged = [r.getMessage() for r in caplog.records if "could not be read" in r.getMessage()]
    assert logged == [f"polling: update {bad} could not be read; skipped"]
    assert not any("kata rahasia" in r.getMessage() for r in caplog.records)
