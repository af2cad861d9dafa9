"""Reading what staff do at the desk: topic commands and the buttons under desk messages (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from prima.core.commands import parse_command


class Verb(StrEnum):
    TAKE = "take"
    RELEASE = "release"
    RESOLVE = "resolve"
    TRANSFER = "transfer"
    NOTE = "note"
    TRANSCRIPT = "transcript"
    SEND = "send"  # send a coached message anyway


# Commands typed in a case's topic; the supervisors' /cases, /case and /ack stay theirs.
COMMANDS: dict[str, str] = {
    "take": "take this case: your messages here go to the customer",
    "release": "hand the conversation back to the bot",
    "resolve": "close the case (optionally: how it was resolved)",
    "transfer": "give the case to another agent",
    "note": "an internal note (stays in the group)",
    "transcript": "the conversation so far",
}
BUTTON_PREFIX = "desk:"
_BUTTONS = {
    "take": Verb.TAKE,
    "res": Verb.RESOLVE,
    "tr": Verb.TRANSCRIPT,
    "to": Verb.TRANSFER,
    "send": Verb.SEND,
}
_BUTTON_NAMES = {verb: name for name, verb in _BUTTONS.items()}


@dataclass(frozen=True, slots=True)
class DeskAction:
    """One staff action. `reference` comes from a button (commands act on the topic's case)."""

    verb: Verb
    argument: str = ""
    reference: str | None = None


def desk_action(text_or_data: str) -> DeskAction | None:
    """`/transfer Rina`, `/note called back` or button data `desk:take:PRM-7K3Q`; else None."""
    if text_or_data.startswith(BUTTON_PREFIX):
        parts = text_or_data.removeprefix(BUTTON_PREFIX).split(":", 2)
        verb = _BUTTONS.get(parts[0])
        if verb is None or len(parts) < 2 or not parts[1]:
            return None
        return DeskAction(verb, parts[2] if len(parts) > 2 else "", parts[1].upper())
    command = parse_command(text_or_data) if text_or_data.startswith("/") else None
    if command is None or command.name not in COMMANDS:
        return None
    return DeskAction(Verb(command.name), command.argument)


def button(verb: Verb, reference: str, argument: str = "") -> str:
    """Callback data for a desk button (Telegram allows 64 bytes)."""
    data = f"{BUTTON_PREFIX}{_BUTTON_NAMES[verb]}:{reference}"
    return f"{data}:{argument}" if argument else data
