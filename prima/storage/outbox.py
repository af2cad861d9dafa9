"""The outbox: messages waiting to be sent to customers, claimed, sent and recorded.

A turn queues its replies (`queue_outbound`, an agent's copy with `queue_copy`) in its
transaction; the sender claims what is due (`claim_due`) and records each delivery
(`mark_sent_many`) or failure (`mark_failed`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Table, bindparam, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from prima.storage.models import Customer, Message

_MESSAGES = Message.__table__
assert isinstance(_MESSAGES, Table)

# Every turn queues its replies: the statement is built once.
_QUEUE_OUTBOUND = (
    insert(_MESSAGES)
    .values(
        customer_id=bindparam("customer_id"),
        case_id=bindparam("case_id"),
        direction="out",
        kind="text",
        text=bindparam("text"),
        buttons=bindparam("buttons"),
        created_at=bindparam("created_at"),
        delivery="pending",
        claimed_until=bindparam("claimed_until"),
        attempts=0,
    )
    .returning(_MESSAGES.c.id)
)


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A message waiting in the outbox."""

    id: int
    customer_id: int
    chat_id: int
    text: str
    buttons: list[list[list[str]]]
    attempts: int
    case_id: int | None = None
    source: tuple[int, int] | None = None  # a message to copy (an agent's), not text to send
    reply_to: int | None = None


class OutboxRecords:
    """The outbox's queries, on the unit of work's session."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def queue_outbound(
        self,
        customer: Customer,
        text: str,
        buttons: Sequence[Sequence[tuple[str, str]]],
        *,
        case_id: int | None,
        now: datetime,
        lease: timedelta | None,
    ) -> int:
        """Add an outgoing message, claimed by the caller for `lease` so it can send it at
        once (None: left to the dispatcher); returns its id. A prebuilt INSERT: every turn."""
        inserted = await self.session.execute(
            _QUEUE_OUTBOUND,
            {
                "customer_id": customer.id,
                "case_id": case_id,
                "text": text,
                "buttons": {"rows": [[list(b) for b in row] for row in buttons]}
                if buttons
                else None,
                "created_at": now,
                "claimed_until": now + lease if lease else None,
            },
        )
        return int(inserted.scalar_one())

    def queue_copy(
        self,
        customer: Customer,
        source: tuple[int, int],
        *,
        text: str | None,
        reply_to: int | None,
        case_id: int | None,
        now: datetime,
        lease: timedelta | None,
        held: bool = False,
    ) -> Message:
        """An agent's message to copy to the customer; `held` waits for "send anyway"."""
        message = Message(
            customer_id=customer.id,
            case_id=case_id,
            direction="out",
            kind="agent",
            text=text,
            created_at=now,
            delivery="held" if held else "pending",
            claimed_until=now + lease if lease and not held else None,
            attempts=0,
            source_chat_id=source[0],
            source_message_id=source[1],
            reply_to_message_id=reply_to,
        )
        self.session.add(message)
        return message

    async def claim_due(self, now: datetime, lease: timedelta, limit: int = 50) -> list[Outgoing]:
        """Pending messages nobody holds, oldest first, each claimed for `lease`.

        On PostgreSQL the rows are locked with SKIP LOCKED, so two dispatchers never take the
        same message; SQLite serialises writers instead.
        """
        query = (
            select(Message, Customer.chat_id)
            .join(Customer, Customer.id == Message.customer_id)
            .where(
                Message.direction == "out",
                Message.delivery == "pending",
                or_(Message.claimed_until.is_(None), Message.claimed_until < now),
            )
            .order_by(Message.id)
            .limit(limit)
            .with_for_update(skip_locked=True, of=Message)
        )
        rows = (await self.session.execute(query)).all()
        claimed = []
        for message, chat_id in rows:
            message.claimed_until = now + lease
            claimed.append(outgoing(message, chat_id))
        return claimed

    async def mark_sent_many(self, marks: Sequence[tuple[int, int, int, datetime]]) -> None:
        """Record deliveries: (message id, Telegram message id, attempts, when), in one go."""
        if not marks:
            return
        await self.session.execute(
            update(Message),
            [
                {
                    "id": message_id,
                    "delivery": "sent",
                    "telegram_message_id": telegram_id,
                    "sent_at": at,
                    "claimed_until": None,
                    "attempts": attempts,
                }
                for message_id, telegram_id, attempts, at in marks
            ],
        )

    async def mark_failed(
        self, message_id: int, error: str, now: datetime, *, retry_at: datetime | None
    ) -> None:
        """A failed send: retried after `retry_at`, or given up when it is None."""
        await self.session.execute(
            update(Message)
            .where(Message.id == message_id)
            .values(
                delivery="pending" if retry_at else "failed",
                claimed_until=retry_at,
                last_error=error[:256],
                attempts=Message.attempts + 1,
            )
        )


def outgoing(message: Message, chat_id: int) -> Outgoing:
    """A stored outgoing message as the sender takes it."""
    rows = (message.buttons or {}).get("rows", [])
    source = (
        (int(message.source_chat_id), int(message.source_message_id))
        if message.source_chat_id is not None and message.source_message_id is not None
        else None
    )
    return Outgoing(
        id=message.id,
        customer_id=message.customer_id,
        chat_id=chat_id,
        text=message.text or "",
        buttons=rows,
        attempts=message.attempts,
        case_id=message.case_id,
        source=source,
        reply_to=message.reply_to_message_id,
    )
