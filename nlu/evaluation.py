"""`make nlu-eval`: k-fold cross-validation, held-out and realistic-set scores, a baseline and
parse latency."""

from __future__ import annotations

import asyncio
import json
import subprocess
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from itertools import cycle, islice
from pathlib import Path
from typing import Any

from nlu.baseline import TfidfBaseline, cross_validate_baseline
from nlu.dataset import (
    Example,
    heldout_examples,
    normalised,
    realistic_examples,
    training_examples,
)
from nlu.environment import RasaEnvironment
from nlu.realistic import (
    RealisticScores,
    answer_from_classification,
    answers_never_falling_back,
    realistic_targets,
    score_realistic,
)
from nlu.realistic_report import headline_lines, markdown_parts
from nlu.scores import Scores, complaint_macro_f1_from_report, percentile, score
from nlu.tables import confusion_table, scores_table
from nlu.training import NLUProject, TrainingError
from prima.core.complaint import Classification
from prima.core.ports import Classifier

TARGET_MACRO_F1 = 0.90
TARGET_P95_MS = 30.0


# A classifier for the trained model, opened and closed around the scoring (the app starts a
# local Rasa server for it, or connects to `RASA_URL`).
ClassifierFactory = Callable[[], AbstractAsyncContextManager[Classifier]]


def run_evaluation(
    env: RasaEnvironment,
    classifier: ClassifierFactory,
    folds: int,
    latency_requests: int,
    out: str,
    cv_repeats: int = 1,
) -> int:
    """Evaluate, write `report.json` and `report.md` under `out`, print the headline figures.
    Exits non-zero when a target is missed."""
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    train_set, heldout, realistic = training_examples(), heldout_examples(), realistic_examples()
    leaked = {normalised(e.text) for e in train_set} & {
        normalised(e.text) for e in heldout + realistic
    }
    if leaked:
        raise TrainingError(f"held-out examples also appear in training data: {sorted(leaked)}")

    print(
        f"cross-validating ({cv_repeats}× {folds} folds, {len(train_set)} training examples)…",
        flush=True,
    )
    runs = [
        _cross_validate(env, folds, out_dir / f"cross-validation-{i + 1}")
        for i in range(cv_repeats)
    ]
    cross_validation = runs[0] | {
        "repeats": cv_repeats,
        "complaint_macro_f1_runs": [run["complaint_macro_f1"] for run in runs],
    }
    train_texts, train_intents = [e.text for e in train_set], [e.intent for e in train_set]
    baseline_runs = cross_validate_baseline(train_texts, train_intents, folds, range(cv_repeats))
    baseline_cross_validation = {
        "folds": folds,
        "repeats": cv_repeats,
        "complaint_macro_f1_runs": [score(t, p).complaint_macro_f1 for t, p in baseline_runs],
    }

    also = f" and {len(realistic)} realistic messages" if realistic else ""
    print(f"scoring {len(heldout)} held-out examples{also} on the trained model…", flush=True)
    texts = [e.text for e in heldout]
    truth = [e.intent for e in heldout]
    realistic_texts = [e.text for e in realistic]
    (results, realistic_results), latencies = asyncio.run(
        _classify_all(classifier, texts, train_texts, latency_requests, realistic_texts)
    )
    model = score(truth, [r.intent or "none" for r in results])
    fallback_rate = sum(r.fallback for r in results) / len(results)

    baseline_model = ScoredBaseline()
    baseline_model.fit(train_texts, train_intents)
    baseline = score(truth, baseline_model.predict(texts))
    realistic_scores = (
        _score_realistic(realistic, realistic_results, baseline_model) if realistic else None
    )
    latency = {
        "requests": len(latencies),
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "max_ms": max(latencies),
    }
    targets = {
        "heldout_complaint_macro_f1_at_least_0.90": model.complaint_macro_f1 >= TARGET_MACRO_F1,
        "heldout_above_baseline": model.complaint_macro_f1 > baseline.complaint_macro_f1,
        "parse_p95_at_most_30ms": latency["p95_ms"] <= TARGET_P95_MS,
    }
    if realistic_scores:
        targets |= realistic_targets(realistic_scores[0])
    report = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "training_examples": len(train_set),
        "heldout_examples": len(heldout),
        "cross_validation": cross_validation,
        "baseline_cross_validation": baseline_cross_validation,
        "heldout": model.to_dict() | {"fallback_rate": fallback_rate},
        "baseline_heldout": baseline.to_dict(),
        "latency": latency,
        "targets": targets,
    }
    extra: list[str] = []
    if realistic_scores:
        report["realistic_examples"] = len(realistic)
        report["realistic"] = realistic_scores[0].to_dict()
        report["baseline_realistic"] = realistic_scores[1].to_dict()
        extra = headline_lines(*realistic_scores)
    (out_dir / "report.json").write_text(json.dumps(report, indent=2) + "\n")
    headline = _headline(report, extra)
    (out_dir / "report.md").write_text(
        _markdown(report, headline, model, baseline, realistic_scores)
    )
    print(headline)
    print(f"report: {out_dir / 'report.md'}")
    return 0 if all(targets.values()) else 1


class ScoredBaseline(TfidfBaseline):
    """The baseline with its predicted probability of the top intent as the confidence."""

    def predict_scored(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        probabilities = self._pipeline.predict_proba(list(texts))
        classes = self._pipeline.classes_
        return [(str(classes[row.argmax()]), float(row.max())) for row in probabilities]


def _score_realistic(
    examples: list[Example], results: list[Classification], baseline: ScoredBaseline
) -> tuple[RealisticScores, RealisticScores]:
    """The realistic set as the model's answers and as the baseline's."""
    texts, truth = [e.text for e in examples], [e.intent for e in examples]
    model = score_realistic(
        truth, [answer_from_classification(t, r) for t, r in zip(texts, results, strict=True)]
    )
    baseline_answers = answers_never_falling_back(texts, baseline.predict_scored(texts))
    return model, score_realistic(truth, baseline_answers)


async def _classify_all(
    classifier: ClassifierFactory,
    texts: list[str],
    extra: list[str],
    latency_requests: int,
    realistic: Sequence[str] = (),
) -> tuple[tuple[list[Classification], list[Classification]], list[float]]:
    """Classify `texts` and `realistic`, then time `latency_requests` sequential parses
    (texts, then extra)."""
    async with classifier() as client:
        results = [await client.classify(text) for text in texts]
        realistic_results = [await client.classify(text) for text in realistic]
        latencies = []
        for text in islice(cycle(texts + extra), latency_requests):
            started = time.perf_counter()
            await client.classify(text)
            latencies.append((time.perf_counter() - started) * 1000)
    return (results, realistic_results), latencies


def _cross_validate(env: RasaEnvironment, folds: int, out_dir: Path) -> dict[str, Any]:
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


def _headline(report: dict[str, Any], extra: Sequence[str] = ()) -> str:
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
        f"{_spread(cv['complaint_macro_f1_runs'])}; baseline {_spread(base_cv)}",
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


def _spread(values: list[float]) -> str:
    if len(values) == 1:
        return f"{values[0]:.3f}"
    return f"{sum(values) / len(values):.3f} (runs {min(values):.3f}–{max(values):.3f})"


def _markdown(
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
        _cross_validation_table(report["cross_validation"]["per_intent"]),
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


def _cross_validation_table(per_intent: dict[str, dict[str, Any]]) -> str:
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
