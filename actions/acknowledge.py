"""Choosing the bot's answer to one classified message."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from prima.core.complaint import Category, Classification

# Conversational intents with a reply of their own; anything else gets `small_talk`.
_INTENT_TEMPLATES = {
    "greet": "greet",
    "goodbye": "goodbye",
    "thanks": "thanks",
    "affirm": "affirm",
    "deny": "deny",
    "request_human": "request_human",
    "ask_status": "ask_status",
    "out_of_scope": "out_of_scope",
    "chitchat": "chitchat",
}


@dataclass(frozen=True, slots=True)
class Reply:
    """A message to send: which template to render, with what context."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)


def acknowledge(classification: Classification) -> Reply:
    """An empathetic acknowledgement suited to the kind of complaint, a clarifying question
    when the model is unsure, or the matching answer to a conversational message."""
    if classification.fallback:
        return Reply(
            "clarify_category", {"categories": [c.value for c in Category if c.is_complaint]}
        )
    if classification.category.is_complaint:
        return Reply(
            f"acknowledge_{classification.category.value}",
            {"references": list(classification.references)},
        )
    template = _INTENT_TEMPLATES.get(classification.intent or "", "out_of_scope")
    return Reply(template, {"references": list(classification.references)})


_CHOICES = {
    "1": Category.MECHANICAL,
    "2": Category.ATTITUDINAL,
    "3": Category.SERVICE,
    "4": Category.UNUSUAL,
}


def category_from_choice(answer: str) -> Category | None:
    """The category a customer picked from the clarifying question (by number or name)."""
    choice = answer.strip().rstrip(".").casefold()
    if choice in _CHOICES:
        return _CHOICES[choice]
    for category in _CHOICES.values():
        if choice == category.value:
            return category
    return None


def acknowledge_category(category: Category, references: list[str] | None = None) -> Reply:
    """The acknowledgement for a complaint whose category the customer chose themselves."""
    return Reply(f"acknowledge_{category.value}", {"references": references or []})
