"""The escalator against real databases, a fake Bot API over HTTP and a real SMTP server."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import func, select

from bench.fakes.telegram import TOKEN, FakeTelegram
from bot.escalator_process import run_escalator, telegram_sender
from handover.casework import Outcome
from handover.supervisors import StaffAction, staff_action
from prima.bootstrap import Runtime
from prima.config import ServiceConfig
from prima.core.complaint import Category
from prima.core.conversation import Draft
from prima.settings import Settings
from prima.storage.escalations import EscalationRecords
from prima.storage.models import CaseEvent, Escalation, Message, Notification
from prima.storage.unit_of_work import UnitOfWork
from tests.support.smtp import SmtpServer

JAKARTA = ZoneInfo("Asia/Jakarta")
SARI, BUDI, OUTSIDER = 9001, 9002, 9999
LADDER: dict[str, Any] = {
    "check_every_seconds": 3600,
    "retry": {"max_attempts": 3, "first_delay_seconds": 60, "max_delay_seconds": 600},
    "levels": [
        {
            "level": 1,
            "role": "Kasubag",
            "after": "3h",
            "notify": [{"name": "Sari", "telegram": SARI, "email": "sari@kantor.example"}],
        },
        {
            "level": 2,
            "role": "Kabag",
            "after": "2d",
            "clock": "calendar_days",
            "notify": [{"name": "Budi", "telegram": BUDI, "email": "budi@kantor.example"}],
        },
        {
            "level": 3,
            "role": "Kabiro",
            "after": "3d",
            "clock": "working_days",
            "notify": [{"name": "Kabiro", "email": "kabiro@kantor.example"}],
        },
    ],
}


def jakarta(month: int, day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, second, tzinfo=JAKARTA)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


def make_runtime(
    tmp_path: Path,
    telegram: FakeTelegram,
    smtp: SmtpServer,
    database_url: str,
    escalation: dict[str, Any] | None = None,
    business_hours: dict[str, Any] | None = None,
) -> Runtime:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        state_dir=tmp_path / "state",
        telegram_bot_token=TOKEN,
        telegram_api_base_url=telegram.base_url,
        database_url=database_url,
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        smtp_security="none",
    )
    config = ServiceConfig.model_validate(
        {"escalation": escalation or LADDER, "business_hours": business_hours or {}}
    )
    return Runtime(settings, config)


async def open_case(runtime: Runtime, user: int, category: str = "service") -> str:
    """A case opened now, the way the conversation opens one (deadlines included)."""
    policy = runtime.policy()
    now = datetime.now(UTC)
    async with runtime.database() as sessions, sessions() as session, session.begin():
        uow = UnitOfWork(session)
        customer, _ = await uow.customers.customer_and_state(user, user, "Siti", "id", now)
        draft = Draft(
            Category(category),
            0.9,
            "complaint",
            answers={"description": "Tagihan ganda <2x>", "reference": "INV-42"},
            resolution="refund",
        )
        reference = f"PRM-{user % 10000:04d}"
        case = await uow.cases.open(customer, reference, draft, human_requested=False, now=now)
        await EscalationRecords(session).schedule(
            case, policy.deadlines(category, now), policy.roles(), policy.fingerprint
        )
    return reference


def act(text: str, user: int) -> StaffAction:
    action = staff_action(text, user, user)
    assert action is not None
    return action


async def pass_once(runtime: Runtime) -> None:
    await run_escalator(runtime, once=True)


async def count(runtime: Runtime, model: type[Any], *where: Any) -> int:
    async with runtime.database() as sessions, sessions() as session:
        query = select(func.count()).select_from(model)
        for clause in where:
            query = query.where(clause)
        return int(await session.scalar(query) or 0)


async def test_the_ladder_over_a_holiday_weekend(
    tmp_path: Path, telegram: FakeTelegram, smtp: SmtpServer, database_url: str
) -> None:
    runtime = make_runtime(tmp_path, telegram, smtp, database_url)
    # Friday 14:00; Monday 17 August 2026 is Independence Day.
    with time_machine.travel(jakarta(8, 14, 14), tick=True) as traveller:
        reference = await open_case(runtime, 7001)
        traveller.move_to(jakarta(8, 14, 16, 59))
        await pass_once(runtime)
        assert not telegram.sent[SARI]

        traveller.move_to(jakarta(8, 14, 17, 0, 30))
        await pass_once(runtime)
        (alert,) = telegram.sent[SARI]
        assert reference in alert.text and "Eskalasi level 1 (Kasubag)" in alert.text
        assert "Tagihan ganda &lt;2x&gt;" in alert.text  # the customer's words, escaped
        assert alert.button_data() == [
            f"esc:ack:{reference}",
            f"esc:take:{reference}",
            f"esc:tr:{reference}",
        ]
        (email,) = smtp.inbox.to("sari@kantor.example")
        assert reference in email["Subject"]
        html = email.get_body(("html",))
        text = email.get_body(("plain",))
        assert html is not None and "&lt;2x&gt;" in html.get_content()
        assert text is not None and "Tagihan ganda <2x>" in text.get_content()
        # The customer's notice waits in the outbox for the bot's dispatcher.
        notices = await count(runtime, Message, Message.direction == "out")
        assert notices == 1

        # A second pass at the same moment fires nothing again.
        await pass_once(runtime)
        assert len(telegram.sent[SARI]) == 1

        # Sari acknowledges (desk, as the bot routes her button press).
        async with runtime.database() as sessions:
            desk = runtime.desk(sessions)
            ack = await desk.handle(act(f"esc:ack:{reference}", SARI))
            assert "Sari" in ack.text and "level 1" in ack.text
            transcript = await desk.handle(act(f"esc:tr:{reference}", SARI))
            assert f"Percakapan kasus {reference}" in transcript.text
            assert "tim senior" in transcript.text  # the notice the customer was sent
            refused = await desk.handle(act("/cases", OUTSIDER))
            assert "khusus untuk supervisor" in refused.text

        # Sunday 14:00:30: two calendar days. Level 2 knows who was told before.
        traveller.move_to(jakarta(8, 16, 14, 0, 30))
        await pass_once(runtime)
        (alert,) = telegram.sent[BUDI]
        assert "Eskalasi level 2 (Kabag)" in alert.text
        assert "Sari (Kasubag)" in alert.text and "Level 1 diterima oleh Sari" in alert.text

        # Wednesday afternoon: the holiday Monday does not count; level 3 is Thursday 14:00.
        traveller.move_to(jakarta(8, 19, 15))
        await pass_once(runtime)
        assert not smtp.inbox.to("kabiro@kantor.example")
        traveller.move_to(jakarta(8, 20, 14, 0, 30))
        await pass_once(runtime)
        (email,) = smtp.inbox.to("kabiro@kantor.example")
        assert "level 3" in email["Subject"]

        async with runtime.database() as sessions:
            async with sessions() as session:
                uow = UnitOfWork(session)
                case = await uow.cases.get(reference)
                assert case.escalation_level == 3
                kinds = [e.kind for e in await uow.timeline.of(case.id)]
                assert kinds.count("escalated") == 3 and "acknowledged" in kinds
            desk = runtime.desk(sessions)
            overview = await desk.handle(act("/cases", SARI))
            assert reference in overview.text and "level 3" in overview.text
            detail = await desk.handle(act(f"/case {reference}", BUDI))
            assert "diterima Sari" in detail.text
        assert await count(runtime, Message, Message.direction == "out") == 3


async def pending_due(runtime: Runtime, reference: str) -> dict[int, datetime]:
    """The case's pending deadlines, office time, to the minute (the clock ticks in tests)."""
    async with runtime.database() as sessions, sessions() as session:
        case = await UnitOfWork(session).cases.get(reference)
        rows = await EscalationRecords(session).ladder_of(case.id)
        return {
            e.level: e.due_at.astimezone(JAKARTA).replace(second=0, microsecond=0)
            for e in rows
            if e.status == "pending"
        }


