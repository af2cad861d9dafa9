"""The `make nlu-eval` report: the headline printed, and the Markdown written beside it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from nlu.cross_validation import cross_validation_table
from nlu.realistic import RealisticScores
from nlu.realistic_report import markdown_parts
from nlu.scores import Scores
from nlu.tables import confusion_table, scores_table


def headline(report: dict[str, Any], extra: Sequence[str] = ()) -> str:
    cv, held, base, lat = (
        report["cross_validation"],
        report["heldout"],
        report["baseline_heldout"],
        report["latency"],
    )
    base_cv = report["baseline_cross_validation"]["complaint_macro_f1_runs"]
    lines = [
        "",
        f"cross-validation ({cv['repeats']}× {cv['folds']}-fold): complaint macro-F1 "
        f"{spread(cv['complaint_macro_f1_runs'])}; baseline {spread(base_cv)}",
        f"held-out: complaint macro-F1 {held['complaint_macro_f1']:.3f}, "
        f"accuracy {held['accuracy']:.3f}, fallback rate {held['fallback_rate']:.3f}",
        f"baseline (TF-IDF + logistic regression) held-out: complaint macro-F1 "
        f"{base['complaint_macro_f1']:.3f}, accuracy {base['accuracy']:.3f}",
        f"/model/parse latency over {lat['requests']} requests: p50 {lat['p50_ms']:.1f} ms, "
        f"p95 {lat['p95_ms']:.1f} ms",
        *extra,
    ]
    lines += [
        f"target {name}: {'met' if ok else 'MISSED'}" for name, ok in report["targets"].items()
    ]
    return "\n".join(lines)


def spread(values: list[float]) -> str:
    if len(values) == 1:
        return f"{values[0]:.3f}"
    return f"{sum(values) / len(values):.3f} (runs {min(values):.3f}–{max(values):.3f})"


def markdown(
    report: dict[str, Any],
    headline: str,
    model: Scores,
    baseline: Scores,
    realistic: tuple[RealisticScores, RealisticScores] | None = None,
) -> str:
    parts = [
        "# NLU evaluation report",
        "",
        f"Generated {report['generated_at']} by `make nlu-eval` "
        f"({report['training_examples']} training examples, "
        f"{report['heldout_examples']} held-out examples"
        + (f", {report['realistic_examples']} realistic messages" if realistic else "")
        + ").",
        "```",
        headline.strip(),
        "```",
        f"## Cross-validation ({report['cross_validation']['folds']}-fold, training data, "
        "first run)",
        cross_validation_table(report["cross_validation"]["per_intent"]),
        "## Held-out set: Rasa model",
        scores_table(model),
        "### Confusion matrix (rows: true intent, columns: predicted)",
        confusion_table(model),
        "## Held-out set: baseline (TF-IDF + logistic regression)",
        scores_table(baseline),
        "### Confusion matrix",
        confusion_table(baseline),
        *(markdown_parts(*realistic) if realistic else []),
        "",
    ]
    return "\n\n".join(parts)
