"""The interfaces the features need from the outside world, and the errors they raise.

Adapters (Telegram, SMTP, Rasa, storage) implement them; features depend on these alone, and
the composition root (`prima.bootstrap`) hands each feature its adapters.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from enum import Enum
from typing import Any, Protocol

from prima.core.case import Deadline
from prima.core.complaint import Classification
from prima.core.events import Event


class NLUError(Exception):
    """The classifier could not read the message (its server failed or answered nonsense)."""


class Classifier(Protocol):
    """Reads a customer's message (the Rasa NLU server in production)."""

    async def classify(self, text: str, *, patient: bool = True) -> Classification:
        """The reading of `text`; not `patient`: one attempt, no retries (the reading only
        helps, as for an answer to a question)."""
        ...

    async def is_ready(self) -> bool:
        """Whether the server answers with a model loaded."""
        ...


# What time it is: a port, so that tests and benchmarks can set the time.
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


# --- messaging (Telegram in production) -----------------------------------------------------

# A claimed message is the claimer's this long; after that another sender may take it.
SEND_LEASE = timedelta(seconds=60)


class Unreachable(Exception):
    """The recipient blocked the bot (or deleted their account): stop sending."""


class RetryLater(Exception):
    """The messaging service asked us to slow down."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds}s")
        self.seconds = seconds


class Sender(Protocol):
    """Delivers one message to a chat; returns the platform's message id."""

    async def send(self, chat_id: int, text: str, buttons: list[list[list[str]]]) -> int: ...

    async def copy(
        self, chat_id: int, from_chat_id: int, message_id: int, reply_to: int | None
    ) -> int:
        """Copy a message (an agent's, from the staff group): no forward header."""
        ...


# --- the staff group (Telegram's forum topics in production) --------------------------------


class TopicGone(Exception):
    """The case's topic was deleted: create a new one."""


class TopicClosed(Exception):
    """The case's topic was closed: reopen it."""


class Rejected(Exception):
    """The platform refuses this message for good (it cannot be copied, ...)."""


class DeskTransport(Protocol):
    """Posting in the staff group's topics, and editing what a customer was sent."""

    async def create_topic(self, name: str) -> int: ...

    async def reopen_topic(self, topic_id: int) -> None: ...

    async def post(
        self,
        text: str,
        topic_id: int | None,
        buttons: list[list[list[str]]],
        reply_to: int | None = None,
    ) -> int: ...

    async def copy(
        self,
        from_chat_id: int,
        message_id: int,
        topic_id: int | None,
        caption: str | None,
        reply_to: int | None = None,
    ) -> int: ...

    async def edit_customer_message(
        self, chat_id: int, message_id: int, text: str, *, caption: bool
    ) -> None: ...


# --- email ------------------------------------------------------------------------------------


class PermanentFailure(Exception):
    """The address cannot receive this (no point retrying)."""


class Mailer(Protocol):
    """Sends one email (plain text with an HTML alternative)."""

    async def send(self, to: str, subject: str, text: str, html: str) -> None: ...


# --- per-chat order, duplicates and flood limits (in memory, or Redis) ---------------------

# A repeated delivery waits this long for the first one to finish before answering.
SETTLE_SECONDS = 60.0


class Flood(Enum):
    ALLOW = "allow"
    NOTIFY = "notify"  # over the limit: tell the customer once per window
    QUIET = "quiet"  # still over the limit, already told


