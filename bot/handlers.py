"""The bot's PTB handlers, one per kind of update, in groups PTB tries in order:

    BUTTONS    (-1) every button press is acknowledged at once (the spinner stops)
    STAFF       (0) what the desks must see: staff requests anywhere, the staff group's
                    traffic, customers' edits (with a staff desk)
    CUSTOMERS   (1) a customer's message or button in a private chat: the conversation
    REST        (2) anything else, counted as ignored

A handler that takes care of an update ends it there (`ApplicationHandlerStop`), so each update
is counted once. A failure reaches PTB's error handler (`ErrorHandler`), which ends the update
too (PTB would otherwise try the next groups: a supervisor's failed command would become a
customer's turn): in polling mode the customer gets a kind answer; in webhook mode the update
is marked failed, so the webhook answers 5xx and Telegram delivers it again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy.exc import DBAPIError, OperationalError
from telegram import Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    ContextTypes,
    TypeHandler,
)

from bot.intake import is_stand_in
from bot.staff_group import staff_input_from
from bot.updates import incoming_from, update_kind
from handover.front import Desks
from prima import metrics
from prima.core.ports import DeskTransport, Sender
from prima.core.staff import StaffInput
from prima.core.turn import Incoming, Outcome, TurnResult

logger = logging.getLogger(__name__)

BUTTONS, STAFF, CUSTOMERS, REST = -1, 0, 1, 2
# Transient outages of the database or Redis: the turn is retried this many times.
TURN_ATTEMPTS = 3
_TRANSIENT = (OperationalError, DBAPIError, RedisConnectionError, ConnectionError, TimeoutError)

Context = ContextTypes.DEFAULT_TYPE
Turn = Callable[[Incoming], Awaitable[TurnResult]]


def install(
    application: Application,  # type: ignore[type-arg]
    *,
    turn: Turn,
    desks: Desks,
    sender: Sender,
    group: DeskTransport | None,
    errors: ErrorHandler,
) -> None:
    """Add the bot's handlers and its error handler to the application."""
    application.add_handler(CallbackQueryHandler(acknowledge), BUTTONS)
    application.add_handler(StaffUpdates(desks, sender, group), STAFF)
    application.add_handler(CustomerUpdates(turn), CUSTOMERS)
    application.add_handler(TypeHandler(Update, ignored), REST)
    application.add_error_handler(errors)


async def acknowledge(update: Update, _: Context) -> None:
    """A button press, answered at once; the groups after this one do what it asks (so this
    never fails: a press whose answer failed is still carried out)."""
    assert update.callback_query is not None
    try:
        await update.callback_query.answer()
    except Exception:
        logger.debug("answering a callback query failed", exc_info=True)


async def ignored(update: Update, _: Context) -> None:
    """An update no handler took (the stand-in for an unreadable one was counted on arrival)."""
    if not is_stand_in(update):
        metrics.UPDATES.labels(update_kind(update), "ignored").inc()


class _Taking(BaseHandler[Update, Context, None]):
    """A handler that takes an update when `check_update` finds it its own (the result is
    handed to `take`), counts it by the outcome `take` names, and ends it there; `take`
    returning None hands it on to the next group."""

    def __init__(self) -> None:
        super().__init__(self._unused)

    async def handle_update(
        self,
        update: Update,
        application: Application,  # type: ignore[type-arg]
        check_result: object,
        context: Context,
    ) -> None:
        started = time.monotonic()
        kind = update_kind(update)
        try:
            outcome = await self.take(update, check_result)
        except Exception:
            metrics.UPDATES.labels(kind, "error").inc()
            metrics.ERRORS.labels("update").inc()
            raise
        if outcome is None:
            return
        metrics.UPDATES.labels(kind, outcome).inc()
        if outcome == Outcome.HANDLED.value:
            metrics.REPLY_SECONDS.observe(time.monotonic() - started)
        raise ApplicationHandlerStop

    async def take(self, update: Update, found: object) -> str | None:
        raise NotImplementedError

    @staticmethod
    async def _unused(update: Update, context: Context) -> None:
        raise AssertionError("these handlers take updates in handle_update")


