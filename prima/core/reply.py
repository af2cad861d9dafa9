"""What the bot says: a template to render, its context, and the buttons under it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Button:
    """An inline button: a label key from `templates/<lang>/labels.yml` and its callback data."""

    label: str
    data: str
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Reply:
    """A message to send: which template to render, with what context.

    `lead` names a template rendered first in the same message (an acknowledgement before
    a question), so one turn reads as one message.
    """

    template: str
    context: dict[str, Any] = field(default_factory=dict)
    buttons: tuple[tuple[Button, ...], ...] = ()
    lead: str | None = None


@dataclass(frozen=True, slots=True)
class Rendered:
    """A message ready to send: Telegram HTML text and button rows of (label, data)."""

    text: str
    buttons: tuple[tuple[tuple[str, str], ...], ...] = ()

    def rows(self) -> list[list[list[str]]]:
        """The button rows as a sender and the stored outbox take them: [[[label, data]]]."""
        return [[list(b) for b in row] for row in self.buttons]


@dataclass(frozen=True, slots=True)
class Email:
    """An email ready to send: subject, plain text and its HTML alternative."""

    subject: str
    text: str
    html: str
