"""A customer's conversation as data: where it stands and what has been collected. What comes
in is `prima.core.events`; what a decision knows and decides is `prima.core.decision`.

Everything here is plain, serialisable data; the decisions live in `actions.decide`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from prima.core.complaint import Category

MAX_ANSWER_LENGTH = 1000


class Step(StrEnum):
    """Where the conversation stands: what the bot is waiting for."""

    IDLE = "idle"
    CLARIFYING = "clarifying"
    CHOOSING_CASE = "choosing_case"
    COLLECTING = "collecting"
    CONFIRMING = "confirming"
    CORRECTING = "correcting"
    RATING = "rating"
    COMMENTING = "commenting"
    WITH_AGENT = "with_agent"  # a person from the staff desk is talking to the customer


class Need(StrEnum):
    """A question the bot may ask to record the customer's needs (A3: record every need)."""

    DESCRIPTION = "description"
    ITEM = "item"
    PLACE_TIME = "place_time"
    PERSON = "person"
    REFERENCE = "reference"
    EXPECTATION = "expectation"


# The facts each question records on the case (`Draft.answers` keys). A fact already taken
# from what the customer said is never asked for; None records "asked, nothing given".
DETAILS: dict[Need, tuple[str, ...]] = {
    Need.DESCRIPTION: ("description",),
    Need.ITEM: ("item",),
    Need.PLACE_TIME: ("place", "time"),
    Need.PERSON: ("person",),
    Need.REFERENCE: ("reference",),
    Need.EXPECTATION: ("expectation",),
}
# The order facts are read back in (restatement, desk card, escalation messages).
DETAIL_ORDER: tuple[str, ...] = (
    "description",
    "item",
    "person",
    "place",
    "time",
    "reference",
    "expectation",
)


# The questions asked for each kind of complaint, in order (DOMAIN.md: record the needs).
QUESTIONS: dict[Category, tuple[Need, ...]] = {
    Category.MECHANICAL: (Need.ITEM, Need.PLACE_TIME, Need.REFERENCE, Need.EXPECTATION),
    Category.ATTITUDINAL: (Need.PLACE_TIME, Need.PERSON, Need.EXPECTATION),
    Category.SERVICE: (Need.REFERENCE, Need.PLACE_TIME, Need.EXPECTATION),
    Category.UNUSUAL: (Need.PLACE_TIME, Need.EXPECTATION),
    Category.NONE: (Need.EXPECTATION,),
}
# Questions a customer may pass on (a "skip" button is offered).
OPTIONAL: frozenset[Need] = frozenset({Need.ITEM, Need.REFERENCE, Need.PERSON, Need.PLACE_TIME})


class NeedKind(StrEnum):
    PRACTICAL = "practical"
    PHYSICAL = "physical"
    EMOTIONAL = "emotional"


# Resolutions offered as buttons for the expectation question, and the need each serves.
RESOLUTIONS: dict[str, NeedKind] = {
    "repair": NeedKind.PRACTICAL,
    "refund": NeedKind.PRACTICAL,
    "explanation": NeedKind.PRACTICAL,
    "comfort": NeedKind.PHYSICAL,
    "apology": NeedKind.EMOTIONAL,
}


class Rating(StrEnum):
    """Satisfaction levels from the course (DOMAIN.md)."""

    KURANG_PUAS = "kurang_puas"
    PUAS = "puas"
    SANGAT_PUAS = "sangat_puas"


@dataclass(frozen=True, slots=True)
class Attachment:
    """Something the customer sent besides text: Telegram's file id and metadata, not the file."""

    kind: str
    file_id: str | None = None
    file_unique_id: str | None = None
    mime_type: str | None = None
    file_name: str | None = None
    file_size: int | None = None
    caption: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    message_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Attachment:
        return cls(**data)


