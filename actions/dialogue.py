"""The conversation's decisions: given the state, what came in and the facts, what happens next.

Pure: no I/O, no clock. `decide` returns the next state, the replies and the effects for the
storage adapter to carry out. The flow is drawn in `docs/conversation.mmd`.
"""

from __future__ import annotations

from dataclasses import replace

from actions import needs, prompts
from actions.extraction import Said, describe
from actions.prompts import reprompt
from prima.core import answers
from prima.core.complaint import Category, Classification
from prima.core.conversation import (
    OPTIONAL,
    RESOLUTIONS,
    AddToCase,
    Agent,
    AgentChanged,
    CaseResolved,
    Command,
    Decision,
    Draft,
    Effect,
    Event,
    Facts,
    Media,
    Need,
    OpenCase,
    Pending,
    Press,
    Rating,
    RecordComment,
    RecordRating,
    RequestHuman,
    SetLanguage,
    State,
    Step,
    Text,
    Unsupported,
    clip,
)
from prima.core.language import detect_language
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
# Steps where a text message is read by the NLU model (elsewhere it answers a question).
# While collecting, the NLU's entities (places, items, references) read the answer.
_NLU_STEPS = frozenset({Step.IDLE, Step.CLARIFYING, Step.COLLECTING, Step.CONFIRMING, Step.RATING})


def needs_nlu(state: State, event: Event) -> bool:
    """Whether the text in `event` should be classified before deciding."""
    if isinstance(event, Media):
        return event.caption is not None and state.step is Step.IDLE
    return isinstance(event, Text) and state.step in _NLU_STEPS


# Steps where a typed answer never looks at the customer's open cases.
_ANSWER_STEPS = frozenset(
    {Step.COLLECTING, Step.CONFIRMING, Step.CORRECTING, Step.COMMENTING, Step.WITH_AGENT}
)


def needs_open_cases(state: State, event: Event) -> bool:
    """Whether `decide` may read `facts.open_cases` for this event (else they need no query)."""
    return not (isinstance(event, Text) and state.step in _ANSWER_STEPS)


def decide(state: State, event: Event, facts: Facts) -> Decision:
    """The next state, replies and effects for one incoming event."""
    language = _language_for(state, event, facts)
    decision = _dispatch(state, event, facts)
    if language != facts.language and decision.language is None:
        decision = decision.but(
            language=language,
            effects=(*decision.effects, SetLanguage(language)),
        )
    return decision


def _dispatch(state: State, event: Event, facts: Facts) -> Decision:
    if isinstance(event, AgentChanged):
        return _agent_changed(state, event, facts)
    if state.step is Step.WITH_AGENT and state.agent is not None:
        return _with_agent(state, state.agent, event, facts)
    match event:
        case Command():
            return _command(state, event, facts)
        case Press():
            return _press(state, event.data, facts)
        case Media():
            return _media(state, event, facts)
        case Unsupported():
            return Decision(state, (Reply("unsupported_content"), *reprompt(state, facts)))
        case CaseResolved():
            return _case_resolved(state, event.reference)
        case Text():
            return _text(state, event, facts)


def _language_for(state: State, event: Event, facts: Facts) -> str:
    """The customer's language follows what they write, unless they chose one with /lang."""
    if state.language_chosen or not isinstance(event, Text):
        return facts.language
    if len(event.text.split()) < 3:
        return facts.language
    detected = detect_language(event.text, default=facts.language)
    return detected if detected in facts.supported_languages else facts.language


# --- Commands -----------------------------------------------------------------------------


def _command(state: State, command: Command, facts: Facts) -> Decision:
    name = command.name
    if name == "start":
        return Decision(state, (Reply("greet"), *reprompt(state, facts)))
    if name == "help":
        return Decision(state, (Reply("help"), *reprompt(state, facts)))
    if name == "lang":
        return _choose_language(state, command.argument.strip().casefold(), facts)
    if name == "status":
        return Decision(state, (prompts.status(facts), *reprompt(state, facts)))
    if name == "agent":
        return _request_human(state, facts)
    if name == "cancel":
        return _cancel(state, facts)
    if name == "resume":
        return _resume(state, facts)
    return Decision(state, (Reply("unknown_command"), *reprompt(state, facts)))


