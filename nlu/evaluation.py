"""`make nlu-eval`: k-fold cross-validation, held-out and realistic-set scores, a baseline and
parse latency."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from itertools import cycle, islice
from pathlib import Path

from nlu.baseline import TfidfBaseline, cross_validate_baseline
from nlu.cross_validation import cross_validate
from nlu.dataset import (
    Example,
    heldout_examples,
    normalised,
    realistic_examples,
    training_examples,
)
from nlu.environment import RasaEnvironment
from nlu.evaluation_report import headline as headline_text
from nlu.evaluation_report import markdown
from nlu.realistic import (
    RealisticScores,
    answer_from_classification,
    answers_never_falling_back,
    realistic_targets,
    score_realistic,
)
from nlu.realistic_report import headline_lines
from nlu.scores import percentile, score
from nlu.training import TrainingError
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
        cross_validate(env, folds, out_dir / f"cross-validation-{i + 1}") for i in range(cv_repeats)
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
    headline = headline_text(report, extra)
    (out_dir / "report.md").write_text(
        markdown(report, headline, model, baseline, realistic_scores)
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
