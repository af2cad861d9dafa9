"""The composition root: the one place where settings become running components.

`Runtime` builds the application's parts (the renderer, the conversation, the escalator, the
desks) on the connections `prima.connections` opens (the database, the guards, the NLU, SMTP).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from actions.turns import Conversations
from escalation.escalator import Escalator
from escalation.notifications import Channels
from escalation.policy import EscalationPolicy
from handover.casework import Resolver
from handover.coaching import Coach
from handover.desk import StaffDesk
from handover.front import Desks
from handover.mirror import Mirror
from handover.poster import DeskPoster
from handover.supervisors import SupervisorDesk
from prima.connections import Connections
from prima.core.hours import describe_opening_hours
from prima.core.ports import Classifier, DeskTransport, Guards, Sender, utc_now
from prima.core.reply import Reply
from prima.core.roster import Roster
from prima.delivery import QueuedOnly
from prima.rendering import Renderer
from prima.storage.unit_of_work import Transactions

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Runtime(Connections):
    """The application's parts, each built from the settings and configuration when asked for."""

    def renderer(self) -> Renderer:
        service = self.config.service
        return Renderer(
            service_name=service.name,
            organisation=service.organisation,
            info_contact=service.info_contact.model_dump()
            | {"configured": service.info_contact.configured},
        )

    def reply_context(self, language: str) -> dict[str, Any]:
        """Per-language values every template may use, with no customer known yet. The opening
        hours are those in force today (a dated period such as Ramadan replaces the weekly ones)."""
        hours = self.config.business_hours
        today = datetime.now(hours.zone).date()
        return {
            "name": None,
            "opening_hours": describe_opening_hours(hours.week_on(today), language),
            "timezone": hours.timezone,
        }

    def apology(self) -> str:
        """The kind answer a customer gets when handling their message failed."""
        language = self.config.languages.default
        return self.renderer().render(language, Reply("error"), **self.reply_context(language))

    def conversations(
        self,
        sessions: async_sessionmaker[AsyncSession],
        classifier: Classifier | None,
        guards: Guards,
        sender: Sender,
        mirror: Mirror | None = None,
        *,
        ordered: bool = False,
    ) -> Conversations:
        return Conversations(
            mirror=mirror,
            ordered=ordered,
            transactions=Transactions(sessions),
            classifier=classifier,
            renderer=self.renderer(),
            config=self.config,
            guards=guards,
            sender=sender,
            reply_context=self.reply_context,
            escalation=self.policy() if self.config.escalation.enabled else None,
        )

    # --- escalation ------------------------------------------------------------------------

    def policy(self) -> EscalationPolicy:
        return EscalationPolicy.from_config(self.config)

    def escalator(
        self,
        sessions: async_sessionmaker[AsyncSession],
        telegram: Sender | None,
        mirror: Mirror | None = None,
    ) -> Escalator:
        mailer = self.mailer()
        if mailer is None:
            logger.warning("SMTP_HOST is unset: escalation emails are recorded as skipped")
        if telegram is None:
            logger.warning("no Telegram token: escalation messages to Telegram are skipped")
        return Escalator(
            transactions=Transactions(sessions),
            policy=self.policy(),
            renderer=self.renderer(),
            config=self.config,
            channels=Channels(telegram=telegram, mail=mailer),
            reply_context=self.reply_context,
            mirror=mirror,
        )

    # --- the staff desk ----------------------------------------------------------------------

    def roster(self) -> Roster:
        return self.config.roster()

    def mirror(self, *, kick: Callable[[], None] = lambda: None) -> Mirror:
        """The desk mirror; `kick` is called after a turn queued desk posts (wakes the poster)."""
        return Mirror(
            roster=self.roster(),
            section=self.config.staff,
            renderer=self.renderer(),
            language=self.config.languages.default,
            reply_context=self.reply_context,
            policy=self.policy() if self.config.escalation.enabled else None,
            kick=kick,
        )

    def poster(
        self,
        sessions: async_sessionmaker[AsyncSession],
        transport: DeskTransport,
        mirror: Mirror,
        *,
        wake: asyncio.Event | None = None,
    ) -> DeskPoster:
        """The desk poster; `wake` is the event the mirror's `kick` sets."""
        return DeskPoster(
            transactions=Transactions(sessions),
            transport=transport,
            mirror=mirror,
            clock=utc_now,
            wake=wake,
        )

    def staff_desk(
        self,
        sessions: async_sessionmaker[AsyncSession],
        conversations: Conversations,
        mirror: Mirror,
        transport: DeskTransport,
        supervisors: SupervisorDesk,
    ) -> StaffDesk:
        return StaffDesk(
            transactions=Transactions(sessions),
            conversations=conversations,
            roster=mirror.roster,
            section=self.config.staff,
            mirror=mirror,
            coach=Coach.load(),
            transport=transport,
            policy=self.policy() if self.config.escalation.enabled else None,
            transcript=supervisors.transcript,
            clock=utc_now,
        )

    @asynccontextmanager
    async def operator(self) -> AsyncIterator[Resolver]:
        """What an operator does from the command line (`prima resolve`), in the customers'
        turn order shared with the running bot (its guards); what the customer is sent is
        queued for the bot's dispatcher."""
        async with self.database() as sessions, self.guards(flood_limit=False) as guards:
            yield Resolver(self.conversations(sessions, None, guards, QueuedOnly()))

    def desks(self, supervisors: SupervisorDesk, staff: StaffDesk | None) -> Desks:
        """The one front for staff: the supervisors' desk and, when configured, the staff desk."""
        return Desks(supervisors=supervisors, staff=staff)

    def desk(self, sessions: async_sessionmaker[AsyncSession]) -> SupervisorDesk:
        return SupervisorDesk(
            transactions=Transactions(sessions),
            policy=self.policy(),
            roster=self.roster(),
            renderer=self.renderer(),
            language=self.config.languages.default,
            reply_context=self.reply_context,
            clock=utc_now,
        )
