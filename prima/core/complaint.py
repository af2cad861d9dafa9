"""What a customer's message is: one of the four complaint kinds, or not a complaint."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Category(StrEnum):
    """The four kinds of complaint from the Pelayanan Prima course, plus `none`."""

    MECHANICAL = "mechanical"
    ATTITUDINAL = "attitudinal"
    SERVICE = "service"
    UNUSUAL = "unusual"
    NONE = "none"

    @property
    def is_complaint(self) -> bool:
        return self is not Category.NONE


COMPLAINT_INTENT_PREFIX = "complaint_"

COMPLAINT_INTENTS: dict[str, Category] = {
    f"{COMPLAINT_INTENT_PREFIX}{category.value}": category
    for category in Category
    if category.is_complaint
}

# The conversational intents the NLU model knows besides the complaint kinds.
CONVERSATION_INTENTS: frozenset[str] = frozenset(
    {
        "greet",
        "goodbye",
        "thanks",
        "affirm",
        "deny",
        "request_human",
        "ask_status",
        "ask_info",
        "out_of_scope",
        "chitchat",
    }
)

KNOWN_INTENTS: frozenset[str] = frozenset(COMPLAINT_INTENTS) | CONVERSATION_INTENTS


def category_for_intent(intent: str | None) -> Category:
    """The complaint category an intent stands for; `none` for everything else."""
    if intent is None:
        return Category.NONE
    return COMPLAINT_INTENTS.get(intent, Category.NONE)


@dataclass(frozen=True, slots=True)
class IntentScore:
    intent: str
    confidence: float


@dataclass(frozen=True, slots=True)
class Entity:
    """A value found in the text, e.g. `reference` = `PRM-7K3Q`."""

    entity: str
    value: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Classification:
    """The NLU's reading of one message, as the rest of the app sees it."""

    text: str
    intent: str | None
    confidence: float
    fallback: bool
    ranking: tuple[IntentScore, ...] = ()
    entities: tuple[Entity, ...] = ()
    truncated: bool = False
    # The two complaint kinds at the top of the ranking when they came out close.
    close_kinds: tuple[Category, ...] = ()
    category: Category = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "category", category_for_intent(self.intent))

    @property
    def references(self) -> tuple[str, ...]:
        return tuple(e.value for e in self.entities if e.entity == "reference")

    def to_dict(self) -> dict[str, Any]:
        return {
            "category": self.category.value,
            "intent": self.intent,
            "confidence": round(self.confidence, 4),
            "fallback": self.fallback,
            "ranking": [
                {"intent": s.intent, "confidence": round(s.confidence, 4)} for s in self.ranking
            ],
            "entities": [
                {"entity": e.entity, "value": e.value, "start": e.start, "end": e.end}
                for e in self.entities
            ],
            "truncated": self.truncated,
            "close_kinds": [k.value for k in self.close_kinds],
        }


def close_kinds(ranking: tuple[IntentScore, ...], margin: float) -> tuple[Category, ...]:
    """The top two intents' kinds when both are complaint kinds less than `margin` apart."""
    if len(ranking) < 2 or margin <= 0:
        return ()
    first, second = ranking[0], ranking[1]
    kinds = (category_for_intent(first.intent), category_for_intent(second.intent))
    if all(k.is_complaint for k in kinds) and first.confidence - second.confidence < margin:
        return kinds
    return ()
