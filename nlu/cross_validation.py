"""Rasa's own k-fold cross-validation of the training data, and its table for the report."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Any

from nlu.environment import RasaEnvironment
from nlu.scores import complaint_macro_f1_from_report
from nlu.training import NLUProject, TrainingError


def cross_validate(env: RasaEnvironment, folds: int, out_dir: Path) -> dict[str, Any]:
    project = NLUProject()
    env.require()
    started = time.monotonic()
    completed = subprocess.run(
        [
            str(env.rasa),
            "test",
            "nlu",
            "--nlu",
            str(project.data),
            "--config",
            str(project.config),
            "--cross-validation",
            "--folds",
            str(folds),
            "--out",
            str(out_dir),
            "--no-plot",
        ],
        env=env.subprocess_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        tail = (completed.stdout + completed.stderr).strip().splitlines()[-20:]
        raise TrainingError("cross-validation failed:\n" + "\n".join(tail))
    report = json.loads((out_dir / "intent_report.json").read_text())
    per_intent = {
        label: {
            "precision": float(row["precision"]),
            "recall": float(row["recall"]),
            "f1": float(row["f1-score"]),
            "support": int(row["support"]),
            "confused_with": dict(row.get("confused_with", {})),
        }
        for label, row in sorted(report.items())
        if isinstance(row, dict) and "confused_with" in row
    }
    return {
        "folds": folds,
        "seconds": round(time.monotonic() - started, 1),
        "complaint_macro_f1": complaint_macro_f1_from_report(report),
        "accuracy": float(report.get("accuracy", 0.0)),
        "macro_f1_all_intents": float(report["macro avg"]["f1-score"]),
        "per_intent": per_intent,
    }


def cross_validation_table(per_intent: dict[str, dict[str, Any]]) -> str:
    rows = [
        "| intent | precision | recall | F1 | support | most confused with |",
        "|---|---|---|---|---|---|",
    ]
    for label, s in per_intent.items():
        confused = ", ".join(f"{name} ({n})" for name, n in list(s["confused_with"].items())[:2])
        rows.append(
            f"| {label} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} "
            f"| {s['support']} | {confused} |"
        )
    return "\n".join(rows)
