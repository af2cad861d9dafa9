"""Staff-desk records: the desk outbox (posts to the staff group), case topics and agents,
and the mapping between customer messages and their counterparts in the group."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from prima.storage.models import OPEN, PENDING, Case, Customer, DeskPost, Message

SENT, FAILED = "sent", "failed"
HELD = "held"  # an agent's message waiting for "send anyway" (coaching)


@dataclass(frozen=True, slots=True)
class Post:
    """A claimed desk post, with where it goes."""

    id: int
    case_id: int | None
    kind: str
    in_topic: bool
    text: str | None
    buttons: list[list[list[str]]]
    source_chat_id: int | None
    source_message_id: int | None
    reply_to: int | None  # the group message it answers (a mirrored message's copy)
    topic_id: int | None
    attempts: int


class DeskRecords:
    """Desk queries on one session; the caller owns the transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- the outbox ------------------------------------------------------------------------

    def post(
        self,
        case_id: int | None,
        kind: str,
        now: datetime,
        *,
        text: str | None = None,
        buttons: Sequence[Sequence[tuple[str, str]]] = (),
        source: tuple[int, int] | None = None,
        reply_to_post: int | None = None,
        in_topic: bool = True,
    ) -> DeskPost:
        row = DeskPost(
            case_id=case_id,
            kind=kind,
            in_topic=in_topic,
            text=text,
            buttons={"rows": [[list(b) for b in r] for r in buttons]} if buttons else None,
            source_chat_id=source[0] if source else None,
            source_message_id=source[1] if source else None,
            reply_to_post_id=reply_to_post,
            status=PENDING,
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
        self.session.add(row)
        return row

    async def claim_due(self, now: datetime, lease: timedelta, limit: int) -> list[Post]:
        """Due posts, oldest first, each held for `lease` (SKIP LOCKED across instances).

        Only the oldest pending post of each case is taken, so a case's topic keeps the
        conversation's order even with several posters: the next one waits until this one
        is sent (or given up).
        """
        earlier = aliased(DeskPost)
        first_of_case = ~(
            select(earlier.id)
            .where(
                earlier.case_id == DeskPost.case_id,
                earlier.status == PENDING,
                earlier.id < DeskPost.id,
            )
            .exists()
        )
        rows = (
            await self.session.execute(
                select(DeskPost, Case.topic_id)
                .outerjoin(Case, Case.id == DeskPost.case_id)
                .where(DeskPost.status == PENDING, DeskPost.next_attempt_at <= now, first_of_case)
                .order_by(DeskPost.id)
                .limit(limit)
                .with_for_update(skip_locked=True, of=DeskPost)
            )
        ).all()
        replies = {row.reply_to_post_id for row, _ in rows if row.reply_to_post_id is not None}
        posted: dict[int, int | None] = {}
        if replies:
            found = await self.session.execute(
                select(DeskPost.id, DeskPost.telegram_message_id).where(DeskPost.id.in_(replies))
            )
            posted = {post_id: message_id for post_id, message_id in found.all()}
        claimed = []
        for row, topic_id in rows:
            row.next_attempt_at = now + lease
            claimed.append(
                Post(
                    id=row.id,
                    case_id=row.case_id,
                    kind=row.kind,
                    in_topic=row.in_topic,
                    text=row.text,
                    buttons=(row.buttons or {}).get("rows", []),
                    source_chat_id=row.source_chat_id,
                    source_message_id=row.source_message_id,
                    reply_to=posted.get(row.reply_to_post_id) if row.reply_to_post_id else None,
                    topic_id=topic_id,
                    attempts=row.attempts,
                )
            )
        return claimed

    async def sent(self, post_id: int, telegram_id: int, now: datetime) -> None:
        await self.session.execute(
            update(DeskPost)
            .where(DeskPost.id == post_id)
            .values(
                status=SENT,
                telegram_message_id=telegram_id,
                sent_at=now,
                attempts=DeskPost.attempts + 1,
            )
        )

    async def failed(self, post_id: int, error: str, *, retry_at: datetime | None) -> None:
        values: dict[str, Any] = {"last_error": error[:256], "attempts": DeskPost.attempts + 1}
        if retry_at is None:
            values["status"] = FAILED
        else:
            values["next_attempt_at"] = retry_at
        await self.session.execute(update(DeskPost).where(DeskPost.id == post_id).values(**values))

    # --- topics, cases and agents ----------------------------------------------------------

    async def case_in_topic(self, topic_id: int) -> Case | None:
        return await self.session.scalar(
            select(Case).where(Case.topic_id == topic_id).order_by(Case.id.desc()).limit(1)
        )

    async def set_topic(self, case_id: int, topic_id: int | None) -> None:
        await self.session.execute(update(Case).where(Case.id == case_id).values(topic_id=topic_id))

    async def quiet_takeovers(self, before: datetime, limit: int = 100) -> list[Case]:
        """Taken cases whose agent has said nothing since `before`, not yet flagged for it."""
        rows = await self.session.scalars(
            select(Case)
            .where(
                Case.status == OPEN,
                Case.agent_user_id.is_not(None),
                Case.agent_active_at < before,
                Case.quiet_flagged_at.is_(None),
            )
            .order_by(Case.agent_active_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return list(rows)

    # --- message mapping -------------------------------------------------------------------

    async def post_mirroring(self, chat_id: int, message_id: int) -> DeskPost | None:
        """The group's copy of a customer's message."""
        return await self.session.scalar(
            select(DeskPost)
            .where(DeskPost.source_chat_id == chat_id, DeskPost.source_message_id == message_id)
            .order_by(DeskPost.id)
            .limit(1)
        )

    async def mirrored_source(self, group_message_id: int) -> tuple[int, int] | None:
        """The customer's (chat, message) a message in the group mirrors, if it does."""
        row = (
            await self.session.execute(
                select(DeskPost.source_chat_id, DeskPost.source_message_id).where(
                    DeskPost.telegram_message_id == group_message_id,
                    DeskPost.source_message_id.is_not(None),
                )
            )
        ).first()
        if row is None or row[0] is None or row[1] is None:
            return None
        return int(row[0]), int(row[1])

    async def relayed(self, staff_chat_id: int, message_id: int) -> Message | None:
        """The customer's copy of an agent's message (sent, pending or held)."""
        return await self.session.scalar(
            select(Message)
            .where(
                and_(
                    Message.source_chat_id == staff_chat_id,
                    Message.source_message_id == message_id,
                )
            )
            .order_by(Message.id.desc())
            .limit(1)
        )

    async def customer_of(self, case: Case) -> Customer:
        customer = await self.session.get(Customer, case.customer_id)
        if customer is None:
            raise LookupError(f"no customer for case {case.reference}")
        return customer
