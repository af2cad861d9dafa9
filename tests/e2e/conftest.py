"""The real PTB Application against a fake Bot API server, with the real Rasa server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bench.fakes.telegram import TOKEN, FakeTelegram
from bot.telegram import run_telegram
from nlu.server import LocalRasaServer
from prima.bootstrap import Runtime
from prima.config import ServiceConfig
from prima.settings import Settings
from prima.storage.database import create_engine, sessions
from prima.storage.unit_of_work import Transactions, UnitOfWork


@dataclass
class RunningBot:
    runtime: Runtime
    telegram: FakeTelegram
    database_url: str

    @asynccontextmanager
    async def reads(self) -> AsyncIterator[UnitOfWork]:
        """The bot's records, read from its database."""
        engine = create_engine(self.database_url)
        try:
            async with Transactions(sessions(engine)).reads() as uow:
                yield uow
        finally:
            await engine.dispose()


BotFactory = Callable[..., "asynccontextmanager[RunningBot]"]


def make_runtime(
    tmp_path: Path,
    telegram: FakeTelegram,
    rasa: LocalRasaServer,
    database_url: str,
    redis_url: str | None = None,
    config: ServiceConfig | None = None,
    **more: Any,
) -> Runtime:
    """The bot's runtime against the fake Bot API and the test Rasa server (`more`: other
    settings by field name)."""
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        state_dir=tmp_path / "state",
        telegram_api_base_url=telegram.base_url,
        rasa_url=rasa.url,
        rasa_token=rasa.token,
        database_url=database_url,
        redis_url=redis_url,
        **more,
    )
    return Runtime(settings, config or ServiceConfig())


@asynccontextmanager
async def running(runtime: Runtime, telegram: FakeTelegram) -> AsyncIterator[None]:
    """The bot polling the fake server until the block ends (a clean SIGTERM-like stop)."""
    stop = asyncio.Event()
    polls = telegram.calls.count("getUpdates")
    task = asyncio.create_task(run_telegram(runtime, TOKEN, stop))
    try:
        async with asyncio.timeout(60):
            while telegram.calls.count("getUpdates") <= polls:
                if task.done():
                    task.result()
                await asyncio.sleep(0.02)
        yield
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)


@pytest.fixture
async def bot(
    tmp_path: Path,
    telegram: FakeTelegram,
    rasa_server: LocalRasaServer,
    database_url: str,
) -> AsyncIterator[RunningBot]:
    runtime = make_runtime(tmp_path, telegram, rasa_server, database_url)
    async with running(runtime, telegram):
        yield RunningBot(runtime, telegram, database_url)
