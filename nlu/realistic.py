"""Scores for the realistic set, counted as the bot acts on each message.

The bot either answers (acts on the top intent) or falls back (asks a clarifying question).
A fallback on a complaint is not a lost complaint: the question can still lead to one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sklearn.metrics import f1_score

from nlu.calibration import ReliabilityBin, ece_from_table, reliability_table
from nlu.scores import COMPLAINT_LABELS, Scores, score
from prima.core.complaint import COMPLAINT_INTENTS, Category, Classification
from prima.core.language import detect_language

NONE = Category.NONE.value
KIND_LABELS = [*COMPLAINT_LABELS, NONE]
LANGUAGES = ("id", "en")

TARGET_COMPLAINTS_FOUND = 0.95
TARGET_RIGHT_KIND = 0.85
TARGET_NON_COMPLAINTS_ANSWERED = 0.85
TARGET_LANGUAGE_GAP = 0.05


@dataclass(frozen=True, slots=True)
class Answer:
    """What the bot made of one message: its top intent, and whether it asked instead."""

    intent: str | None
    confidence: float
    fallback: bool
    language: str


def answer_from_classification(text: str, classification: Classification) -> Answer:
    return Answer(
        intent=classification.intent,
        confidence=_unit(classification.confidence),
        fallback=classification.fallback,
        language=detect_language(text),
    )


def answers_never_falling_back(
    texts: Sequence[str], predictions: Sequence[tuple[str, float]]
) -> list[Answer]:
    """Answers of a model without a fallback (the baseline): every message is acted on."""
    return [
        Answer(intent, _unit(confidence), fallback=False, language=detect_language(text))
        for text, (intent, confidence) in zip(texts, predictions, strict=True)
    ]


@dataclass(frozen=True, slots=True)
class RealisticScores:
    examples: int
    complaints: int
    non_complaints: int
    languages: dict[str, int]
    # Of true complaints: not answered as a non-complaint (a fallback counts as found).
    complaints_found: float
    # Of true complaints: answered, with the right kind; and the same of those answered.
    right_kind: float
    right_kind_when_answered: float
    # Of true non-complaints: answered as some non-complaint; answered as a complaint.
    non_complaints_answered: float
    non_complaints_taken_for_complaints: float
    fallback_rate: float
    complaint_fallback_rate: float
    non_complaint_fallback_rate: float
    # The model's reading (top intent, fallback or not) over the four kinds and `none`.
    kinds: Scores
    kinds_macro_f1: float
    macro_f1_by_language: dict[str, float]
    language_gap: float | None
    # Confidence against "top intent is the true intent".
    ece: float
    reliability: tuple[ReliabilityBin, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "examples": self.examples,
            "complaints": self.complaints,
            "non_complaints": self.non_complaints,
            "languages": self.languages,
            "complaints_found": self.complaints_found,
            "right_kind": self.right_kind,
            "right_kind_when_answered": self.right_kind_when_answered,
            "non_complaints_answered": self.non_complaints_answered,
            "non_complaints_taken_for_complaints": self.non_complaints_taken_for_complaints,
            "fallback_rate": self.fallback_rate,
            "complaint_fallback_rate": self.complaint_fallback_rate,
            "non_complaint_fallback_rate": self.non_complaint_fallback_rate,
            "kinds": self.kinds.to_dict(),
            "kinds_macro_f1": self.kinds_macro_f1,
            "macro_f1_by_language": self.macro_f1_by_language,
            "language_gap": self.language_gap,
            "ece": self.ece,
            "reliability": [b.to_dict() for b in self.reliability],
        }


def score_realistic(truth: Sequence[str], answers: Sequence[Answer]) -> RealisticScores:
    """Every figure of the realistic set. Shares with nothing to count are 0."""
    if len(truth) != len(answers):
        raise ValueError("truth and answers differ in length")
    if not truth:
        raise ValueError("no messages")
    complaints = [a for t, a in zip(truth, answers, strict=True) if t in COMPLAINT_INTENTS]
    others = [a for t, a in zip(truth, answers, strict=True) if t not in COMPLAINT_INTENTS]
    complaint_truth = [t for t in truth if t in COMPLAINT_INTENTS]
    answered = [(t, a) for t, a in zip(complaint_truth, complaints, strict=True) if not a.fallback]
    right = sum(a.intent == t for t, a in answered)

    true_kinds = [kind(t) for t in truth]
    read_kinds = [kind(a.intent) for a in answers]
    kinds = score(true_kinds, read_kinds, also=KIND_LABELS)
    by_language = {
        language: macro_f1(
            [t for t, a in zip(true_kinds, answers, strict=True) if a.language == language],
            [r for r, a in zip(read_kinds, answers, strict=True) if a.language == language],
        )
        for language in LANGUAGES
        if any(a.language == language for a in answers)
    }
    table = reliability_table(
        [a.confidence for a in answers],
        [a.intent == t for t, a in zip(truth, answers, strict=True)],
    )
    return RealisticScores(
        examples=len(truth),
        complaints=len(complaints),
        non_complaints=len(others),
        languages={
            language: sum(a.language == language for a in answers)
            for language in sorted({a.language for a in answers})
        },
        complaints_found=_share(
            sum(a.fallback or _is_complaint(a.intent) for a in complaints), len(complaints)
        ),
        right_kind=_share(right, len(complaints)),
        right_kind_when_answered=_share(right, len(answered)),
        non_complaints_answered=_share(
            sum(
                not a.fallback and a.intent is not None and not _is_complaint(a.intent)
                for a in others
            ),
            len(others),
        ),
        non_complaints_taken_for_complaints=_share(
            sum(not a.fallback and _is_complaint(a.intent) for a in others), len(others)
        ),
        fallback_rate=_share(sum(a.fallback for a in answers), len(answers)),
        complaint_fallback_rate=_share(sum(a.fallback for a in complaints), len(complaints)),
        non_complaint_fallback_rate=_share(sum(a.fallback for a in others), len(others)),
        kinds=kinds,
        kinds_macro_f1=macro_f1(true_kinds, read_kinds),
        macro_f1_by_language=by_language,
        language_gap=(
            abs(by_language["id"] - by_language["en"])
            if by_language.keys() >= set(LANGUAGES)
            else None
        ),
        ece=ece_from_table(table),
        reliability=tuple(table),
    )


def realistic_targets(scores: RealisticScores) -> dict[str, bool]:
    """The realistic set's targets; the language gap is missed when a language is absent."""
    gap = scores.language_gap
    return {
        f"realistic_complaints_found_at_least_{TARGET_COMPLAINTS_FOUND}": (
            scores.complaints_found >= TARGET_COMPLAINTS_FOUND
        ),
        f"realistic_right_kind_at_least_{TARGET_RIGHT_KIND}": (
            scores.right_kind >= TARGET_RIGHT_KIND
        ),
        f"realistic_non_complaints_answered_at_least_{TARGET_NON_COMPLAINTS_ANSWERED}": (
            scores.non_complaints_answered >= TARGET_NON_COMPLAINTS_ANSWERED
        ),
        f"realistic_language_f1_gap_at_most_{TARGET_LANGUAGE_GAP}": (
            gap is not None and gap <= TARGET_LANGUAGE_GAP
        ),
    }


def kind(intent: str | None) -> str:
    """The intent collapsed to a complaint kind, or `none` for every other intent."""
    if intent is not None and intent in COMPLAINT_INTENTS:
        return intent
    return NONE


def macro_f1(truth: Sequence[str], predicted: Sequence[str]) -> float:
    """Mean F1 over the labels that occur in `truth` (a label nobody wrote has no F1)."""
    if not truth:
        return 0.0
    return float(
        f1_score(truth, predicted, labels=sorted(set(truth)), average="macro", zero_division=0)
    )


def _is_complaint(intent: str | None) -> bool:
    return intent in COMPLAINT_INTENTS


def _share(count: int, total: int) -> float:
    return count / total if total else 0.0


def _unit(confidence: float) -> float:
    """Confidence kept inside [0, 1]; float32 softmax can overshoot 1 by a rounding error."""
    return min(max(confidence, 0.0), 1.0)