async def test_cases_are_rescheduled_when_the_calendar_changes(
    tmp_path: Path, telegram: FakeTelegram, smtp: SmtpServer, database_url: str
) -> None:
    # Yesterday's deployment counted public holidays only (holiday_categories: [public]).
    before = make_runtime(
        tmp_path, telegram, smtp, database_url, None, {"holiday_categories": ["public"]}
    )
    with time_machine.travel(jakarta(3, 17, 10), tick=True) as traveller:
        reference = await open_case(before, 7006)
        older = await open_case(before, 7007)
        assert (await pending_due(before, reference))[3] == jakarta(3, 23, 10)
        # A case stored before the calendar was part of the fingerprint (the ladder's alone).
        async with before.database() as sessions, sessions() as session, session.begin():
            case = await UnitOfWork(session).cases.get(older)
            case.ladder = before.policy().ladder.fingerprint()

        # Today's configuration: the defaults, whose cuti bersama close 18, 20, 23, 24 March.
        after = make_runtime(tmp_path, telegram, smtp, database_url)
        assert after.policy().fingerprint != before.policy().fingerprint
        traveller.move_to(jakarta(3, 17, 10, 5))
        await pass_once(after)
        for ref in (reference, older):
            due = await pending_due(after, ref)
            assert due == {1: jakarta(3, 17, 13), 2: jakarta(3, 19, 10), 3: jakarta(3, 27, 10)}
        async with after.database() as sessions, sessions() as session:
            case = await UnitOfWork(session).cases.get(reference)
            assert case.ladder == after.policy().fingerprint

        # Monday 23 March, when the old calendar had level 3 due: nothing for the Kabiro.
        traveller.move_to(jakarta(3, 23, 10, 0, 30))
        await pass_once(after)
        assert not smtp.inbox.to("kabiro@kantor.example")
        assert len(telegram.sent[BUDI]) == 2  # level 2, two calendar days, is unchanged
        traveller.move_to(jakarta(3, 27, 10, 0, 30))
        await pass_once(after)
        assert len(smtp.inbox.to("kabiro@kantor.example")) == 2
        # Every open case follows today's calendar now: nothing left to reschedule.
        async with after.database() as sessions:
            assert await after.escalator(sessions, None).reschedule() == 0


