"""The fallback and ambiguity thresholds, chosen on held-back predictions by a fixed cost.

The bot acts on a message's top intent unless it asks instead: the top intent's confidence is
under the fallback threshold (Rasa's `FallbackClassifier` and the app's
`nlu.confidence_threshold`), or the best two are complaint kinds closer than the ambiguity
threshold (the app's `nlu.ambiguity_threshold`: the two-kinds question). Rasa's own
ambiguity fallback (any two intents) is off (`ambiguity_threshold: 0.0`), so that these two
settings are the whole rule. A confident wrong answer is worse than a question, so the cost,
fixed before any sweep, is:

    cost = wrong answers + QUESTION_COST × questions, per message

and the chosen pair is the one of least cost on the cross-validation folds' held-back
predictions of the training data (`prima nlu-compare`), never on a held-out set. The
realistic set then shows what the choice does (`make nlu-eval`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from prima.core.complaint import IntentScore, close_kinds

QUESTION_COST = 0.5  # a question costs half a wrong answer
FALLBACKS = tuple(round(0.20 + 0.05 * i, 2) for i in range(11))  # 0.20 … 0.70
AMBIGUITIES = (0.0, 0.05, 0.1, 0.15, 0.2)

Ranking = Sequence[tuple[str, float]]  # best intents first, with their confidences


def asks(ranking: Ranking, fallback: float, ambiguity: float) -> bool:
    """Whether the bot asks instead of acting on the top intent."""
    if not ranking or ranking[0][1] < fallback:
        return True
    # The app's own rule for the two-kinds question (prima.core.complaint.close_kinds).
    return bool(close_kinds(tuple(IntentScore(i, c) for i, c in ranking[:2]), ambiguity))


@dataclass(frozen=True, slots=True)
class Outcome:
    fallback: float
    ambiguity: float
    examples: int
    wrong: int  # acted on, and not the true intent
    questions: int

    @property
    def cost(self) -> float:
        return (self.wrong + QUESTION_COST * self.questions) / self.examples

    @property
    def wrong_rate(self) -> float:
        return self.wrong / self.examples

    @property
    def question_rate(self) -> float:
        return self.questions / self.examples


def outcome(
    truth: Sequence[str], rankings: Sequence[Ranking], fallback: float, ambiguity: float
) -> Outcome:
    wrong = questions = 0
    for intent, ranking in zip(truth, rankings, strict=True):
        if asks(ranking, fallback, ambiguity):
            questions += 1
        elif ranking[0][0] != intent:
            wrong += 1
    return Outcome(fallback, ambiguity, len(truth), wrong, questions)


def sweep(
    truth: Sequence[str],
    rankings: Sequence[Ranking],
    fallbacks: Sequence[float] = FALLBACKS,
    ambiguities: Sequence[float] = AMBIGUITIES,
) -> list[Outcome]:
    """Every pair's outcome, least cost first (ties: the lower thresholds, asking less)."""
    outcomes = [outcome(truth, rankings, f, a) for f in fallbacks for a in ambiguities]
    return sorted(outcomes, key=lambda o: (round(o.cost, 9), o.fallback, o.ambiguity))


def table(outcomes: Sequence[Outcome], current: tuple[float, float], rows: int = 8) -> str:
    """The best pairs and the current one as Markdown."""
    shown = list(outcomes[:rows])
    shown += [o for o in outcomes if (o.fallback, o.ambiguity) == current and o not in shown]
    lines = [
        f"| fallback | ambiguity | wrong answers | questions | cost (wrong + {QUESTION_COST} × "
        "questions) |",
        "|---|---|---|---|---|",
    ]
    for o in shown:
        mark = " (current)" if (o.fallback, o.ambiguity) == current else ""
        lines.append(
            f"| {o.fallback:.2f}{mark} | {o.ambiguity:.2f} | {o.wrong_rate:.3f} "
            f"| {o.question_rate:.3f} | {o.cost:.4f} |"
        )
    return "\n".join(lines)
