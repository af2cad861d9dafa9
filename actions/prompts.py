"""The bot's prompts as replies: which template, which context, which buttons."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from prima.core.complaint import Category
from prima.core.conversation import DETAILS, OPTIONAL, Draft, Need, Rating, State, Step
from prima.core.decision import CaseView, Facts
from prima.core.reply import Button, Reply

# The clarifying question's choices, in the order shown (typed numbers follow this order).
CLARIFY_CHOICES: tuple[str, ...] = (
    Category.MECHANICAL.value,
    Category.ATTITUDINAL.value,
    Category.SERVICE.value,
    Category.UNUSUAL.value,
    Category.NONE.value,
)

# Resolutions offered as buttons for "what do you expect?", per kind of complaint.
RESOLUTION_OPTIONS: dict[Category, tuple[str, ...]] = {
    Category.MECHANICAL: ("repair", "refund", "comfort"),
    Category.ATTITUDINAL: ("apology", "explanation"),
    Category.SERVICE: ("refund", "explanation", "apology"),
    Category.UNUSUAL: ("explanation", "apology"),
    Category.NONE: ("explanation",),
}


def button(label: str, data: str, **context: Any) -> Button:
    return Button(label, data, context)


def _column(buttons: Iterable[Button]) -> tuple[tuple[Button, ...], ...]:
    return tuple((b,) for b in buttons)


def clarify(*, again: bool = False) -> Reply:
    return Reply(
        "clarify_category",
        {"again": again},
        _column(button(f"category_{value}", f"cat:{value}") for value in CLARIFY_CHOICES),
    )


def clarify_between(kinds: tuple[Category, ...]) -> Reply:
    """Two kinds came out close: ask with those two, and a way to the full list."""
    buttons = [button(f"category_{k.value}_short", f"cat:{k.value}") for k in kinds]
    buttons.append(button("category_other", "cat:other"))
    return Reply("clarify_between", {"kinds": [k.value for k in kinds]}, _column(buttons))


def info() -> Reply:
    """A question about products, prices or procedures: what this bot does, whom to ask."""
    return Reply("ask_info", {}, ((button("talk_to_person", "agent"),),))


def _case_items(cases: Iterable[CaseView]) -> list[dict[str, Any]]:
    return [
        {
            "reference": case.reference,
            "category": case.category.value,
            "status": case.status,
            "human_requested": case.human_requested,
            "opened_at": case.opened_at,
        }
        for case in cases
    ]


def choose_case(cases: tuple[CaseView, ...], *, again: bool = False) -> Reply:
    buttons = [button("about_case", f"case:{c.reference}", reference=c.reference) for c in cases]
    buttons.append(button("new_case", "case:new"))
    return Reply("choose_case", {"cases": _case_items(cases), "again": again}, _column(buttons))


def question(draft: Draft, need: Need, *, lead: str | None) -> Reply:
    missing = DETAILS[need] if draft.editing else draft.missing(need)
    current = [draft.answers.get(d) for d in DETAILS[need]] if draft.editing else []
    context = {
        "category": draft.category.value,
        "editing": draft.editing,
        "current": ", ".join(v for v in current if v) or None,
        "missing": list(missing),
    }
    buttons: list[Button] = []
    if need is Need.EXPECTATION:
        options = RESOLUTION_OPTIONS[draft.category]
        buttons = [button(f"resolution_{option}", f"res:{option}") for option in options]
    if need in OPTIONAL:
        buttons.append(button("skip", "skip"))
    return Reply(f"ask_{need.value}", context, _column(buttons), lead=lead)


def summary(draft: Draft, *, lead: str | None = None) -> Reply:
    context = {
        "category": draft.category.value,
        "answers": [{"need": key, "value": value} for key, value in draft.details()],
        "resolution": draft.resolution,
        "notes": list(draft.notes),
        "attachments": len(draft.attachments),
    }
    buttons = ((button("confirm_yes", "confirm:yes"),), (button("confirm_edit", "confirm:edit"),))
    return Reply("summary", context, buttons, lead=lead)


def which_part(draft: Draft) -> Reply:
    """Every part that can be changed: the kind's questions and any fact recorded besides."""
    recorded = {key for key, _ in draft.details()}
    needs = [
        need
        for need in Need
        if need is Need.DESCRIPTION or need in draft.questions() or recorded & set(DETAILS[need])
    ]
    parts = ["category", *(need.value for need in needs)]
    return Reply("which_part", {}, _column(button(f"part_{p}", f"edit:{p}") for p in parts))


def case_opened(reference: str, draft: Draft, facts: Facts) -> Reply:
    return Reply(
        "case_opened",
        {
            "reference": reference,
            "category": draft.category.value,
            "open_now": facts.open_now,
            "attachments": len(draft.attachments),
        },
    )


def status(facts: Facts) -> Reply:
    return Reply("status", {"cases": _case_items(facts.open_cases)})


def human_requested(reference: str, facts: Facts, *, new_case: bool = False) -> Reply:
    return Reply(
        "human_requested",
        {"reference": reference, "open_now": facts.open_now, "new_case": new_case},
    )


def choose_language(facts: Facts) -> Reply:
    languages = facts.supported_languages
    return Reply(
        "choose_language", {}, _column(button(f"language_{x}", f"lang:{x}") for x in languages)
    )


def ask_rating(reference: str, *, again: bool = False) -> Reply:
    buttons = _column(button(f"rating_{r.value}", f"rate:{reference}:{r.value}") for r in Rating)
    return Reply("ask_rating", {"reference": reference, "again": again}, buttons)


def ask_comment(rating: Rating) -> Reply:
    return Reply("ask_comment", {"rating": rating.value}, ((button("skip", "comment:skip"),),))


def reprompt(state: State, facts: Facts) -> tuple[Reply, ...]:
    """The question the customer was answering, asked again after an interruption."""
    draft = state.draft
    match state.step:
        case Step.CLARIFYING if state.pending is not None and state.pending.kinds:
            return (clarify_between(tuple(Category(k) for k in state.pending.kinds)),)
        case Step.CLARIFYING:
            return (clarify(),)
        case Step.CHOOSING_CASE:
            offered = state.pending.offered if state.pending else ()
            cases = tuple(c for c in facts.open_cases if c.reference in offered)
            return (choose_case(cases),)
        case Step.COLLECTING if draft is not None and draft.asking is not None:
            return (question(draft, draft.asking, lead=None),)
        case Step.CONFIRMING if draft is not None:
            return (summary(draft),)
        case Step.CORRECTING if draft is not None:
            return (which_part(draft),)
        case Step.RATING if state.feedback_case:
            return (ask_rating(state.feedback_case),)
        case Step.COMMENTING if state.rating:
            return (ask_comment(state.rating),)
    return ()
