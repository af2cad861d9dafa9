"""Handling one customer turn end to end: guard, classify, decide, store, reply.

The decisions are `actions.decide.decide` (pure); this module is the application service
around it: it holds the per-chat lock, reads the text with the NLU where the step needs it,
records the transcript, has the decision taken and carried out (`actions.effects`) in one
database transaction, and hands the replies to the outbox (`prima.delivery`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from actions.decide import needs_nlu
from actions.effects import Effects
from prima import metrics
from prima.config import ServiceConfig
from prima.core.complaint import Classification
from prima.core.conversation import State, Step
from prima.core.events import Event, Media, Text
from prima.core.ports import (
    SEND_LEASE,
    CaseLadder,
    Classifier,
    Clock,
    DeskMirror,
    Flood,
    Guards,
    NLUError,
    Sender,
    StaffStep,
    utc_now,
)
from prima.core.reply import Reply
from prima.core.text import EmptyTextError
from prima.core.turn import Incoming, Outcome, TurnResult
from prima.delivery import Outbox
from prima.rendering import Renderer
from prima.storage.unit_of_work import Transactions

logger = logging.getLogger(__name__)

# Chats whose last step this process remembers (to decide on NLU before the transaction).
STEP_MEMORY = 100_000


class Conversations:
    """The customer conversation service: one instance per process, shared by all chats."""

    def __init__(
        self,
        *,
        transactions: Transactions,
        classifier: Classifier | None,
        renderer: Renderer,
        config: ServiceConfig,
        guards: Guards,
        sender: Sender,
        reply_context: Callable[[str], dict[str, Any]],
        escalation: CaseLadder | None = None,
        mirror: DeskMirror | None = None,
        ordered: bool = False,
        clock: Clock = utc_now,
    ) -> None:
        self.transactions = transactions
        self.classifier = classifier
        self.config = config
        self.guards = guards
        self.sender = sender
        self.mirror = mirror
        self.effects = Effects(
            renderer=renderer,
            config=config,
            reply_context=reply_context,
            escalation=escalation,
            mirror=mirror,
        )
        # Webhook mode: updates of one chat may reach several instances at once, so turns are
        # taken in update-id order. Polling is one reader, in order already (cheaper).
        self.ordered = ordered
        self.clock = clock
        self._steps: OrderedDict[int, Step] = OrderedDict()
        self.outbox = Outbox(
            transactions=transactions, sender=sender, guards=guards, mirror=mirror, clock=clock
        )

    # --- turns -----------------------------------------------------------------------------

    async def handle(self, incoming: Incoming) -> TurnResult:
        """Handle one update at most once, in order with the same chat's other updates."""
        update_id = incoming.update_id
        if update_id is not None and await self._handled_elsewhere(update_id):
            return TurnResult(Outcome.DUPLICATE)
        async with self.guards.turn(incoming.chat_id, update_id, ordered=self.ordered) as flood:
            return await self._turn(incoming, flood)

    async def _handled_elsewhere(self, update_id: int) -> bool:
        """Whether another delivery of this update handled it (or is handling it: then the
        answer waits for it, so that the chat's next update, which Telegram sends on our
        answer, is not let in before it). False: this delivery is the one to handle it."""
        if await self.guards.begin_update(update_id):
            return False
        if await self.guards.settled(update_id):
            return True
        return not await self.guards.begin_update(update_id)  # the other one failed

    async def _turn(self, incoming: Incoming, flood: Flood) -> TurnResult:
        classification, assumed = None, None
        if flood is Flood.ALLOW:
            classification, assumed = await self._classify_if_needed(incoming)
        now = self.clock()
        async with self.transactions() as uow:
            if incoming.update_id is not None and not await uow.conversations.claim_update(
                incoming.update_id, now
            ):
                return TurnResult(Outcome.DUPLICATE)
            customer, state = await uow.customers.customer_and_state(
                incoming.user_id,
                incoming.chat_id,
                incoming.first_name,
                self.config.languages.default,
                now,
            )
            limit = self.config.conversation.max_message_length
            await uow.conversations.record_inbound(
                customer.id,
                incoming.kind,
                incoming.text[:limit] if incoming.text else None,
                update_id=incoming.update_id,
                message_id=incoming.message_id,
                now=now,
            )
            if flood is not Flood.ALLOW:
                replies = (Reply("flood_notice"),) if flood is Flood.NOTIFY else ()
                queued = await self.effects.queue(uow, customer, replies, customer.language, now)
                outcome = Outcome.FLOODED
            else:
                if (
                    classification is None
                    and state.step != assumed
                    and needs_nlu(state, incoming.event)
                ):
                    # The remembered step was stale (another instance moved the chat on).
                    classification = await self._classify(incoming.event, state.step)
                event = _with_classification(incoming.event, classification)
                decision = await self.effects.decide(uow, customer, state, event, now)
                queued = await self.effects.apply(uow, customer, decision, now, incoming=incoming)
                self._remember_step(incoming.user_id, decision.state)
                outcome = Outcome.HANDLED
        if self.mirror is not None and customer.desk_case_id is not None:
            self.mirror.kick()
        sent = await self.outbox.send_all(queued)
        return TurnResult(outcome, sent, classification, customer.language)

    async def _classify_if_needed(
        self, incoming: Incoming
    ) -> tuple[Classification | None, Step | None]:
        """The NLU's reading when the conversation's step uses it, and the step assumed.

        The step comes from this process's memory of the chat's last turn (read from the
        database after a restart); the turn's transaction checks it against the stored state.
        """
        if _text_of(incoming.event) is None or self.classifier is None:
            return None, None
        step = self._steps.get(incoming.user_id)
        if step is None:
            async with self.transactions() as uow:
                found = await uow.customers.for_user(incoming.user_id)
                stored = (await uow.conversations.state(found.id))[0] if found else State()
            self._remember_step(incoming.user_id, stored)
            step = stored.step
        if not needs_nlu(State(step=step), incoming.event):
            return None, step
        return await self._classify(incoming.event, step), step

    async def _classify(self, event: Event, step: Step) -> Classification | None:
        text = _text_of(event)
        if text is None or self.classifier is None:
            return None
        # An answer to a question is read for its places and items only: one attempt, and
        # not counted as a complaint.
        answering = step is Step.COLLECTING
        started = time.monotonic()
        try:
            classification = await self.classifier.classify(text, patient=not answering)
        except EmptyTextError:
            return None
        except NLUError as exc:
            # The conversation goes on: without a reading, the customer picks the kind.
            logger.warning("NLU unavailable, asking the customer instead: %s", exc)
            return None
        metrics.NLU_SECONDS.observe(time.monotonic() - started)
        if classification.category.is_complaint and not classification.fallback and not answering:
            metrics.COMPLAINTS.labels(classification.category.value).inc()
        return classification

    def _remember_step(self, user_id: int, state: State) -> None:
        self._steps[user_id] = state.step
        self._steps.move_to_end(user_id)
        while len(self._steps) > STEP_MEMORY:
            self._steps.popitem(last=False)

    # --- what staff do to a case -------------------------------------------------------------

    async def for_staff(self, reference: str, step: StaffStep, *, deliver: bool = True) -> Any:
        """Carry out a staff action on a case in its customer's turn order.

        `step` changes the case in the transaction (under the customer's chat lock, like a
        turn) and says what the conversation hears of it; the resulting messages are sent
        at once, or with `deliver` False (another process) left to the bot's dispatcher.
        """
        async with self.transactions() as uow:
            case = await uow.cases.get(reference)
            chat_id = (await uow.customers.by_id(case.customer_id)).chat_id
        async with self.guards.chat_lock(chat_id):
            now = self.clock()
            lease = SEND_LEASE if deliver else None
            async with self.transactions() as uow:
                customer = await uow.customers.by_id(case.customer_id)
                state, _ = await uow.conversations.state(customer.id, lock=True)
                case = await uow.cases.get(reference)  # read again under the lock
                change = await step(uow, case, customer, now)
                queued = list(change.outgoing)
                if change.event is not None:
                    decision = await self.effects.decide(uow, customer, state, change.event, now)
                    queued += await self.effects.apply(uow, customer, decision, now, lease)
                    self._remember_step(customer.telegram_user_id, decision.state)
            if self.mirror is not None:
                self.mirror.kick()
            if deliver:
                await self.outbox.send_all(queued)
        return change.result

    # --- delivery ----------------------------------------------------------------------------

    async def flush(self) -> None:
        """Record every delivery made so far (on shutdown)."""
        await self.outbox.flush()

    async def dispatch_pending(self, limit: int = 100) -> int:
        return await self.outbox.dispatch_pending(limit)

    async def run_dispatcher(self, stop: asyncio.Event, interval: float = 2.0) -> None:
        await self.outbox.run_dispatcher(stop, interval)


def _text_of(event: Event) -> str | None:
    if isinstance(event, Text):
        return event.text
    if isinstance(event, Media) and event.caption is not None:
        return event.caption.text
    return None


def _with_classification(event: Event, classification: Classification | None) -> Event:
    if classification is None:
        return event
    if isinstance(event, Text):
        return Text(event.text, classification)
    if isinstance(event, Media) and event.caption is not None:
        return Media(event.attachment, Text(event.caption.text, classification))
    return event
