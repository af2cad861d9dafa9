"""One database transaction and the records it reads and writes.

    async with transactions() as uow:      # BEGIN … COMMIT (ROLLBACK when the block raises)
        case = await uow.records.case(reference)
        await uow.escalations.take(case, actor, now, stop_ladder=False)

    async with transactions.reads() as uow:  # no transaction of its own: read-only views

Services are handed `Transactions` (built by the composition root) and never a session
maker or a repository's constructor. Each kind of record is built when first used, so a turn
pays only for those it touches.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cached_property

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from prima.storage.desk_records import DeskRecords
from prima.storage.escalations import EscalationRecords
from prima.storage.outbox import OutboxRecords
from prima.storage.repository import Repository
from prima.storage.timeline import Timeline


class UnitOfWork:
    """The records of one transaction: customers, conversations and cases (`records`), the
    messages waiting to be sent (`outbox`), the escalation ladder and timeline
    (`escalations`), the case timeline (`timeline`), the staff desk's posts and topics
    (`desk`)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @cached_property
    def records(self) -> Repository:
        return Repository(self.session)

    @cached_property
    def outbox(self) -> OutboxRecords:
        return OutboxRecords(self.session)

    @cached_property
    def escalations(self) -> EscalationRecords:
        return EscalationRecords(self.session)

    @cached_property
    def timeline(self) -> Timeline:
        return Timeline(self.session)

    @cached_property
    def desk(self) -> DeskRecords:
        return DeskRecords(self.session)


class Transactions:
    """Units of work on one database."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    @asynccontextmanager
    async def __call__(self) -> AsyncIterator[UnitOfWork]:
        async with self.sessions() as session, session.begin():
            yield UnitOfWork(session)

    @asynccontextmanager
    async def reads(self) -> AsyncIterator[UnitOfWork]:
        async with self.sessions() as session:
            yield UnitOfWork(session)
