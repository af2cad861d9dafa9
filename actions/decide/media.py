"""Files and photos the customer sends: kept with the draft, the case or the unplaced message."""

from __future__ import annotations

from dataclasses import replace

from actions.decide.placing import idle_text
from actions.prompts import reprompt
from prima.core.conversation import Pending, State, Step
from prima.core.decision import AddToCase, Decision, Facts
from prima.core.events import Media
from prima.core.reply import Reply


def media_sent(state: State, event: Media, facts: Facts) -> Decision:
    attachment = event.attachment
    draft = state.draft
    if draft is not None and state.step in (
        Step.COLLECTING,
        Step.CONFIRMING,
        Step.CORRECTING,
        Step.CLARIFYING,
    ):
        kept = replace(draft, attachments=(*draft.attachments, attachment))
        after = replace(state, draft=kept)
        return Decision(
            after, (Reply("attachment_noted", {"kind": attachment.kind}), *reprompt(after, facts))
        )
    if state.step in (Step.RATING, Step.COMMENTING) and state.feedback_case:
        target = state.feedback_case
        return Decision(
            state,
            (Reply("attachment_added", {"kind": attachment.kind, "reference": target}),),
            (AddToCase(target, (), (attachment,)),),
        )
    if state.step is Step.IDLE and event.caption is not None:
        with_file = replace(
            state, pending=replace(state.pending or Pending(), attachments=(attachment,))
        )
        return idle_text(with_file, event.caption, facts)
    if state.step is Step.IDLE and facts.open_cases:
        target = facts.open_cases[0].reference
        return Decision(
            state,
            (Reply("attachment_added", {"kind": attachment.kind, "reference": target}),),
            (AddToCase(target, (), (attachment,)),),
        )
    pending = state.pending or Pending()
    kept_pending = replace(pending, attachments=(*pending.attachments, attachment))
    after = replace(state, pending=kept_pending)
    if state.step is Step.IDLE:
        return Decision(after, (Reply("attachment_first", {"kind": attachment.kind}),))
    return Decision(
        after, (Reply("attachment_noted", {"kind": attachment.kind}), *reprompt(after, facts))
    )
