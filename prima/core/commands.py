"""Reading a slash command typed by a customer."""

from __future__ import annotations

import re

from prima.core.events import Command

COMMANDS: dict[str, str] = {
    "start": "start a conversation",
    "status": "your cases in progress",
    "agent": "talk to a staff member",
    "lang": "choose a language",
    "cancel": "leave the current step",
    "resume": "continue a paused report",
    "help": "what the bot can do",
}
_COMMAND = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@[A-Za-z0-9_]+)?(?:\s+(.*))?$", re.DOTALL)


def parse_command(text: str) -> Command | None:
    """`/lang en` -> Command("lang", "en"); `/start@PrimaBot` -> Command("start"); else None."""
    match = _COMMAND.match(text.strip())
    if match is None:
        return None
    return Command(match.group(1).casefold(), (match.group(2) or "").strip())
