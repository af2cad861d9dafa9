"""What a decision needs to know (`Facts`, the customer's open cases) and what it decides:
the next state, the replies and the effects storage carries out.

Plain data, like the rest of the core."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from prima.core.complaint import Category
from prima.core.conversation import (
    Attachment,
    Draft,
    Rating,
    State,
)
from prima.core.reply import Reply


@dataclass(frozen=True, slots=True)
class CaseView:
    """One of the customer's cases as the conversation sees it."""

    reference: str
    category: Category
    status: str
    human_requested: bool
    opened_at: datetime


@dataclass(frozen=True, slots=True)
class Facts:
    """Everything outside the conversation state that a decision depends on."""

    language: str
    supported_languages: tuple[str, ...]
    open_cases: tuple[CaseView, ...]
    new_reference: str
    open_now: bool
    now: datetime  # in the office's time zone: "kemarin sore" is read against it
    name: str | None = None


@dataclass(frozen=True, slots=True)
class OpenCase:
    reference: str
    draft: Draft
    human_requested: bool = False


@dataclass(frozen=True, slots=True)
class AddToCase:
    reference: str
    texts: tuple[str, ...]
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True, slots=True)
class RequestHuman:
    reference: str


@dataclass(frozen=True, slots=True)
class RecordRating:
    reference: str
    rating: Rating


@dataclass(frozen=True, slots=True)
class RecordComment:
    reference: str
    comment: str


@dataclass(frozen=True, slots=True)
class SetLanguage:
    language: str


Effect = OpenCase | AddToCase | RequestHuman | RecordRating | RecordComment | SetLanguage


@dataclass(frozen=True, slots=True)
class Decision:
    state: State
    replies: tuple[Reply, ...]
    effects: tuple[Effect, ...] = ()
    language: str | None = None

    def but(self, **changes: Any) -> Decision:
        return replace(self, **changes)
