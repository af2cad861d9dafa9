"""What the staff group sees of a conversation: case cards, mirrored messages, notices.

Everything here is queued in the desk outbox inside the caller's transaction (a turn, a
takeover), so nothing is posted for work that was rolled back, and nothing queued is lost;
`handover.poster` delivers it, creating or recreating the case's topic as needed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from markupsafe import Markup

from prima import metrics
from prima.config import StaffSection
from prima.core.ports import CaseLadder
from prima.core.reply import Button, Rendered, Reply
from prima.core.roster import Roster
from prima.core.staff import StaffVerb, desk_button
from prima.core.wording import duration_in_words, needs_view
from prima.rendering import Renderer
from prima.storage.desk_records import DeskRecords
from prima.storage.models import Case, Customer
from prima.storage.unit_of_work import UnitOfWork

logger = logging.getLogger(__name__)


# Content whose copy can carry our caption (the customer's name) in the group.
CAPTIONED = frozenset({"photo", "document", "voice", "audio", "video", "animation"})


class Mirror:
    """Queues the staff group's view of cases; one per process, stateless."""

    def __init__(
        self,
        *,
        roster: Roster,
        section: StaffSection,
        renderer: Renderer,
        language: str,
        reply_context: Callable[[str], dict[str, Any]],
        policy: CaseLadder | None,
        kick: Callable[[], None] = lambda: None,
    ) -> None:
        self.roster = roster
        self.section = section
        self.renderer = renderer
        self.language = language
        self.reply_context = reply_context
        self.policy = policy
        self.kick = kick  # wakes the poster after a commit

    @property
    def topics_on_open(self) -> bool:
        return self.section.topics == "on_open"

    def render_text(self, template: str, **context: Any) -> str:
        """A staff-desk message's text alone (it carries no buttons)."""
        return self.render(template, **context).text

    def render(self, template: str, **context: Any) -> Rendered:
        """A staff-desk message, in the staff's language."""
        buttons = context.pop("buttons", ())
        return self.renderer.message(
            self.language, Reply(template, context, buttons), **self.reply_context(self.language)
        )

    # --- cases arriving at the desk --------------------------------------------------------

    async def bring(
        self, uow: UnitOfWork, case: Case, customer: Customer, now: datetime, *, human: bool
    ) -> None:
        """Show the case at the desk: its card (first time), and a call for agents if a person
        was asked for. The conversation is mirrored in the case's topic from now on."""
        desk = uow.desk
        first = customer.desk_case_id != case.id and case.topic_id is None
        customer.desk_case_id = case.id
        if first:
            await self.card(desk, case, customer, now)
        if human:
            metrics.HANDOFFS.labels("requested").inc()
            text = self.render_text(
                "desk_waiting",
                reference=case.reference,
                customer=customer.first_name,
                agents=[{"id": m.user_id, "name": m.alias} for m in self.roster.agents()],
            )
            desk.post(case.id, "text", now, text=text, in_topic=False)
            if first is False:
                notice = self.render_text("desk_wants_person", customer=customer.first_name)
                desk.post(case.id, "text", now, text=notice)
            await self._hurry(uow, case, now)

    async def card(self, desk: DeskRecords, case: Case, customer: Customer, now: datetime) -> None:
        card = self.card_text(case, customer, now)
        desk.post(case.id, "card", now, text=card.text, buttons=card.buttons)

    def card_text(self, case: Case, customer: Customer, now: datetime) -> Rendered:
        """The case card: what an agent needs to know before taking the case."""
        return self.render(
            "desk_card",
            reference=case.reference,
            category=case.category,
            confidence=case.confidence,
            needs=needs_view(case.needs),
            customer=customer.first_name,
            customer_language=customer.language,
            age=duration_in_words(now - case.opened_at, self.language),
            level=case.escalation_level or 0,
            human_requested=case.human_requested,
            agent=case.agent_name,
            buttons=(
                (
                    Button("desk_take", desk_button(StaffVerb.TAKE, case.reference)),
                    Button("desk_resolve", desk_button(StaffVerb.RESOLVE, case.reference)),
                    Button("desk_transcript", desk_button(StaffVerb.TRANSCRIPT, case.reference)),
                ),
            ),
        )

    async def _hurry(self, uow: UnitOfWork, case: Case, now: datetime) -> None:
        """Nobody taking a request for a person within `human_wait` escalates it (level 1)."""
        if self.policy is None:
            return
        due = now + self.section.human_wait
        if await uow.escalations.hurry_first_level(case.id, due):
            logger.info("case %s: a person was asked for; level 1 due at %s", case.reference, due)

    # --- the conversation, mirrored ---------------------------------------------------------

    def inbound(
        self,
        desk: DeskRecords,
        customer: Customer,
        kind: str,
        text: str | None,
        message_id: int | None,
        now: datetime,
    ) -> None:
        case_id = customer.desk_case_id
        if case_id is None or kind == "button":
            return
        source = (customer.chat_id, message_id) if message_id is not None else None
        name = customer.first_name
        if kind in ("text", "command"):
            said = self.render_text("desk_customer_said", customer=name, text=text or "")
            desk.post(case_id, "text", now, text=said, source=source)
            return
        if source is None:
            return
        header = self.render_text("desk_customer_sent", customer=name, kind=kind, caption=text)
        if kind in CAPTIONED:
            desk.post(case_id, "copy", now, text=header, source=source)
        else:  # stickers, locations, round videos... carry no caption: a line before them
            desk.post(case_id, "text", now, text=header)
            desk.post(case_id, "copy", now, source=source)

    def replies(
        self, desk: DeskRecords, customer: Customer, texts: Sequence[str], now: datetime
    ) -> None:
        if customer.desk_case_id is None:
            return
        for text in texts:
            said = self.render_text("desk_bot_said", text=Markup(text))  # already Telegram HTML
            desk.post(customer.desk_case_id, "text", now, text=said)

    def notice(
        self, desk: DeskRecords, case_id: int, now: datetime, template: str, **context: Any
    ) -> None:
        notice = self.render(template, **context)
        desk.post(case_id, "text", now, text=notice.text, buttons=notice.buttons)
