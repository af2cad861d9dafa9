"""The conversation service on a real database and the real NLU, without Telegram."""

from __future__ import annotations

from pathlib import Path

import pytest

from actions.turns import Conversations
from nlu.client import RasaClient
from prima.bootstrap import Runtime
from prima.config import ServiceConfig
from prima.core.events import Command, Text
from prima.core.turn import Incoming
from prima.guards import MemoryGuards
from prima.settings import Settings

pytestmark = pytest.mark.rasa


class Collect:
    """A sender that keeps what it was given."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    async def send(self, chat_id: int, text: str, buttons: list[list[list[str]]]) -> int:
        self.texts.append(text)
        return len(self.texts)


def say(user: int, text: str, update_id: int) -> Incoming:
    event = Command(text.lstrip("/")) if text.startswith("/") else Text(text)
    return Incoming(user, user, "Budi", event, "text", text, update_id=update_id)


@pytest.fixture
def runtime_on_sqlite(tmp_path: Path) -> Runtime:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, state_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'p.db'}"
    )
    return Runtime(settings, ServiceConfig())


async def test_two_instances_sharing_a_database_keep_one_conversation(
    runtime_on_sqlite: Runtime, nlu: RasaClient
) -> None:
    runtime = runtime_on_sqlite
    async with runtime.database() as sessions:
        first, second = Collect(), Collect()
        a = runtime.conversations(sessions, nlu, MemoryGuards(50, 10), first)
        b = runtime.conversations(sessions, nlu, MemoryGuards(50, 10), second)
        complaint = "Printer antrean di loket rusak, nomor antrean tidak keluar"
        await b.handle(say(9, complaint, 1))  # b remembers: collecting
        await a.handle(say(9, "/cancel", 2))  # a moves the chat back to idle
        # b's memory is stale; the stored state decides, and the NLU is asked after all.
        await b.handle(say(9, "Petugas di loket 5 membentak saya tadi pagi", 3))
        await a.flush()
        await b.flush()
    assert "Apa yang Anda sampaikan sangat penting" in second.texts[-1]


async def test_an_update_handled_by_one_instance_is_skipped_by_another(
    runtime_on_sqlite: Runtime, nlu: RasaClient
) -> None:
    runtime = runtime_on_sqlite
    async with runtime.database() as sessions:
        first, second = Collect(), Collect()
        a: Conversations = runtime.conversations(sessions, nlu, MemoryGuards(50, 10), first)
        b: Conversations = runtime.conversations(sessions, nlu, MemoryGuards(50, 10), second)
        await a.handle(say(10, "/start", 7))
        result = await b.handle(say(10, "/start", 7))  # its memory has not seen update 7
        await a.flush()
    assert result.outcome.value == "duplicate"
    assert (len(first.texts), len(second.texts)) == (1, 0)
