"""Benchmark: how many questions a fully specified first message still gets, and whether the
restatement shows each fact it gave on its own line.

    python -m bench.needs [--messages bench/first_messages.yml] [--misses]

Each message in the file gives the item (or staff member), place, time, reference and wish;
the file says which words. Every message is classified by the real NLU model (a local Rasa
server is started unless RASA_URL is set) and taken through the bot's own decisions, skipping
every question asked, until the restatement. Reported: questions per message (mean, and the
share with at most one), each fact found on its own line (per fact), and the kind named.
`--misses` also prints, for each fact not found, what its line said: use it on a development
set only (bench/first_messages.yml, bench/first_messages_blind.yml), never on a set kept for
measuring.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from actions.decide import decide
from prima.bootstrap import Runtime
from prima.config import load_config
from prima.core.complaint import Classification
from prima.core.conversation import State, Step
from prima.core.decision import Facts
from prima.core.events import Press, Text
from prima.core.reply import Reply
from prima.settings import Settings

MESSAGES = Path(__file__).resolve().parent / "first_messages.yml"
# The restatement's line for each fact the file names.
LINES = {
    "item": ("item", "person"),  # the file's "item" is the staff member for attitudinal
    "person": ("person",),
    "place": ("place",),
    "time": ("time",),
    "reference": ("reference",),
    "wish": ("expectation",),
}
TARGET_QUESTIONS = 1.0


@dataclass(frozen=True, slots=True)
class Outcome:
    kind: str
    expected_kind: str
    questions: int
    found: dict[str, bool]
    misses: tuple[str, ...] = ()


def walk(
    text: str, classification: Classification | None, kind: str, facts: Facts
) -> tuple[int, Reply | None]:
    """Questions asked before the restatement, and the restatement. Every question about a
    fact is skipped; a question about the kind counts too, answered with the labelled kind."""
    decision = decide(State(), Text(text, classification), facts)
    questions = 0
    while decision.state.step is not Step.CONFIRMING:
        reply = decision.replies[-1]
        data = [b.data for row in reply.buttons for b in row]
        if not data or questions > 6:
            return questions, None
        questions += 1
        if decision.state.step is Step.CLARIFYING:
            choice = f"cat:{kind}"
        elif decision.state.step is Step.COLLECTING:
            choice = "skip" if "skip" in data else data[0]
        else:
            return questions, None
        decision = decide(decision.state, Press(choice), facts)
    return questions, decision.replies[-1]


def restatement_lines(summary: Reply | None) -> dict[str, str]:
    return {a["need"]: a["value"] for a in summary.context["answers"]} if summary else {}


def facts_found(summary: Reply | None, expect: dict[str, str]) -> dict[str, bool]:
    """For each fact the file names, whether its words are in its own restatement line."""
    lines = restatement_lines(summary)
    return {
        fact: any(words.casefold() in str(lines.get(line, "")).casefold() for line in LINES[fact])
        for fact, words in expect.items()
    }


def misses(summary: Reply | None, expect: dict[str, str], found: dict[str, bool]) -> list[str]:
    lines = restatement_lines(summary)
    return [
        f"{fact}: wanted {expect[fact]!r}, line says "
        f"{' / '.join(str(lines.get(line)) for line in LINES[fact])!r}"
        for fact, ok in found.items()
        if not ok
    ]


async def measure(runtime: Runtime, messages: list[dict[str, Any]]) -> list[Outcome]:
    zone = runtime.config.business_hours.zone
    outcomes = []
    async with runtime.classifier() as client:
        for item in messages:
            c = await client.classify(item["text"])
            facts = Facts("id", ("id", "en"), (), "PRM-BENCH", True, datetime.now(zone))
            questions, summary = walk(item["text"], c, item["kind"], facts)
            found = facts_found(summary, item["expect"])
            missed = (item["text"], *misses(summary, item["expect"], found))
            outcomes.append(Outcome(c.category.value, item["kind"], questions, found, missed))
    return outcomes


def report(outcomes: list[Outcome]) -> str:
    n = len(outcomes)
    questions = [o.questions for o in outcomes]
    lines = [
        f"{n} fully specified first messages",
        f"questions before the restatement: mean {sum(questions) / n:.2f} "
        f"(target ≤ {TARGET_QUESTIONS:.0f}), at most one: {sum(q <= 1 for q in questions)}/{n}, "
        f"none: {sum(q == 0 for q in questions)}/{n}",
        "each fact on its own line of the restatement:",
    ]
    for fact in LINES:
        named = [o.found[fact] for o in outcomes if fact in o.found]
        if named:
            lines.append(f"  {fact:<9} {sum(named)}/{len(named)}")
    right = sum(o.kind == o.expected_kind for o in outcomes)
    lines.append(f"kind named as labelled: {right}/{n}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=Path, default=MESSAGES)
    parser.add_argument("--misses", action="store_true", help="print each fact not found")
    args = parser.parse_args(argv)
    messages = yaml.safe_load(args.messages.read_text(encoding="utf-8"))["messages"]
    settings = Settings()
    runtime = Runtime(settings, load_config(settings.config_path))
    runtime.ensure_model()
    outcomes = asyncio.run(measure(runtime, messages))
    if args.misses:
        for o in outcomes:
            if len(o.misses) > 1:
                print("\n  ".join(o.misses))
    print(report(outcomes))
    mean = sum(o.questions for o in outcomes) / len(outcomes)
    return 0 if mean <= TARGET_QUESTIONS else 1


if __name__ == "__main__":
    sys.exit(main())