def _choose_language(state: State, wanted: str, facts: Facts) -> Decision:
    if wanted not in facts.supported_languages:
        return Decision(state, (prompts.choose_language(facts),))
    chosen = replace(state, language_chosen=True)
    return Decision(
        chosen,
        (Reply("language_set"), *reprompt(chosen, facts)),
        (SetLanguage(wanted),),
        language=wanted,
    )


def _cancel(state: State, facts: Facts) -> Decision:
    """Leave the current step; what was recorded stays (a draft is parked for /resume)."""
    if state.step in (Step.COLLECTING, Step.CONFIRMING, Step.CORRECTING) and state.draft:
        parked = replace(state.draft, asking=None, editing=False)
        return Decision(
            State(parked=parked, language_chosen=state.language_chosen),
            (Reply("cancelled_draft", buttons=((prompts.button("resume", "resume"),),)),),
        )
    if state.step in (Step.RATING, Step.COMMENTING):
        return Decision(_idle(state), (Reply("feedback_skipped"),))
    if state.step in (Step.CLARIFYING, Step.CHOOSING_CASE):
        if state.draft is not None:
            return _cancel(replace(state, step=Step.COLLECTING), facts)
        return Decision(_idle(state), (Reply("cancelled"),))
    return Decision(state, (Reply("nothing_to_cancel"),))


def _resume(state: State, facts: Facts) -> Decision:
    if state.step is not Step.IDLE or state.parked is None:
        return Decision(state, (Reply("nothing_to_resume"), *reprompt(state, facts)))
    return _continue_draft(replace(state, parked=None), state.parked, facts, lead=None)


def _request_human(state: State, facts: Facts) -> Decision:
    """Record that the customer wants a person, on the case this is about (opened if needed)."""
    pending = state.pending or Pending()
    if state.step is Step.CHOOSING_CASE and pending.offered:
        target = pending.offered[0]
        effects: tuple[Effect, ...] = (
            AddToCase(target, pending.texts, pending.attachments),
            RequestHuman(target),
        )
        return Decision(_idle(state), (prompts.human_requested(target, facts),), effects)
    if state.draft is not None or state.step is Step.CLARIFYING:
        draft = state.draft or _draft_from_pending(pending, Category.NONE)
        reference = facts.new_reference
        return Decision(
            _idle(state),
            (prompts.human_requested(reference, facts, new_case=True),),
            (OpenCase(reference, replace(draft, asking=None, editing=False), True),),
        )
    if facts.open_cases:
        target = facts.open_cases[0].reference
        return Decision(
            _idle(state), (prompts.human_requested(target, facts),), (RequestHuman(target),)
        )
    reference = facts.new_reference
    draft = Draft(Category.NONE, None, "request_human")
    return Decision(
        _idle(state),
        (prompts.human_requested(reference, facts, new_case=True),),
        (OpenCase(reference, draft, True),),
    )


# --- Buttons ------------------------------------------------------------------------------


def _press(state: State, data: str, facts: Facts) -> Decision:
    kind, _, value = data.partition(":")
    if kind == "lang":
        return _choose_language(state, value, facts)
    if kind == "rate":
        reference, _, level = value.partition(":")
        return _rate(state, reference, level, facts)
    if kind == "resume":
        return _resume(state, facts)
    if kind == "agent":
        return _request_human(state, facts)
    if kind == "cat" and state.step is Step.CLARIFYING:
        return _category_chosen(state, value, facts)
    if kind == "case" and state.step is Step.CHOOSING_CASE and state.pending:
        return _case_chosen(state, state.pending, value, facts)
    if state.step is Step.COLLECTING and state.draft and state.draft.asking:
        if kind == "skip":
            return _answer(state, state.draft, None, facts)
        if kind == "res" and value in RESOLUTIONS and state.draft.asking is Need.EXPECTATION:
            return _answer(state, replace(state.draft, resolution=value), None, facts)
    if kind == "confirm" and state.step is Step.CONFIRMING and state.draft:
        if value == "yes":
            return _open_case(state, state.draft, facts)
        return _ask_correction(state, state.draft)
    if kind == "edit" and state.step is Step.CORRECTING and state.draft:
        return _edit(state, state.draft, value, facts)
    if kind == "comment" and value == "skip" and state.step is Step.COMMENTING:
        return Decision(_idle(state), (Reply("feedback_thanks"),))
    return Decision(state, (Reply("stale_button"), *reprompt(state, facts)))


