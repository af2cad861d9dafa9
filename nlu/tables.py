"""Markdown tables of intent scores, shared by the evaluation report's sections."""

from __future__ import annotations

from nlu.scores import Scores


def scores_table(scores: Scores) -> str:
    """Precision, recall, F1 and support per label."""
    rows = ["| intent | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    for label, s in scores.per_intent.items():
        rows.append(
            f"| {label} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} "
            f"| {int(s['support'])} |"
        )
    return "\n".join(rows)


def confusion_table(scores: Scores) -> str:
    """The confusion matrix: rows are true labels, columns predicted ones."""
    short = [label.removeprefix("complaint_")[:11] for label in scores.labels]
    rows = ["| | " + " | ".join(short) + " |", "|---" * (len(short) + 1) + "|"]
    for label, row in zip(short, scores.confusion, strict=True):
        rows.append(f"| {label} | " + " | ".join(str(v) for v in row) + " |")
    return "\n".join(rows)
