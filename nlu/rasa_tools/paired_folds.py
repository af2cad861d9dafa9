"""Cross-validation of several pipelines on the same folds. Runs inside the Rasa environment.

    python nlu/rasa_tools/paired_folds.py --data nlu/data --seed 0 --out folds.json a.yml b.yml

(with the Rasa environment's Python and `nlu/rasa_addons` on PYTHONPATH, as `prima
nlu-compare` runs it). It lives apart from `nlu/rasa_addons`, whose files shape the model
and are part of its fingerprint; this one only evaluates.

`rasa test nlu --cross-validation` draws new folds on every run, so two pipelines (or a
pipeline and the baseline) are never scored on the same split, and the fold-to-fold spread
(±0.015 here) hides differences smaller than that. This script draws the folds once from
`--seed` (stratified by intent), trains every config on each fold's training part and writes
each held-back example's predicted intent per config, with the texts, intents and fold
numbers, so that the app (`prima nlu-compare`) can score the baseline on the very same folds
and compare every pair fold by fold.

The predicted intent is the best real intent (Rasa's `nlu_fallback` is skipped), as the app
reads a parse. The top three real intents with their confidences are written too, so that
the fallback and ambiguity thresholds can be chosen on the same held-back predictions
(`nlu/thresholds.py`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

FALLBACK_INTENT = "nlu_fallback"  # as nlu/response.py (not importable in the Rasa env)
PROGRESS = "paired folds: "  # what `prima nlu-compare` shows of this script's output


def _folds(intents: list[str], folds: int, seed: int) -> list[int]:
    from sklearn.model_selection import StratifiedKFold

    assignment = [0] * len(intents)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for number, (_, test) in enumerate(splitter.split(intents, intents)):
        for index in test:
            assignment[index] = number
    return assignment


RANKED = 3  # intents kept per prediction, with their confidences


async def _predict(model: str, texts: list[str]) -> list[list[tuple[str, float]]]:
    """Each text's best real intents, best first, with their confidences."""
    from rasa.core.agent import Agent

    agent = Agent.load(model)
    rankings = []
    for text in texts:
        parse: dict[str, Any] = await agent.parse_message(text)
        ranking = [
            (str(item["name"]), round(float(item["confidence"]), 6))
            for item in parse.get("intent_ranking") or []
            if item["name"] != FALLBACK_INTENT
        ]
        rankings.append(ranking[:RANKED])
    return rankings


def run(data: Path, configs: list[Path], folds: int, seed: int, work: Path) -> dict[str, Any]:
    from rasa.model_training import train_nlu
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.shared.nlu.training_data.training_data import TrainingData

    loaded = load_data(str(data))
    examples = loaded.intent_examples
    texts = [str(e.get("text")) for e in examples]
    intents = [str(e.get("intent")) for e in examples]
    fold_of = _folds(intents, folds, seed)
    predicted: dict[str, list[str]] = {str(c): [""] * len(texts) for c in configs}
    rankings: dict[str, list[list[tuple[str, float]]]] = {
        str(c): [[]] * len(texts) for c in configs
    }
    for fold in range(folds):
        held_back = [i for i, f in enumerate(fold_of) if f == fold]
        part = TrainingData(
            training_examples=[e for e, f in zip(examples, fold_of, strict=True) if f != fold],
            regex_features=loaded.regex_features,
            lookup_tables=loaded.lookup_tables,
            entity_synonyms=loaded.entity_synonyms,
        )
        fold_data = work / f"fold-{fold}.yml"
        fold_data.write_text(RasaYAMLWriter().dumps(part), encoding="utf-8")
        for number, config in enumerate(configs):
            started = time.monotonic()
            model = train_nlu(
                config=str(config),
                nlu_data=str(fold_data),
                output=str(work / f"model-{fold}-{number}"),
                fixed_model_name="model",
            )
            if model is None:
                raise SystemExit(f"training failed: {config}, fold {fold}")
            answers = asyncio.run(_predict(model, [texts[i] for i in held_back]))
            for index, ranking in zip(held_back, answers, strict=True):
                predicted[str(config)][index] = ranking[0][0] if ranking else "none"
                rankings[str(config)][index] = ranking
            print(
                f"{PROGRESS}seed {seed}, fold {fold + 1}/{folds}, {config.name}: "
                f"{time.monotonic() - started:.0f} s",
                file=sys.stderr,
                flush=True,
            )
    return {
        "seed": seed,
        "texts": texts,
        "intents": intents,
        "folds": fold_of,
        "predicted": predicted,
        "rankings": rankings,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("configs", nargs="+", type=Path)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="prima-folds-") as work:
        result = run(args.data, args.configs, args.folds, args.seed, Path(work))
    args.out.write_text(json.dumps(result), encoding="utf-8")


if __name__ == "__main__":
    main()
