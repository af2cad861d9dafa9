"""The outside world, opened from the settings: the database, the guards, the NLU and SMTP.

Half of the composition root: `prima.bootstrap.Runtime` builds the application's parts on
these connections. Each is opened (and closed) by whoever serves, never at import time.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from redis.asyncio import BlockingConnectionPool, Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from nlu.client import RasaClient
from nlu.environment import RasaEnvironment
from nlu.server import LocalRasaServer
from nlu.training import NLUProject, TrainResult, train
from prima.config import ServiceConfig
from prima.core.ports import Classifier, Guards
from prima.guards import MemoryGuards, RedisGuards
from prima.mail import SmtpMailer
from prima.settings import Settings
from prima.storage.database import create_engine, default_url, migrate, sessions
from prima.storage.unit_of_work import Transactions, UnitOfWork


@dataclass(frozen=True, slots=True)
class Connections:
    """The settings and the service's configuration, and what they connect to."""

    settings: Settings
    config: ServiceConfig

    # --- the NLU ---------------------------------------------------------------------------

    @property
    def rasa_env(self) -> RasaEnvironment:
        return RasaEnvironment.for_cache(self.settings.cache_dir)

    def ensure_model(self, *, force: bool = False) -> TrainResult:
        """Train the NLU model unless one for the current data and config exists."""
        env = self.rasa_env
        env.require()
        return train(env, NLUProject(), self.settings.models_path, force=force)

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

    # --- the database ----------------------------------------------------------------------

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

    def transactions(self, sessions: async_sessionmaker[AsyncSession]) -> Transactions:
        """Units of work on the database's sessions (a serving process's readiness pings it)."""
        return Transactions(sessions)

    @asynccontextmanager
    async def reads(self) -> AsyncIterator[UnitOfWork]:
        """A read-only unit of work on the database (`prima cases`)."""
        async with self.database() as sessions, Transactions(sessions).reads() as uow:
            yield uow

    # --- the guards and SMTP ---------------------------------------------------------------

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
