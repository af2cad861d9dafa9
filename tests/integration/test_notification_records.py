"""Escalation notifications on real databases (SQLite and PostgreSQL): queued by a fired
level, claimed for a lease, retried after a failure, given up or recorded as sent."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from prima.core.case import Deadline
from prima.core.complaint import Category
from prima.core.conversation import Draft
from prima.storage.database import create_engine, migrate, sessions
from prima.storage.unit_of_work import Transactions

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
LEASE = timedelta(minutes=2)


@pytest.fixture
async def transactions(database_url: str) -> AsyncIterator[Transactions]:
    engine = create_engine(database_url)
    await migrate(engine)
    yield Transactions(sessions(engine))
    await engine.dispose()


async def a_fired_level(transactions: Transactions) -> int:
    """A case whose first level fired and told two people; the case's id."""
    async with transactions() as uow:
        customer, _ = await uow.customers.customer_and_state(11, 11, "Siti", "id", NOW)
        draft = Draft(Category.SERVICE, 0.9, "complaint_service")
        case = await uow.cases.open(customer, "PRM-AAAA", draft, human_requested=False, now=NOW)
        uow.escalations.schedule_new(case, [Deadline(1, NOW, NOW)], {1: "supervisor"}, "p1")
        await uow.session.flush()
        (level,) = await uow.escalations.ladder_of(case.id)
        notifications = uow.notifications
        notifications.notify(
            level, "telegram", "501", "Sari", body="PRM-AAAA", buttons=[[("Ack", "a")]], now=NOW
        )
        notifications.notify(
            level, "email", "sari@kantor.example", "Sari", body="b", subject="s", now=NOW
        )
        return case.id


async def test_a_notification_is_claimed_for_a_lease_and_retried_until_it_is_sent(
    transactions: Transactions,
) -> None:
    case_id = await a_fired_level(transactions)
    async with transactions() as uow:
        telegram, email = await uow.notifications.claim_deliveries(NOW, LEASE, 10)
    assert (telegram.channel, telegram.address, telegram.case_id, telegram.level) == (
        "telegram",
        "501",
        case_id,
        1,
    )
    assert telegram.buttons == [[["Ack", "a"]]] and telegram.attempts == 1
    assert (email.subject, email.buttons) == ("s", [])
    async with transactions() as uow:  # held for the lease
        assert await uow.notifications.claim_deliveries(NOW + LEASE / 2, LEASE, 10) == []
    async with transactions() as uow:
        await uow.notifications.delivered(telegram, NOW, 9001)
        await uow.notifications.failed(email, "421 busy", retry_at=NOW + LEASE * 2)
    async with transactions() as uow:
        (again,) = await uow.notifications.claim_deliveries(NOW + LEASE * 2, LEASE, 10)
        assert (again.id, again.attempts) == (email.id, 2)
        await uow.notifications.failed(again, "550 no such user", retry_at=None)
    async with transactions() as uow:  # sent or given up: nothing left to claim
        assert await uow.notifications.claim_deliveries(NOW + LEASE * 9, LEASE, 10) == []
    async with transactions.reads() as uow:
        rows = [n for _, n in await uow.notifications.of_case(case_id)]
    assert [(n.status, n.telegram_message_id, n.last_error) for n in rows] == [
        ("sent", 9001, None),
        ("failed", None, "550 no such user"),
    ]