def _rate(state: State, reference: str, level: str, facts: Facts) -> Decision:
    try:
        rating = Rating(level)
    except ValueError:
        return Decision(state, (Reply("stale_button"), *reprompt(state, facts)))
    effects = (RecordRating(reference, rating),)
    if state.step in (Step.IDLE, Step.RATING, Step.COMMENTING):
        after = replace(_idle(state), step=Step.COMMENTING, feedback_case=reference, rating=rating)
        return Decision(after, (prompts.ask_comment(rating),), effects)
    return Decision(state, (Reply("feedback_thanks"), *reprompt(state, facts)), effects)


# --- Text ---------------------------------------------------------------------------------


def _text(state: State, event: Text, facts: Facts) -> Decision:
    if not event.text.strip():
        return Decision(state, (Reply("empty_message"), *reprompt(state, facts)))
    match state.step:
        case Step.IDLE:
            return _idle_text(state, event, facts)
        case Step.WITH_AGENT:  # with an agent but none recorded: back to the bot
            return _idle_text(_idle(state), event, facts)
        case Step.CLARIFYING:
            return _clarifying_text(state, event, facts)
        case Step.CHOOSING_CASE:
            return _choosing_text(state, event, facts)
        case Step.COLLECTING:
            assert state.draft is not None
            said = needs.read(event.text, event.classification, facts.now)
            return _answer(state, state.draft, clip(event.text), facts, said)
        case Step.CONFIRMING | Step.CORRECTING:
            assert state.draft is not None
            return _confirming_text(state, state.draft, event, facts)
        case Step.RATING:
            return _rating_text(state, event, facts)
        case Step.COMMENTING:
            assert state.feedback_case is not None
            return Decision(
                _idle(state),
                (Reply("feedback_thanks"),),
                (RecordComment(state.feedback_case, clip(event.text)),),
            )


def _idle_text(state: State, event: Text, facts: Facts) -> Decision:
    c = event.classification
    if c is not None and len(c.close_kinds) == 2:
        # Two kinds came out close: a question with those two beats a guess or all four.
        pending = replace(
            _pending_with(state.pending, event.text, c, facts),
            kinds=tuple(k.value for k in c.close_kinds),
        )
        return Decision(
            replace(state, step=Step.CLARIFYING, pending=pending),
            (prompts.clarify_between(c.close_kinds),),
        )
    if c is None or c.fallback:
        # Unsure (or the NLU is unavailable): ask rather than guess; the text is kept.
        pending = _pending_with(state.pending, event.text, c, facts)
        return Decision(replace(state, step=Step.CLARIFYING, pending=pending), (prompts.clarify(),))
    if c.category.is_complaint:
        pending = _pending_with(state.pending, event.text, c, facts)
        return _complaint(state, pending, c.category, facts)
    if c.intent == "ask_status":
        return Decision(state, (prompts.status(facts),))
    if c.intent == "ask_info":
        return Decision(state, (prompts.info(),))
    if c.intent == "request_human":
        return _request_human(state, facts)
    return Decision(state, (Reply(_SIMPLE_INTENTS.get(c.intent or "", "out_of_scope")),))


def _clarifying_text(state: State, event: Text, facts: Facts) -> Decision:
    offered = state.pending.kinds if state.pending and state.pending.kinds else None
    choices = (*offered, "other") if offered else prompts.CLARIFY_CHOICES
    index = answers.choice_number(event.text, len(choices))
    if index is not None:
        return _category_chosen(state, choices[index], facts)
    if state.draft is not None:
        return Decision(state, (prompts.clarify(again=True),))
    c = event.classification
    pending = _pending_with(state.pending, event.text, c, facts)
    if c is not None and not c.fallback and c.category.is_complaint:
        return _complaint(state, pending, c.category, facts)
    if c is not None and not c.fallback and c.intent in ("greet", "thanks", "chitchat"):
        return Decision(state, (Reply(_SIMPLE_INTENTS[c.intent or ""]), *reprompt(state, facts)))
    if c is not None and not c.fallback and c.intent == "ask_info":
        return Decision(state, (prompts.info(), *reprompt(state, facts)))
    # The full list now: typed numbers follow it, not the two kinds offered before.
    return Decision(
        replace(state, pending=replace(pending, kinds=())), (prompts.clarify(again=True),)
    )