async def test_after_downtime_each_overdue_level_fires_once_in_order(
    tmp_path: Path, telegram: FakeTelegram, smtp: SmtpServer, database_url: str
) -> None:
    runtime = make_runtime(tmp_path, telegram, smtp, database_url)
    with time_machine.travel(jakarta(11, 2, 9), tick=True) as traveller:
        reference = await open_case(runtime, 7002)
        traveller.move_to(jakarta(11, 20, 9))  # the escalator was down for weeks
        await pass_once(runtime)
        await pass_once(runtime)
    assert len(telegram.sent[SARI]) == 1 and len(telegram.sent[BUDI]) == 1
    assert len(smtp.inbox.to("kabiro@kantor.example")) == 1
    async with runtime.database() as sessions, sessions() as session:
        uow = UnitOfWork(session)
        case = await uow.cases.get(reference)
        events = [e for e in await uow.timeline.of(case.id) if e.kind == "escalated"]
        assert [e.detail["level"] for e in events] == [1, 2, 3]
    # One notice to the customer for the whole catch-up, not one per level.
    assert await count(runtime, Message, Message.direction == "out") == 1


async def test_resolving_stops_the_ladder(
    tmp_path: Path, telegram: FakeTelegram, smtp: SmtpServer, database_url: str
) -> None:
    runtime = make_runtime(tmp_path, telegram, smtp, database_url)
    with time_machine.travel(jakarta(11, 18, 9), tick=True) as traveller:
        reference = await open_case(runtime, 7003)
        async with runtime.operator() as operator:
            done = await operator.resolve(reference, "operator:staff", "done", deliver=False)
        assert done.outcome is Outcome.RESOLVED
        traveller.move_to(jakarta(11, 30, 9))
        await pass_once(runtime)
    assert not telegram.sent[SARI]
    assert await count(runtime, Escalation, Escalation.status == "cancelled") == 3


async def test_taking_the_case_stops_the_ladder_when_configured(
    tmp_path: Path, telegram: FakeTelegram, smtp: SmtpServer, database_url: str
) -> None:
    runtime = make_runtime(
        tmp_path, telegram, smtp, database_url, {**LADDER, "on_takeover": "stop"}
    )
    with time_machine.travel(jakarta(11, 18, 9), tick=True) as traveller:
        reference = await open_case(runtime, 7004)
        traveller.move_to(jakarta(11, 18, 12, 1))
        await pass_once(runtime)
        async with runtime.database() as sessions:
            taken = await runtime.desk(sessions).handle(act(f"esc:take:{reference}", SARI))
        assert "ditangani oleh Sari" in taken.text and "dihentikan" in taken.text
        traveller.move_to(jakarta(11, 30, 9))
        await pass_once(runtime)
    assert not telegram.sent[BUDI]
    assert await count(runtime, Escalation, Escalation.status == "fired") == 1


