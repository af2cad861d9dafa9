"""The local console chat: one customer, in the terminal, on the same core as Telegram."""

from __future__ import annotations

import asyncio
import itertools
from typing import TextIO

from prima.assembly import assembled
from prima.bootstrap import Runtime
from prima.core.commands import parse_command
from prima.core.complaint import Classification
from prima.core.events import Press, Text
from prima.core.reply import Reply
from prima.core.turn import Incoming
from prima.rendering import to_plain_text

HELP = "(/lang id | /lang en to switch language, /quit to leave; type a number to press a button)"
PROMPT = {"id": "Anda", "en": "You"}
# The console customer: ids no Telegram user has.
CONSOLE_USER = 0


class ConsoleSender:
    """Prints the bot's messages as plain text, buttons as a numbered list."""

    def __init__(self, name: str, stdout: TextIO) -> None:
        self._name = name
        self._out = stdout
        self._ids = itertools.count(1)
        self.buttons: list[str] = []

    async def send(self, chat_id: int, text: str, buttons: list[list[list[str]]]) -> int:
        print(f"\n{self._name}: {to_plain_text(text)}", file=self._out, flush=True)
        flat = [button for row in buttons for button in row]
        self.buttons = [data for _, data in flat]
        for number, (label, _) in enumerate(flat, start=1):
            print(f"  [{number}] {label}", file=self._out, flush=True)
        return next(self._ids)

    async def copy(
        self, chat_id: int, from_chat_id: int, message_id: int, reply_to: int | None
    ) -> int:
        raise NotImplementedError("the console has no staff desk to copy messages from")


async def run_console(runtime: Runtime, stdin: TextIO, stdout: TextIO) -> int:
    """Chat until end of input or /quit. Each bot message is followed by what the NLU read."""
    logs = runtime.settings.state_dir / "logs"
    print(f"Starting… {HELP}\n(logs: {logs})", file=stdout, flush=True)
    sender = ConsoleSender(runtime.config.service.name, stdout)
    renderer = runtime.renderer()
    # No staff desk here; escalations fire too, and the customer's notices reach this console.
    async with assembled(runtime, sender, flood_limit=False) as parts:
        service = parts.service
        stop = asyncio.Event()
        jobs = asyncio.create_task(parts.run(stop))
        language: str = runtime.config.languages.default
        try:
            await service.handle(_incoming("/start", []))
            while True:
                print(f"\n{PROMPT.get(language, 'Anda')}: ", end="", file=stdout, flush=True)
                line = await asyncio.to_thread(stdin.readline)
                text = line.strip()
                if not line or text in ("/quit", "/exit"):
                    goodbye = renderer.render(
                        language, Reply("goodbye"), **runtime.reply_context(language)
                    )
                    print(f"\n{runtime.config.service.name}: {to_plain_text(goodbye)}", file=stdout)
                    return 0
                result = await service.handle(_incoming(text, sender.buttons))
                if result.classification is not None:
                    print(_describe(result.classification), file=stdout, flush=True)
                language = result.language or language
        finally:
            stop.set()
            await jobs


def _incoming(text: str, buttons: list[str]) -> Incoming:
    if text.isdigit() and 1 <= int(text) <= len(buttons):
        event: Press | Text = Press(buttons[int(text) - 1])
        kind = "button"
    elif (command := parse_command(text)) is not None:
        return Incoming(CONSOLE_USER, CONSOLE_USER, None, command, "command", text)
    else:
        event, kind = Text(text), "text"
    return Incoming(CONSOLE_USER, CONSOLE_USER, None, event, kind, text)


def _describe(result: Classification) -> str:
    flag = ", unsure" if result.fallback else ""
    return f"  [nlu: {result.category.value} · {result.intent} · {result.confidence:.2f}{flag}]"