def _category_chosen(state: State, value: str, facts: Facts) -> Decision:
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
        return _continue_draft(state, draft, facts, lead=None)
    if not category.is_complaint:
        return Decision(_idle(state), (Reply("how_can_help"),))
    pending = replace(state.pending or Pending(), category=category, confidence=None)
    return _complaint(state, pending, category, facts)


def _complaint(state: State, pending: Pending, category: Category, facts: Facts) -> Decision:
    """A complaint of a known kind: about an open case, or the start of a new one."""
    if facts.open_cases:
        offered = tuple(case.reference for case in facts.open_cases[:3])
        waiting = replace(pending, category=category, offered=offered)
        return Decision(
            replace(state, step=Step.CHOOSING_CASE, pending=waiting),
            (prompts.choose_case(facts.open_cases[:3]),),
        )
    draft = _draft_from_pending(pending, category)
    return _continue_draft(
        replace(state, pending=None), draft, facts, lead=f"acknowledge_{category.value}"
    )


def _choosing_text(state: State, event: Text, facts: Facts) -> Decision:
    pending = state.pending or Pending()
    index = answers.choice_number(event.text, len(pending.offered) + 1)
    if index is not None:
        chosen = pending.offered[index] if index < len(pending.offered) else "new"
        return _case_chosen(state, pending, chosen, facts)
    mentioned = [ref for ref in pending.offered if ref.casefold() in event.text.casefold()]
    if mentioned:
        return _case_chosen(
            state, _pending_with(pending, event.text, None, facts), mentioned[0], facts
        )
    if answers.is_new(event.text):
        return _case_chosen(state, pending, "new", facts)
    waiting = _pending_with(pending, event.text, None, facts)
    return Decision(
        replace(state, pending=waiting),
        (prompts.choose_case(facts.open_cases[:3], again=True),),
    )


def _case_chosen(state: State, pending: Pending, chosen: str, facts: Facts) -> Decision:
    if chosen == "new":
        draft = _draft_from_pending(pending, pending.category or Category.NONE)
        lead = f"acknowledge_{draft.category.value}" if draft.category.is_complaint else None
        return _continue_draft(replace(state, pending=None), draft, facts, lead=lead)
    if chosen not in pending.offered:
        return Decision(state, (Reply("stale_button"), *reprompt(state, facts)))
    return Decision(
        _idle(state),
        (Reply("added_to_case", {"reference": chosen}),),
        (AddToCase(chosen, pending.texts, pending.attachments),),
    )


# --- Collecting and confirming the needs ----------------------------------------------------


def _continue_draft(state: State, draft: Draft, facts: Facts, lead: str | None) -> Decision:
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


def _answer(
    state: State, draft: Draft, text: str | None, facts: Facts, said: Said | None = None
) -> Decision:
    assert draft.asking is not None
    if text is not None and draft.asking in OPTIONAL and answers.is_skip(text):
        text = None
    answered = needs.answer(draft, draft.asking, text, said if text is not None else None)
    if draft.editing:
        done = replace(answered, asking=None, editing=False)
        return Decision(replace(state, step=Step.CONFIRMING, draft=done), (prompts.summary(done),))
    return _continue_draft(state, answered, facts, lead=None)


def _confirming_text(state: State, draft: Draft, event: Text, facts: Facts) -> Decision:
    c = event.classification
    if state.step is Step.CONFIRMING:
        if answers.is_yes(event.text) or _confident(c, "affirm"):
            return _open_case(state, draft, facts)
        if answers.is_no(event.text) or _confident(c, "deny"):
            return _ask_correction(state, draft)
    # Anything else is taken as a correction in the customer's own words, and restated;
    # facts it states that were still unknown are recorded too.
    said = needs.read(event.text, c, facts.now)
    noted = replace(needs.draft_with_said(draft, said), notes=(*draft.notes, clip(event.text)))
    return Decision(replace(state, step=Step.CONFIRMING, draft=noted), (prompts.summary(noted),))


def _confident(c: Classification | None, intent: str) -> bool:
    return c is not None and not c.fallback and c.intent == intent


def _open_case(state: State, draft: Draft, facts: Facts) -> Decision:
    reference = facts.new_reference
    return Decision(
        _idle(state),
        (prompts.case_opened(reference, draft, facts),),
        (OpenCase(reference, replace(draft, asking=None, editing=False)),),
    )


