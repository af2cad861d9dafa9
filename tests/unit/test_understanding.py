"""The conversation with messages as real customers write them: facts taken from the first
message, questions about products answered as such, two close kinds asked about."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from actions.decide import decide
from prima.core.complaint import Category, Classification, Entity, IntentScore
from prima.core.conversation import State, Step
from prima.core.decision import Decision, Facts, OpenCase
from prima.core.events import Press, Text

NOW = datetime(2026, 3, 17, 10, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
FULL = (
    "Modem ZTE di rumah saya di Bekasi mati total sejak semalam, nomor pelanggan "
    "122334455667. Tolong diganti hari ini."
)


def facts() -> Facts:
    return Facts("id", ("id", "en"), (), "PRM-NEW1", open_now=True, now=NOW)


def said(text: str, intent: str, *entities: Entity, **more: object) -> Text:
    c = Classification(text, intent, 0.97, False, entities=entities, **more)  # type: ignore[arg-type]
    return Text(text, c)


def entity(text: str, name: str, value: str) -> Entity:
    start = text.index(value)
    return Entity(name, value, start, start + len(value))


def templates(decision: Decision) -> list[str]:
    return [r.template for r in decision.replies]


def test_a_fully_specified_first_message_goes_straight_to_the_restatement() -> None:
    message = said(
        FULL,
        "complaint_mechanical",
        entity(FULL, "item", "Modem"),
        entity(FULL, "place", "Bekasi"),
        entity(FULL, "reference", "122334455667"),
    )
    d = decide(State(), message, facts())
    assert templates(d) == ["summary"]
    assert d.replies[0].lead == "acknowledge_mechanical"
    lines = dict((a["need"], a["value"]) for a in d.replies[0].context["answers"])
    assert lines["reference"] == "122334455667"
    assert "Bekasi" in lines["place"]
    assert lines["time"] == "sejak semalam"
    assert "modem" in lines["item"].casefold()
    assert lines["expectation"] == "diganti hari ini"
    assert d.replies[0].context["resolution"] == "repair"
    opened = decide(d.state, Press("confirm:yes"), facts())
    (effect,) = opened.effects
    assert isinstance(effect, OpenCase)
    assert effect.draft.time_at == "2026-03-16T20:00+07:00"


def test_only_what_is_missing_is_asked() -> None:
    text = "wifi di kos saya di Depok mati dari kemarin sore"
    d = decide(State(), said(text, "complaint_mechanical", entity(text, "place", "Depok")), facts())
    assert templates(d) == ["ask_reference"]  # the device, the place and the time were said
    d = decide(d.state, Text("pengen cepet dibenerin"), facts())
    # Not a reference: recorded as the wish, and the reference is not asked again.
    assert templates(d) == ["summary"]
    assert d.state.draft is not None
    assert d.state.draft.answers["reference"] is None
    assert d.state.draft.answers["expectation"] == "cepet dibenerin"


def test_already_said_is_never_read_back_as_the_place_and_time() -> None:
    d = decide(State(), said("AC nya rusak", "complaint_mechanical"), facts())
    assert templates(d) == ["ask_place_time"]
    d = decide(d.state, Text("kan udah saya bilang, di rumah"), facts())
    assert d.state.draft is not None
    assert d.state.draft.answers["place"] == "rumah"
    assert d.state.draft.answers["time"] is None
    assert "udah saya bilang" not in str(d.state.draft.answers)


def test_a_question_about_a_procedure_gets_the_information_answer_and_no_case() -> None:
    message = said("kak mau tanya prosedur berhenti langganan gimana ya?", "ask_info")
    d = decide(State(), message, facts())
    assert templates(d) == ["ask_info"]
    assert d.effects == ()
    assert d.state == State()
    assert [b.data for row in d.replies[0].buttons for b in row] == ["agent"]


def test_two_close_kinds_are_asked_about_with_those_two() -> None:
    text = "petugasnya jutek dan mesin antriannya rusak"
    ranking = (
        IntentScore("complaint_attitudinal", 0.46),
        IntentScore("complaint_mechanical", 0.41),
    )
    close = (Category.ATTITUDINAL, Category.MECHANICAL)
    message = said(text, "complaint_attitudinal", ranking=ranking, close_kinds=close)
    d = decide(State(), message, facts())
    assert templates(d) == ["clarify_between"]
    assert d.state.step is Step.CLARIFYING
    data = [b.data for row in d.replies[0].buttons for b in row]
    assert data == ["cat:attitudinal", "cat:mechanical", "cat:other"]
    typed = decide(d.state, Text("2"), facts())
    assert typed.state.draft is not None
    assert typed.state.draft.category is Category.MECHANICAL
    assert typed.state.draft.answers["description"] == text
    other = decide(d.state, Press("cat:other"), facts())
    assert templates(other) == ["clarify_category"]
    assert decide(other.state, Text("3"), facts()).state.draft.category is Category.SERVICE  # type: ignore[union-attr]
