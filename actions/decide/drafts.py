"""What the step groups share: the idle state, the message kept so far, a draft from it."""

from __future__ import annotations

from dataclasses import replace

from actions import needs
from actions.extraction import describe
from prima.core.complaint import Category, Classification
from prima.core.conversation import Draft, Need, Pending, State, clip
from prima.core.decision import Facts


def idle(state: State) -> State:
    return State(parked=state.parked, language_chosen=state.language_chosen)


def pending_with(
    pending: Pending | None, text: str, c: Classification | None, facts: Facts
) -> Pending:
    base = pending or Pending()
    updated = needs.pending_with_said(
        replace(base, texts=(*base.texts, clip(text))), needs.read(text, c, facts.now)
    )
    if c is not None and not c.fallback and c.category.is_complaint:
        updated = replace(updated, category=c.category, confidence=c.confidence, intent=c.intent)
    return updated


def draft_from_pending(pending: Pending, category: Category) -> Draft:
    """A new complaint: the customer's words as its description, the facts they stated."""
    said = clip(" ".join(pending.texts)) if pending.texts else None
    description = (describe(said) or said) if said else None
    story = {Need.DESCRIPTION.value: description} if description else {}
    return Draft(
        category=category,
        confidence=pending.confidence if pending.category == category else None,
        intent=pending.intent if pending.category == category else None,
        answers={**pending.details, **story},
        resolution=pending.resolution,
        attachments=pending.attachments,
        time_at=pending.time_at,
    )