def _ask_correction(state: State, draft: Draft) -> Decision:
    return Decision(replace(state, step=Step.CORRECTING), (prompts.which_part(draft),))


def _edit(state: State, draft: Draft, value: str, facts: Facts) -> Decision:
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


# --- Media and feedback ---------------------------------------------------------------------


def _media(state: State, event: Media, facts: Facts) -> Decision:
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
        return _idle_text(with_file, event.caption, facts)
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


def _case_resolved(state: State, reference: str) -> Decision:
    """Ask for feedback now if the customer is free; otherwise the buttons wait in the chat."""
    ask = prompts.ask_rating(reference)
    if state.step is Step.IDLE:
        return Decision(replace(state, step=Step.RATING, feedback_case=reference), (ask,))
    return Decision(state, (ask,))


def _rating_text(state: State, event: Text, facts: Facts) -> Decision:
    assert state.feedback_case is not None
    rating = answers.rating_from_text(event.text)
    if rating is not None:
        return _rate(state, state.feedback_case, rating.value, facts)
    c = event.classification
    if c is not None and not c.fallback and (c.category.is_complaint or c.intent == "ask_status"):
        # The customer moved on; the rating buttons stay in the chat for later.
        return _idle_text(_idle(state), event, facts)
    return Decision(state, (prompts.ask_rating(state.feedback_case, again=True),))


# --- A person from the staff desk --------------------------------------------------------------

# Commands the bot still answers while a person is talking to the customer.
_OWN_COMMANDS = frozenset({"start", "help", "status", "lang"})


def _agent_changed(state: State, event: AgentChanged, facts: Facts) -> Decision:
    """Introduce the person taking over (DOMAIN.md: explain, apologise, introduce), or come back."""
    reference, alias = event.reference, event.alias
    if alias is None:
        if state.agent is None or state.agent.reference != reference:
            return Decision(state, ())
        back = _idle(state)
        return Decision(back, (Reply("agent_left", {"agent": state.agent.alias}),))
    context = {"agent": alias, "reference": reference}
    if state.agent is not None and state.agent.reference == reference:
        return Decision(
            replace(state, agent=Agent(reference, alias)), (Reply("agent_transferred", context),)
        )
    parked = state.parked
    if state.draft is not None and state.step in (
        Step.COLLECTING,
        Step.CONFIRMING,
        Step.CORRECTING,
    ):
        parked = replace(state.draft, asking=None, editing=False)  # /resume after the agent
    joined = State(
        step=Step.WITH_AGENT,
        parked=parked,
        language_chosen=state.language_chosen,
        agent=Agent(reference, alias),
    )
    return Decision(joined, (Reply("agent_joined", context),))


def _with_agent(state: State, agent: Agent, event: Event, facts: Facts) -> Decision:
    """The customer's messages go to the agent (the service mirrors them); the bot stays quiet.

    Files are kept with the case; the bot itself answers only its own commands.
    """
    match event:
        case Command(name) if name in _OWN_COMMANDS:
            return _command(state, event, facts)
        case Command("agent") | Press():
            if isinstance(event, Press) and event.data.startswith("lang:"):
                return _press(state, event.data, facts)
            return Decision(state, (Reply("agent_with_you", {"agent": agent.alias}),))
        case CaseResolved(reference) if reference == agent.reference:
            rating = State(
                step=Step.RATING,
                feedback_case=reference,
                parked=state.parked,
                language_chosen=state.language_chosen,
            )
            return Decision(rating, (prompts.ask_rating(reference),))
        case CaseResolved(reference):
            return Decision(state, (prompts.ask_rating(reference),))
        case Media(attachment):
            return Decision(state, (), (AddToCase(agent.reference, (), (attachment,)),))
    return Decision(state, ())


# --- Small helpers ----------------------------------------------------------------------------


def _idle(state: State) -> State:
    return State(parked=state.parked, language_chosen=state.language_chosen)


def _pending_with(
    pending: Pending | None, text: str, c: Classification | None, facts: Facts
) -> Pending:
    base = pending or Pending()
    updated = needs.pending_with_said(
        replace(base, texts=(*base.texts, clip(text))), needs.read(text, c, facts.now)
    )
    if c is not None and not c.fallback and c.category.is_complaint:
        updated = replace(updated, category=c.category, confidence=c.confidence, intent=c.intent)
    return updated


def _draft_from_pending(pending: Pending, category: Category) -> Draft:
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
