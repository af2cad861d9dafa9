"""`prima nlu-compare`: pipelines and the baseline cross-validated on the same folds.

`make nlu-eval` cross-validates the shipped pipeline with Rasa's own random folds and the
baseline with other folds, so a difference between them mixes the models with the split.
Here every config and the baseline are scored on the same folds (drawn from a seed, once per
repeat), and each pair is compared fold by fold: the mean of the paired differences, and on
how many of the folds one was ahead. Choose between pipelines with this before scoring the
held-out set (docs/nlu.md).
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from nlu import thresholds
from nlu.baseline import TfidfBaseline
from nlu.dataset import NLU_DIR
from nlu.environment import RasaEnvironment
from nlu.scores import score
from nlu.training import TrainingError

BASELINE = "baseline"
# The Rasa-side script, and what it starts its progress lines with.
PAIRED_FOLDS = NLU_DIR / "rasa_tools" / "paired_folds.py"
PROGRESS = "paired folds: "


@dataclass(frozen=True, slots=True)
class FoldRun:
    """One repeat: each example's fold, and every model's prediction for it when held back."""

    seed: int
    texts: list[str]
    intents: list[str]
    folds: list[int]
    predicted: dict[str, list[str]]
    # Per config, each example's best intents with their confidences (none for the baseline).
    rankings: dict[str, list[list[tuple[str, float]]]] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FoldRun:
        return cls(
            seed=int(data["seed"]),
            texts=[str(t) for t in data["texts"]],
            intents=[str(i) for i in data["intents"]],
            folds=[int(f) for f in data["folds"]],
            predicted={str(k): [str(p) for p in v] for k, v in data["predicted"].items()},
            rankings={
                str(k): [[(str(i), float(c)) for i, c in ranking] for ranking in v]
                for k, v in (data.get("rankings") or {}).items()
            },
        )

    def with_baseline(self) -> FoldRun:
        """The baseline trained and scored on the same folds, added to the predictions."""
        predicted = [""] * len(self.texts)
        for test in self.held_back():
            train = sorted(set(range(len(self.texts))) - set(test))
            model = TfidfBaseline().fit(
                [self.texts[i] for i in train], [self.intents[i] for i in train]
            )
            labels = model.predict([self.texts[i] for i in test])
            for index, label in zip(test, labels, strict=True):
                predicted[index] = label
        return FoldRun(
            self.seed,
            self.texts,
            self.intents,
            self.folds,
            self.predicted | {BASELINE: predicted},
            self.rankings,
        )

    def held_back(self) -> list[list[int]]:
        """The examples each fold holds back (their indices), fold by fold."""
        return [
            [i for i, f in enumerate(self.folds) if f == fold] for fold in sorted(set(self.folds))
        ]

    def fold_scores(self, model: str) -> list[float]:
        """Complaint macro-F1 of `model` on each fold."""
        return [
            score(
                [self.intents[i] for i in test], [self.predicted[model][i] for i in test]
            ).complaint_macro_f1
            for test in self.held_back()
        ]

    def pooled_score(self, model: str) -> float:
        """Complaint macro-F1 over all folds' predictions together (as Rasa reports it)."""
        return score(self.intents, self.predicted[model]).complaint_macro_f1


@dataclass(frozen=True, slots=True)
class Pairing:
    """`first` against `second` over every fold of every repeat."""

    first: str
    second: str
    mean_difference: float
    ahead: int
    behind: int
    folds: int


@dataclass(frozen=True, slots=True)
class Comparison:
    per_model: dict[str, list[float]]  # the pooled score of each repeat
    pairs: list[Pairing]


def compare(runs: Sequence[FoldRun], models: Sequence[str]) -> Comparison:
    """Per model: the pooled score of each repeat; per pair: the paired fold differences."""
    per_model = {m: [run.pooled_score(m) for run in runs] for m in models}
    # Every fold of every repeat, in the same order for each model.
    per_fold = {m: [s for run in runs for s in run.fold_scores(m)] for m in models}
    pairs: list[Pairing] = []
    for i, first in enumerate(models):
        for second in models[i + 1 :]:
            differences = [a - b for a, b in zip(per_fold[first], per_fold[second], strict=True)]
            pairs.append(
                Pairing(
                    first,
                    second,
                    sum(differences) / len(differences),
                    sum(d > 0 for d in differences),
                    sum(d < 0 for d in differences),
                    len(differences),
                )
            )
    return Comparison(per_model, pairs)


