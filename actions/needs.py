"""Filling a complaint's facts from what the customer said, and reading answers to questions.

Pure. The rules:
- every message fills the facts it states that are still unknown; nothing said is asked again;
- an answer that does not state what was asked is not recorded as that fact ("pengen cepet
  dibenerin" given to the reference question is the wished resolution; the reference stays
  empty);
- "kan udah saya bilang" means "use what I said": it is never recorded as a value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime

from actions.extraction import Said, describe, read_needs
from prima.core import answers
from prima.core.complaint import Classification
from prima.core.conversation import DETAILS, Draft, Need, Pending, clip

# `Said` fields by the draft's fact names (the wished resolution is the "expectation").
_FACT_OF = {
    "reference": "reference",
    "place": "place",
    "time": "time",
    "item": "item",
    "person": "person",
    "wish": "expectation",
}
# A free answer longer than this is a story, not the name of a thing, person or place.
_FREE_ANSWER_WORDS = 12
_MAX_FACT_LENGTH = 200


def read(text: str, classification: Classification | None, now: datetime) -> Said:
    """What one message says about the case's needs (the NLU's entities included)."""
    if classification is None:
        return read_needs(text, (), now=now)
    # The entities' offsets point into the text as the NLU read it (cleaned of extra spaces).
    return read_needs(classification.text, classification.entities, now=now)


def facts_of(said: Said) -> dict[str, str]:
    """What `said` states, by the draft's fact names."""
    return {_FACT_OF[k]: clip(v, _MAX_FACT_LENGTH) for k, v in said.fields().items() if v}


def with_facts(known: Mapping[str, str | None], new: Mapping[str, str]) -> dict[str, str | None]:
    """`known` with the facts `new` adds: what was said first stays."""
    merged = dict(known)
    for key, value in new.items():
        if merged.get(key) is None:
            merged[key] = value
    return merged


def pending_with_said(pending: Pending, said: Said) -> Pending:
    details = with_facts(pending.details, facts_of(said))
    return replace(
        pending,
        details=details,
        resolution=pending.resolution or said.resolution,
        time_at=_time_at(pending.details, details, pending.time_at, said),
    )


def draft_with_said(draft: Draft, said: Said) -> Draft:
    """A draft filled with what a later message (a story, or a correction) added."""
    answers = with_facts(draft.answers, facts_of(said))
    return replace(
        draft,
        answers=answers,
        resolution=draft.resolution or said.resolution,
        time_at=_time_at(draft.answers, answers, draft.time_at, said),
    )


def answer(draft: Draft, need: Need, text: str | None, said: Said | None) -> Draft:
    """The draft after the customer answered the question about `need` (None: skipped).

    Facts of `need` the answer does not give are recorded as asked (None), so the question
    is not repeated. While editing, the facts the answer gives replace what was recorded;
    an answer that gives none keeps it. Words that fill no fact are kept as a note.
    """
    asked = DETAILS[need]
    known = dict(draft.answers)
    if draft.editing:
        for key in (*asked, "place_time") if need is Need.PLACE_TIME else asked:
            known.pop(key, None)  # "place_time": one answer for both, as older drafts kept it
    found = facts_of(said) if said is not None else {}
    new = {k: v for k, v in found.items() if known.get(k) is None}
    usable = (
        text is not None
        and said is not None
        and not said.already_said
        and not answers.is_skip(text)
        and bool(text.strip())
    )
    if usable and text is not None:
        target = _free_target(need, asked, known, new, text)
        if target is not None:
            value = describe(text) if need is Need.DESCRIPTION else ""
            new[target] = value or clip(text)
    updated = with_facts(known, new)
    if draft.editing:  # what the answer does not give of the asked part stays as it was
        for key in asked:
            if key not in new and key in draft.answers and "place_time" not in draft.answers:
                updated[key] = draft.answers[key]
    for key in asked:
        updated.setdefault(key, None)
    notes = draft.notes
    if usable and text is not None and not new:
        notes = (*notes, clip(text))  # words that fill no fact are kept, not lost
    resolution = draft.resolution
    if said is not None and said.resolution and (draft.editing or resolution is None):
        resolution = said.resolution
    time_at = draft.time_at
    if said is not None and "time" in new:
        time_at = _iso(said)
    return replace(draft, answers=updated, resolution=resolution, time_at=time_at, notes=notes)


def _free_target(
    need: Need,
    asked: tuple[str, ...],
    known: Mapping[str, str | None],
    new: Mapping[str, str],
    text: str,
) -> str | None:
    """The fact an answer's own words become, when the extraction did not find the asked one.

    A thing, a person, a wish or the story: the whole answer ("yang jaga di loket 3" to
    "which staff member?"), even beside other facts it names. A place: a short answer that
    names nothing else. A reference or a time: never from free words (kept as a note).
    """
    if need in (Need.DESCRIPTION, Need.EXPECTATION):
        return None if set(asked) & set(new) else asked[0]
    if need in (Need.ITEM, Need.PERSON):
        key = asked[0]
        if key in new and len(text.split()) > _FREE_ANSWER_WORDS:
            return None  # the extraction's words are the better value in a long answer
        return key if len(text.split()) <= _FREE_ANSWER_WORDS else None
    if need is Need.PLACE_TIME and not new and len(text.split()) <= _FREE_ANSWER_WORDS:
        return "place" if known.get("place") is None else None
    return None


def _time_at(
    before: Mapping[str, str | None],
    after: Mapping[str, str | None],
    time_at: str | None,
    said: Said,
) -> str | None:
    """The time read as a date-time, from the message whose words became the time."""
    if before.get("time") is None and after.get("time") is not None:
        return _iso(said)
    return time_at


def _iso(said: Said) -> str | None:
    return said.when.isoformat(timespec="minutes") if said.when is not None else None
