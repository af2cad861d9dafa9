"""How far a classifier's confidence can be trusted: reliability bins and calibration error."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

DEFAULT_BINS = 10


@dataclass(frozen=True, slots=True)
class ReliabilityBin:
    """Predictions whose top confidence lies in [lower, upper) (the last bin includes 1.0)."""

    lower: float
    upper: float
    count: int
    mean_confidence: float | None
    accuracy: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "lower": self.lower,
            "upper": self.upper,
            "count": self.count,
            "mean_confidence": self.mean_confidence,
            "accuracy": self.accuracy,
        }


def reliability_table(
    confidences: Sequence[float], correct: Sequence[bool], bins: int = DEFAULT_BINS
) -> list[ReliabilityBin]:
    """Every one of `bins` equal-width confidence bins over [0, 1], empty ones included."""
    if len(confidences) != len(correct):
        raise ValueError("confidences and correct differ in length")
    if bins < 1:
        raise ValueError("at least one bin")
    members: list[list[tuple[float, bool]]] = [[] for _ in range(bins)]
    for confidence, right in zip(confidences, correct, strict=True):
        if not 0.0 <= confidence <= 1.0:
            raise ValueError(f"confidence {confidence} is outside [0, 1]")
        members[min(int(confidence * bins), bins - 1)].append((confidence, right))
    table = []
    for index, group in enumerate(members):
        count = len(group)
        table.append(
            ReliabilityBin(
                lower=index / bins,
                upper=(index + 1) / bins,
                count=count,
                mean_confidence=sum(c for c, _ in group) / count if count else None,
                accuracy=sum(r for _, r in group) / count if count else None,
            )
        )
    return table


def expected_calibration_error(
    confidences: Sequence[float], correct: Sequence[bool], bins: int = DEFAULT_BINS
) -> float:
    """The mean gap between confidence and accuracy per bin, weighted by the bin's size."""
    if not confidences:
        raise ValueError("no predictions")
    return ece_from_table(reliability_table(confidences, correct, bins))


def ece_from_table(table: Sequence[ReliabilityBin]) -> float:
    """Expected calibration error of an already built reliability table."""
    total = sum(b.count for b in table)
    if total == 0:
        raise ValueError("no predictions")
    return (
        sum(
            b.count * abs(b.accuracy - b.mean_confidence)
            for b in table
            if b.accuracy is not None and b.mean_confidence is not None
        )
        / total
    )
