"""The escalator: fires due escalation levels once, and has their notifications delivered.

Application service around the pure ladder. Each pass: (1) cases whose deadlines follow an
older ladder or business calendar are rescheduled; (2) due levels are claimed and fired in
one transaction, which also writes every notification (`escalation.notifications`) and the
customer's notice to the outboxes; (3) the notifications due are sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from escalation.notifications import DELIVERY_BATCH, Channels, Notifications
from escalation.policy import EscalationPolicy
from prima import metrics
from prima.config import ServiceConfig
from prima.core.ports import DeskMirror, utc_now
from prima.core.reply import Reply
from prima.rendering import Renderer
from prima.storage.escalations import Due, EscalationRecords
from prima.storage.models import OPEN, Case, Customer
from prima.storage.outbox import OutboxRecords
from prima.storage.unit_of_work import Transactions, UnitOfWork

logger = logging.getLogger(__name__)

FIRE_BATCH = 200
RESCHEDULE_BATCH = 500


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
        self.reply_context = reply_context
        self.clock = clock
        self.mirror = mirror  # the staff desk: a case with a topic hears of its escalation
        self.notifications = Notifications(
            transactions=transactions,
            policy=policy,
            renderer=renderer,
            config=config,
            channels=channels,
            reply_context=reply_context,
            clock=clock,
        )

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
                await self.notifications.write(uow, item, now)
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

    async def deliver_due(self) -> int:
        """Send the notifications due now; returns how many were tried."""
        return await self.notifications.deliver_due()
