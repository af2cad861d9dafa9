from typing import Any

import pytest

from nlu.response import MalformedResponseError, classification_from_rasa
from prima.core.complaint import Category


def rasa(intent: str | None, confidence: float, ranking: list[tuple[str, float]]) -> dict[str, Any]:
    return {
        "text": "x",
        "intent": {"name": intent, "confidence": confidence} if intent else None,
        "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking],
        "entities": [],
    }


def test_a_confident_complaint() -> None:
    payload = rasa("complaint_mechanical", 0.97, [("complaint_mechanical", 0.97), ("greet", 0.02)])
    result = classification_from_rasa(payload, text="AC mati", threshold=0.5)
    assert result.category is Category.MECHANICAL
    assert result.intent == "complaint_mechanical"
    assert result.confidence == pytest.approx(0.97)
    assert not result.fallback
    assert [s.intent for s in result.ranking] == ["complaint_mechanical", "greet"]


def test_rasa_fallback_reports_the_best_real_intent_and_sets_fallback() -> None:
    payload = rasa(
        "nlu_fallback",
        0.5,
        [("nlu_fallback", 0.5), ("complaint_service", 0.41), ("complaint_unusual", 0.38)],
    )
    result = classification_from_rasa(payload, text="hmm", threshold=0.5)
    assert result.fallback
    assert result.intent == "complaint_service"
    assert result.confidence == pytest.approx(0.41)
    assert "nlu_fallback" not in [s.intent for s in result.ranking]


def test_the_apps_threshold_applies_on_top_of_rasas() -> None:
    payload = rasa("complaint_service", 0.62, [("complaint_service", 0.62)])
    assert classification_from_rasa(payload, text="x", threshold=0.7).fallback
    assert not classification_from_rasa(payload, text="x", threshold=0.6).fallback


def test_nothing_tokenisable_gives_no_intent() -> None:
    payload = {"text": "🙂", "intent": {"name": None, "confidence": 0.0}, "entities": []}
    result = classification_from_rasa(payload, text="🙂", threshold=0.5)
    assert result.intent is None
    assert result.category is Category.NONE
    assert result.fallback


def test_entities_found_by_several_patterns_are_reported_once() -> None:
    entity = {"entity": "reference", "value": "PRM-7K3Q", "start": 4, "end": 12}
    payload = rasa("ask_status", 0.9, [("ask_status", 0.9)]) | {
        "entities": [entity, dict(entity), {"entity": "reference"}]
    }
    result = classification_from_rasa(payload, text="cek PRM-7K3Q", threshold=0.5)
    assert result.references == ("PRM-7K3Q",)


@pytest.mark.parametrize("payload", [[], "text", {"intent": "greet"}, {"intent_ranking": {"a": 1}}])
def test_malformed_answers_are_rejected(payload: Any) -> None:
    with pytest.raises(MalformedResponseError):
        classification_from_rasa(payload, text="x", threshold=0.5)
