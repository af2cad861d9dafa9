"""Collecting the needs one question at a time, restating them, and correcting the restatement."""

from __future__ import annotations

from dataclasses import replace

from actions import needs, prompts
from actions.decide.drafts import idle
from actions.extraction import Said
from prima.core import answers
from prima.core.complaint import Classification
from prima.core.conversation import OPTIONAL, Draft, Need, State, Step, clip
from prima.core.decision import Decision, Facts, OpenCase
from prima.core.events import Text
from prima.core.reply import Reply


def continue_draft(state: State, draft: Draft, facts: Facts, lead: str | None) -> Decision:
    """Ask the next unanswered question, or restate the needs when all are answered."""
    question = draft.next_question()
    if question is None:
        done = replace(draft, asking=None, editing=False)
        return Decision(
            replace(state, step=Step.CONFIRMING, draft=done, pending=None),
            (prompts.summary(done, lead=lead),),
        )
    asking = replace(draft, asking=question)
    return Decision(
        replace(state, step=Step.COLLECTING, draft=asking, pending=None),
        (prompts.question(asking, question, lead=lead),),
    )


def collecting_text(state: State, draft: Draft, event: Text, facts: Facts) -> Decision:
    """A typed answer to the question asked; the NLU's entities help read it."""
    said = needs.read(event.text, event.classification, facts.now)
    return answer(state, draft, clip(event.text), facts, said)


def answer(
    state: State, draft: Draft, text: str | None, facts: Facts, said: Said | None = None
) -> Decision:
    assert draft.asking is not None
    if text is not None and draft.asking in OPTIONAL and answers.is_skip(text):
        text = None
    answered = needs.answer(draft, draft.asking, text, said if text is not None else None)
    if draft.editing:
        done = replace(answered, asking=None, editing=False)
        return Decision(replace(state, step=Step.CONFIRMING, draft=done), (prompts.summary(done),))
    return continue_draft(state, answered, facts, lead=None)


def confirming_text(state: State, draft: Draft, event: Text, facts: Facts) -> Decision:
    c = event.classification
    if state.step is Step.CONFIRMING:
        if answers.is_yes(event.text) or _confident(c, "affirm"):
            return open_case(state, draft, facts)
        if answers.is_no(event.text) or _confident(c, "deny"):
            return ask_correction(state, draft)
    # Anything else is taken as a correction in the customer's own words, and restated;
    # facts it states that were still unknown are recorded too.
    said = needs.read(event.text, c, facts.now)
    noted = replace(needs.draft_with_said(draft, said), notes=(*draft.notes, clip(event.text)))
    return Decision(replace(state, step=Step.CONFIRMING, draft=noted), (prompts.summary(noted),))


def _confident(c: Classification | None, intent: str) -> bool:
    return c is not None and not c.fallback and c.intent == intent


def open_case(state: State, draft: Draft, facts: Facts) -> Decision:
    reference = facts.new_reference
    return Decision(
        idle(state),
        (prompts.case_opened(reference, draft, facts),),
        (OpenCase(reference, replace(draft, asking=None, editing=False)),),
    )


def ask_correction(state: State, draft: Draft) -> Decision:
    return Decision(replace(state, step=Step.CORRECTING), (prompts.which_part(draft),))


def edit(state: State, draft: Draft, value: str, facts: Facts) -> Decision:
    if value == "category":
        return Decision(replace(state, step=Step.CLARIFYING), (prompts.clarify(),))
    try:
        need = Need(value)
    except ValueError:
        return Decision(state, (Reply("stale_button"), prompts.which_part(draft)))
    editing = replace(draft, asking=need, editing=True)
    return Decision(
        replace(state, step=Step.COLLECTING, draft=editing),
        (prompts.question(editing, need, lead=None),),
    )
