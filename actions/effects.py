"""A turn's decision in its transaction: taken on the facts the records hold, then carried out.

`actions.decide.decide` is pure; this module gathers what it needs to know (open cases, a
free case reference, whether the office is open), and carries out what it decides: the case
records, the escalation ladder (`CaseLadder`), the staff group's view (`DeskMirror`) and the
replies, rendered and queued in the customers' outbox.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from actions.decide import decide, needs_open_cases
from prima import metrics
from prima.config import ServiceConfig
from prima.core.case import candidate_reference
from prima.core.conversation import State
from prima.core.decision import (
    AddToCase,
    Decision,
    Effect,
    Facts,
    OpenCase,
    RecordComment,
    RecordRating,
    RequestHuman,
    SetLanguage,
)
from prima.core.events import Event
from prima.core.hours import is_open
from prima.core.ports import SEND_LEASE, CaseLadder, DeskMirror
from prima.core.reply import Reply
from prima.core.turn import Incoming
from prima.rendering import Renderer
from prima.storage.models import Customer
from prima.storage.outbox import Outgoing
from prima.storage.unit_of_work import UnitOfWork

logger = logging.getLogger(__name__)


class Effects:
    """Decides a customer's turn on the stored facts and carries out the decision, in the
    caller's unit of work (the turn's, or a staff action's on the customer's case)."""

    def __init__(
        self,
        *,
        renderer: Renderer,
        config: ServiceConfig,
        reply_context: Callable[[str], dict[str, Any]],
        escalation: CaseLadder | None = None,
        mirror: DeskMirror | None = None,
    ) -> None:
        self.renderer = renderer
        self.config = config
        self.reply_context = reply_context
        self.escalation = escalation
        self.mirror = mirror

    async def decide(
        self, uow: UnitOfWork, customer: Customer, state: State, event: Event, now: datetime
    ) -> Decision:
        """The conversation's decision on `event`, with a case reference not yet taken."""
        hours = self.config.business_hours
        facts = Facts(
            language=customer.language,
            supported_languages=tuple(self.config.languages.supported),
            open_cases=(
                tuple(await uow.cases.open_for(customer.id))
                if needs_open_cases(state, event)
                else ()
            ),
            new_reference=candidate_reference(self.config.conversation.reference_prefix),
            open_now=(
                self.escalation.is_open(now)  # closed on public holidays too
                if self.escalation
                else is_open(hours.week_on(now.astimezone(hours.zone).date()), hours.zone, now)
            ),
            now=now.astimezone(hours.zone),
            name=customer.first_name,
        )
        decision = decide(state, event, facts)
        # A reference is checked only when a case is really opened (rarely taken: decide again).
        while any(isinstance(e, OpenCase) for e in decision.effects) and (
            await uow.cases.reference_taken(facts.new_reference)
        ):
            facts = replace(
                facts, new_reference=candidate_reference(self.config.conversation.reference_prefix)
            )
            decision = decide(state, event, facts)
        return decision

    async def apply(
        self,
        uow: UnitOfWork,
        customer: Customer,
        decision: Decision,
        now: datetime,
        lease: timedelta | None = SEND_LEASE,
        incoming: Incoming | None = None,
    ) -> list[Outgoing]:
        """Carry out the decision's effects, store its state and queue its replies."""
        case_id = None
        for effect in decision.effects:
            case_id = await self._effect(uow, customer, effect, now) or case_id
        await uow.conversations.save(customer.id, decision.state, now)
        language = decision.language or customer.language
        queued = await self.queue(uow, customer, decision.replies, language, now, case_id, lease)
        if self.mirror is not None and customer.desk_case_id is not None:
            desk = uow.desk
            if incoming is not None:
                self.mirror.inbound(
                    desk, customer, incoming.kind, incoming.text, incoming.message_id, now
                )
            self.mirror.replies(desk, customer, [m.text for m in queued], now)
        return queued

    async def _effect(
        self, uow: UnitOfWork, customer: Customer, effect: Effect, now: datetime
    ) -> int | None:
        cases = uow.cases
        match effect:
            case OpenCase(reference, draft, human):
                case = await cases.open(customer, reference, draft, human_requested=human, now=now)
                if self.escalation is not None:
                    policy = self.escalation
                    uow.escalations.schedule_new(
                        case,
                        policy.deadlines(case.category, now),
                        policy.roles(),
                        policy.fingerprint,
                    )
                logger.info("case %s opened (%s)", reference, draft.category.value)
                metrics.CASES_OPENED.labels(draft.category.value).inc()
                if self.mirror is not None and (human or self.mirror.topics_on_open):
                    await self.mirror.bring(uow, case, customer, now, human=human)
                return case.id
            case AddToCase(reference, texts, attachments):
                return (await cases.add_to(reference, customer.id, texts, attachments, now)).id
            case RequestHuman(reference):
                case = await cases.request_human(reference, customer.id, now)
                if self.mirror is not None:
                    await self.mirror.bring(uow, case, customer, now, human=True)
                return case.id
            case RecordRating(reference, rating):
                await cases.record_rating(reference, customer.id, rating, now)
            case RecordComment(reference, comment):
                await cases.record_comment(reference, customer.id, comment, now)
            case SetLanguage(language):
                customer.language = language
        return None

    async def queue(
        self,
        uow: UnitOfWork,
        customer: Customer,
        replies: tuple[Reply, ...],
        language: str,
        now: datetime,
        case_id: int | None = None,
        lease: timedelta | None = SEND_LEASE,
    ) -> list[Outgoing]:
        """Render and store the replies; claimed for `lease` (None: left to the dispatcher)."""
        context = {**self.reply_context(language), "name": customer.first_name}
        rendered = [self.renderer.message(language, reply, **context) for reply in replies]
        return [
            Outgoing(
                await uow.outbox.queue_outbound(
                    customer, r.text, r.buttons, case_id=case_id, now=now, lease=lease
                ),
                customer.id,
                customer.chat_id,
                r.text,
                r.rows(),
                0,
                case_id,
            )
            for r in rendered
        ]
