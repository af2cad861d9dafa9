"""The escalator: fires due escalation levels once, and delivers their notifications.

Application service around the pure ladder. Each pass: (1) cases whose deadlines follow an
older ladder or business calendar are rescheduled; (2) due levels are claimed and fired in
one transaction, which also writes every notification (rendered) and the customer's notice to
the outboxes; (3) notifications are sent, each on its own, retried with backoff, never
blocking the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from escalation.ladder import Level
from escalation.policy import EscalationPolicy
from prima import metrics
from prima.config import ServiceConfig
from prima.core.ports import (
    DeskMirror,
    Mailer,
    PermanentFailure,
    RetryLater,
    Sender,
    Unreachable,
    utc_now,
)
from prima.core.reply import Button, Reply
from prima.core.staff import StaffVerb, alert_button
from prima.core.wording import duration_in_words, needs_view
from prima.rendering import Renderer
from prima.storage.escalations import Delivery, Due, EscalationRecords
from prima.storage.models import FIRED, OPEN, Case, Customer
from prima.storage.outbox import OutboxRecords
from prima.storage.unit_of_work import Transactions, UnitOfWork

logger = logging.getLogger(__name__)

FIRE_BATCH = 200
DELIVERY_BATCH = 100
RESCHEDULE_BATCH = 500
LEASE = timedelta(minutes=2)
ACTOR = "escalator"


@dataclass(frozen=True, slots=True)
class Channels:
    """How supervisors are reached; a channel left None is not configured here."""

    telegram: Sender | None
    mail: Mailer | None


class Escalator:
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
        mirror: DeskMirror | None = None,
    ) -> None:
        self.transactions = transactions
        self.policy = policy
        self.renderer = renderer
        self.config = config
        self.channels = channels
        self.reply_context = reply_context
        self.clock = clock
        self.staff_language = config.languages.default
        self.mirror = mirror  # the staff desk: a case with a topic hears of its escalation

    # --- one pass ------------------------------------------------------------------------

    async def run_once(self) -> tuple[int, int]:
        """Reschedule, fire what is due, deliver; (levels fired, notifications sent)."""
        await self.reschedule()
        fired = 0
        while (count := await self.fire_due()) > 0:
            fired += count
            if count < FIRE_BATCH:
                break
        sent = 0
        while (batch := await self.deliver_due()) > 0:
            sent += batch
            if batch < DELIVERY_BATCH:
                break
        return fired, sent

    async def run(self, stop: asyncio.Event) -> None:
        """Pass after pass until `stop` is set; a failing pass is logged and retried."""
        interval = self.config.escalation.check_every_seconds
        while not stop.is_set():
            try:
                await self.run_once()
            except Exception:
                logger.exception("escalation pass failed; retrying in %.0fs", interval)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), interval)

    # --- schedules -----------------------------------------------------------------------

    async def reschedule(self) -> int:
        """Give open cases whose deadlines follow an older ladder or calendar (or none) the
        current ones: the policy's fingerprint covers both."""
        policy, total = self.policy.fingerprint, 0
        while True:
            async with self.transactions() as uow:
                records = uow.escalations
                cases = await records.stale_cases(policy, RESCHEDULE_BATCH)
                for case in cases:
                    await self.schedule(records, case)
            total += len(cases)
            if len(cases) < RESCHEDULE_BATCH:
                break
        if total:
            logger.info("escalation deadlines (re)computed for %d open case(s)", total)
        return total

    async def schedule(self, records: EscalationRecords, case: Case) -> None:
        if case.assigned_to and self.policy.stops_on_takeover:
            await records.cancel_pending(case.id)
            case.ladder = self.policy.fingerprint
            return
        deadlines = self.policy.deadlines(case.category, case.opened_at)
        await records.schedule(case, deadlines, self.policy.roles(), self.policy.fingerprint)

    # --- firing ----------------------------------------------------------------------------

    async def fire_due(self) -> int:
        """Claim due levels and fire each once; returns how many were claimed."""
        now = self.clock()
        async with self.transactions() as uow:
            records = uow.escalations
            due = await records.claim_due(now, FIRE_BATCH)
            highest: dict[int, Due] = {}
            for item in due:
                if item.case.status != OPEN:  # resolved since the level was scheduled
                    records.cancel(item)
                    continue
                records.fire(item, now)
                await self._notify_supervisors(records, item, now)
                self._tell_desk(uow, item, now)
                highest[item.case.id] = item  # claimed lowest level first within a case
                metrics.ESCALATIONS.labels(str(item.escalation.level)).inc()
                logger.info(
                    "case %s escalated to level %d (%s)",
                    item.case.reference,
                    item.escalation.level,
                    item.escalation.role,
                )
            for item in highest.values():
                await self._tell_customer(uow.outbox, item, now)
            await uow.session.flush()
        if due and self.mirror is not None:
            self.mirror.kick()
        return len(due)

    def _tell_desk(self, uow: UnitOfWork, item: Due, now: datetime) -> None:
        case = item.case
        if self.mirror is None or (case.topic_id is None and item.customer.desk_case_id != case.id):
            return
        self.mirror.notice(
            uow.desk,
            case.id,
            now,
            "desk_escalated",
            level=item.escalation.level,
            role=item.escalation.role,
        )

    async def _notify_supervisors(
        self, records: EscalationRecords, item: Due, now: datetime
    ) -> None:
        level = self.policy.ladder.level(item.escalation.level)
        if not level.recipients:
            logger.warning("escalation level %d has nobody to notify (config)", level.number)
        context = await self._alert_context(records, item, level, now)
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
        for person in level.recipients:
            if person.telegram is not None:
                records.notify(
                    item.escalation,
                    "telegram",
                    str(person.telegram),
                    person.name,
                    body=alert.text,
                    buttons=alert.buttons,
                    now=now,
                )
            if person.email is not None:
                records.notify(
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

    async def _tell_customer(self, outbox: OutboxRecords, item: Due, now: datetime) -> None:
        customer: Customer = item.customer
        if not customer.reachable:
            return
        language = customer.language
        reply = Reply(
            "escalated", {"reference": item.case.reference, "level": item.escalation.level}
        )
        rendered = self.renderer.message(
            language, reply, **{**self.reply_context(language), "name": customer.first_name}
        )
        # Left to the bot's dispatcher (lease None), which keeps the chat's messages in order.
        await outbox.queue_outbound(
            customer, rendered.text, rendered.buttons, case_id=item.case.id, now=now, lease=None
        )

    # --- delivery --------------------------------------------------------------------------

    async def deliver_due(self) -> int:
        """Send the notifications due now, each independently; returns how many were tried."""
        now = self.clock()
        async with self.transactions() as uow:
            claimed = await uow.escalations.claim_deliveries(now, LEASE, DELIVERY_BATCH)
        if not claimed:
            return 0
        results = await asyncio.gather(*(self._send(d) for d in claimed))
        async with self.transactions() as uow:
            records = uow.escalations
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