class StaffUpdates(_Taking):
    """Staff requests and the staff group's traffic go to the desks, which say where each
    answer is posted; customers' edits go to the staff desk's relay."""

    def __init__(self, desks: Desks, sender: Sender, group: DeskTransport | None) -> None:
        super().__init__()
        self.desks = desks
        self.sender = sender
        self.group = group

    def check_update(self, update: object) -> StaffInput | bool | None:
        if not isinstance(update, Update):
            return None
        found = staff_input_from(update, self.desks.roster.chat_id)
        if found is not None:
            return found
        return self.desks.staff is not None and update.edited_message is not None

    async def take(self, update: Update, found: object) -> str | None:
        if isinstance(found, StaffInput):
            posts = await self.desks.handle(found)
            if posts is None:
                return None  # a desk command where there is no staff desk: a customer's
            for post in posts:
                rows = post.rendered.rows()
                if post.in_group and self.group is not None:
                    await self.group.post(post.rendered.text, post.thread_id, rows, post.reply_to)
                else:
                    await self.sender.send(post.chat_id, post.rendered.text, rows)
            return "staff"
        edited = update.edited_message
        assert edited is not None and self.desks.staff is not None
        if edited.chat.type == "private" and edited.from_user is not None:
            await self.desks.staff.relay.customer_edited(
                edited.from_user.id,
                edited.chat.id,
                edited.message_id,
                edited.text or edited.caption or "",
            )
        return "staff"


class CustomerUpdates(_Taking):
    """A customer's message or button press in a private chat: one turn of the conversation,
    retried over a short outage of the database or Redis."""

    def __init__(self, turn: Turn) -> None:
        super().__init__()
        self.turn = turn

    def check_update(self, update: object) -> Incoming | None:
        return incoming_from(update) if isinstance(update, Update) else None

    async def take(self, update: Update, found: object) -> str | None:
        assert isinstance(found, Incoming)
        for attempt in range(1, TURN_ATTEMPTS + 1):
            try:
                return (await self.turn(found)).outcome.value
            except _TRANSIENT:
                if attempt == TURN_ATTEMPTS:
                    raise
                logger.warning("turn failed (attempt %d), retrying", attempt, exc_info=True)
                await asyncio.sleep(0.5 * 2**attempt)
        raise AssertionError("unreachable")


class FailedUpdates:
    """The updates whose handling failed, for the webhook's answer (held by identity while
    the webhook waits for them)."""

    def __init__(self) -> None:
        self._failed: set[int] = set()

    def add(self, update: object) -> None:
        self._failed.add(id(update))

    def pop(self, update: object) -> bool:
        """Whether `update` failed (and forget it)."""
        if id(update) in self._failed:
            self._failed.discard(id(update))
            return True
        return False


class ErrorHandler:
    """PTB's error handler: log the error with its trace, then either mark the update failed
    (webhook: Telegram delivers it again) or give the customer a kind answer, never internals."""

    def __init__(self, apology: Callable[[], str], failed: FailedUpdates | None = None) -> None:
        self.apology = apology
        self.failed = failed

    async def __call__(self, update: object, context: Context) -> None:
        """Raises `ApplicationHandlerStop`: a failed update goes to no other handler."""
        logger.error("handling an update failed", exc_info=context.error)
        metrics.ERRORS.labels("handler").inc()
        if self.failed is not None:
            self.failed.add(update)
        else:
            await self._apologise(update, context)
        raise ApplicationHandlerStop

    async def _apologise(self, update: object, context: Context) -> None:
        if not isinstance(update, Update) or update.effective_chat is None:
            return
        if update.effective_chat.type != "private":
            return
        try:
            await context.bot.send_message(
                update.effective_chat.id, self.apology(), parse_mode=ParseMode.HTML
            )
        except TelegramError:
            logger.warning("could not tell the customer about the error", exc_info=True)
