"""Shared fixtures. The Rasa ones train (or reuse) the real model and start the real server."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bench.fakes.telegram import FakeTelegram
from nlu.client import RasaClient
from nlu.server import LocalRasaServer
from prima.bootstrap import Runtime
from prima.config import ServiceConfig
from prima.settings import Settings


@pytest.fixture(scope="session")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Runtime:
    """Default configuration; the model cache is shared with `make test`'s `prima train`."""
    state = tmp_path_factory.mktemp("state")
    settings = Settings(_env_file=None, state_dir=state, rasa_url=None)  # type: ignore[call-arg]
    return Runtime(settings, ServiceConfig())


@pytest.fixture(scope="session")
def model(runtime: Runtime) -> Path:
    return runtime.ensure_model().model


@pytest.fixture(scope="session")
async def rasa_server(runtime: Runtime, model: Path) -> AsyncIterator[LocalRasaServer]:
    server = LocalRasaServer(
        runtime.rasa_env, model, log_path=runtime.settings.state_dir / "rasa.log"
    )
    async with server:
        yield server


@pytest.fixture
async def nlu(runtime: Runtime, rasa_server: LocalRasaServer) -> AsyncIterator[RasaClient]:
    async with runtime.nlu_client(rasa_server.url, rasa_server.token) as client:
        yield client


POSTGRES_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A fresh, empty database: a SQLite file, or a new PostgreSQL database dropped after."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'prima.db'}"
        return
    import asyncpg  # type: ignore[import-untyped]

    name = f"prima_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(POSTGRES_ADMIN)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    admin = await asyncpg.connect(POSTGRES_ADMIN)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    """A fake Telegram Bot API server on loopback."""
    fake = FakeTelegram()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def redis_url() -> AsyncIterator[str]:
    """A Redis database of its own (flushed before and after)."""
    from redis.asyncio import Redis

    url = "redis://127.0.0.1:6379/9"
    client = Redis.from_url(url)
    await client.flushdb()
    yield url
    await client.flushdb()
    await client.aclose()
