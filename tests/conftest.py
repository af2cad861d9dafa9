"""Shared fixtures. The Rasa ones train (or reuse) the real model and start the real server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

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
