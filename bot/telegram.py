"""The Telegram adapter: python-telegram-bot's Application around the conversation service."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from datetime import timedelta

from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy.exc import DBAPIError, OperationalError
from telegram import (
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyParameters,
    Update,
)
from telegram.constants import MessageLimit, ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes, TypeHandler

from bot.staff import TelegramDesk, staff_input_from
from bot.updates import incoming_from, staff_action_from
from escalation.desk import StaffAction, SupervisorDesk
from handover.commands import COMMANDS as DESK_COMMANDS
from handover.desk import StaffDesk
from prima.bootstrap import Runtime
from prima.core.commands import COMMANDS
from prima.core.reply import Reply
from prima.turns import Conversations, RetryLater, Sender, Unreachable

logger = logging.getLogger(__name__)

SERVICE = "service"
DESK = "desk"
STAFF = "staff"
# Transient outages of the database or Redis: the turn is retried this many times.
TURN_ATTEMPTS = 3
_TRANSIENT = (OperationalError, DBAPIError, RedisConnectionError, ConnectionError, TimeoutError)
# "Bad Request" answers that mean the chat is gone for good.
_GONE = ("chat not found", "user is deactivated", "bot was blocked", "peer_id_invalid")


class TelegramSender:
    """Sends the bot's messages (Telegram HTML, inline buttons) through PTB's Bot."""

    def __init__(self, application: Application) -> None:  # type: ignore[type-arg]
        self._app = application

    async def copy(
        self, chat_id: int, from_chat_id: int, message_id: int, reply_to: int | None
    ) -> int:
        try:
            copied = await self._app.bot.copy_message(
                chat_id,
                from_chat_id,
                message_id,
                reply_parameters=(
                    ReplyParameters(reply_to, allow_sending_without_reply=True)
                    if reply_to
                    else None
                ),
            )
        except TelegramError as exc:
            raise _translated(exc) from exc
        return int(copied.message_id)

    async def send(self, chat_id: int, text: str, buttons: list[list[list[str]]]) -> int:
        markup = (
            InlineKeyboardMarkup(
                [
                    [InlineKeyboardButton(label, callback_data=data) for label, data in row]
                    for row in buttons
                ]
            )
            if buttons
            else None
        )
        try:
            message = await self._app.bot.send_message(
                chat_id,
                text[: MessageLimit.MAX_TEXT_LENGTH],
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
            )
        except TelegramError as exc:
            raise _translated(exc) from exc
        return int(message.message_id)


def _translated(exc: TelegramError) -> Exception:
    """Telegram's errors in the conversation service's terms (others unchanged)."""
    if isinstance(exc, Forbidden):
        return Unreachable(str(exc))
    if isinstance(exc, RetryAfter):
        wait = exc.retry_after
        seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
        return RetryLater(seconds)
    if isinstance(exc, BadRequest) and any(r in str(exc).casefold() for r in _GONE):
        return Unreachable(str(exc))
    return exc


async def on_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Hand a customer's update to the conversation service (buttons are acknowledged first)."""
    service: Conversations = context.bot_data[SERVICE]
    if update.callback_query is not None:
        try:
            await update.callback_query.answer()
        except TelegramError:
            logger.debug("answering a callback query failed", exc_info=True)
    desk: SupervisorDesk | None = context.bot_data.get(DESK)
    staff: StaffDesk | None = context.bot_data.get(STAFF)
    action = staff_action_from(update) if desk is not None else None
    if desk is not None and action is not None:
        await _supervisor(desk, staff, action, service.sender)
        return
    if staff is not None and await _at_desk(staff, update, service.sender):
        return
    incoming = incoming_from(update)
    if incoming is None:
        return
    for attempt in range(1, TURN_ATTEMPTS + 1):
        try:
            await service.handle(incoming)
            return
        except _TRANSIENT:
            if attempt == TURN_ATTEMPTS:
                raise
            logger.warning("turn failed (attempt %d), retrying", attempt, exc_info=True)
            await asyncio.sleep(0.5 * 2**attempt)


async def _supervisor(
    desk: SupervisorDesk, staff: StaffDesk | None, action: StaffAction, sender: Sender
) -> None:
    """A supervisor command or button; in groups, only the ladder's and the staff group answer.

    With a staff desk, an alert's "Take the case" is a real takeover (the case's topic).
    """
    private = action.chat_id == action.user_id
    if not private and action.chat_id not in desk.policy.staff_chats():
        return
    member = staff.roster.member(action.user_id) if staff is not None else None
    if staff is not None and member is not None and action.verb == "take" and action.reference:
        text, rows = await staff.take(action.reference, member, elsewhere=True)
    else:
        reply = await desk.handle(action)
        text, rows = reply.text, reply.buttons
    await sender.send(action.chat_id, text, [[list(b) for b in row] for row in rows])


