"""Slot filling: what was said is kept, a non-answer is not recorded, "already said" is
never a value. Plain tests of `actions.needs` (the extraction's readings built by hand)."""

from __future__ import annotations

from datetime import UTC, datetime

from actions import needs
from actions.extraction import Said
from prima.core.complaint import Category
from prima.core.conversation import Draft, Need, Pending

NOW = datetime(2026, 3, 17, 10, 0, tzinfo=UTC)


def draft(**answers: str | None) -> Draft:
    return Draft(Category.MECHANICAL, 0.9, "complaint_mechanical", answers=dict(answers))


def test_what_a_message_says_fills_the_facts_and_the_first_word_stays() -> None:
    first = Said(item="modem ZTE", place="Bekasi", wish="diganti hari ini", resolution="repair")
    pending = needs.pending_with_said(Pending(texts=("...",)), first)
    again = needs.pending_with_said(pending, Said(place="Depok", time="sejak semalam"))
    assert again.details == {
        "item": "modem ZTE",
        "place": "Bekasi",
        "expectation": "diganti hari ini",
        "time": "sejak semalam",
    }
    assert again.resolution == "repair"


def test_known_facts_are_not_asked_for() -> None:
    known = draft(description="modem mati", item="modem", place="Bekasi", time="semalam")
    assert known.next_question() is Need.REFERENCE
    everything = Draft(
        Category.MECHANICAL,
        None,
        None,
        answers={
            "description": "modem mati",
            "item": "modem",
            "place": "Bekasi",
            "time": "semalam",
            "reference": "122334455667",
        },
        resolution="repair",
    )
    assert everything.next_question() is None


def test_place_and_time_are_one_question_that_asks_only_for_what_is_missing() -> None:
    known = draft(description="AC bocor", item="AC", place="kamar 305")
    assert known.next_question() is Need.PLACE_TIME
    assert known.missing(Need.PLACE_TIME) == ("time",)


def test_a_wish_given_to_the_reference_question_is_the_wish_and_the_reference_stays_empty() -> None:
    asked = draft(description="modem mati")
    said = Said(wish="cepet dibenerin", resolution="repair")
    answered = needs.answer(asked, Need.REFERENCE, "pengen cepet dibenerin", said)
    assert answered.answers["reference"] is None  # asked, nothing given: not asked again
    assert answered.answers["expectation"] == "cepet dibenerin"
    assert answered.resolution == "repair"


def test_a_reference_question_answered_with_a_number_records_it() -> None:
    answered = needs.answer(draft(), Need.REFERENCE, "no pel 1223", Said(reference="1223"))
    assert answered.answers["reference"] == "1223"


def test_already_said_is_never_recorded_as_a_value() -> None:
    known = draft(description="modem di rumah mati", place="rumah")
    said = Said(already_said=True)
    answered = needs.answer(known, Need.PLACE_TIME, "kan udah saya bilang", said)
    assert answered.answers["place"] == "rumah"
    assert answered.answers["time"] is None
    assert "kan udah" not in str(answered.answers)


def test_already_said_with_more_records_the_more() -> None:
    said = Said(place="rumah", already_said=True)
    answered = needs.answer(draft(), Need.PLACE_TIME, "kan udah saya bilang, di rumah", said)
    assert answered.answers["place"] == "rumah"
    assert answered.answers["time"] is None


def test_a_free_answer_names_the_thing_asked_for() -> None:
    answered = needs.answer(draft(), Need.ITEM, "yang di ruang tamu", Said())
    assert answered.answers["item"] == "yang di ruang tamu"
    place = needs.answer(draft(), Need.PLACE_TIME, "depan gedung B", Said())
    assert place.answers["place"] == "depan gedung B"
    assert place.answers["time"] is None


def test_a_reference_or_a_time_is_never_taken_from_free_words() -> None:
    answered = needs.answer(draft(), Need.REFERENCE, "gak inget nomornya", Said())
    assert answered.answers["reference"] is None
    timed = draft(place="Bekasi")
    answered = needs.answer(timed, Need.PLACE_TIME, "pokoknya udah lama", Said())
    assert answered.answers["time"] is None


def test_a_skipped_question_records_nothing_and_is_not_asked_again() -> None:
    skipped = needs.answer(draft(description="x"), Need.ITEM, None, None)
    assert skipped.answers["item"] is None
    assert skipped.next_question() is Need.PLACE_TIME


