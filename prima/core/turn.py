"""One customer turn as the adapters hand it over, and what came of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from prima.core.complaint import Classification
from prima.core.events import Event


@dataclass(frozen=True, slots=True)
class Incoming:
    """One thing a customer did, as the adapters hand it over."""

    user_id: int
    chat_id: int
    first_name: str | None
    event: Event
    kind: str
    text: str | None = None
    update_id: int | None = None
    message_id: int | None = None


class Outcome(Enum):
    HANDLED = "handled"
    DUPLICATE = "duplicate"
    FLOODED = "flooded"


@dataclass(slots=True)
class TurnResult:
    outcome: Outcome
    sent: list[int] = field(default_factory=list)
    classification: Classification | None = None
    language: str | None = None  # the customer's language after the turn
