"""Supervisors' notifications of a fired escalation level: written, then delivered.

When a level fires, its recipients' alerts (Telegram, with the staff buttons) and emails are
rendered and written in the firing's transaction; they are sent afterwards, each on its own,
retried with backoff, never blocking the others.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from escalation.ladder import Level
from escalation.policy import EscalationPolicy
from prima.config import ServiceConfig
from prima.core.ports import Mailer, PermanentFailure, RetryLater, Sender, Unreachable, utc_now
from prima.core.reply import Button, Reply
from prima.core.staff import StaffVerb, alert_button
from prima.core.wording import duration_in_words, needs_view
from prima.rendering import Renderer
from prima.storage.escalations import Due, EscalationRecords
from prima.storage.models import FIRED
from prima.storage.notification_records import Delivery
from prima.storage.unit_of_work import Transactions, UnitOfWork

logger = logging.getLogger(__name__)

DELIVERY_BATCH = 100
LEASE = timedelta(minutes=2)
ACTOR = "escalator"


@dataclass(frozen=True, slots=True)
class Channels:
    """How supervisors are reached; a channel left None is not configured here."""

    telegram: Sender | None
    mail: Mailer | None


class Notifications:
    """Writes a fired level's notifications to its recipients and delivers those due."""

    def __init__(
        self,
        *,
        transactions: Transactions,
        policy: EscalationPolicy,
        renderer: Renderer,
        config: ServiceConfig,
        channels: Channels,
        reply_context: Callable[[str], dict[str, Any]],
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.transactions = transactions
        self.policy = policy
        self.renderer = renderer
        self.config = config
        self.channels = channels
        self.reply_context = reply_context
        self.clock = clock
        self.staff_language = config.languages.default

    # --- writing -------------------------------------------------------------------------

    async def write(self, uow: UnitOfWork, item: Due, now: datetime) -> None:
        """Render the fired level's alert and email, and write one per recipient's channel."""
        level = self.policy.ladder.level(item.escalation.level)
        if not level.recipients:
            logger.warning("escalation level %d has nobody to notify (config)", level.number)
        context = await self._alert_context(uow.escalations, item, level, now)
        language = self.staff_language
        alert = self.renderer.message(
            language,
            Reply(
                "escalation_alert",
                context,
                buttons=(
                    (
                        Button("escalation_ack", alert_button(StaffVerb.ACK, item.case.reference)),
                        Button(
                            "escalation_take", alert_button(StaffVerb.TAKE, item.case.reference)
                        ),
                    ),
                    (
                        Button(
                            "escalation_transcript",
                            alert_button(StaffVerb.TRANSCRIPT, item.case.reference),
                        ),
                    ),
                ),
            ),
            **self.reply_context(language),
        )
        email = self.renderer.email(
            language, "escalation", **self.reply_context(language), **context
        )
        notifications = uow.notifications
        for person in level.recipients:
            if person.telegram is not None:
                notifications.notify(
                    item.escalation,
                    "telegram",
                    str(person.telegram),
                    person.name,
                    body=alert.text,
                    buttons=alert.buttons,
                    now=now,
                )
            if person.email is not None:
                notifications.notify(
                    item.escalation,
                    "email",
                    person.email,
                    person.name,
                    subject=email.subject,
                    body=email.text,
                    html=email.html,
                    now=now,
                )

    async def _alert_context(
        self, records: EscalationRecords, item: Due, level: Level, now: datetime
    ) -> dict[str, Any]:
        case, language = item.case, self.staff_language
        earlier = [e for e in await records.ladder_of(case.id) if e.level < level.number]
        fired = {e.level for e in earlier if e.status == FIRED}
        notified = [
            {"role": lv.role, "name": person.name}
            for lv, person in self.policy.ladder.recipients_before(level.number)
            if lv.number in fired
        ]
        acknowledged = [
            {"level": e.level, "by": e.acknowledged_by} for e in earlier if e.acknowledged_by
        ]
        business = self.policy.calendar.business_time_between(case.opened_at, now)
        return {
            "reference": case.reference,
            "category": case.category,
            "level": level.number,
            "role": level.role,
            "customer": item.customer.first_name,
            "needs": needs_view(case.needs),
            "human_requested": case.human_requested,
            "assigned_to": case.assigned_to,
            "opened_at": case.opened_at.astimezone(self.policy.calendar.zone),
            "age_business": duration_in_words(business, language, days=False),
            "age_elapsed": duration_in_words(now - case.opened_at, language),
            "notified_before": notified,
            "acknowledged": acknowledged,
        }

    # --- delivery --------------------------------------------------------------------------

    async def deliver_due(self) -> int:
        """Send the notifications due now, each independently; returns how many were tried."""
        now = self.clock()
        async with self.transactions() as uow:
            claimed = await uow.notifications.claim_deliveries(now, LEASE, DELIVERY_BATCH)
        if not claimed:
            return 0
        results = await asyncio.gather(*(self._send(d) for d in claimed))
        async with self.transactions() as uow:
            records = uow.notifications
            for delivery, (message_id, error, retry_at, status) in zip(
                claimed, results, strict=True
            ):
                if error is None:
                    await records.delivered(delivery, self.clock(), message_id)
                    continue
                await records.failed(delivery, error, retry_at=retry_at, status=status)
                if retry_at is None:
                    logger.error(
                        "escalation notification %d (%s to %s) gave up: %s",
                        delivery.id,
                        delivery.channel,
                        delivery.recipient,
                        error,
                    )
                    uow.timeline.add(
                        delivery.case_id,
                        self.clock(),
                        ACTOR,
                        "notification_failed" if status == "failed" else "notification_skipped",
                        {
                            "level": delivery.level,
                            "channel": delivery.channel,
                            "recipient": delivery.recipient,
                            "error": error[:200],
                        },
                    )
        return len(claimed)

    async def _send(
        self, delivery: Delivery
    ) -> tuple[int | None, str | None, datetime | None, str]:
        """(Telegram message id, error, retry time, final status) for one delivery."""
        retry = self.config.escalation.retry
        try:
            if delivery.channel == "telegram":
                if self.channels.telegram is None:
                    return None, "Telegram is not configured here", None, "skipped"
                message_id = await self.channels.telegram.send(
                    int(delivery.address), delivery.body, delivery.buttons
                )
                return message_id, None, None, "sent"
            if self.channels.mail is None:
                return None, "email is not configured (SMTP_HOST)", None, "skipped"
            await self.channels.mail.send(
                delivery.address, delivery.subject or "", delivery.body, delivery.html or ""
            )
            return None, None, None, "sent"
        except (Unreachable, PermanentFailure) as exc:
            return None, f"{type(exc).__name__}: {exc}", None, "failed"
        except RetryLater as exc:
            return None, str(exc), self.clock() + timedelta(seconds=exc.seconds), "failed"
        except Exception as exc:
            logger.warning(
                "escalation notification %d failed (attempt %d)",
                delivery.id,
                delivery.attempts,
                exc_info=True,
            )
            if delivery.attempts >= retry.max_attempts:
                return None, f"{type(exc).__name__}: {exc}", None, "failed"
            delay = min(
                retry.first_delay_seconds * 2 ** (delivery.attempts - 1), retry.max_delay_seconds
            )
            when = self.clock() + timedelta(seconds=delay)
            return None, f"{type(exc).__name__}: {exc}", when, "failed"