def cross_validate_paired(
    env: RasaEnvironment, data: Path, configs: Sequence[Path], seeds: Sequence[int], folds: int
) -> list[FoldRun]:
    """Each seed's folds, every config trained and scored in the Rasa environment, and the
    baseline on the same folds."""
    env.require()
    runs = []
    with tempfile.TemporaryDirectory(prefix="prima-compare-") as tmp:
        for seed in seeds:
            out = Path(tmp) / f"seed-{seed}.json"
            command = [str(env.python), str(PAIRED_FOLDS), "--data", str(data)]
            command += ["--seed", str(seed), "--folds", str(folds), "--out", str(out)]
            with subprocess.Popen(
                command + [str(c) for c in configs],
                env=env.subprocess_env(),
                cwd=PAIRED_FOLDS.parent,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            ) as process:
                assert process.stderr is not None
                tail: list[str] = []
                for line in process.stderr:  # Rasa's progress bars and logs: only ours shown
                    if PROGRESS in line:  # a progress bar's last frame may share its line
                        print(line[line.index(PROGRESS) :].rstrip(), flush=True)
                    tail = [*tail[-19:], line.rstrip()]
            if process.returncode != 0:
                raise TrainingError(
                    f"paired cross-validation failed (seed {seed}):\n" + "\n".join(tail)
                )
            runs.append(FoldRun.from_json(json.loads(out.read_text())).with_baseline())
    return runs


def summary(result: Comparison, names: dict[str, str]) -> str:
    """The comparison as Markdown tables (`names`: a short name per model)."""
    lines = ["| model | complaint macro-F1 per repeat | mean |", "|---|---|---|"]
    for model, values in result.per_model.items():
        each = ", ".join(f"{v:.3f}" for v in values)
        lines.append(f"| {names[model]} | {each} | {sum(values) / len(values):.3f} |")
    lines += ["", "| pair (a vs b) | mean paired difference | folds a ahead / behind |"]
    lines.append("|---|---|---|")
    for pair in result.pairs:
        lines.append(
            f"| {names[pair.first]} vs {names[pair.second]} | {pair.mean_difference:+.4f} "
            f"| {pair.ahead} / {pair.behind} of {pair.folds} |"
        )
    return "\n".join(lines)


def run_comparison(
    env: RasaEnvironment,
    data: Path,
    configs: Sequence[Path],
    seeds: Sequence[int],
    folds: int,
    out: Path,
    ambiguity: float = 0.1,
) -> str:
    """Compare the configs and the baseline on the same folds, and sweep each config's
    thresholds (`ambiguity`: the app's `nlu.ambiguity_threshold` in use, for the table)."""
    runs = cross_validate_paired(env, data, configs, seeds, folds)
    models = [str(c) for c in configs] + [BASELINE]
    names = {str(c): c.name for c in configs} | {BASELINE: BASELINE}
    table = summary(compare(runs, models), names)
    for config in configs:
        table += "\n\n" + threshold_summary(runs, config, ambiguity)
    out.mkdir(parents=True, exist_ok=True)
    header = (
        f"# Paired cross-validation\n\n{folds} folds × seeds {', '.join(map(str, seeds))}, "
        f"{len(runs[0].texts)} training examples; configs: "
        + ", ".join(f"`{c}`" for c in configs)
        + "\n\n"
    )
    (out / "comparison.md").write_text(header + table + "\n", encoding="utf-8")
    (out / "comparison.json").write_text(
        json.dumps([asdict(run) for run in runs]), encoding="utf-8"
    )
    return table


def threshold_summary(runs: Sequence[FoldRun], config: Path, ambiguity: float = 0.1) -> str:
    """The fallback and ambiguity thresholds' sweep on `config`'s held-back predictions; the
    current pair is the config's fallback threshold and the app's `ambiguity`."""
    truth = [intent for run in runs for intent in run.intents]
    rankings = [ranking for run in runs for ranking in run.rankings.get(str(config), [])]
    if len(rankings) != len(truth):
        return f"Thresholds of {config.name}: no confidences recorded."
    outcomes = thresholds.sweep(truth, rankings)
    best = outcomes[0]
    return (
        f"Thresholds of {config.name} (held-back predictions of every fold; least cost first; "
        f"best: fallback {best.fallback:.2f}, ambiguity {best.ambiguity:.2f}):\n\n"
        + thresholds.table(outcomes, (fallback_settings(config)[0], ambiguity))
    )


def fallback_settings(config: Path) -> tuple[float, float]:
    """The config's `FallbackClassifier` threshold and ambiguity threshold (Rasa's defaults
    0.3 and 0.1 when unset; (0, 0) without one)."""
    pipeline = yaml.safe_load(config.read_text(encoding="utf-8")).get("pipeline") or []
    for component in pipeline:
        if component.get("name") == "FallbackClassifier":
            return (
                float(component.get("threshold", 0.3)),
                float(component.get("ambiguity_threshold", 0.1)),
            )
    return (0.0, 0.0)
