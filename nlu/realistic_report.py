"""The realistic set's lines in the evaluation headline and its section of `report.md`."""

from __future__ import annotations

from collections.abc import Sequence

from nlu.calibration import ReliabilityBin
from nlu.realistic import (
    TARGET_COMPLAINTS_FOUND,
    TARGET_LANGUAGE_GAP,
    TARGET_NON_COMPLAINTS_ANSWERED,
    TARGET_RIGHT_KIND,
    RealisticScores,
)
from nlu.tables import confusion_table, scores_table

LANGUAGE_NAMES = {"id": "Indonesian", "en": "English"}


def headline_lines(model: RealisticScores, baseline: RealisticScores) -> list[str]:
    share = model.non_complaints / model.examples
    return [
        f"realistic ({model.examples} messages, {share:.0%} non-complaints): complaints found "
        f"{model.complaints_found:.3f}, right kind {model.right_kind:.3f} "
        f"({model.right_kind_when_answered:.3f} when answered), non-complaints answered "
        f"{model.non_complaints_answered:.3f} (taken for complaints "
        f"{model.non_complaints_taken_for_complaints:.3f}), fallback rate "
        f"{model.fallback_rate:.3f}",
        f"realistic kinds + none macro-F1 {model.kinds_macro_f1:.3f} "
        f"({_by_language(model)}), ECE {model.ece:.3f}",
        f"baseline realistic: complaints found {baseline.complaints_found:.3f}, right kind "
        f"{baseline.right_kind:.3f}, non-complaints answered "
        f"{baseline.non_complaints_answered:.3f}, kinds + none macro-F1 "
        f"{baseline.kinds_macro_f1:.3f} ({_by_language(baseline)}), ECE {baseline.ece:.3f}",
    ]


def markdown_parts(model: RealisticScores, baseline: RealisticScores) -> list[str]:
    """The section's blocks, in order, to be joined with blank lines."""
    languages = ", ".join(f"{n} {_name(language)}" for language, n in model.languages.items())
    return [
        f"## Realistic set ({model.examples} messages: {model.complaints} complaints, "
        f"{model.non_complaints} non-complaints; {languages})",
        "Counted as the bot acts on each message. A fallback (the clarifying question) on a "
        "complaint counts as found but never as the right kind; on a non-complaint it is not "
        "an answer. The baseline never falls back. The tables below are the model's top "
        "intent, fallback or not, with every non-complaint intent as `none`.",
        _figures(model, baseline),
        "### Rasa model: complaint kinds and none",
        scores_table(model.kinds),
        "### Confusion matrix (rows: true, columns: predicted)",
        confusion_table(model.kinds),
        "### Reliability (top confidence; correct when the top intent is the true intent)",
        reliability_markdown(model.reliability),
        "## Realistic set: baseline (TF-IDF + logistic regression)",
        scores_table(baseline.kinds),
        "### Confusion matrix",
        confusion_table(baseline.kinds),
        "### Reliability (predicted probability of the top intent)",
        reliability_markdown(baseline.reliability),
    ]


def reliability_markdown(table: Sequence[ReliabilityBin]) -> str:
    rows = ["| confidence | messages | mean confidence | accuracy |", "|---|---|---|---|"]
    for b in table:
        closing = "]" if b.upper == 1.0 else ")"
        rows.append(
            f"| [{b.lower:.1f}, {b.upper:.1f}{closing} | {b.count} | {_value(b.mean_confidence)} "
            f"| {_value(b.accuracy)} |"
        )
    return "\n".join(rows)


def _figures(model: RealisticScores, baseline: RealisticScores) -> str:
    rows: list[tuple[str, float | None, float | None, str]] = [
        (
            "complaints found",
            model.complaints_found,
            baseline.complaints_found,
            f"≥ {TARGET_COMPLAINTS_FOUND}",
        ),
        (
            "complaints answered with the right kind",
            model.right_kind,
            baseline.right_kind,
            f"≥ {TARGET_RIGHT_KIND}",
        ),
        (
            "right kind, of complaints answered (fallbacks left out)",
            model.right_kind_when_answered,
            baseline.right_kind_when_answered,
            "",
        ),
        (
            "non-complaints answered as non-complaints",
            model.non_complaints_answered,
            baseline.non_complaints_answered,
            f"≥ {TARGET_NON_COMPLAINTS_ANSWERED}",
        ),
        (
            "non-complaints taken for complaints",
            model.non_complaints_taken_for_complaints,
            baseline.non_complaints_taken_for_complaints,
            "",
        ),
        ("fallback rate", model.fallback_rate, baseline.fallback_rate, ""),
        (
            "fallback rate, complaints",
            model.complaint_fallback_rate,
            baseline.complaint_fallback_rate,
            "",
        ),
        (
            "fallback rate, non-complaints",
            model.non_complaint_fallback_rate,
            baseline.non_complaint_fallback_rate,
            "",
        ),
        ("macro-F1, complaint kinds + none", model.kinds_macro_f1, baseline.kinds_macro_f1, ""),
        *(
            (
                f"macro-F1, {_name(language)} messages",
                model.macro_f1_by_language.get(language),
                baseline.macro_f1_by_language.get(language),
                "",
            )
            for language in sorted(
                model.macro_f1_by_language.keys() | baseline.macro_f1_by_language.keys()
            )
        ),
        (
            "macro-F1 gap between languages",
            model.language_gap,
            baseline.language_gap,
            f"≤ {TARGET_LANGUAGE_GAP}",
        ),
        ("expected calibration error (10 bins)", model.ece, baseline.ece, ""),
    ]
    lines = ["| figure | Rasa model | baseline | target |", "|---|---|---|---|"]
    lines += [
        f"| {name} | {_value(ours)} | {_value(theirs)} | {target} |"
        for name, ours, theirs, target in rows
    ]
    return "\n".join(lines)


def _by_language(scores: RealisticScores) -> str:
    parts = [f"{language} {f1:.3f}" for language, f1 in scores.macro_f1_by_language.items()]
    if scores.language_gap is not None:
        parts.append(f"gap {scores.language_gap:.3f}")
    return ", ".join(parts) or "no languages"


def _name(language: str) -> str:
    return LANGUAGE_NAMES.get(language, language)


def _value(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"
