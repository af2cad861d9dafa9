"""What staff tell the bot, in one vocabulary for both desks (pure).

- Agents and supervisors type desk commands in a case's topic in the staff group (`/take`,
  `/release`, `/resolve`, `/transfer`, `/note`, `/transcript`) and press the buttons under
  desk messages (callback data `desk:<button>:<REF>[:<argument>]`).
- Supervisors type `/cases`, `/case REF` and `/ack REF` in a private chat or a staff chat,
  and press the buttons under escalation alerts (`esc:<button>:<REF>`).

Callback data is at most 64 bytes (Telegram's limit); references are upper-cased.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from prima.core.commands import parse_command


class StaffVerb(StrEnum):
    CASES = "cases"
    CASE = "case"
    ACK = "ack"
    TAKE = "take"
    RELEASE = "release"
    RESOLVE = "resolve"
    TRANSFER = "transfer"
    NOTE = "note"
    TRANSCRIPT = "transcript"
    SEND = "send"  # send a coached message anyway


class Origin(StrEnum):
    """Where a staff request comes from, which says which desk answers it."""

    DESK = "desk"  # a topic command or a desk button: the staff desk
    SUPERVISOR = "supervisor"  # a supervisor command or an alert button: the supervisors' desk


# Topic commands and what they do (the staff group's command menu).
DESK_COMMANDS: dict[StaffVerb, str] = {
    StaffVerb.TAKE: "take this case: your messages here go to the customer",
    StaffVerb.RELEASE: "hand the conversation back to the bot",
    StaffVerb.RESOLVE: "close the case (optionally: how it was resolved)",
    StaffVerb.TRANSFER: "give the case to another agent",
    StaffVerb.NOTE: "an internal note (stays in the group)",
    StaffVerb.TRANSCRIPT: "the conversation so far",
}
SUPERVISOR_COMMANDS = (StaffVerb.CASES, StaffVerb.CASE, StaffVerb.ACK)

_PREFIXES = {Origin.DESK: "desk:", Origin.SUPERVISOR: "esc:"}
_BUTTONS: dict[Origin, dict[str, StaffVerb]] = {
    Origin.DESK: {
        "take": StaffVerb.TAKE,
        "res": StaffVerb.RESOLVE,
        "tr": StaffVerb.TRANSCRIPT,
        "to": StaffVerb.TRANSFER,
        "send": StaffVerb.SEND,
    },
    Origin.SUPERVISOR: {"ack": StaffVerb.ACK, "take": StaffVerb.TAKE, "tr": StaffVerb.TRANSCRIPT},
}
_NAMES = {
    origin: {verb: name for name, verb in names.items()} for origin, names in _BUTTONS.items()
}


@dataclass(frozen=True, slots=True)
class StaffRequest:
    """One thing staff asked for. `reference` names the case (from a button, or a supervisor
    command's argument); a topic command acts on the topic's case and has none."""

    verb: StaffVerb
    origin: Origin
    argument: str = ""
    reference: str | None = None


@dataclass(frozen=True, slots=True)
class StaffInput:
    """A message, edit, command or button press from someone in a chat the desks may serve:
    the staff group, or a private or group chat where a staff request was made."""

    user_id: int
    chat_id: int
    thread_id: int | None
    message_id: int | None
    kind: str  # text | command | button | photo | document | voice | ...
    text: str | None = None  # the text or caption
    action: StaffRequest | None = None
    reply_to: int | None = None  # the group message this one replies to
    edited: bool = False
    update_id: int | None = None


def is_staff_data(data: str) -> bool:
    """Whether callback data belongs to a staff button (desk or alert)."""
    return data.startswith(tuple(_PREFIXES.values()))


def read_staff(text_or_data: str) -> StaffRequest | None:
    """The staff request in button data or a command; None for anything else."""
    for origin, prefix in _PREFIXES.items():
        if text_or_data.startswith(prefix):
            return _button(origin, text_or_data.removeprefix(prefix))
    command = parse_command(text_or_data) if text_or_data.startswith("/") else None
    if command is None:
        return None
    if command.name in SUPERVISOR_COMMANDS:
        reference = command.argument.upper()
        return StaffRequest(StaffVerb(command.name), Origin.SUPERVISOR, "", reference)
    if command.name in DESK_COMMANDS:
        return StaffRequest(StaffVerb(command.name), Origin.DESK, command.argument)
    return None


def staff_button(origin: Origin, verb: StaffVerb, reference: str, argument: str = "") -> str:
    """Callback data for a staff button."""
    data = f"{_PREFIXES[origin]}{_NAMES[origin][verb]}:{reference}"
    return f"{data}:{argument}" if argument else data


def _button(origin: Origin, rest: str) -> StaffRequest | None:
    parts = rest.split(":", 2)
    verb = _BUTTONS[origin].get(parts[0])
    if verb is None or len(parts) < 2 or not parts[1]:
        return None
    argument = parts[2] if len(parts) > 2 else ""
    return StaffRequest(verb, origin, argument, parts[1].upper())


def desk_request(text_or_data: str) -> StaffRequest | None:
    """A topic command or desk button (the staff desk's), else None."""
    request = read_staff(text_or_data)
    return request if request is not None and request.origin is Origin.DESK else None


def is_desk_data(data: str) -> bool:
    """Whether callback data belongs to a desk button (even one this version cannot read)."""
    return data.startswith(_PREFIXES[Origin.DESK])


def desk_button(verb: StaffVerb, reference: str, argument: str = "") -> str:
    return staff_button(Origin.DESK, verb, reference, argument)


def alert_button(verb: StaffVerb, reference: str) -> str:
    return staff_button(Origin.SUPERVISOR, verb, reference)
