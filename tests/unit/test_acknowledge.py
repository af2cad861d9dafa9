import pytest

from actions.acknowledge import acknowledge, acknowledge_category, category_from_choice
from prima.core.complaint import Category, Classification, Entity


def classified(intent: str | None, *, fallback: bool = False) -> Classification:
    return Classification(
        text="x",
        intent=intent,
        confidence=0.3 if fallback else 0.9,
        fallback=fallback,
        entities=(Entity("reference", "PRM-7K3Q", 0, 8),),
    )


@pytest.mark.parametrize("category", [c for c in Category if c.is_complaint])
def test_each_complaint_kind_gets_its_own_acknowledgement(category: Category) -> None:
    reply = acknowledge(classified(f"complaint_{category.value}"))
    assert reply.template == f"acknowledge_{category.value}"
    assert reply.context["references"] == ["PRM-7K3Q"]


def test_an_unsure_reading_asks_instead_of_guessing() -> None:
    assert acknowledge(classified("complaint_service", fallback=True)).template == (
        "clarify_category"
    )
    assert acknowledge(classified(None, fallback=True)).template == "clarify_category"


@pytest.mark.parametrize(
    "intent", ["greet", "goodbye", "thanks", "request_human", "ask_status", "chitchat"]
)
def test_conversational_intents_get_their_own_answer(intent: str) -> None:
    assert acknowledge(classified(intent)).template == intent


def test_an_intent_the_bot_has_no_answer_for_is_treated_as_out_of_scope() -> None:
    assert acknowledge(classified("buy_crypto")).template == "out_of_scope"


@pytest.mark.parametrize(
    ("answer", "category"),
    [
        ("1", Category.MECHANICAL),
        (" 2. ", Category.ATTITUDINAL),
        ("Service", Category.SERVICE),
        ("4", Category.UNUSUAL),
        ("5", None),
        ("iya", None),
    ],
)
def test_the_clarifying_answer(answer: str, category: Category | None) -> None:
    assert category_from_choice(answer) is category
    if category is not None:
        assert acknowledge_category(category).template == f"acknowledge_{category.value}"