class Guards(Protocol):
    def chat_lock(self, chat_id: int) -> AbstractAsyncContextManager[None]: ...

    def chat_turn(self, chat_id: int, update_id: int) -> AbstractAsyncContextManager[None]:
        """The chat's lock, taken in update-id order among the chat's updates in flight."""
        ...

    async def begin_update(self, update_id: int) -> bool:
        """False if the update is already being handled or was handled."""

    async def end_update(self, update_id: int, *, done: bool) -> None: ...

    async def settled(self, update_id: int, within: float = SETTLE_SECONDS) -> bool:
        """Wait while another delivery of the update is being handled: True once it was
        handled, False if that delivery failed (the update is free to be handled again).
        Raises TimeoutError if it is still in flight after `within` seconds."""
        ...

    async def flood(self, chat_id: int) -> Flood: ...

    def turn(
        self, chat_id: int, update_id: int | None, *, ordered: bool = False
    ) -> AbstractAsyncContextManager[Flood]:
        """One customer turn: the chat's lock (`chat_turn` when `ordered`), yielding the
        chat's flood verdict; on leaving, the update is marked handled, or free again if
        the turn failed (`end_update`)."""
        ...

    async def ping(self) -> bool:
        """Whether the shared store (Redis) answers; always true in process."""

    async def close(self) -> None: ...


class Database(Protocol):
    """Where the records are kept (`prima.storage.unit_of_work.Transactions`)."""

    async def ping(self) -> bool:
        """True once the database answers; raises when it cannot."""
        ...


# --- the staff desk's view of cases ------------------------------------------------------------


class DeskMirror(Protocol):
    """The staff group's view of cases (`handover.mirror.Mirror`): what the conversation and
    the escalator tell it, inside their own transaction. `desk` is the transaction's desk
    records, `case` and `customer` its rows (typed once storage hands out records)."""

    @property
    def topics_on_open(self) -> bool:
        """Whether every new case gets its topic (else only those that ask for a person)."""
        ...

    def kick(self) -> None:
        """Wake the poster after a commit."""
        ...

    async def bring(
        self, uow: Any, case: Any, customer: Any, now: datetime, *, human: bool
    ) -> None:
        """Show the case at the desk (in the unit of work `uow`)."""
        ...

    def inbound(
        self,
        desk: Any,
        customer: Any,
        kind: str,
        text: str | None,
        message_id: int | None,
        now: datetime,
    ) -> None: ...

    def replies(self, desk: Any, customer: Any, texts: Sequence[str], now: datetime) -> None: ...

    def notice(
        self, desk: Any, case_id: int, now: datetime, template: str, **context: Any
    ) -> None: ...


# --- escalation ---------------------------------------------------------------------------------


class CaseLadder(Protocol):
    """The escalation ladder cases follow (`escalation.policy.EscalationPolicy`)."""

    @property
    def fingerprint(self) -> str:
        """Changes with the ladder or the calendar: cases scheduled under another are redone."""
        ...

    @property
    def stops_on_takeover(self) -> bool: ...

    def deadlines(self, category: str, opened_at: datetime) -> list[Deadline]: ...

    def roles(self) -> dict[int, str]:
        """Each level's role, by level number."""
        ...

    def is_open(self, moment: datetime) -> bool:
        """Whether the office is open at `moment` by the ladder's calendar (holidays, cuti
        bersama, dated hours and breaks included)."""
        ...

    @property
    def zone(self) -> tzinfo:
        """The office's time zone: times shown to staff are in it."""
        ...

    def business_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Office time between two moments, by the ladder's calendar."""
        ...


# --- staff actions on a customer's conversation ---------------------------------------------------


@dataclass(slots=True)
class StaffChange:
    """What a staff action did: the event the conversation hears (if any), messages to send
    before the conversation's replies (an agent's, copied), and the action's result."""

    event: Event | None = None
    outgoing: list[Any] = field(default_factory=list)  # storage's queued messages
    result: Any = None


# A staff action's change to a case, in the conversation's transaction: (unit of work, case,
# customer, now) -> what changed. Typed with storage's records once storage hands them out.
StaffStep = Callable[[Any, Any, Any, datetime], Awaitable[StaffChange]]


class StaffConversation(Protocol):
    """The customer conversation as staff act on it (`actions.turns.Conversations`)."""

    @property
    def guards(self) -> Guards: ...

    async def for_staff(self, reference: str, step: StaffStep, *, deliver: bool = True) -> Any:
        """Carry out `step` on the case in its customer's turn order; its result."""
        ...
