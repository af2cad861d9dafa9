"""The realistic set's figures, on hand-built answers whose scores were worked out by hand."""

import json

import pytest

from nlu.realistic import (
    KIND_LABELS,
    Answer,
    answer_from_classification,
    answers_never_falling_back,
    kind,
    macro_f1,
    realistic_targets,
    score_realistic,
)
from nlu.realistic_report import headline_lines, markdown_parts, reliability_markdown
from prima.core.complaint import Classification

# (true intent, top intent, confidence, fallback, language)
CASES = [
    ("complaint_mechanical", "complaint_mechanical", 0.9, False, "id"),  # found, right kind
    ("complaint_mechanical", "complaint_service", 0.8, False, "id"),  # found, wrong kind
    ("complaint_service", "complaint_service", 0.4, True, "en"),  # asked: found, not answered
    ("complaint_attitudinal", "ask_info", 0.7, False, "en"),  # lost
    ("complaint_unusual", "greet", 0.3, True, "id"),  # asked: found
    ("complaint_unusual", "complaint_unusual", 0.95, False, "en"),  # found, right kind
    ("greet", "greet", 0.9, False, "id"),  # answered as a non-complaint
    ("ask_info", "ask_status", 0.6, False, "en"),  # answered as a (wrong) non-complaint
    ("out_of_scope", "complaint_unusual", 0.7, False, "id"),  # taken for a complaint
    ("thanks", "thanks", 0.2, True, "en"),  # asked
]
TRUTH = [c[0] for c in CASES]
ANSWERS = [Answer(intent, conf, fallback, lang) for _, intent, conf, fallback, lang in CASES]
SCORES = score_realistic(TRUTH, ANSWERS)


def test_counts() -> None:
    assert (SCORES.examples, SCORES.complaints, SCORES.non_complaints) == (10, 6, 4)
    assert SCORES.languages == {"en": 5, "id": 5}


def test_a_complaint_is_found_unless_answered_as_a_non_complaint() -> None:
    # Lost: only the attitudinal complaint answered as ask_info; the fallbacks count as found.
    assert SCORES.complaints_found == pytest.approx(5 / 6)


def test_the_right_kind_needs_an_answer() -> None:
    # Right and answered: messages 1 and 6. The service complaint fell back, so it is not.
    assert SCORES.right_kind == pytest.approx(2 / 6)
    # Of the 4 complaints answered (1, 2, 4, 6).
    assert SCORES.right_kind_when_answered == pytest.approx(2 / 4)


def test_non_complaints_answered_and_taken_for_complaints() -> None:
    # greet and ask_info (as ask_status) answered as non-complaints; thanks fell back.
    assert SCORES.non_complaints_answered == pytest.approx(2 / 4)
    assert SCORES.non_complaints_taken_for_complaints == pytest.approx(1 / 4)


def test_fallback_rates() -> None:
    assert SCORES.fallback_rate == pytest.approx(3 / 10)
    assert SCORES.complaint_fallback_rate == pytest.approx(2 / 6)
    assert SCORES.non_complaint_fallback_rate == pytest.approx(1 / 4)


def test_five_labels_per_kind_and_confusion() -> None:
    per = SCORES.kinds.per_intent
    assert SCORES.kinds.labels == sorted(KIND_LABELS)
    assert per["complaint_mechanical"]["precision"] == pytest.approx(1.0)
    assert per["complaint_mechanical"]["recall"] == pytest.approx(0.5)
    assert per["complaint_service"]["precision"] == pytest.approx(0.5)
    assert per["complaint_service"]["recall"] == pytest.approx(1.0)
    assert per["complaint_attitudinal"]["f1"] == 0.0
    assert per["complaint_unusual"]["f1"] == pytest.approx(0.5)
    # none: true 7–10, read 4, 5, 7, 8, 10 → precision 3/5, recall 3/4
    assert per["none"]["f1"] == pytest.approx(2 / 3)
    assert SCORES.kinds.confusion == [
        [0, 0, 0, 0, 1],  # attitudinal
        [0, 1, 1, 0, 0],  # mechanical
        [0, 0, 1, 0, 0],  # service
        [0, 0, 0, 1, 1],  # unusual
        [0, 0, 0, 1, 3],  # none
    ]
    assert SCORES.kinds_macro_f1 == pytest.approx((2 / 3 + 2 / 3 + 0 + 0.5 + 2 / 3) / 5)


def test_macro_f1_per_language_and_the_gap() -> None:
    # id: mechanical 2/3, unusual 0, none 1/2. en: service 1, attitudinal 0, unusual 1, none 0.8.
    assert SCORES.macro_f1_by_language["id"] == pytest.approx((2 / 3 + 0 + 0.5) / 3)
    assert SCORES.macro_f1_by_language["en"] == pytest.approx((1 + 0 + 1 + 0.8) / 4)
    assert SCORES.language_gap == pytest.approx(0.7 - 7 / 18)


def test_calibration_against_the_true_intent() -> None:
    # Gaps per bin × size: 0.2 → 0.8, 0.3 → 0.3, 0.4 → 0.6, 0.6 → 0.6, 0.7 → 2 × 0.7,
    # 0.8 → 0.8, 0.9–0.95 → 3 × (1 − 2.75 / 3); over 10 messages.
    assert SCORES.ece == pytest.approx(0.475)
    assert [b.count for b in SCORES.reliability] == [0, 0, 1, 1, 1, 0, 1, 2, 1, 3]
    assert SCORES.reliability[7].accuracy == 0.0


