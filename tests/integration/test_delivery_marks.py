"""The outbox records deliveries in batches: marks that arrive together share a transaction,
and every sent message is recorded (on SQLite, no Telegram)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from prima.delivery import Outbox
from prima.guards import MemoryGuards
from prima.storage.database import create_engine, migrate, sessions
from prima.storage.models import Message
from prima.storage.outbox import OutboxRecords, Outgoing
from prima.storage.unit_of_work import Transactions, UnitOfWork


class Counting(Transactions):
    """Transactions that count how many were opened."""

    opened = 0

    @asynccontextmanager
    async def __call__(self) -> AsyncIterator[UnitOfWork]:
        self.opened += 1
        async with super().__call__() as uow:
            yield uow


class Sender:
    def __init__(self) -> None:
        self.sent = 0

    async def send(self, chat_id: int, text: str, buttons: list[list[list[str]]]) -> int:
        self.sent += 1
        number = 1000 + self.sent
        await asyncio.sleep(0.001)  # a round trip to the Bot API
        return number

    async def copy(
        self, chat_id: int, from_chat_id: int, message_id: int, reply_to: int | None
    ) -> int:
        raise AssertionError("not used")


async def test_marks_of_turns_sent_together_share_a_transaction(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'p.db'}")
    await migrate(engine)
    now = datetime.now(UTC)
    queued: list[Outgoing] = []
    async with sessions(engine)() as session, session.begin():
        for user in range(20):
            customer, _ = await UnitOfWork(session).customers.customer_and_state(
                user, user, None, "id", now
            )
            records = OutboxRecords(session)
            message_id = await records.queue_outbound(
                customer, f"m{user}", [], case_id=None, now=now, lease=None
            )
            queued.append(Outgoing(message_id, customer.id, user, f"m{user}", [], 0))
    transactions = Counting(sessions(engine))
    outbox = Outbox(
        transactions=transactions,
        sender=Sender(),
        guards=MemoryGuards(100, 1.0),
        mirror=None,
        clock=lambda: now,
    )

    # Twenty turns send their reply 2 ms apart, as under load: all within the gathering window.
    async def turn(number: int, message: Outgoing) -> None:
        await asyncio.sleep(0.002 * number)
        await outbox.send_all([message])

    await asyncio.gather(*(turn(n, m) for n, m in enumerate(queued)))
    await outbox.flush()
    assert transactions.opened <= 2  # one batch, or two around the gathering window
    async with sessions(engine)() as session:
        rows = list(await session.scalars(select(Message).where(Message.direction == "out")))
    assert [r.delivery for r in rows] == ["sent"] * 20
    assert sorted(r.telegram_message_id for r in rows) == list(range(1001, 1021))
    await engine.dispose()
