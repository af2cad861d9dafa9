"""The NLU's commands: its environment, training, classifying lines, evaluation and paired
comparison."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import TextIO

from prima.bootstrap import Runtime
from prima.cli.exits import EXIT_FAILURE, EXIT_USAGE
from prima.core.ports import Classifier
from prima.core.text import EmptyTextError


def _nlu_env(runtime: Runtime, _: argparse.Namespace) -> int:
    env = runtime.rasa_env
    env.ensure()
    print(env.root)
    return 0


def _train(runtime: Runtime, args: argparse.Namespace) -> int:
    result = runtime.ensure_model(force=args.force)
    state = f"trained in {result.seconds:.1f}s" if result.trained else "up to date"
    print(f"NLU model {state}: {result.model}")
    return 0


def _classify(runtime: Runtime, args: argparse.Namespace) -> int:
    if args.jsonl == (args.text is not None):
        print("prima classify: give either TEXT or --jsonl", file=sys.stderr)
        return EXIT_USAGE
    return asyncio.run(_classify_async(runtime, args.text, sys.stdin, sys.stdout))


async def _classify_async(runtime: Runtime, text: str | None, stdin: TextIO, stdout: TextIO) -> int:
    async with runtime.classifier() as classifier:
        if text is not None:
            try:
                result = await classifier.classify(text)
            except EmptyTextError as exc:
                print(json.dumps({"error": str(exc)}), file=stdout)
                return EXIT_USAGE
            print(json.dumps(result.to_dict(), ensure_ascii=False), file=stdout)
            return 0
        failures = 0
        for number, line in enumerate(stdin, start=1):
            if not line.strip():
                continue
            output = await _classify_line(classifier, line, number)
            failures += "error" in output
            print(json.dumps(output, ensure_ascii=False), file=stdout, flush=True)
        return EXIT_FAILURE if failures else 0


async def _classify_line(classifier: Classifier, line: str, number: int) -> dict[str, object]:
    try:
        item = json.loads(line)
    except json.JSONDecodeError:
        return {"line": number, "error": "not valid JSON"}
    if not isinstance(item, dict) or not isinstance(item.get("text"), str):
        return {"line": number, "error": 'expected an object with a string "text"'}
    try:
        return (await classifier.classify(item["text"])).to_dict()
    except EmptyTextError as exc:
        return {"line": number, "error": str(exc)}


def _nlu_eval(runtime: Runtime, args: argparse.Namespace) -> int:
    from nlu.evaluation import run_evaluation

    return run_evaluation(
        runtime.rasa_env,
        runtime.classifier,
        args.folds,
        args.latency_requests,
        args.out,
        cv_repeats=args.cv_repeats,
    )


def _nlu_compare(runtime: Runtime, args: argparse.Namespace) -> int:
    from nlu.comparison import run_comparison
    from nlu.training import NLUProject

    project = NLUProject()
    configs = [c.resolve() for c in args.configs] or [project.config]
    seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    out = Path(args.out)
    ambiguity = runtime.config.nlu.ambiguity_threshold
    table = run_comparison(
        runtime.rasa_env, project.data, configs, seeds, args.folds, out, ambiguity=ambiguity
    )
    print(table)
    return 0
