"""Escalation notification records: the messages a fired level sends its people (Telegram or
email), queued with the transaction that fires it, then claimed, sent and recorded one by one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from prima.storage.models import PENDING, Escalation, Notification


@dataclass(frozen=True, slots=True)
class Delivery:
    """A claimed notification to send now."""

    id: int
    channel: str
    address: str
    recipient: str
    subject: str | None
    body: str
    html: str | None
    buttons: list[list[list[str]]]
    attempts: int
    case_id: int
    level: int


class NotificationRecords:
    """Notification queries, on the unit of work's session."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def notify(
        self,
        escalation: Escalation,
        channel: str,
        address: str,
        recipient: str,
        *,
        body: str,
        now: datetime,
        subject: str | None = None,
        html: str | None = None,
        buttons: Sequence[Sequence[tuple[str, str]]] = (),
    ) -> None:
        """Queue one message of a fired level to one person (claimed once committed)."""
        self.session.add(
            Notification(
                escalation_id=escalation.id,
                channel=channel,
                address=address,
                recipient=recipient,
                status=PENDING,
                attempts=0,
                next_attempt_at=now,
                subject=subject,
                body=body,
                html=html,
                buttons={"rows": [[list(b) for b in row] for row in buttons]} if buttons else None,
            )
        )

    async def claim_deliveries(self, now: datetime, lease: timedelta, limit: int) -> list[Delivery]:
        """Pending notifications due now, each held for `lease` (a crash retries after it)."""
        query = (
            select(Notification, Escalation.case_id, Escalation.level)
            .join(Escalation, Escalation.id == Notification.escalation_id)
            .where(Notification.status == PENDING, Notification.next_attempt_at <= now)
            .order_by(Notification.next_attempt_at, Notification.id)
            .limit(limit)
            .with_for_update(skip_locked=True, of=Notification)
        )
        claimed = []
        for row, case_id, level in (await self.session.execute(query)).all():
            row.next_attempt_at = now + lease
            row.attempts += 1
            claimed.append(
                Delivery(
                    id=row.id,
                    channel=row.channel,
                    address=row.address,
                    recipient=row.recipient,
                    subject=row.subject,
                    body=row.body,
                    html=row.html,
                    buttons=(row.buttons or {}).get("rows", []),
                    attempts=row.attempts,
                    case_id=case_id,
                    level=level,
                )
            )
        return claimed

    async def delivered(self, delivery: Delivery, now: datetime, message_id: int | None) -> None:
        await self.session.execute(
            update(Notification)
            .where(Notification.id == delivery.id)
            .values(status="sent", sent_at=now, telegram_message_id=message_id, last_error=None)
        )

    async def failed(
        self, delivery: Delivery, error: str, *, retry_at: datetime | None, status: str = "failed"
    ) -> None:
        """A failed attempt: retried at `retry_at`, or given up (`status`) when None."""
        values: dict[str, Any] = {"last_error": error[:256]}
        if retry_at is None:
            values["status"] = status
        else:
            values["next_attempt_at"] = retry_at
        await self.session.execute(
            update(Notification).where(Notification.id == delivery.id).values(**values)
        )

    async def of_case(self, case_id: int) -> list[tuple[Escalation, Notification]]:
        """The case's notifications with their levels, lowest level first."""
        query = (
            select(Escalation, Notification)
            .join(Notification, Notification.escalation_id == Escalation.id)
            .where(Escalation.case_id == case_id)
            .order_by(Escalation.level, Notification.id)
        )
        return [(e, n) for e, n in (await self.session.execute(query)).all()]
