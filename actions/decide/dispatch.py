"""`decide`: the language to answer in, and each event routed to the step group it concerns."""

from __future__ import annotations

from actions.decide.collecting import collecting_text, confirming_text
from actions.decide.drafts import idle
from actions.decide.feedback import case_resolved, comment_text, rating_text
from actions.decide.media import media_sent
from actions.decide.menu import command
from actions.decide.placing import choosing_text, clarifying_text, idle_text
from actions.decide.presses import press
from actions.decide.with_agent import agent_changed, with_agent
from actions.prompts import reprompt
from prima.core.conversation import State, Step
from prima.core.decision import Decision, Facts, SetLanguage
from prima.core.events import (
    AgentChanged,
    CaseResolved,
    Command,
    Event,
    Media,
    Press,
    Text,
    Unsupported,
)
from prima.core.language import detect_language
from prima.core.reply import Reply

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
        return agent_changed(state, event, facts)
    if state.step is Step.WITH_AGENT and state.agent is not None:
        return with_agent(state, state.agent, event, facts)
    match event:
        case Command():
            return command(state, event, facts)
        case Press():
            return press(state, event.data, facts)
        case Media():
            return media_sent(state, event, facts)
        case Unsupported():
            return Decision(state, (Reply("unsupported_content"), *reprompt(state, facts)))
        case CaseResolved():
            return case_resolved(state, event.reference)
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


def _text(state: State, event: Text, facts: Facts) -> Decision:
    if not event.text.strip():
        return Decision(state, (Reply("empty_message"), *reprompt(state, facts)))
    match state.step:
        case Step.IDLE:
            return idle_text(state, event, facts)
        case Step.WITH_AGENT:  # with an agent but none recorded: back to the bot
            return idle_text(idle(state), event, facts)
        case Step.CLARIFYING:
            return clarifying_text(state, event, facts)
        case Step.CHOOSING_CASE:
            return choosing_text(state, event, facts)
        case Step.COLLECTING:
            assert state.draft is not None
            return collecting_text(state, state.draft, event, facts)
        case Step.CONFIRMING | Step.CORRECTING:
            assert state.draft is not None
            return confirming_text(state, state.draft, event, facts)
        case Step.RATING:
            return rating_text(state, event, facts)
        case Step.COMMENTING:
            return comment_text(state, event)
