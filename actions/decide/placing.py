"""Placing a message: what it is about (clarifying the kind) and which case it belongs to."""

from __future__ import annotations

from dataclasses import replace

from actions import prompts
from actions.decide.collecting import continue_draft
from actions.decide.drafts import draft_from_pending, idle, pending_with
from actions.decide.menu import request_human
from actions.prompts import reprompt
from prima.core import answers
from prima.core.complaint import Category
from prima.core.conversation import Pending, State, Step
from prima.core.decision import AddToCase, Decision, Facts
from prima.core.events import Text
from prima.core.reply import Reply

# Intents with an answer of their own when nothing else is going on.
_SIMPLE_INTENTS = {
    "greet": "greet",
    "goodbye": "goodbye",
    "thanks": "thanks",
    "affirm": "affirm",
    "deny": "deny",
    "out_of_scope": "out_of_scope",
    "chitchat": "chitchat",
}


def idle_text(state: State, event: Text, facts: Facts) -> Decision:
    c = event.classification
    if c is not None and len(c.close_kinds) == 2:
        # Two kinds came out close: a question with those two beats a guess or all four.
        pending = replace(
            pending_with(state.pending, event.text, c, facts),
            kinds=tuple(k.value for k in c.close_kinds),
        )
        return Decision(
            replace(state, step=Step.CLARIFYING, pending=pending),
            (prompts.clarify_between(c.close_kinds),),
        )
    if c is None or c.fallback:
        # Unsure (or the NLU is unavailable): ask rather than guess; the text is kept.
        pending = pending_with(state.pending, event.text, c, facts)
        return Decision(replace(state, step=Step.CLARIFYING, pending=pending), (prompts.clarify(),))
    if c.category.is_complaint:
        pending = pending_with(state.pending, event.text, c, facts)
        return complaint(state, pending, c.category, facts)
    if c.intent == "ask_status":
        return Decision(state, (prompts.status(facts),))
    if c.intent == "ask_info":
        return Decision(state, (prompts.info(),))
    if c.intent == "request_human":
        return request_human(state, facts)
    return Decision(state, (Reply(_SIMPLE_INTENTS.get(c.intent or "", "out_of_scope")),))


def clarifying_text(state: State, event: Text, facts: Facts) -> Decision:
    offered = state.pending.kinds if state.pending and state.pending.kinds else None
    choices = (*offered, "other") if offered else prompts.CLARIFY_CHOICES
    index = answers.choice_number(event.text, len(choices))
    if index is not None:
        return category_chosen(state, choices[index], facts)
    if state.draft is not None:
        return Decision(state, (prompts.clarify(again=True),))
    c = event.classification
    pending = pending_with(state.pending, event.text, c, facts)
    if c is not None and not c.fallback and c.category.is_complaint:
        return complaint(state, pending, c.category, facts)
    if c is not None and not c.fallback and c.intent in ("greet", "thanks", "chitchat"):
        return Decision(state, (Reply(_SIMPLE_INTENTS[c.intent or ""]), *reprompt(state, facts)))
    if c is not None and not c.fallback and c.intent == "ask_info":
        return Decision(state, (prompts.info(), *reprompt(state, facts)))
    # The full list now: typed numbers follow it, not the two kinds offered before.
    return Decision(
        replace(state, pending=replace(pending, kinds=())), (prompts.clarify(again=True),)
    )


def category_chosen(state: State, value: str, facts: Facts) -> Decision:
    if value == "other":  # neither of the two kinds offered: the full list
        pending = replace(state.pending, kinds=()) if state.pending else None
        return Decision(replace(state, pending=pending), (prompts.clarify(),))
    try:
        category = Category(value)
    except ValueError:
        return Decision(state, (prompts.clarify(again=True),))
    if state.draft is not None:
        # Changing the kind while correcting: the new kind's questions are asked as needed.
        draft = replace(state.draft, category=category, confidence=None)
        return continue_draft(state, draft, facts, lead=None)
    if not category.is_complaint:
        return Decision(idle(state), (Reply("how_can_help"),))
    pending = replace(state.pending or Pending(), category=category, confidence=None)
    return complaint(state, pending, category, facts)


def complaint(state: State, pending: Pending, category: Category, facts: Facts) -> Decision:
    """A complaint of a known kind: about an open case, or the start of a new one."""
    if facts.open_cases:
        offered = tuple(case.reference for case in facts.open_cases[:3])
        waiting = replace(pending, category=category, offered=offered)
        return Decision(
            replace(state, step=Step.CHOOSING_CASE, pending=waiting),
            (prompts.choose_case(facts.open_cases[:3]),),
        )
    draft = draft_from_pending(pending, category)
    return continue_draft(
        replace(state, pending=None), draft, facts, lead=f"acknowledge_{category.value}"
    )


def choosing_text(state: State, event: Text, facts: Facts) -> Decision:
    pending = state.pending or Pending()
    index = answers.choice_number(event.text, len(pending.offered) + 1)
    if index is not None:
        chosen = pending.offered[index] if index < len(pending.offered) else "new"
        return case_chosen(state, pending, chosen, facts)
    mentioned = [ref for ref in pending.offered if ref.casefold() in event.text.casefold()]
    if mentioned:
        return case_chosen(
            state, pending_with(pending, event.text, None, facts), mentioned[0], facts
        )
    if answers.is_new(event.text):
        return case_chosen(state, pending, "new", facts)
    waiting = pending_with(pending, event.text, None, facts)
    return Decision(
        replace(state, pending=waiting),
        (prompts.choose_case(facts.open_cases[:3], again=True),),
    )


def case_chosen(state: State, pending: Pending, chosen: str, facts: Facts) -> Decision:
    if chosen == "new":
        draft = draft_from_pending(pending, pending.category or Category.NONE)
        lead = f"acknowledge_{draft.category.value}" if draft.category.is_complaint else None
        return continue_draft(replace(state, pending=None), draft, facts, lead=lead)
    if chosen not in pending.offered:
        return Decision(state, (Reply("stale_button"), *reprompt(state, facts)))
    return Decision(
        idle(state),
        (Reply("added_to_case", {"reference": chosen}),),
        (AddToCase(chosen, pending.texts, pending.attachments),),
    )