async def test_a_failed_send_is_retried_with_backoff_and_never_blocks_others(
    tmp_path: Path, telegram: FakeTelegram, database_url: str
) -> None:
    smtp = SmtpServer()  # not started yet: email fails at first
    runtime = make_runtime(tmp_path, telegram, smtp, database_url)
    telegram.blocked.add(SARI)  # Sari never started a chat with the bot
    with time_machine.travel(jakarta(11, 18, 9), tick=True) as traveller:
        reference = await open_case(runtime, 7005)
        traveller.move_to(jakarta(11, 18, 12, 1))
        await pass_once(runtime)
        assert await count(runtime, Notification, Notification.status == "failed") == 1
        pending = await count(runtime, Notification, Notification.status == "pending")
        assert pending == 1  # the email, waiting for its retry
        smtp.start()
        try:
            await pass_once(runtime)  # too early for the retry
            assert not smtp.inbox.messages
            traveller.shift(timedelta(minutes=2))
            await pass_once(runtime)
            (email,) = smtp.inbox.to("sari@kantor.example")
        finally:
            smtp.stop()
    assert reference in email["Subject"]
    kinds = await count(runtime, CaseEvent, CaseEvent.kind == "notification_failed")
    assert kinds == 1  # the Telegram message to Sari, reported on the timeline


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_two_escalators_send_each_escalation_exactly_once(
    tmp_path: Path, telegram: FakeTelegram, smtp: SmtpServer, database_url: str
) -> None:
    runtime = make_runtime(tmp_path, telegram, smtp, database_url)
    with time_machine.travel(jakarta(11, 2, 9), tick=True) as traveller:
        references = [await open_case(runtime, 8000 + i) for i in range(40)]
        traveller.move_to(jakarta(11, 20, 9))
        async with (
            runtime.database() as sessions_one,
            runtime.database() as sessions_two,
            telegram_sender(runtime) as first,
            telegram_sender(runtime) as second,
        ):
            one = runtime.escalator(sessions_one, first)
            two = runtime.escalator(sessions_two, second)
            await asyncio.gather(*(e.run_once() for e in (one, two, one, two)))
            # A send that timed out on a loaded machine is retried after its delay (60 s),
            # as in production: one more pass each, later, delivers it, and nothing twice.
            traveller.shift(timedelta(minutes=3))
            for escalator in (one, two):
                await escalator.run_once()
    assert len(telegram.sent[SARI]) == len(references)
    assert len(telegram.sent[BUDI]) == len(references)
    assert len(smtp.inbox.to("kabiro@kantor.example")) == len(references)
    texts = [m.text for m in telegram.sent[SARI]]
    assert all(sum(ref in t for t in texts) == 1 for ref in references)


async def test_a_supervisors_take_keeps_the_ladder_at_its_pace_by_default(
    tmp_path: Path, telegram: FakeTelegram, smtp: SmtpServer, database_url: str
) -> None:
    """Without `on_takeover: stop`, the case is assigned and the next level still comes on
    time (the same take record as the staff desk's)."""
    runtime = make_runtime(tmp_path, telegram, smtp, database_url)
    with time_machine.travel(jakarta(11, 18, 9), tick=True) as traveller:
        reference = await open_case(runtime, 7006)
        traveller.move_to(jakarta(11, 18, 12, 1))
        await pass_once(runtime)
        async with runtime.database() as sessions:
            taken = await runtime.desk(sessions).handle(act(f"esc:take:{reference}", SARI))
        assert "ditangani oleh Sari" in taken.text and "dihentikan" not in taken.text
        async with runtime.database() as sessions, sessions() as session:
            case = await UnitOfWork(session).cases.get(reference)
        assert case.assigned_to == "Sari"
        assert await count(runtime, Escalation, Escalation.status == "pending") == 2
        traveller.move_to(jakarta(11, 20, 12, 1))  # level 2: two calendar days
        await pass_once(runtime)
    assert telegram.sent[BUDI]
    assert await count(runtime, Escalation, Escalation.status == "fired") == 2
