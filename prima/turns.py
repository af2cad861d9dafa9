"""Handling one customer turn end to end: guard, classify, decide, store, reply.

The decisions are `actions.dialogue.decide` (pure); this module is the application service
around it: it holds the per-chat lock, records the transcript, carries out the decision's
effects in one database transaction, and delivers the replies through the outbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from actions.dialogue import decide, needs_nlu, needs_open_cases
from escalation.policy import EscalationPolicy
from prima import metrics
from prima.config import ServiceConfig
from prima.core.complaint import Classification
from prima.core.conversation import (
    AddToCase,
    CaseResolved,
    Decision,
    Effect,
    Event,
    Facts,
    Media,
    OpenCase,
    RecordComment,
    RecordRating,
    RequestHuman,
    SetLanguage,
    State,
    Step,
    Text,
)
from prima.core.hours import is_open
from prima.core.ports import (
    SEND_LEASE,
    Classifier,
    Clock,
    DeskMirror,
    Flood,
    Guards,
    NLUError,
    RetryLater,
    Sender,
    StaffChange,
    StaffStep,
    Unreachable,
    utc_now,
)
from prima.core.reply import Reply
from prima.core.text import EmptyTextError
from prima.rendering import Renderer
from prima.storage.desk import DeskRecords
from prima.storage.escalations import EscalationRecords
from prima.storage.models import Case, Customer
from prima.storage.repository import Outgoing, Repository, candidate_reference

logger = logging.getLogger(__name__)

# Chats whose last step this process remembers (to decide on NLU before the transaction).
STEP_MEMORY = 100_000
MAX_SEND_ATTEMPTS = 8
# Recording deliveries is retried this often (with backoff, ~1.5 minutes in all) before the
# dispatcher may send those messages again.
MARK_ATTEMPTS = 12


@dataclass(frozen=True, slots=True)
class Incoming:
    """One thing a customer did, as the adapters hand it over."""

    user_id: int
    chat_id: int
    first_name: str | None
    event: Event
    kind: str
    text: str | None = None
    update_id: int | None = None
    message_id: int | None = None


class Outcome(Enum):
    HANDLED = "handled"
    DUPLICATE = "duplicate"
    FLOODED = "flooded"


@dataclass(slots=True)
class TurnResult:
    outcome: Outcome
    sent: list[int] = field(default_factory=list)
    classification: Classification | None = None
    language: str | None = None  # the customer's language after the turn


class Conversations:
    """The customer conversation service: one instance per process, shared by all chats."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        classifier: Classifier | None,
        renderer: Renderer,
        config: ServiceConfig,
        guards: Guards,
        sender: Sender,
        reply_context: Callable[[str], dict[str, Any]],
        escalation: EscalationPolicy | None = None,
        mirror: DeskMirror | None = None,
        ordered: bool = False,
        clock: Clock = utc_now,
    ) -> None:
        self.sessions = sessions
        self.classifier = classifier
        self.renderer = renderer
        self.config = config
        self.guards = guards
        self.sender = sender
        self.reply_context = reply_context
        self.escalation = escalation
        self.mirror = mirror
        # Webhook mode: updates of one chat may reach several instances at once, so turns are
        # taken in update-id order. Polling is one reader, in order already (cheaper).
        self.ordered = ordered
        self.clock = clock
        self._steps: OrderedDict[int, Step] = OrderedDict()
        self._sent_marks: list[tuple[int, int, int, datetime]] = []
        self._marker: asyncio.Task[None] | None = None
        self._closing = asyncio.Event()  # shutting down: no more long retries

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
        async with self.sessions() as session, session.begin():
            repo = Repository(session)
            if incoming.update_id is not None and not await repo.claim_update(
                incoming.update_id, now
            ):
                return TurnResult(Outcome.DUPLICATE)
            customer, state = await repo.customer_and_state(
                incoming.user_id,
                incoming.chat_id,
                incoming.first_name,
                self.config.languages.default,
                now,
            )
            limit = self.config.conversation.max_message_length
            await repo.record_inbound(
                customer.id,
                incoming.kind,
                incoming.text[:limit] if incoming.text else None,
                update_id=incoming.update_id,
                message_id=incoming.message_id,
                now=now,
            )
            if flood is not Flood.ALLOW:
                replies = (Reply("flood_notice"),) if flood is Flood.NOTIFY else ()
                queued = await self._queue(repo, customer, replies, customer.language, now)
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
                decision = await self._decide(repo, customer, state, event, now)
                queued = await self._apply(repo, customer, decision, now, incoming=incoming)
                self._remember_step(incoming.user_id, decision.state)
                outcome = Outcome.HANDLED
        if self.mirror is not None and customer.desk_case_id is not None:
            self.mirror.kick()
        sent = await self._send_all(queued)
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
            async with self.sessions() as session, session.begin():
                repo = Repository(session)
                found = await repo.customer_for_user(incoming.user_id)
                stored = (await repo.conversation(found.id))[0] if found else State()
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

    async def _decide(
        self, repo: Repository, customer: Customer, state: State, event: Event, now: datetime
    ) -> Decision:
        hours = self.config.business_hours
        facts = Facts(
            language=customer.language,
            supported_languages=tuple(self.config.languages.supported),
            open_cases=(
                tuple(await repo.open_cases(customer.id)) if needs_open_cases(state, event) else ()
            ),
            new_reference=candidate_reference(self.config.conversation.reference_prefix),
            open_now=(
                self.escalation.calendar.is_open(now)  # closed on public holidays too
                if self.escalation
                else is_open(hours.week_on(now.astimezone(hours.zone).date()), hours.zone, now)
            ),
            now=now.astimezone(hours.zone),
            name=customer.first_name,
        )
        decision = decide(state, event, facts)
        # A reference is checked only when a case is really opened (rarely taken: decide again).
        while any(isinstance(e, OpenCase) for e in decision.effects) and (
            await repo.reference_taken(facts.new_reference)
        ):
            facts = replace(
                facts, new_reference=candidate_reference(self.config.conversation.reference_prefix)
            )
            decision = decide(state, event, facts)
        return decision

    async def _apply(
        self,
        repo: Repository,
        customer: Customer,
        decision: Decision,
        now: datetime,
        lease: timedelta | None = SEND_LEASE,
        incoming: Incoming | None = None,
    ) -> list[Outgoing]:
        case_id = None
        for effect in decision.effects:
            case_id = await self._effect(repo, customer, effect, now) or case_id
        await repo.save_conversation(customer.id, decision.state, now)
        language = decision.language or customer.language
        queued = await self._queue(repo, customer, decision.replies, language, now, case_id, lease)
        if self.mirror is not None and customer.desk_case_id is not None:
            desk = DeskRecords(repo.session)
            if incoming is not None:
                self.mirror.inbound(
                    desk, customer, incoming.kind, incoming.text, incoming.message_id, now
                )
            self.mirror.replies(desk, customer, [m.text for m in queued], now)
        return queued

    async def _effect(
        self, repo: Repository, customer: Customer, effect: Effect, now: datetime
    ) -> int | None:
        match effect:
            case OpenCase(reference, draft, human):
                case = await repo.open_case(
                    customer, reference, draft, human_requested=human, now=now
                )
                if self.escalation is not None:
                    policy = self.escalation
                    EscalationRecords(repo.session).schedule_new(
                        case,
                        policy.deadlines(case.category, now),
                        policy.roles(),
                        policy.fingerprint,
                    )
                logger.info("case %s opened (%s)", reference, draft.category.value)
                metrics.CASES_OPENED.labels(draft.category.value).inc()
                if self.mirror is not None and (human or self.mirror.topics_on_open):
                    await self.mirror.bring(
                        DeskRecords(repo.session), case, customer, now, human=human
                    )
                return case.id
            case AddToCase(reference, texts, attachments):
                return (await repo.add_to_case(reference, customer.id, texts, attachments, now)).id
            case RequestHuman(reference):
                case = await repo.request_human(reference, customer.id, now)
                if self.mirror is not None:
                    await self.mirror.bring(
                        DeskRecords(repo.session), case, customer, now, human=True
                    )
                return case.id
            case RecordRating(reference, rating):
                await repo.record_rating(reference, customer.id, rating, now)
            case RecordComment(reference, comment):
                await repo.record_comment(reference, customer.id, comment, now)
            case SetLanguage(language):
                customer.language = language
        return None

    async def _queue(
        self,
        repo: Repository,
        customer: Customer,
        replies: tuple[Reply, ...],
        language: str,
        now: datetime,
        case_id: int | None = None,
        lease: timedelta | None = SEND_LEASE,
    ) -> list[Outgoing]:
        """Render and store the replies; claimed for `lease` (None: left to the dispatcher)."""
        context = {**self.reply_context(language), "name": customer.first_name}
        rendered = [self.renderer.message(language, reply, **context) for reply in replies]
        return [
            Outgoing(
                await repo.queue_outbound(
                    customer, r.text, r.buttons, case_id=case_id, now=now, lease=lease
                ),
                customer.id,
                customer.chat_id,
                r.text,
                [[list(b) for b in row] for row in r.buttons],
                0,
                case_id,
            )
            for r in rendered
        ]

    # --- what staff do to a case -------------------------------------------------------------

    async def for_staff(self, reference: str, step: StaffStep, *, deliver: bool = True) -> Any:
        """Carry out a staff action on a case in its customer's turn order.

        `step` changes the case in the transaction (under the customer's chat lock, like a
        turn) and says what the conversation hears of it; the resulting messages are sent
        at once, or with `deliver` False (another process) left to the bot's dispatcher.
        """
        async with self.sessions() as session, session.begin():
            repo = Repository(session)
            case = await repo.case(reference)
            chat_id = (await repo.customer_by_id(case.customer_id)).chat_id
        async with self.guards.chat_lock(chat_id):
            now = self.clock()
            lease = SEND_LEASE if deliver else None
            async with self.sessions() as session, session.begin():
                repo = Repository(session)
                customer = await repo.customer_by_id(case.customer_id)
                state, _ = await repo.conversation(customer.id, lock=True)
                case = await repo.case(reference)  # read again under the lock
                change = await step(repo, case, customer, now)
                queued = list(change.outgoing)
                if change.event is not None:
                    decision = await self._decide(repo, customer, state, change.event, now)
                    queued += await self._apply(repo, customer, decision, now, lease)
                    self._remember_step(customer.telegram_user_id, decision.state)
            if self.mirror is not None:
                self.mirror.kick()
            if deliver:
                await self._send_all(queued)
        return change.result

    async def resolve(
        self, reference: str, actor: str, resolution: str | None = None, *, deliver: bool = True
    ) -> bool:
        """Resolve a case and ask its customer for feedback. False if already resolved."""

        async def resolve(repo: Repository, case: Case, _: Customer, now: datetime) -> StaffChange:
            resolved = await repo.resolve_case(reference, actor, resolution, now)
            if resolved is None:
                return StaffChange(result=False)
            logger.info("case %s resolved by %s", reference, actor)
            metrics.CASES_RESOLVED.inc()
            return StaffChange(CaseResolved(reference), result=True)

        return bool(await self.for_staff(reference, resolve, deliver=deliver))

    # --- delivery ----------------------------------------------------------------------------

    async def _send_all(self, messages: list[Outgoing]) -> list[int]:
        """Send in order; stop at the first failure so a chat's messages stay in order.

        Deliveries are recorded in batches (one transaction for many turns); a failure is
        recorded at once.
        """
        sent: list[int] = []
        for message in messages:
            record = await self._send_one(message)
            if record is not None:
                async with self.sessions() as session, session.begin():
                    await record(Repository(session))
                break
            sent.append(message.id)
        return sent

    def _delivered(self, message: Outgoing, telegram_id: int, now: datetime) -> None:
        self._sent_marks.append((message.id, telegram_id, message.attempts + 1, now))
        if self._marker is None or self._marker.done():
            self._marker = asyncio.create_task(self._record_deliveries())

    async def _record_deliveries(self, attempts: int = MARK_ATTEMPTS) -> None:
        """Write the pending delivery marks, many per transaction, until none are left.

        While the database is unavailable the marks are kept and retried with backoff (and
        the dispatcher leaves their messages alone): a sent message is not sent again.
        """
        failures = 0
        while self._sent_marks:
            await asyncio.sleep(0)  # let the turns in flight add theirs to this batch
            batch, self._sent_marks = self._sent_marks, []
            try:
                async with self.sessions() as session, session.begin():
                    await Repository(session).mark_sent_many(batch)
            except Exception:
                failures += 1
                self._sent_marks = batch + self._sent_marks
                if failures >= attempts or (self._closing.is_set() and failures >= 2):
                    # Given up: these are sent again by the dispatcher after their lease.
                    logger.exception("recording %d deliveries failed", len(batch))
                    self._sent_marks = []
                    return
                logger.warning("recording %d deliveries failed; retrying", len(batch))
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._closing.wait(), min(0.5 * 2**failures, 10.0))

    async def flush(self) -> None:
        """Record every delivery made so far (on shutdown; a database still away gets two
        more tries, then those messages are left to the outbox)."""
        self._closing.set()
        if self._marker is not None:
            await self._marker
        await self._record_deliveries(attempts=2)

    def _unrecorded(self) -> set[int]:
        return {message_id for message_id, *_ in self._sent_marks}

    async def _send_one(self, message: Outgoing) -> Callable[[Repository], Awaitable[None]] | None:
        """Send one message; None when sent, else how to record the failure."""
        now = self.clock()
        try:
            if message.source is not None:
                telegram_id = await self.sender.copy(
                    message.chat_id, message.source[0], message.source[1], message.reply_to
                )
            else:
                telegram_id = await self.sender.send(message.chat_id, message.text, message.buttons)
        except Unreachable:
            logger.info("customer %s is unreachable (blocked the bot)", message.customer_id)

            async def unreachable(repo: Repository) -> None:
                await repo.mark_failed(message.id, "unreachable", now, retry_at=None)
                await repo.mark_unreachable(message.customer_id, now)
                if self.mirror is not None:
                    customer = await repo.customer_by_id(message.customer_id)
                    if customer.desk_case_id is not None:
                        desk = DeskRecords(repo.session)
                        self.mirror.notice(
                            desk,
                            customer.desk_case_id,
                            now,
                            "desk_customer_unreachable",
                            customer=customer.first_name,
                        )
                        self.mirror.kick()

            return unreachable
        except RetryLater as exc:
            wait_until, reason = now + timedelta(seconds=exc.seconds), str(exc)

            async def later(repo: Repository) -> None:
                await repo.mark_failed(message.id, reason, now, retry_at=wait_until)

            return later
        except Exception as exc:
            logger.warning("sending message %s failed", message.id, exc_info=True)
            attempts = message.attempts + 1
            retry = now + timedelta(seconds=min(2**attempts, 600))
            retry_at = retry if attempts < MAX_SEND_ATTEMPTS else None
            error = f"{type(exc).__name__}: {exc}"

            async def failed(repo: Repository) -> None:
                await repo.mark_failed(message.id, error, now, retry_at=retry_at)

            return failed

        self._delivered(message, telegram_id, now)
        return None

    async def dispatch_pending(self, limit: int = 100) -> int:
        """Send what is due in the outbox (after a crash, a rate limit, an outage)."""
        async with self.sessions() as session, session.begin():
            due = await Repository(session).claim_due(self.clock(), SEND_LEASE, limit)
        sent_already = self._unrecorded()  # delivered; the mark is waiting for the database
        by_chat: dict[int, list[Outgoing]] = {}
        for message in due:
            if message.id in sent_already:
                continue
            by_chat.setdefault(message.chat_id, []).append(message)
        sent = 0
        for chat_id, messages in by_chat.items():
            async with self.guards.chat_lock(chat_id):
                sent += len(await self._send_all(messages))
        return sent

    async def run_dispatcher(self, stop: asyncio.Event, interval: float = 2.0) -> None:
        """Deliver pending messages until `stop` is set."""
        while not stop.is_set():
            try:
                await self.dispatch_pending()
            except Exception:
                logger.exception("outbox dispatch failed; retrying")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), interval)
        await self.flush()


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
