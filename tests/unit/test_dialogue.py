"""The conversation's decisions, step by step, with no I/O."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from actions.decide import decide, needs_nlu, needs_open_cases
from prima.core.complaint import Category, Classification
from prima.core.conversation import Attachment, Rating, State, Step
from prima.core.decision import (
    AddToCase,
    CaseView,
    Decision,
    Facts,
    OpenCase,
    RecordComment,
    RecordRating,
    RequestHuman,
    SetLanguage,
)
from prima.core.events import CaseResolved, Command, Media, Press, Text, Unsupported

OPENED = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


def facts(*open_refs: str, language: str = "id", reference: str = "PRM-NEW1") -> Facts:
    cases = tuple(CaseView(ref, Category.SERVICE, "open", False, OPENED) for ref in open_refs)
    return Facts(language, ("id", "en"), cases, reference, open_now=True, now=OPENED)


def text(words: str, intent: str | None = None, fallback: bool = False) -> Text:
    if intent is None:
        return Text(words)
    return Text(words, Classification(words, intent, 0.9, fallback))


def run(state: State, *events: Text | Press | Command | Media, f: Facts | None = None) -> Decision:
    decision = Decision(state, ())
    for event in events:
        decision = decide(decision.state, event, f or facts())
    return decision


def templates(decision: Decision) -> list[str]:
    return [r.template for r in decision.replies]


MECHANICAL = text("nyala sebentar terus mati lagi", "complaint_mechanical")


def test_a_mechanical_complaint_is_acknowledged_then_asks_about_the_device() -> None:
    d = decide(State(), MECHANICAL, facts())
    assert d.state.step is Step.COLLECTING
    assert d.replies[0].lead == "acknowledge_mechanical"
    assert templates(d) == ["ask_item"]
    assert d.state.draft is not None
    assert d.state.draft.answers["description"] == "nyala sebentar terus mati lagi"


@pytest.mark.parametrize(
    ("intent", "questions"),
    [
        (
            "complaint_mechanical",
            ["ask_item", "ask_place_time", "ask_reference", "ask_expectation"],
        ),
        ("complaint_attitudinal", ["ask_place_time", "ask_person", "ask_expectation"]),
        ("complaint_service", ["ask_reference", "ask_place_time", "ask_expectation"]),
        ("complaint_unusual", ["ask_place_time", "ask_expectation"]),
    ],
)
def test_each_kind_asks_its_own_questions_then_restates_them(
    intent: str, questions: list[str]
) -> None:
    d = decide(State(), text("keluhan saya", intent), facts())
    asked = templates(d)
    while d.state.step is Step.COLLECTING:
        d = decide(d.state, Text("jawaban"), facts())
        asked += templates(d)
    assert asked == [*questions, "summary"]
    assert d.state.step is Step.CONFIRMING


def test_confirming_opens_a_case_with_the_reference_from_the_facts() -> None:
    d = run(State(), MECHANICAL, Text("AC"), Text("lantai 2, sejak pagi"), Press("skip"))
    d = run(d.state, Press("res:repair"))
    assert templates(d) == ["summary"]
    summary = d.replies[0].context
    assert summary["resolution"] == "repair"
    assert {"need": "reference", "value": None} not in summary["answers"]
    d = decide(d.state, Press("confirm:yes"), facts(reference="PRM-7K3Q"))
    (effect,) = d.effects
    assert isinstance(effect, OpenCase)
    assert effect.reference == "PRM-7K3Q"
    assert effect.draft.answers["item"] == "AC"
    assert effect.draft.answers["reference"] is None
    assert templates(d) == ["case_opened"]
    assert d.replies[0].context["reference"] == "PRM-7K3Q"
    assert d.state == State()


def test_a_typed_yes_confirms_and_a_typed_no_asks_what_to_change() -> None:
    d = run(State(), text("saya kecewa dengan sikapnya", "complaint_attitudinal"))
    d = run(d.state, Text("kemarin di loket 2"), Text("tidak tahu"), Text("minta maaf"))
    assert d.state.step is Step.CONFIRMING
    assert d.state.draft is not None
    assert d.state.draft.answers["person"] is None  # "tidak tahu" skips an optional question
    no = decide(d.state, Text("bukan"), facts())
    assert no.state.step is Step.CORRECTING
    assert templates(no) == ["which_part"]
    yes = decide(d.state, Text("ya, sudah benar"), facts())
    assert isinstance(yes.effects[0], OpenCase)


def test_correcting_a_part_asks_it_again_and_returns_to_the_summary() -> None:
    d = run(State(), text("tagihan saya dobel bulan ini", "complaint_service"))
    d = run(d.state, Text("INV-1001"), Text("November"), Text("refund"), Press("confirm:edit"))
    d = run(d.state, Press("edit:reference"))
    assert templates(d) == ["ask_reference"]
    assert d.replies[0].context["current"] == "INV-1001"
    d = run(d.state, Text("INV-2002"))
    assert templates(d) == ["summary"]
    assert d.state.draft is not None
    assert d.state.draft.answers["reference"] == "INV-2002"


def test_free_text_at_the_summary_is_kept_as_a_correction_and_restated() -> None:
    d = run(State(), text("antrean sangat lama", "complaint_service"))
    d = run(d.state, Text("-"), Text("tadi pagi"), Text("lebih cepat"))
    d = run(d.state, Text("lokasinya di cabang Bandung"))
    assert templates(d) == ["summary"]
    assert d.replies[0].context["notes"] == ["lokasinya di cabang Bandung"]


def test_changing_the_kind_asks_the_new_kinds_questions() -> None:
    d = run(State(), text("antrean lama", "complaint_service"))
    d = run(d.state, Text("-"), Text("pagi"), Text("cepat"), Press("confirm:edit"))
    d = run(d.state, Press("edit:category"), Press("cat:attitudinal"))
    assert templates(d) == ["ask_person"]


def test_low_confidence_asks_one_clarifying_question_and_keeps_the_text() -> None:
    d = decide(State(), text("hmm gimana ya ini", "complaint_unusual", fallback=True), facts())
    assert d.state.step is Step.CLARIFYING
    assert templates(d) == ["clarify_category"]
    assert len(d.replies[0].buttons) == 5
    d = decide(d.state, Text("1"), facts())
    assert d.state.draft is not None
    assert d.state.draft.category is Category.MECHANICAL
    assert d.state.draft.answers["description"] == "hmm gimana ya ini"


def test_without_the_nlu_the_customer_chooses_the_kind() -> None:
    d = decide(State(), Text("lampu jalan mati"), facts())
    assert templates(d) == ["clarify_category"]
    d = decide(d.state, Press("cat:none"), facts())
    assert templates(d) == ["how_can_help"]
    assert d.state.step is Step.IDLE


def test_a_new_complaint_with_an_open_case_asks_which_it_is_about() -> None:
    d = decide(State(), MECHANICAL, facts("PRM-AAAA"))
    assert d.state.step is Step.CHOOSING_CASE
    assert templates(d) == ["choose_case"]
    about = decide(d.state, Press("case:PRM-AAAA"), facts("PRM-AAAA"))
    assert about.effects == (AddToCase("PRM-AAAA", (MECHANICAL.text,), ()),)
    assert templates(about) == ["added_to_case"]
    new = decide(d.state, Text("baru"), facts("PRM-AAAA"))
    assert new.state.step is Step.COLLECTING
    assert new.replies[0].lead == "acknowledge_mechanical"


def test_status_lists_open_cases_and_returns_to_the_question() -> None:
    d = run(State(), MECHANICAL)
    d = decide(d.state, Command("status"), facts("PRM-AAAA"))
    assert templates(d) == ["status", "ask_item"]
    assert d.replies[0].context["cases"][0]["reference"] == "PRM-AAAA"


def test_asking_for_a_person_mid_report_opens_the_case_marked_for_a_person() -> None:
    d = run(State(), MECHANICAL)
    d = decide(d.state, Command("agent"), facts(reference="PRM-H1"))
    (effect,) = d.effects
    assert isinstance(effect, OpenCase)
    assert effect.human_requested
    assert templates(d) == ["human_requested"]
    on_open = decide(State(), text("saya mau bicara dengan orang", "request_human"), facts("PRM-A"))
    assert on_open.effects == (RequestHuman("PRM-A"),)


def test_cancel_parks_the_draft_and_resume_continues_it() -> None:
    d = run(State(), MECHANICAL, Text("AC"))
    d = run(d.state, Command("cancel"))
    assert d.state.step is Step.IDLE
    assert d.state.parked is not None
    assert templates(d) == ["cancelled_draft"]
    d = run(d.state, Press("resume"))
    assert templates(d) == ["ask_place_time"]
    assert d.state.draft is not None
    assert d.state.draft.answers["item"] == "AC"


def test_feedback_rating_then_comment_are_recorded() -> None:
    d = decide(State(), CaseResolved("PRM-AAAA"), facts())
    assert d.state.step is Step.RATING
    assert templates(d) == ["ask_rating"]
    d = decide(d.state, Text("sangat puas"), facts())
    assert d.effects == (RecordRating("PRM-AAAA", Rating.SANGAT_PUAS),)
    d = decide(d.state, Text("petugasnya ramah sekali"), facts())
    assert d.effects == (RecordComment("PRM-AAAA", "petugasnya ramah sekali"),)
    assert d.state.step is Step.IDLE


def test_rating_buttons_work_later_without_disturbing_a_report_in_progress() -> None:
    d = run(State(), MECHANICAL)
    rated = decide(d.state, Press("rate:PRM-OLD:puas"), facts())
    assert rated.effects == (RecordRating("PRM-OLD", Rating.PUAS),)
    assert rated.state == d.state
    assert templates(rated) == ["feedback_thanks", "ask_item"]


def test_media_during_a_report_is_kept_with_it_and_attached_on_open() -> None:
    photo = Media(Attachment("photo", file_id="F1", file_unique_id="U1"))
    d = run(State(), MECHANICAL, photo)
    assert templates(d) == ["attachment_noted", "ask_item"]
    d = run(d.state, Text("AC"), Text("-"), Text("-"), Text("diperbaiki"), Press("confirm:yes"))
    (effect,) = d.effects
    assert isinstance(effect, OpenCase)
    assert [a.file_id for a in effect.draft.attachments] == ["F1"]


def test_media_with_nothing_going_on_waits_for_the_story() -> None:
    photo = Media(Attachment("photo", file_id="F1"))
    d = decide(State(), photo, facts())
    assert templates(d) == ["attachment_first"]
    d = decide(d.state, MECHANICAL, facts())
    assert d.state.draft is not None
    assert len(d.state.draft.attachments) == 1


def test_media_goes_to_the_open_case_when_idle() -> None:
    d = decide(State(), Media(Attachment("location", latitude=1.0, longitude=2.0)), facts("PRM-A"))
    assert d.effects == (
        AddToCase("PRM-A", (), (Attachment("location", latitude=1.0, longitude=2.0),)),
    )


def test_stickers_get_a_friendly_answer_and_the_question_again() -> None:
    d = run(State(), MECHANICAL)
    d = decide(d.state, Unsupported("sticker"), facts())
    assert templates(d) == ["unsupported_content", "ask_item"]


def test_buttons_from_an_earlier_step_are_answered_politely() -> None:
    d = decide(State(), Press("confirm:yes"), facts())
    assert templates(d) == ["stale_button"]
    assert d.effects == ()


def test_language_follows_the_customer_until_chosen() -> None:
    d = decide(
        State(), text("my air conditioner is not working at all", "complaint_mechanical"), facts()
    )
    assert d.language == "en"
    assert SetLanguage("en") in d.effects
    chosen = decide(State(), Command("lang", "id"), facts(language="en"))
    assert chosen.language == "id"
    assert chosen.state.language_chosen
    after = decide(chosen.state, text("the bill is wrong again", "complaint_service"), facts())
    assert after.language is None


def test_unknown_commands_and_cancel_with_nothing_to_cancel() -> None:
    assert templates(decide(State(), Command("frobnicate"), facts())) == ["unknown_command"]
    assert templates(decide(State(), Command("cancel"), facts())) == ["nothing_to_cancel"]


def test_the_nlu_is_asked_only_where_its_reading_is_used() -> None:
    assert needs_nlu(State(), Text("halo"))
    collecting = run(State(), MECHANICAL).state
    assert needs_nlu(collecting, Text("AC ruang 3"))  # its entities read places and items
    choosing = run(State(), MECHANICAL, f=facts("PRM-OPEN")).state
    assert choosing.step is Step.CHOOSING_CASE
    assert not needs_nlu(choosing, Text("yang baru"))
    assert not needs_nlu(State(), Press("cat:mechanical"))


def test_state_survives_a_round_trip_through_storage() -> None:
    d = run(State(), MECHANICAL, Media(Attachment("photo", file_id="F")), Text("AC"))
    stored = d.state.to_dict()
    assert State.from_stored(d.state.step.value, stored) == d.state


@pytest.mark.parametrize(
    "answer", ["ya", "bukan", "-", "AC ruang 3", "sangat puas", "lokasinya di Bandung", " "]
)
def test_typed_answers_where_open_cases_are_skipped_do_not_depend_on_them(answer: str) -> None:
    states = [
        run(State(), MECHANICAL).state,
        run(State(), MECHANICAL, Text("AC"), Text("-"), Text("-"), Text("perbaiki")).state,
        run(State(), MECHANICAL, Text("AC"), Text("-"), Text("-"), Text("x"), Text("bukan")).state,
        run(State(), CaseResolved("PRM-A"), Text("puas")).state,
    ]
    for state in states:
        event = text(answer, "affirm")
        assert not needs_open_cases(state, event)
        with_cases = decide(state, event, facts("PRM-A", "PRM-B"))
        assert with_cases == decide(state, event, facts())