def test_editing_replaces_what_was_recorded() -> None:
    editing = Draft(
        Category.SERVICE,
        None,
        None,
        answers={"reference": "PEL-1234"},
        asking=Need.REFERENCE,
        editing=True,
    )
    answered = needs.answer(editing, Need.REFERENCE, "PEL-9999", Said(reference="PEL-9999"))
    assert answered.answers["reference"] == "PEL-9999"


def test_a_resolved_time_is_kept_beside_the_words() -> None:
    when = datetime(2026, 3, 16, 21, 0, tzinfo=UTC)
    answered = needs.answer(
        draft(place="Bekasi"),
        Need.PLACE_TIME,
        "sejak semalam",
        Said(time="sejak semalam", when=when),
    )
    assert answered.answers["time"] == "sejak semalam"
    assert answered.time_at == "2026-03-16T21:00+00:00"


def test_the_restatement_reads_the_facts_in_order_and_leaves_out_empty_ones() -> None:
    known = draft(
        reference="122334455667",
        description="modem mati",
        time="semalam",
        item=None,
        place="Bekasi",
    )
    assert known.details() == [
        ("description", "modem mati"),
        ("place", "Bekasi"),
        ("time", "semalam"),
        ("reference", "122334455667"),
    ]


def test_a_draft_stored_with_place_and_time_as_one_answer_keeps_it() -> None:
    stored = draft(place_time="Bandung, kemarin").to_dict()
    loaded = Draft.from_dict(stored)
    assert ("place_time", "Bandung, kemarin") in loaded.details()
    assert loaded.missing(Need.PLACE_TIME) == ()


def test_a_short_answer_about_a_person_keeps_all_its_words() -> None:
    asked = Draft(Category.ATTITUDINAL, None, None, answers={"description": "dibentak"})
    answered = needs.answer(asked, Need.PERSON, "Satpam bertopi", Said(person="Satpam"))
    assert answered.answers["person"] == "Satpam bertopi"


def editing(answers: dict[str, str | None], need: Need) -> Draft:
    return Draft(Category.MECHANICAL, None, None, answers=answers, asking=need, editing=True)


def test_editing_the_time_keeps_the_place_and_reads_the_new_time() -> None:
    when = datetime(2026, 3, 16, 15, 0, tzinfo=UTC)
    was = editing({"place": "Bekasi", "time": "semalam"}, Need.PLACE_TIME)
    answered = needs.answer(
        was, Need.PLACE_TIME, "kemarin jam 3", Said(time="kemarin jam 3", when=when)
    )
    assert answered.answers["place"] == "Bekasi"
    assert answered.answers["time"] == "kemarin jam 3"
    assert answered.time_at == "2026-03-16T15:00+00:00"


def test_editing_with_nothing_new_keeps_what_was_recorded() -> None:
    was = editing({"place": "Bekasi", "time": "semalam"}, Need.PLACE_TIME)
    answered = needs.answer(was, Need.PLACE_TIME, "kan udah saya bilang", Said(already_said=True))
    assert answered.answers == {"place": "Bekasi", "time": "semalam"}


def test_already_said_is_not_the_person_either() -> None:
    said = Said(person="satpam", already_said=True)
    answered = needs.answer(draft(), Need.PERSON, "kan udah saya bilang, satpamnya", said)
    assert answered.answers["person"] == "satpam"


def test_words_that_fill_no_fact_are_kept_as_a_note() -> None:
    known = draft(place="Bekasi")
    answered = needs.answer(known, Need.PLACE_TIME, "pas hujan deres", Said())
    assert answered.answers["time"] is None
    assert answered.notes == ("pas hujan deres",)


def test_a_person_described_beside_a_place_keeps_the_description() -> None:
    asked = Draft(Category.ATTITUDINAL, None, None, answers={"description": "dibentak"})
    answered = needs.answer(asked, Need.PERSON, "yang jaga di loket 3", Said(place="loket 3"))
    assert answered.answers["person"] == "yang jaga di loket 3"
    assert answered.answers["place"] == "loket 3"


def test_the_time_read_as_a_date_comes_with_the_time_words() -> None:
    when = datetime(2026, 3, 16, 15, 0, tzinfo=UTC)
    known = draft(time="semalam")
    later = needs.draft_with_said(known, Said(time="kemarin sore", when=when))
    assert later.time_at is None  # the words kept are the first ones, so is their reading
