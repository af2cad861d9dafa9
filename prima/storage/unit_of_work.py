"""One database transaction and the records it reads and writes.

    async with transactions() as uow:      # BEGIN … COMMIT (ROLLBACK when the block raises)
        case = await uow.cases.get(reference)
        await uow.escalations.take(case, actor, now)

    async with transactions.reads() as uow:  # no transaction of its own: read-only views

Services are handed `Transactions` (built by the composition root) and never a session
maker or a repository's constructor. Each kind of record is built when first used, so a turn
pays only for those it touches.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cached_property

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from prima.storage.cases import CaseRecords
from prima.storage.conversations import ConversationRecords, ConversationRows
from prima.storage.customers import CustomerRecords
from prima.storage.desk_records import DeskRecords
from prima.storage.escalations import EscalationRecords
from prima.storage.notification_records import NotificationRecords
from prima.storage.outbox import OutboxRecords
from prima.storage.timeline import Timeline


class UnitOfWork:
    """The records of one transaction: the customers (`customers`), their conversations and
    transcripts (`conversations`), their cases (`cases`), the messages waiting to be sent
    (`outbox`), the escalation ladder (`escalations`) and what its levels send
    (`notifications`), the case timeline (`timeline`), the staff desk's posts and topics
    (`desk`)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @cached_property
    def customers(self) -> CustomerRecords:
        return CustomerRecords(self.session, self._conversation_rows)

    @cached_property
    def conversations(self) -> ConversationRecords:
        return ConversationRecords(self.session, self._conversation_rows)

    @cached_property
    def _conversation_rows(self) -> ConversationRows:
        # A turn reads the conversation row with its customer, and saves the state into it.
        return {}

    @cached_property
    def cases(self) -> CaseRecords:
        return CaseRecords(self.session, self.timeline)

    @cached_property
    def outbox(self) -> OutboxRecords:
        return OutboxRecords(self.session)

    @cached_property
    def escalations(self) -> EscalationRecords:
        return EscalationRecords(self.session)

    @cached_property
    def notifications(self) -> NotificationRecords:
        return NotificationRecords(self.session)

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

    async def ping(self) -> bool:
        """True once the database answers a query; raises when it cannot (readiness)."""
        async with self.sessions() as session:
            await session.execute(text("SELECT 1"))
        return True
