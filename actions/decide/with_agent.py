"""A person from the staff desk: joining, transferring and leaving, and the chat meanwhile."""

from __future__ import annotations

from dataclasses import replace

from actions import prompts
from actions.decide.drafts import idle
from actions.decide.menu import command
from actions.decide.presses import press
from prima.core.conversation import Agent, State, Step
from prima.core.decision import AddToCase, Decision, Facts
from prima.core.events import AgentChanged, CaseResolved, Command, Event, Media, Press
from prima.core.reply import Reply

# Commands the bot still answers while a person is talking to the customer.
_OWN_COMMANDS = frozenset({"start", "help", "status", "lang"})


def agent_changed(state: State, event: AgentChanged, facts: Facts) -> Decision:
    """Introduce the person taking over (DOMAIN.md: explain, apologise, introduce), or come back."""
    reference, alias = event.reference, event.alias
    if alias is None:
        if state.agent is None or state.agent.reference != reference:
            return Decision(state, ())
        back = idle(state)
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


def with_agent(state: State, agent: Agent, event: Event, facts: Facts) -> Decision:
    """The customer's messages go to the agent (the service mirrors them); the bot stays quiet.

    Files are kept with the case; the bot itself answers only its own commands.
    """
    match event:
        case Command(name) if name in _OWN_COMMANDS:
            return command(state, event, facts)
        case Command("agent") | Press():
            if isinstance(event, Press) and event.data.startswith("lang:"):
                return press(state, event.data, facts)
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
