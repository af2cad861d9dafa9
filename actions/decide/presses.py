"""Button presses: the callback data read and handed to the step group the button belongs to."""

from __future__ import annotations

from dataclasses import replace

from actions.decide.collecting import answer, ask_correction, edit, open_case
from actions.decide.drafts import idle
from actions.decide.feedback import rate
from actions.decide.menu import choose_language, request_human, resume
from actions.decide.placing import case_chosen, category_chosen
from actions.prompts import reprompt
from prima.core.conversation import RESOLUTIONS, Need, State, Step
from prima.core.decision import Decision, Facts
from prima.core.reply import Reply


def press(state: State, data: str, facts: Facts) -> Decision:
    kind, _, value = data.partition(":")
    if kind == "lang":
        return choose_language(state, value, facts)
    if kind == "rate":
        reference, _, level = value.partition(":")
        return rate(state, reference, level, facts)
    if kind == "resume":
        return resume(state, facts)
    if kind == "agent":
        return request_human(state, facts)
    if kind == "cat" and state.step is Step.CLARIFYING:
        return category_chosen(state, value, facts)
    if kind == "case" and state.step is Step.CHOOSING_CASE and state.pending:
        return case_chosen(state, state.pending, value, facts)
    if state.step is Step.COLLECTING and state.draft and state.draft.asking:
        if kind == "skip":
            return answer(state, state.draft, None, facts)
        if kind == "res" and value in RESOLUTIONS and state.draft.asking is Need.EXPECTATION:
            return answer(state, replace(state.draft, resolution=value), None, facts)
    if kind == "confirm" and state.step is Step.CONFIRMING and state.draft:
        if value == "yes":
            return open_case(state, state.draft, facts)
        return ask_correction(state, state.draft)
    if kind == "edit" and state.step is Step.CORRECTING and state.draft:
        return edit(state, state.draft, value, facts)
    if kind == "comment" and value == "skip" and state.step is Step.COMMENTING:
        return Decision(idle(state), (Reply("feedback_thanks"),))
    return Decision(state, (Reply("stale_button"), *reprompt(state, facts)))
