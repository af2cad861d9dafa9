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
# Facts whose question may be answered in free words (a thing, a person, a place, a wish).
# A reference and a time are recorded only when the answer holds one.
_FREE_WORDS = ("description", "item", "person", "place", "expectation")
# A free answer longer than this is a story, not the name of a thing, person or place.
_FREE_ANSWER_WORDS = 12
_MAX_FACT_LENGTH = 200


def read(text: str, classification: Classification | None, now: datetime) -> Said:
    """What one message says about the case's needs (the NLU's entities included)."""
    entities = classification.entities if classification is not None else ()
    return read_needs(text, entities, now=now)


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
    return replace(
        pending,
        details=with_facts(pending.details, facts_of(said)),
        resolution=pending.resolution or said.resolution,
        time_at=pending.time_at or _iso(said),
    )


def draft_with_said(draft: Draft, said: Said) -> Draft:
    """A draft filled with what a later message (a story, or a correction) added."""
    return replace(
        draft,
        answers=with_facts(draft.answers, facts_of(said)),
        resolution=draft.resolution or said.resolution,
        time_at=draft.time_at or _iso(said),
    )


def answer(draft: Draft, need: Need, text: str | None, said: Said | None) -> Draft:
    """The draft after the customer answered the question about `need` (None: skipped).

    Facts of `need` the answer does not give are recorded as asked (None), so the question
    is not repeated. While editing, the answer replaces what was recorded for `need`.
    """
    asked = DETAILS[need]
    found = facts_of(said) if said is not None else {}
    # Facts the answer only repeats are no answer of their own: its words may be the value.
    new = {k: v for k, v in found.items() if draft.answers.get(k) is None}
    if text is not None and said is not None and _is_free_answer(need, text, said, new):
        found[_free_target(draft, asked)] = (
            describe(text) if need is Need.DESCRIPTION else clip(text)
        )
    elif text is not None and _describes_only(need, text, new):
        # "Satpam bertopi" to "which staff member?": all of it describes them, not one word.
        found[asked[0]] = clip(text)
    known = dict(draft.answers)
    if draft.editing:
        for key in asked:
            known.pop(key, None)
    updated = with_facts(known, found)
    for key in asked:
        updated.setdefault(key, None)
    resolution, time_at = draft.resolution, draft.time_at
    if said is not None:
        if said.resolution and (draft.editing or resolution is None):
            resolution = said.resolution
        if said.when is not None and (time_at is None or (draft.editing and "time" in asked)):
            time_at = _iso(said)
    return replace(draft, answers=updated, resolution=resolution, time_at=time_at)


def _is_free_answer(need: Need, text: str, said: Said, found: Mapping[str, str]) -> bool:
    """Whether the answer, which names nothing the extraction knows, is itself the value."""
    if said.already_said or answers.is_skip(text):
        return False
    if not any(key in _FREE_WORDS for key in DETAILS[need]):
        return False
    if need is Need.DESCRIPTION:
        return True
    if found:
        return False  # it stated a fact of its own (the asked one, or another)
    return need is Need.EXPECTATION or len(text.split()) <= _FREE_ANSWER_WORDS


def _describes_only(need: Need, text: str, new: Mapping[str, str]) -> bool:
    """A short answer about a thing or a person that names only what was asked."""
    return (
        need in (Need.ITEM, Need.PERSON)
        and set(new) == {DETAILS[need][0]}
        and len(text.split()) <= _FREE_ANSWER_WORDS
    )


def _free_target(draft: Draft, asked: tuple[str, ...]) -> str:
    free = [key for key in asked if key in _FREE_WORDS]
    missing = [key for key in free if draft.answers.get(key) is None]
    return (missing or free)[0]


def _iso(said: Said) -> str | None:
    return said.when.isoformat(timespec="minutes") if said.when is not None else None
