"""Feedback on a resolved case: asking for a rating, recording it, then an optional comment."""

from __future__ import annotations

from dataclasses import replace

from actions import prompts
from actions.decide.drafts import idle
from actions.decide.placing import idle_text
from actions.prompts import reprompt
from prima.core import answers
from prima.core.conversation import Rating, State, Step, clip
from prima.core.decision import Decision, Facts, RecordComment, RecordRating
from prima.core.events import Text
from prima.core.reply import Reply


def case_resolved(state: State, reference: str) -> Decision:
    """Ask for feedback now if the customer is free; otherwise the buttons wait in the chat."""
    ask = prompts.ask_rating(reference)
    if state.step is Step.IDLE:
        return Decision(replace(state, step=Step.RATING, feedback_case=reference), (ask,))
    return Decision(state, (ask,))


def rate(state: State, reference: str, level: str, facts: Facts) -> Decision:
    try:
        rating = Rating(level)
    except ValueError:
        return Decision(state, (Reply("stale_button"), *reprompt(state, facts)))
    effects = (RecordRating(reference, rating),)
    if state.step in (Step.IDLE, Step.RATING, Step.COMMENTING):
        after = replace(idle(state), step=Step.COMMENTING, feedback_case=reference, rating=rating)
        return Decision(after, (prompts.ask_comment(rating),), effects)
    return Decision(state, (Reply("feedback_thanks"), *reprompt(state, facts)), effects)


def rating_text(state: State, event: Text, facts: Facts) -> Decision:
    assert state.feedback_case is not None
    rating = answers.rating_from_text(event.text)
    if rating is not None:
        return rate(state, state.feedback_case, rating.value, facts)
    c = event.classification
    if c is not None and not c.fallback and (c.category.is_complaint or c.intent == "ask_status"):
        # The customer moved on; the rating buttons stay in the chat for later.
        return idle_text(idle(state), event, facts)
    return Decision(state, (prompts.ask_rating(state.feedback_case, again=True),))


def comment_text(state: State, event: Text) -> Decision:
    """The customer's comment on the case they rated: recorded, and thanked for."""
    assert state.feedback_case is not None
    return Decision(
        idle(state),
        (Reply("feedback_thanks"),),
        (RecordComment(state.feedback_case, clip(event.text)),),
    )