def test_targets_are_missed_here_and_met_by_a_perfect_bilingual_set() -> None:
    assert realistic_targets(SCORES) == {
        "realistic_complaints_found_at_least_0.95": False,
        "realistic_right_kind_at_least_0.85": False,
        "realistic_non_complaints_answered_at_least_0.85": False,
        "realistic_language_f1_gap_at_most_0.05": False,
    }
    perfect = score_realistic(
        TRUTH, [Answer(t, 1.0, False, c[4]) for t, c in zip(TRUTH, CASES, strict=True)]
    )
    assert all(realistic_targets(perfect).values())
    assert perfect.language_gap == 0.0
    assert perfect.ece == 0.0


def test_one_language_only_has_no_gap_and_misses_that_target() -> None:
    scores = score_realistic(TRUTH, [Answer(t, 1.0, False, "id") for t in TRUTH])
    assert scores.macro_f1_by_language == {"id": 1.0}
    assert scores.language_gap is None
    assert not realistic_targets(scores)["realistic_language_f1_gap_at_most_0.05"]


def test_shares_with_nothing_to_count_are_zero() -> None:
    scores = score_realistic(["greet"], [Answer("greet", 0.9, False, "en")])
    assert (scores.complaints_found, scores.right_kind, scores.complaint_fallback_rate) == (
        0.0,
        0.0,
        0.0,
    )
    assert scores.non_complaints_answered == 1.0


def test_no_intent_at_all_reads_as_none_and_is_not_an_answer() -> None:
    scores = score_realistic(["thanks"], [Answer(None, 0.0, False, "id")])
    assert scores.non_complaints_answered == 0.0
    assert scores.kinds.confusion[KIND_LABELS.index("none")][-1] == 1


def test_mismatched_or_empty_input_is_refused() -> None:
    with pytest.raises(ValueError, match="differ in length"):
        score_realistic(TRUTH, ANSWERS[:-1])
    with pytest.raises(ValueError, match="no messages"):
        score_realistic([], [])


def test_kinds_and_macro_f1_helpers() -> None:
    assert kind("complaint_service") == "complaint_service"
    assert kind("ask_info") == kind(None) == "none"
    # Only labels that occur in the truth count: the stray `b` prediction costs a's recall.
    assert macro_f1(["a", "a"], ["a", "b"]) == pytest.approx(2 / 3)
    assert macro_f1([], []) == 0.0


def test_answers_carry_the_detected_language() -> None:
    english = Classification("my modem is broken", "complaint_mechanical", 1.0000001, False)
    answer = answer_from_classification("my modem is broken", english)
    assert answer == Answer("complaint_mechanical", 1.0, False, "en")
    assert answers_never_falling_back(
        ["modem saya mati dari kemarin", "thanks for the help"],
        [("complaint_mechanical", 0.6), ("thanks", 0.9)],
    ) == [
        Answer("complaint_mechanical", 0.6, False, "id"),
        Answer("thanks", 0.9, False, "en"),
    ]


def test_to_dict_is_plain_json() -> None:
    data = json.loads(json.dumps(SCORES.to_dict()))
    assert data["complaints_found"] == pytest.approx(5 / 6)
    assert data["kinds"]["labels"] == sorted(KIND_LABELS)
    assert len(data["reliability"]) == 10
    assert data["reliability"][0] == {
        "lower": 0.0,
        "upper": 0.1,
        "count": 0,
        "mean_confidence": None,
        "accuracy": None,
    }
    assert set(data) >= {
        "right_kind",
        "right_kind_when_answered",
        "non_complaints_answered",
        "non_complaints_taken_for_complaints",
        "fallback_rate",
        "complaint_fallback_rate",
        "non_complaint_fallback_rate",
        "kinds_macro_f1",
        "macro_f1_by_language",
        "language_gap",
        "ece",
    }


def test_headline_and_markdown() -> None:
    first, second, baseline = headline_lines(SCORES, SCORES)
    assert first.startswith("realistic (10 messages, 40% non-complaints): complaints found 0.833")
    assert "right kind 0.333 (0.500 when answered)" in first
    assert "id 0.389, en 0.700, gap 0.311" in second
    assert "ECE 0.475" in second
    assert baseline.startswith("baseline realistic: complaints found 0.833")
    parts = markdown_parts(SCORES, SCORES)
    text = "\n\n".join(parts)
    assert parts[0] == (
        "## Realistic set (10 messages: 6 complaints, 4 non-complaints; 5 English, 5 Indonesian)"
    )
    assert "| complaints found | 0.833 | 0.833 | ≥ 0.95 |" in text
    assert "| macro-F1 gap between languages | 0.311 | 0.311 | ≤ 0.05 |" in text
    assert "| macro-F1, Indonesian messages | 0.389 | 0.389 |  |" in text
    assert "| mechanical | 0 | 1 | 1 | 0 | 0 |" in text
    assert "| [0.9, 1.0] | 3 | 0.917 | 1.000 |" in text


def test_reliability_markdown_marks_empty_bins() -> None:
    table = reliability_markdown(SCORES.reliability).splitlines()
    assert table[2] == "| [0.0, 0.1) | 0 | — | — |"
