"""The composition root: the one place where settings become running components."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from redis.asyncio import BlockingConnectionPool, Redis
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
from nlu.client import RasaClient
from nlu.environment import RasaEnvironment
from nlu.server import LocalRasaServer
from nlu.training import NLUProject, TrainResult, train
from prima.config import ServiceConfig
from prima.core.hours import describe_opening_hours
from prima.core.ports import Classifier, DeskTransport, Guards, Sender, utc_now
from prima.core.reply import Reply
from prima.core.roster import Roster
from prima.delivery import QueuedOnly
from prima.guards import MemoryGuards, RedisGuards
from prima.mail import SmtpMailer
from prima.rendering import Renderer
from prima.settings import Settings
from prima.storage.database import create_engine, default_url, migrate, sessions
from prima.storage.unit_of_work import Transactions, UnitOfWork

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Runtime:
    settings: Settings
    config: ServiceConfig

    @property
    def rasa_env(self) -> RasaEnvironment:
        return RasaEnvironment.for_cache(self.settings.cache_dir)

    def ensure_model(self, *, force: bool = False) -> TrainResult:
        """Train the NLU model unless one for the current data and config exists."""
        env = self.rasa_env
        env.require()
        return train(env, NLUProject(), self.settings.models_path, force=force)

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

    def nlu_client(self, url: str, token: str | None) -> RasaClient:
        nlu = self.config.nlu
        return RasaClient(
            url,
            token=token,
            threshold=nlu.confidence_threshold,
            ambiguity=nlu.ambiguity_threshold,
            timeout=nlu.request_timeout_seconds,
            max_retries=nlu.max_retries,
            max_text_length=nlu.max_text_length,
        )

    @asynccontextmanager
    async def classifier(self) -> AsyncIterator[Classifier]:
        """A client for `RASA_URL`, or for a local Rasa server started (and stopped) here."""
        if self.settings.rasa_url:
            token = self.settings.rasa_token
            secret = token.get_secret_value() if token else None
            async with self.nlu_client(self.settings.rasa_url, secret) as client:
                yield client
            return
        server = LocalRasaServer(
            self.rasa_env,
            self.ensure_model().model,
            log_path=self.settings.state_dir / "logs" / "rasa.log",
            start_timeout=self.config.nlu.server_start_timeout_seconds,
        )
        async with server, self.nlu_client(server.url, server.token) as client:
            yield client

    @property
    def database_url(self) -> str:
        return self.settings.database_url or default_url(self.settings.state_dir)

    @asynccontextmanager
    async def database(
        self, *, upgrade: bool = True
    ) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
        """Sessions on `DATABASE_URL` (SQLite under the state directory when unset).

        The schema is brought up to date first unless `upgrade` is False.
        """
        engine = create_engine(self.database_url)
        try:
            if upgrade:
                await migrate(engine)
            yield sessions(engine)
        finally:
            await engine.dispose()

    @asynccontextmanager
    async def guards(self, *, flood_limit: bool = True) -> AsyncIterator[Guards]:
        """Redis-backed when `REDIS_URL` is set, otherwise in this process's memory.

        The console (one local user, maybe typing from a script) has no flood limit.
        """
        limits = self.config.conversation
        messages = limits.flood_messages if flood_limit else 1_000_000
        guards: Guards
        if self.settings.redis_url:
            # A blocking pool: a burst of turns waits for a connection instead of failing.
            pool = BlockingConnectionPool.from_url(
                self.settings.redis_url, max_connections=64, timeout=30
            )
            redis = Redis(connection_pool=pool)
            await redis.ping()
            guards = RedisGuards(redis, messages, limits.flood_seconds)
        else:
            guards = MemoryGuards(messages, limits.flood_seconds)
        try:
            yield guards
        finally:
            await guards.close()

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

    def mailer(self) -> SmtpMailer | None:
        """SMTP from the environment; None when `SMTP_HOST` is unset."""
        s = self.settings
        if not s.smtp_host:
            return None
        return SmtpMailer(
            s.smtp_host,
            s.smtp_port,
            s.smtp_from,
            username=s.smtp_username,
            password=s.smtp_password.get_secret_value() if s.smtp_password else None,
            security=s.smtp_security,
        )

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
    async def reads(self) -> AsyncIterator[UnitOfWork]:
        """A read-only unit of work on the database (`prima cases`)."""
        async with self.database() as sessions, Transactions(sessions).reads() as uow:
            yield uow

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
