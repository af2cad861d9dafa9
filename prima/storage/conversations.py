"""Conversation records: each customer's conversation state, the transcript of what they
sent, and the Telegram updates already handled (a repeated delivery is claimed once)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from prima.core.conversation import State
from prima.storage.models import Conversation, Customer, Message, ProcessedUpdate

_MESSAGES, _CONVERSATIONS = Message.__table__, Conversation.__table__
_PROCESSED_UPDATES = ProcessedUpdate.__table__
assert isinstance(_MESSAGES, Table) and isinstance(_CONVERSATIONS, Table)
assert isinstance(_PROCESSED_UPDATES, Table)

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

# Conversation rows read in one transaction, by customer id (None: the customer has none
# yet), so that saving the state needs no second read. The unit of work hands one to both
# the customers' records (a turn reads the row with its customer) and the conversations'.
ConversationRows = dict[int, Conversation | None]


class ConversationRecords:
    """Conversation queries, on the unit of work's session."""

    def __init__(self, session: AsyncSession, rows: ConversationRows) -> None:
        self.session = session
        self._rows = rows

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

    async def state(self, customer_id: int, *, lock: bool = False) -> tuple[State, int]:
        """The stored state and its turn counter.

        With `lock`, the customer's row is locked for update on PostgreSQL: the same row a
        turn locks in `CustomerRecords.customer_and_state`, so the two never interleave.
        """
        if lock:
            await self.session.execute(
                select(Customer.id).where(Customer.id == customer_id).with_for_update()
            )
        query = select(Conversation).where(Conversation.customer_id == customer_id)
        row = await self.session.scalar(query)
        self._rows[customer_id] = row
        if row is None:
            return State(), 0
        return State.from_stored(row.step, row.data), row.turns

    async def save(self, customer_id: int, state: State, now: datetime) -> None:
        if customer_id not in self._rows:
            self._rows[customer_id] = await self.session.get(Conversation, customer_id)
        row = self._rows[customer_id]
        if row is None:
            row = Conversation(
                customer_id=customer_id,
                step=state.step.value,
                data=state.to_dict(),
                turns=1,
                updated_at=now,
            )
            self.session.add(row)
            self._rows[customer_id] = row
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

    # --- the transcript ------------------------------------------------------------------

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

    async def messages_since(self, customer_id: int, since: datetime, limit: int) -> list[Message]:
        """The customer's latest messages (both sides) from `since` on, newest first."""
        rows = await self.session.scalars(
            select(Message)
            .where(Message.customer_id == customer_id, Message.created_at >= since)
            .order_by(Message.id.desc())
            .limit(limit)
        )
        return list(rows)

    async def message_count(self) -> int:
        """Messages of every customer, both sides."""
        return int(await self.session.scalar(select(func.count()).select_from(Message)) or 0)
