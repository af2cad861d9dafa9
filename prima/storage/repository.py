"""Reading and writing Prima's records within one database transaction."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from prima.core.complaint import Category
from prima.core.conversation import Attachment as AttachmentData
from prima.core.conversation import Draft, Rating, State
from prima.core.decision import CaseView
from prima.storage.escalations import EscalationRecords
from prima.storage.models import (
    OPEN,
    RESOLVED,
    Attachment,
    Base,
    Case,
    CaseEvent,
    Conversation,
    Customer,
    Feedback,
    Message,
    ProcessedUpdate,
)
from prima.storage.timeline import Timeline


def _table(model: type[Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


_MESSAGES, _CONVERSATIONS = _table(Message), _table(Conversation)
_PROCESSED_UPDATES = _table(ProcessedUpdate)

# The statements every turn makes, built once (a statement is immutable; building one and
# its cache key each time cost more than running it on SQLite).
_CLAIM_UPDATE = {
    dialect: dialect_insert(_PROCESSED_UPDATES)
    .values(update_id=bindparam("update_id"), processed_at=bindparam("processed_at"))
    .on_conflict_do_nothing(index_elements=["update_id"])
    for dialect, dialect_insert in (("sqlite", sqlite_insert), ("postgresql", postgresql_insert))
}

_RECORD_INBOUND = insert(_MESSAGES).values(
    customer_id=bindparam("customer_id"),
    direction="in",
    kind=bindparam("kind"),
    text=bindparam("text"),
    update_id=bindparam("update_id"),
    telegram_message_id=bindparam("telegram_message_id"),
    created_at=bindparam("created_at"),
    attempts=0,
)

_CUSTOMER_AND_STATE = (
    select(Customer, Conversation)
    .outerjoin(Conversation, Conversation.customer_id == Customer.id)
    .where(Customer.telegram_user_id == bindparam("user_id"))
    .with_for_update(of=Customer)
)

_OPEN_CASES = (
    select(Case)
    .where(Case.customer_id == bindparam("customer_id"), Case.status == OPEN)
    .order_by(Case.opened_at.desc(), Case.id.desc())
)

_SAVE_CONVERSATION = (
    update(_CONVERSATIONS)
    .where(_CONVERSATIONS.c.customer_id == bindparam("key"))
    .values(
        step=bindparam("step"),
        data=bindparam("data"),
        turns=bindparam("turns"),
        updated_at=bindparam("updated_at"),
    )
)

# Case references: no 0/O, 1/I/L, so they read well aloud and on paper.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERENCE_LENGTH = 4


class UnknownCaseError(LookupError):
    """No case with that reference (for this customer)."""


class Repository:
    """All queries Prima makes, on one session; the caller owns the transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self._timeline = Timeline(session)
        # Conversation rows read this transaction (by customer id; None: the customer has
        # none yet), so that saving the state needs no second read.
        self._conversations: dict[int, Conversation | None] = {}

    # --- updates and customers -------------------------------------------------------------

    async def claim_update(self, update_id: int, now: datetime) -> bool:
        """Record `update_id` as handled; False if it already was (a repeated delivery)."""
        statement = _CLAIM_UPDATE[self._dialect]
        result = await self.session.execute(
            statement, {"update_id": update_id, "processed_at": now}
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    @property
    def _dialect(self) -> str:
        return self.session.get_bind().dialect.name

    async def customer_and_state(
        self, user_id: int, chat_id: int, first_name: str | None, language: str, now: datetime
    ) -> tuple[Customer, State]:
        """The customer (created on first contact) and their conversation state, in one query.

        The customer's row is locked for the turn on PostgreSQL (`FOR UPDATE`).
        """
        row = (await self.session.execute(_CUSTOMER_AND_STATE, {"user_id": user_id})).first()
        found = row[0] if row else None
        conversation = row[1] if row else None
        state = State.from_stored(conversation.step, conversation.data) if conversation else State()
        if found is None:
            found = Customer(
                telegram_user_id=user_id,
                chat_id=chat_id,
                first_name=first_name,
                language=language,
                reachable=True,
                created_at=now,
                updated_at=now,
            )
            self.session.add(found)
            await self.session.flush()
            self._conversations[found.id] = None
            return found, state
        self._conversations[found.id] = conversation
        if found.chat_id != chat_id or found.first_name != first_name or not found.reachable:
            found.chat_id, found.first_name = chat_id, first_name
            found.reachable, found.unreachable_since = True, None
            found.updated_at = now
        return found, state

    async def customer_for_user(self, user_id: int) -> Customer | None:
        return await self.session.scalar(
            select(Customer).where(Customer.telegram_user_id == user_id)
        )

    async def customer_by_id(self, customer_id: int) -> Customer:
        customer = await self.session.get(Customer, customer_id)
        if customer is None:
            raise LookupError(f"no customer {customer_id}")
        return customer

    async def mark_unreachable(self, customer_id: int, now: datetime) -> None:
        await self.session.execute(
            update(Customer)
            .where(Customer.id == customer_id)
            .values(reachable=False, unreachable_since=now, updated_at=now)
        )

    # --- conversation state ----------------------------------------------------------------

    async def conversation(self, customer_id: int, *, lock: bool = False) -> tuple[State, int]:
        """The stored state and its turn counter.

        With `lock`, the customer's row is locked for update on PostgreSQL: the same row a
        turn locks in `customer_and_state`, so the two never interleave.
        """
        if lock:
            await self.session.execute(
                select(Customer.id).where(Customer.id == customer_id).with_for_update()
            )
        query = select(Conversation).where(Conversation.customer_id == customer_id)
        row = await self.session.scalar(query)
        self._conversations[customer_id] = row
        if row is None:
            return State(), 0
        return State.from_stored(row.step, row.data), row.turns

    async def save_conversation(self, customer_id: int, state: State, now: datetime) -> None:
        if customer_id not in self._conversations:
            self._conversations[customer_id] = await self.session.get(Conversation, customer_id)
        row = self._conversations[customer_id]
        if row is None:
            row = Conversation(
                customer_id=customer_id,
                step=state.step.value,
                data=state.to_dict(),
                turns=1,
                updated_at=now,
            )
            self.session.add(row)
            self._conversations[customer_id] = row
            return
        # Every turn: a prebuilt UPDATE; the row read this transaction is kept in step with it
        # (as loaded, so the unit of work has nothing more to write).
        values = {
            "step": state.step.value,
            "data": state.to_dict(),
            "turns": (row.turns or 0) + 1,
            "updated_at": now,
        }
        await self.session.execute(_SAVE_CONVERSATION, {"key": customer_id, **values})
        for name, value in values.items():
            set_committed_value(row, name, value)

    # --- cases -------------------------------------------------------------------------------

    async def reference_taken(self, reference: str) -> bool:
        found = await self.session.scalar(select(Case.id).where(Case.reference == reference))
        return found is not None

    async def open_cases(self, customer_id: int) -> list[CaseView]:
        rows = await self.session.scalars(_OPEN_CASES, {"customer_id": customer_id})
        return [_view(case) for case in rows]

    async def case_by_id(self, case_id: int) -> Case:
        case = await self.session.get(Case, case_id)
        if case is None:
            raise UnknownCaseError(str(case_id))
        return case

    async def case(self, reference: str, customer_id: int | None = None) -> Case:
        query = select(Case).where(Case.reference == reference)
        if customer_id is not None:
            query = query.where(Case.customer_id == customer_id)
        case = await self.session.scalar(query)
        if case is None:
            raise UnknownCaseError(reference)
        return case

    async def open_case(
        self,
        customer: Customer,
        reference: str,
        draft: Draft,
        *,
        human_requested: bool,
        now: datetime,
    ) -> Case:
        needs: dict[str, Any] = {
            # One entry per fact (description, item, person, place, time, reference,
            # expectation), in reading order; facts asked for and not given are left out.
            "answers": dict(draft.details()),
            "time_at": draft.time_at,  # the time said, read as a date-time where possible
            "resolution": draft.resolution,
            "need": need.value if (need := draft.need_kind()) else None,
            "notes": list(draft.notes),
        }
        case = Case(
            reference=reference,
            customer_id=customer.id,
            category=draft.category.value,
            intent=draft.intent,
            confidence=draft.confidence,
            needs=needs,
            status=OPEN,
            human_requested=human_requested,
            language=customer.language,
            opened_at=now,
            updated_at=now,
        )
        self.session.add(case)
        await self.session.flush()
        self._event(case, now, "customer", "opened", {"category": case.category})
        if human_requested:
            self._event(case, now, "customer", "human_requested", {})
        for attachment in draft.attachments:
            self._attach(case, attachment, now)
        return case

    async def add_to_case(
        self,
        reference: str,
        customer_id: int,
        texts: Sequence[str],
        attachments: Sequence[AttachmentData],
        now: datetime,
    ) -> Case:
        case = await self.case(reference, customer_id)
        if texts:
            self._event(case, now, "customer", "information_added", {"texts": list(texts)})
        for attachment in attachments:
            self._attach(case, attachment, now)
            self._event(case, now, "customer", "attachment_added", {"kind": attachment.kind})
        case.updated_at = now
        return case

    async def request_human(self, reference: str, customer_id: int, now: datetime) -> Case:
        case = await self.case(reference, customer_id)
        if not case.human_requested:
            case.human_requested, case.updated_at = True, now
        self._event(case, now, "customer", "human_requested", {})
        return case

    async def resolve_case(
        self, reference: str, actor: str, resolution: str | None, now: datetime
    ) -> Case | None:
        """Mark a case resolved; None if it already was."""
        case = await self.case(reference)
        if case.status == RESOLVED:
            return None
        case.status, case.resolved_at, case.updated_at = RESOLVED, now, now
        case.resolved_by, case.resolution = actor, resolution
        # Nobody holds it now.
        case.agent_user_id = case.agent_name = case.agent_alias = None
        case.agent_active_at = case.quiet_flagged_at = None
        self._event(case, now, actor, "resolved", {"resolution": resolution})
        await EscalationRecords(self.session).cancel_pending(case.id)  # the ladder stops too
        return case

    async def record_rating(
        self, reference: str, customer_id: int, rating: Rating, now: datetime
    ) -> None:
        case = await self.case(reference, customer_id)
        feedback = await self._feedback(case, now)
        feedback.rating, feedback.updated_at = rating.value, now
        self._event(case, now, "customer", "rated", {"rating": rating.value})

    async def record_comment(
        self, reference: str, customer_id: int, comment: str, now: datetime
    ) -> None:
        case = await self.case(reference, customer_id)
        feedback = await self._feedback(case, now)
        feedback.comment, feedback.updated_at = comment, now
        self._event(case, now, "customer", "commented", {})

    async def feedback(self, case_id: int) -> Feedback | None:
        return await self.session.get(Feedback, case_id)

    async def timeline(self, case_id: int) -> list[CaseEvent]:
        rows = await self.session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
        )
        return list(rows)

    async def messages_since(self, customer_id: int, since: datetime, limit: int) -> list[Message]:
        """The customer's latest messages (both sides) from `since` on, newest first."""
        rows = await self.session.scalars(
            select(Message)
            .where(Message.customer_id == customer_id, Message.created_at >= since)
            .order_by(Message.id.desc())
            .limit(limit)
        )
        return list(rows)

    async def attachments(self, case_id: int) -> list[Attachment]:
        rows = await self.session.scalars(
            select(Attachment).where(Attachment.case_id == case_id).order_by(Attachment.id)
        )
        return list(rows)

    async def cases(self, *, status: str | None = None, limit: int = 100) -> list[Case]:
        query = select(Case).order_by(Case.opened_at.desc(), Case.id.desc()).limit(limit)
        if status:
            query = query.where(Case.status == status)
        return list(await self.session.scalars(query))

    async def _feedback(self, case: Case, now: datetime) -> Feedback:
        feedback = await self.session.get(Feedback, case.id)
        if feedback is None:
            feedback = Feedback(case_id=case.id, created_at=now, updated_at=now)
            self.session.add(feedback)
        return feedback

    def _event(
        self, case: Case, now: datetime, actor: str, kind: str, detail: dict[str, Any]
    ) -> None:
        self._timeline.add(case.id, now, actor, kind, detail)

    def _attach(self, case: Case, data: AttachmentData, now: datetime) -> None:
        self.session.add(
            Attachment(
                case_id=case.id,
                kind=data.kind,
                file_id=data.file_id,
                file_unique_id=data.file_unique_id,
                mime_type=data.mime_type,
                file_name=data.file_name,
                file_size=data.file_size,
                caption=data.caption,
                latitude=data.latitude,
                longitude=data.longitude,
                telegram_message_id=data.message_id,
                created_at=now,
            )
        )

    # --- transcript and outbox ---------------------------------------------------------------

    async def record_inbound(
        self,
        customer_id: int,
        kind: str,
        text: str | None,
        *,
        update_id: int | None,
        message_id: int | None,
        now: datetime,
    ) -> None:
        """Add what the customer sent to the transcript (a prebuilt INSERT: every turn)."""
        await self.session.execute(
            _RECORD_INBOUND,
            {
                "customer_id": customer_id,
                "kind": kind,
                "text": text,
                "update_id": update_id,
                "telegram_message_id": message_id,
                "created_at": now,
            },
        )

    async def transcript(self, customer_id: int) -> list[Message]:
        rows = await self.session.scalars(
            select(Message).where(Message.customer_id == customer_id).order_by(Message.id)
        )
        return list(rows)

    async def count(self, model: type[Any]) -> int:
        return int(await self.session.scalar(select(func.count()).select_from(model)) or 0)


def candidate_reference(prefix: str) -> str:
    """A random case reference, e.g. `PRM-7K3Q` (uniqueness is checked when a case opens)."""
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
    return f"{prefix}-{code}"


def _view(case: Case) -> CaseView:
    return CaseView(
        reference=case.reference,
        category=Category(case.category),
        status=case.status,
        human_requested=case.human_requested,
        opened_at=case.opened_at,
    )
