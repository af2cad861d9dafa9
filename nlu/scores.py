"""Scores for intent predictions: per-intent precision/recall/F1, confusion, latency."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

from prima.core.complaint import COMPLAINT_INTENTS

COMPLAINT_LABELS = sorted(COMPLAINT_INTENTS)


@dataclass(frozen=True, slots=True)
class Scores:
    labels: list[str]
    per_intent: dict[str, dict[str, float]]
    confusion: list[list[int]]
    accuracy: float
    complaint_macro_f1: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "accuracy": self.accuracy,
            "complaint_macro_f1": self.complaint_macro_f1,
            "per_intent": self.per_intent,
            "labels": self.labels,
            "confusion": self.confusion,
        }


def score(truth: Sequence[str], predicted: Sequence[str], also: Sequence[str] = ()) -> Scores:
    """Scores for every label seen, and for the labels in `also` even when absent."""
    labels = sorted(set(truth) | set(predicted) | set(also))
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=labels, zero_division=0
    )
    per_intent = {
        label: {
            "precision": float(p),
            "recall": float(r),
            "f1": float(f),
            "support": int(s),
        }
        for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
    }
    _, _, complaint_f1, _ = precision_recall_fscore_support(
        truth, predicted, labels=COMPLAINT_LABELS, average="macro", zero_division=0
    )
    matrix = confusion_matrix(truth, predicted, labels=labels)
    correct = sum(t == p for t, p in zip(truth, predicted, strict=True))
    return Scores(
        labels=labels,
        per_intent=per_intent,
        confusion=[[int(v) for v in row] for row in matrix],
        accuracy=correct / len(truth) if truth else 0.0,
        complaint_macro_f1=float(complaint_f1),
    )


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100), nearest-rank method."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def complaint_macro_f1_from_report(report: dict[str, Any]) -> float:
    """Macro-F1 over the four complaint intents from Rasa's `intent_report.json`."""
    return sum(float(report[label]["f1-score"]) for label in COMPLAINT_LABELS) / len(
        COMPLAINT_LABELS
    )