@dataclass(frozen=True, slots=True)
class Draft:
    """A complaint being recorded, before the customer confirms it."""

    category: Category
    confidence: float | None
    intent: str | None
    answers: dict[str, str | None] = field(default_factory=dict)
    resolution: str | None = None
    notes: tuple[str, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    asking: Need | None = None
    editing: bool = False
    time_at: str | None = None  # the time said, as an ISO date-time where it could be read

    def questions(self) -> tuple[Need, ...]:
        return QUESTIONS[self.category]

    def missing(self, need: Need) -> tuple[str, ...]:
        """The facts of `need` neither said nor asked for yet."""
        if need is Need.EXPECTATION and self.resolution:
            return ()
        return tuple(d for d in DETAILS[need] if d not in self.answers)

    def next_question(self) -> Need | None:
        order = (Need.DESCRIPTION, *self.questions())
        return next((q for q in order if self.missing(q)), None)

    def details(self) -> list[tuple[str, str]]:
        """The facts recorded so far, in reading order (empty ones left out)."""
        known = [(d, v) for d in DETAIL_ORDER if (v := self.answers.get(d))]
        extra = [(d, v) for d, v in self.answers.items() if v and d not in DETAIL_ORDER]
        return known + extra

    def need_kind(self) -> NeedKind | None:
        return RESOLUTIONS.get(self.resolution or "")

    def to_dict(self) -> dict[str, Any]:
        return {
            "category": self.category.value,
            "confidence": self.confidence,
            "intent": self.intent,
            "answers": dict(self.answers),
            "resolution": self.resolution,
            "notes": list(self.notes),
            "attachments": [a.to_dict() for a in self.attachments],
            "asking": self.asking.value if self.asking else None,
            "editing": self.editing,
            "time_at": self.time_at,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Draft:
        return cls(
            category=Category(data["category"]),
            confidence=data.get("confidence"),
            intent=data.get("intent"),
            answers=_current_answers(data.get("answers") or {}),
            resolution=data.get("resolution"),
            notes=tuple(data.get("notes") or ()),
            attachments=tuple(Attachment.from_dict(a) for a in data.get("attachments") or ()),
            asking=Need(data["asking"]) if data.get("asking") else None,
            editing=bool(data.get("editing")),
            time_at=data.get("time_at"),
        )


def _current_answers(stored: dict[str, str | None]) -> dict[str, str | None]:
    """Answers as stored; a draft saved when place and time were one answer keeps it under
    its own name (read back as "place and time"), with both counted as asked."""
    answers = dict(stored)
    if "place_time" in answers:
        answers.setdefault("place", None)
        answers.setdefault("time", None)
    return answers


@dataclass(frozen=True, slots=True)
class Pending:
    """A message not yet placed: waiting for its kind, or for which case it belongs to."""

    texts: tuple[str, ...] = ()
    category: Category | None = None
    confidence: float | None = None
    intent: str | None = None
    offered: tuple[str, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    # Facts taken from the texts so far (`Draft.answers` keys), and the resolution wished.
    details: dict[str, str | None] = field(default_factory=dict)
    resolution: str | None = None
    time_at: str | None = None
    kinds: tuple[str, ...] = ()  # the two kinds offered when the NLU found them close

    def to_dict(self) -> dict[str, Any]:
        return {
            "kinds": list(self.kinds),
            "texts": list(self.texts),
            "category": self.category.value if self.category else None,
            "confidence": self.confidence,
            "intent": self.intent,
            "offered": list(self.offered),
            "attachments": [a.to_dict() for a in self.attachments],
            "details": dict(self.details),
            "resolution": self.resolution,
            "time_at": self.time_at,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Pending:
        return cls(
            texts=tuple(data.get("texts") or ()),
            category=Category(data["category"]) if data.get("category") else None,
            confidence=data.get("confidence"),
            intent=data.get("intent"),
            offered=tuple(data.get("offered") or ()),
            attachments=tuple(Attachment.from_dict(a) for a in data.get("attachments") or ()),
            details=dict(data.get("details") or {}),
            kinds=tuple(data.get("kinds") or ()),
            resolution=data.get("resolution"),
            time_at=data.get("time_at"),
        )


@dataclass(frozen=True, slots=True)
class Agent:
    """The staff member talking to the customer about a case, as the customer knows them."""

    reference: str
    alias: str


@dataclass(frozen=True, slots=True)
class State:
    """The whole conversation state of one customer; stored after every turn."""

    step: Step = Step.IDLE
    draft: Draft | None = None
    parked: Draft | None = None
    pending: Pending | None = None
    feedback_case: str | None = None
    rating: Rating | None = None
    language_chosen: bool = False
    agent: Agent | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "draft": self.draft.to_dict() if self.draft else None,
            "parked": self.parked.to_dict() if self.parked else None,
            "pending": self.pending.to_dict() if self.pending else None,
            "feedback_case": self.feedback_case,
            "rating": self.rating.value if self.rating else None,
            "language_chosen": self.language_chosen,
            "agent": asdict(self.agent) if self.agent else None,
        }

    @classmethod
    def from_stored(cls, step: str, data: dict[str, Any]) -> State:
        return cls(
            step=Step(step),
            draft=Draft.from_dict(data["draft"]) if data.get("draft") else None,
            parked=Draft.from_dict(data["parked"]) if data.get("parked") else None,
            pending=Pending.from_dict(data["pending"]) if data.get("pending") else None,
            feedback_case=data.get("feedback_case"),
            rating=Rating(data["rating"]) if data.get("rating") else None,
            language_chosen=bool(data.get("language_chosen")),
            agent=Agent(**data["agent"]) if data.get("agent") else None,
        )


def clip(text: str, limit: int = MAX_ANSWER_LENGTH) -> str:
    """An answer as stored in the draft; the transcript keeps the full message."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
