"""What comes in to a conversation: the customer's messages, presses and commands, and what
staff did to the case (resolved it, took it).

Plain data, like the rest of the core."""

from __future__ import annotations

from dataclasses import dataclass

from prima.core.complaint import Classification
from prima.core.conversation import (
    Attachment,
)


@dataclass(frozen=True, slots=True)
class Text:
    """A text message; `classification` is None when the NLU was not asked or is unavailable."""

    text: str
    classification: Classification | None = None


@dataclass(frozen=True, slots=True)
class Press:
    """An inline button pressed (its callback data)."""

    data: str


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    argument: str = ""


@dataclass(frozen=True, slots=True)
class Media:
    attachment: Attachment
    caption: Text | None = None


@dataclass(frozen=True, slots=True)
class Unsupported:
    """Content the bot cannot take (stickers, polls, games, ...)."""

    kind: str


@dataclass(frozen=True, slots=True)
class CaseResolved:
    """Staff resolved one of the customer's cases: time to ask for feedback."""

    reference: str


@dataclass(frozen=True, slots=True)
class AgentChanged:
    """A staff member took the case (`alias`), handed it to another, or gave it back (None)."""

    reference: str
    alias: str | None


Event = Text | Press | Command | Media | Unsupported | CaseResolved | AgentChanged
