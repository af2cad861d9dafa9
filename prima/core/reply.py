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