async def _at_desk(staff: StaffDesk, update: Update, sender: Sender) -> bool:
    """Staff-group traffic, desk buttons and commands, customers' edits: True if taken care of."""
    found = staff_input_from(update, staff.roster.chat_id)
    if found is not None:
        answers = await staff.handle(found)
        for text, rows in answers:
            buttons = [[list(b) for b in row] for row in rows]
            if found.chat_id == staff.roster.chat_id:
                await staff.transport.post(text, found.thread_id, buttons, found.message_id)
            else:
                await sender.send(found.chat_id, text, buttons)
        return True
    edited = update.edited_message
    if edited is not None:
        if edited.chat.type == "private" and edited.from_user is not None:
            await staff.relay.customer_edited(
                edited.from_user.id,
                edited.chat.id,
                edited.message_id,
                edited.text or edited.caption or "",
            )
        return True
    return False


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the error with its trace, then give the customer a kind answer (never internals)."""
    logger.error("handling an update failed", exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if update.effective_chat.type != "private":
        return
    service: Conversations = context.bot_data[SERVICE]
    language = service.config.languages.default
    text = service.renderer.render(language, Reply("error"), **service.reply_context(language))
    try:
        await context.bot.send_message(update.effective_chat.id, text, parse_mode=ParseMode.HTML)
    except TelegramError:
        logger.warning("could not tell the customer about the error", exc_info=True)


def build_application(runtime: Runtime, token: str) -> Application:  # type: ignore[type-arg]
    """The PTB application: polling, rate-limited, updates handled concurrently across chats."""
    # PTB 22 reports time periods as timedelta with this set (and warns without it).
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    base = runtime.settings.telegram_api_base_url
    application = (
        ApplicationBuilder()
        .token(token)
        .base_url(base)
        .base_file_url(base.replace("/bot", "/file/bot", 1))
        .rate_limiter(
            AIORateLimiter(
                overall_max_rate=runtime.config.telegram.max_messages_per_second, max_retries=2
            )
        )
        .concurrent_updates(256)
        .connection_pool_size(64)
        .build()
    )
    application.add_handler(TypeHandler(Update, on_update))
    application.add_error_handler(on_error)
    return application


async def _desk_commands(application: Application, chat_id: int) -> None:  # type: ignore[type-arg]
    """The staff group's command menu; a wrong `staff.chat_id` is reported, not fatal."""
    try:
        await application.bot.set_my_commands(
            [BotCommand(name, about) for name, about in DESK_COMMANDS.items()],
            scope=BotCommandScopeChat(chat_id),
        )
    except TelegramError as exc:
        logger.error(
            "the staff group %s is out of reach (%s): check staff.chat_id, and that the bot "
            "is an admin there with 'Manage topics'",
            chat_id,
            exc,
        )


def stop_on_signals() -> asyncio.Event:
    """An event set by SIGINT or SIGTERM (a clean stop: work in flight is finished)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    return stop


async def run_telegram(runtime: Runtime, token: str, stop: asyncio.Event | None = None) -> int:
    """Poll Telegram until SIGINT/SIGTERM (or until `stop` is set, when one is given)."""
    if stop is None:
        stop = stop_on_signals()
    application = build_application(runtime, token)
    async with (
        runtime.database() as sessions,
        runtime.guards() as guards,
        runtime.classifier() as nlu,
    ):
        sender = TelegramSender(application)
        roster = runtime.roster()
        mirror = runtime.mirror() if roster.chat_id is not None else None
        service = runtime.conversations(sessions, nlu, guards, sender, mirror)
        application.bot_data[SERVICE] = service
        supervisors = runtime.desk(sessions)
        application.bot_data[DESK] = supervisors
        staff = poster = None
        if mirror is not None and roster.chat_id is not None:
            transport = TelegramDesk(application, roster.chat_id)
            poster = runtime.poster(sessions, transport, mirror)
            staff = runtime.staff_desk(sessions, service, mirror, transport, supervisors)
            application.bot_data[STAFF] = staff
        async with application:
            await application.bot.set_my_commands(
                [BotCommand(name, about) for name, about in COMMANDS.items()]
            )
            if roster.chat_id is not None:
                await _desk_commands(application, roster.chat_id)
            await application.start()
            assert application.updater is not None
            await application.updater.start_polling(
                allowed_updates=["message", "edited_message", "callback_query"], timeout=30
            )
            me = application.bot.username
            logger.info("polling Telegram as @%s", me)
            tasks = [asyncio.create_task(service.run_dispatcher(stop))]
            if runtime.config.escalation.enabled:
                escalator = runtime.escalator(sessions, sender, mirror)
                tasks.append(asyncio.create_task(escalator.run(stop)))
            if poster is not None and staff is not None:
                every = runtime.config.staff.check_every_seconds
                tasks.append(asyncio.create_task(poster.run(stop, every, staff.flag_quiet)))
            await stop.wait()
            logger.info("stopping: finishing updates in flight")
            await application.updater.stop()
            await application.stop()
            await asyncio.gather(*tasks)
    return 0
