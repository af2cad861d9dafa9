"""The slash commands: /start, /help, /lang, /status, /agent, /cancel and /resume."""

from __future__ import annotations

from dataclasses import replace

from actions import prompts
from actions.decide.collecting import continue_draft
from actions.decide.drafts import draft_from_pending, idle
from actions.prompts import reprompt
from prima.core.complaint import Category
from prima.core.conversation import Draft, Pending, State, Step
from prima.core.decision import (
    AddToCase,
    Decision,
    Effect,
    Facts,
    OpenCase,
    RequestHuman,
    SetLanguage,
)
from prima.core.events import Command
from prima.core.reply import Reply


def command(state: State, event: Command, facts: Facts) -> Decision:
    name = event.name
    if name == "start":
        return Decision(state, (Reply("greet"), *reprompt(state, facts)))
    if name == "help":
        return Decision(state, (Reply("help"), *reprompt(state, facts)))
    if name == "lang":
        return choose_language(state, event.argument.strip().casefold(), facts)
    if name == "status":
        return Decision(state, (prompts.status(facts), *reprompt(state, facts)))
    if name == "agent":
        return request_human(state, facts)
    if name == "cancel":
        return cancel(state, facts)
    if name == "resume":
        return resume(state, facts)
    return Decision(state, (Reply("unknown_command"), *reprompt(state, facts)))


def choose_language(state: State, wanted: str, facts: Facts) -> Decision:
    if wanted not in facts.supported_languages:
        return Decision(state, (prompts.choose_language(facts),))
    chosen = replace(state, language_chosen=True)
    return Decision(
        chosen,
        (Reply("language_set"), *reprompt(chosen, facts)),
        (SetLanguage(wanted),),
        language=wanted,
    )


def cancel(state: State, facts: Facts) -> Decision:
    """Leave the current step; what was recorded stays (a draft is parked for /resume)."""
    if state.step in (Step.COLLECTING, Step.CONFIRMING, Step.CORRECTING) and state.draft:
        parked = replace(state.draft, asking=None, editing=False)
        return Decision(
            State(parked=parked, language_chosen=state.language_chosen),
            (Reply("cancelled_draft", buttons=((prompts.button("resume", "resume"),),)),),
        )
    if state.step in (Step.RATING, Step.COMMENTING):
        return Decision(idle(state), (Reply("feedback_skipped"),))
    if state.step in (Step.CLARIFYING, Step.CHOOSING_CASE):
        if state.draft is not None:
            return cancel(replace(state, step=Step.COLLECTING), facts)
        return Decision(idle(state), (Reply("cancelled"),))
    return Decision(state, (Reply("nothing_to_cancel"),))


def resume(state: State, facts: Facts) -> Decision:
    if state.step is not Step.IDLE or state.parked is None:
        return Decision(state, (Reply("nothing_to_resume"), *reprompt(state, facts)))
    return continue_draft(replace(state, parked=None), state.parked, facts, lead=None)


def request_human(state: State, facts: Facts) -> Decision:
    """Record that the customer wants a person, on the case this is about (opened if needed)."""
    pending = state.pending or Pending()
    if state.step is Step.CHOOSING_CASE and pending.offered:
        target = pending.offered[0]
        effects: tuple[Effect, ...] = (
            AddToCase(target, pending.texts, pending.attachments),
            RequestHuman(target),
        )
        return Decision(idle(state), (prompts.human_requested(target, facts),), effects)
    if state.draft is not None or state.step is Step.CLARIFYING:
        draft = state.draft or draft_from_pending(pending, Category.NONE)
        reference = facts.new_reference
        return Decision(
            idle(state),
            (prompts.human_requested(reference, facts, new_case=True),),
            (OpenCase(reference, replace(draft, asking=None, editing=False), True),),
        )
    if facts.open_cases:
        target = facts.open_cases[0].reference
        return Decision(
            idle(state), (prompts.human_requested(target, facts),), (RequestHuman(target),)
        )
    reference = facts.new_reference
    draft = Draft(Category.NONE, None, "request_human")
    return Decision(
        idle(state),
        (prompts.human_requested(reference, facts, new_case=True),),
        (OpenCase(reference, draft, True),),
    )
