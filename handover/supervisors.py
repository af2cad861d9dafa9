"""The supervisors' side of the desk: /cases, /case REF, /ack REF and the escalation alerts'
buttons, in a private chat with the bot or a staff chat.

Only configured supervisors (the roster's) get answers; everyone else is told politely that
the command is for supervisors, and the attempt is logged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from handover.casework import take
from prima.core.case import UnknownCaseError
from prima.core.ports import CaseLadder
from prima.core.reply import Rendered, Reply
from prima.core.roster import Member, Roster
from prima.core.staff import Origin, StaffVerb, read_staff
from prima.core.wording import duration_in_words, needs_view
from prima.rendering import Renderer, to_plain_text
from prima.storage.models import OPEN
from prima.storage.unit_of_work import Transactions

logger = logging.getLogger(__name__)

TIMELINE_LIMIT = 12
TRANSCRIPT_LIMIT = 20
TRANSCRIPT_TEXT = 300
OVERVIEW_LIMIT = 30


@dataclass(frozen=True, slots=True)
class StaffAction:
    """A supervisor command or alert button: `verb` with its case reference, if any."""

    user_id: int
    chat_id: int
    verb: StaffVerb  # cases | case | ack | take | transcript
    reference: str


def staff_action(text_or_data: str, user_id: int, chat_id: int) -> StaffAction | None:
    """The supervisor's action in a command (`/ack PRM-7K3Q`) or alert button data
    (`esc:ack:PRM-7K3Q`), else None."""
    request = read_staff(text_or_data)
    if request is None or request.origin is not Origin.SUPERVISOR:
        return None
    return StaffAction(user_id, chat_id, request.verb, request.reference or "")


class SupervisorDesk:
    def __init__(
        self,
        *,
        transactions: Transactions,
        policy: CaseLadder,
        roster: Roster,
        renderer: Renderer,
        language: str,
        reply_context: Callable[[str], dict[str, Any]],
        clock: Callable[[], datetime],
    ) -> None:
        self.transactions = transactions
        self.policy = policy
        self.roster = roster
        self.renderer = renderer
        self.language = language
        self.reply_context = reply_context
        self.clock = clock

    def supervisor(self, action: StaffAction) -> Member | None:
        """The configured supervisor acting, if they act in a private chat or a staff group."""
        person = self.roster.supervisor(action.user_id)
        return person if self.roster.may_act_in(action.chat_id, action.user_id) else None

    async def handle(self, action: StaffAction) -> Rendered:
        person = self.supervisor(action)
        if person is None:
            logger.warning(
                "staff action '%s' refused for user %s in chat %s",
                action.verb,
                action.user_id,
                action.chat_id,
            )
            return self._render("supervisor_only")
        actor = person.name
        if action.verb is StaffVerb.CASES:
            return await self._overview()
        if not action.reference:
            return self._render("supervisor_usage", verb=action.verb)
        try:
            match action.verb:
                case StaffVerb.CASE:
                    return await self._case(action.reference)
                case StaffVerb.ACK:
                    return await self._ack(action.reference, actor)
                case StaffVerb.TAKE:
                    return await self._take(action.reference, actor)
                case _:
                    return await self.transcript(action.reference)
        except UnknownCaseError:
            return self._render("supervisor_unknown_case", reference=action.reference)

    async def _overview(self) -> Rendered:
        now = self.clock()
        async with self.transactions.reads() as uow:
            records = uow.escalations
            lines = await records.overview(OVERVIEW_LIMIT)
            total = await records.open_count()
        cases = [
            {
                "reference": line.reference,
                "category": line.category,
                "level": line.level,
                "age": duration_in_words(now - line.opened_at, self.language),
                "assigned_to": line.assigned_to,
                "human_requested": line.human_requested,
                "unacknowledged": line.unacknowledged,
            }
            for line in lines
        ]
        return self._render("supervisor_cases", cases=cases, total=total)

    async def _case(self, reference: str) -> Rendered:
        now = self.clock()
        async with self.transactions.reads() as uow:
            case = await uow.cases.get(reference)
            customer = await uow.customers.by_id(case.customer_id)
            ladder = await uow.escalations.ladder_of(case.id)
            events = (await uow.timeline.of(case.id))[-TIMELINE_LIMIT:]
        zone = self.policy.zone
        business = self.policy.business_time_between(case.opened_at, now)
        return self._render(
            "supervisor_case",
            reference=case.reference,
            category=case.category,
            status=case.status,
            customer=customer.first_name,
            needs=needs_view(case.needs),
            level=case.escalation_level or 0,
            assigned_to=case.assigned_to,
            age_elapsed=duration_in_words(now - case.opened_at, self.language),
            age_business=duration_in_words(business, self.language, days=False),
            ladder=[
                {
                    "level": e.level,
                    "role": e.role,
                    "status": e.status,
                    "at": (e.fired_at or e.notify_at).astimezone(zone),
                    "acknowledged_by": e.acknowledged_by,
                }
                for e in ladder
            ],
            events=[
                {"at": e.at.astimezone(zone), "actor": e.actor, "kind": e.kind, "detail": e.detail}
                for e in events
            ],
        )

    async def _ack(self, reference: str, actor: str) -> Rendered:
        now = self.clock()
        async with self.transactions() as uow:
            case = await uow.cases.get(reference)
            levels = await uow.escalations.acknowledge(case, actor, now)
        if levels:
            logger.info("case %s: escalation level(s) %s acknowledged", reference, levels)
        return self._render("supervisor_ack", reference=reference, levels=levels, by=actor)

    async def _take(self, reference: str, actor: str) -> Rendered:
        """Where there is no staff desk: the case is assigned to the supervisor (the staff
        desk's take also holds it and brings its topic, `handover/front.py`)."""
        now = self.clock()
        stop = self.policy.stops_on_takeover
        async with self.transactions() as uow:
            case = await uow.cases.get(reference)
            if case.status != OPEN:
                return self._render("supervisor_taken", reference=reference, state="closed")
            taken = await take(uow, case, actor, now, self.policy)
        logger.info("case %s taken by a supervisor", reference)
        return self._render(
            "supervisor_taken",
            reference=reference,
            state="taken" if taken else "already",
            by=actor,
            ladder_stopped=stop,
        )

    async def transcript(self, reference: str) -> Rendered:
        """The case's conversation, latest messages (both sides)."""
        async with self.transactions.reads() as uow:
            case = await uow.cases.get(reference)
            since = case.opened_at - timedelta(hours=1)
            rows = await uow.conversations.messages_since(case.customer_id, since, TRANSCRIPT_LIMIT)
        zone = self.policy.zone
        messages = [
            {
                "at": m.created_at.astimezone(zone),
                "from_customer": m.direction == "in",
                "kind": m.kind,
                "text": _clip(_plain(m.text or ""), TRANSCRIPT_TEXT),
            }
            for m in reversed(rows)
        ]
        return self._render("supervisor_transcript", reference=reference, messages=messages)

    def _render(self, template: str, **context: Any) -> Rendered:
        return self.renderer.message(
            self.language, Reply(template, context), **self.reply_context(self.language)
        )


def _plain(text: str) -> str:
    return " ".join(to_plain_text(text).split())


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
