"""Choosing the fallback and ambiguity thresholds by a fixed cost on held-back predictions."""

from pathlib import Path

import pytest

from nlu.comparison import fallback_settings
from nlu.thresholds import QUESTION_COST, asks, outcome, sweep, table

MECH, SERV, INFO = "complaint_mechanical", "complaint_service", "ask_info"


def test_the_bot_asks_when_unsure_or_when_two_complaint_kinds_are_close() -> None:
    assert asks([], 0.5, 0.1)
    assert asks([(MECH, 0.45), (SERV, 0.2)], 0.5, 0.1)
    assert asks([(MECH, 0.55), (SERV, 0.5)], 0.5, 0.1)
    assert not asks([(MECH, 0.55), (SERV, 0.40)], 0.5, 0.1)
    assert not asks([(MECH, 0.55), (SERV, 0.5)], 0.5, 0.0)
    assert not asks([(MECH, 0.55)], 0.5, 0.1)
    # Only two complaint kinds get the two-kinds question; other close pairs are acted on.
    assert not asks([(INFO, 0.55), (MECH, 0.5)], 0.5, 0.1)


def test_a_wrong_answer_costs_more_than_a_question() -> None:
    truth = [MECH, SERV, INFO, INFO]
    rankings = [
        [(MECH, 0.9), (SERV, 0.05)],  # right
        [(MECH, 0.4), (SERV, 0.35)],  # wrong unless it asks
        [(INFO, 0.45), (MECH, 0.2)],  # right, at a low confidence
        [(SERV, 0.6), (INFO, 0.3)],  # confidently wrong
    ]
    strict = outcome(truth, rankings, 0.5, 0.0)
    assert (strict.wrong, strict.questions) == (1, 2)
    assert strict.cost == pytest.approx((1 + QUESTION_COST * 2) / 4)
    loose = outcome(truth, rankings, 0.3, 0.0)
    assert (loose.wrong, loose.questions) == (2, 0)
    best = sweep(truth, rankings, fallbacks=(0.3, 0.42, 0.5), ambiguities=(0.0,))[0]
    # 0.42 asks only the unsure wrong one and answers the low but right one.
    assert (best.fallback, best.ambiguity, best.wrong, best.questions) == (0.42, 0.0, 1, 1)


def test_the_table_shows_the_current_pair_even_when_it_is_not_among_the_best() -> None:
    truth = [MECH] * 3
    rankings = [[(MECH, 0.35), (SERV, 0.3)]] * 3
    outcomes = sweep(truth, rankings, fallbacks=(0.2, 0.3, 0.5), ambiguities=(0.0, 0.1))
    shown = table(outcomes, current=(0.5, 0.1), rows=2)
    assert shown.count("\n") == 2 + 2
    assert "| 0.50 (current) | 0.10 |" in shown
    assert "| 0.20 | 0.00 | 0.000 | 0.000 | 0.0000 |" in shown


def test_the_current_thresholds_are_read_from_the_pipeline(tmp_path: Path) -> None:
    config = tmp_path / "config.yml"
    config.write_text(
        "pipeline:\n  - name: WhitespaceTokenizer\n"
        "  - name: FallbackClassifier\n    threshold: 0.4\n    ambiguity_threshold: 0.05\n"
    )
    assert fallback_settings(config) == (0.4, 0.05)
    config.write_text("pipeline:\n  - name: WhitespaceTokenizer\n")
    assert fallback_settings(config) == (0.0, 0.0)
