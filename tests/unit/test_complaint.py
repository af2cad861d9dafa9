from prima.core.complaint import (
    COMPLAINT_INTENTS,
    Category,
    Classification,
    Entity,
    IntentScore,
    category_for_intent,
    close_kinds,
)


def test_each_complaint_intent_maps_to_its_category() -> None:
    assert category_for_intent("complaint_mechanical") is Category.MECHANICAL
    assert category_for_intent("complaint_attitudinal") is Category.ATTITUDINAL
    assert category_for_intent("complaint_service") is Category.SERVICE
    assert category_for_intent("complaint_unusual") is Category.UNUSUAL
    assert set(COMPLAINT_INTENTS.values()) == {c for c in Category if c.is_complaint}


def test_other_intents_are_not_complaints() -> None:
    for intent in ("greet", "ask_status", "complaint_other", "", None):
        assert category_for_intent(intent) is Category.NONE
    assert not Category.NONE.is_complaint


def test_classification_serialises_as_the_cli_prints_it() -> None:
    result = Classification(
        text="paket PRM-7K3Q telat",
        intent="complaint_service",
        confidence=0.912345,
        fallback=False,
        ranking=(IntentScore("complaint_service", 0.912345), IntentScore("greet", 0.01)),
        entities=(Entity("reference", "PRM-7K3Q", 6, 14),),
    )
    assert result.category is Category.SERVICE
    assert result.references == ("PRM-7K3Q",)
    assert result.to_dict() == {
        "category": "service",
        "intent": "complaint_service",
        "confidence": 0.9123,
        "fallback": False,
        "ranking": [
            {"intent": "complaint_service", "confidence": 0.9123},
            {"intent": "greet", "confidence": 0.01},
        ],
        "entities": [{"entity": "reference", "value": "PRM-7K3Q", "start": 6, "end": 14}],
        "truncated": False,
        "close_kinds": [],
    }


def test_no_intent_means_no_category() -> None:
    result = Classification(text="🙂", intent=None, confidence=0.0, fallback=True)
    assert result.category is Category.NONE
    assert result.to_dict()["intent"] is None


def test_two_complaint_kinds_close_at_the_top_are_named() -> None:
    close = (IntentScore("complaint_service", 0.48), IntentScore("complaint_mechanical", 0.41))
    assert close_kinds(close, 0.1) == (Category.SERVICE, Category.MECHANICAL)
    assert close_kinds(close, 0.05) == ()
    with_other = (IntentScore("complaint_service", 0.48), IntentScore("ask_info", 0.45))
    assert close_kinds(with_other, 0.1) == ()
    assert close_kinds(close[:1], 0.1) == ()
    assert close_kinds(close, 0.0) == ()
