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
from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import MessageLimit, ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes, TypeHandler

from bot.updates import incoming_from, staff_action_from
from escalation.desk import StaffAction, SupervisorDesk
from prima.bootstrap import Runtime
from prima.core.commands import COMMANDS
from prima.core.reply import Reply
from prima.turns import Conversations, RetryLater, Sender, Unreachable

logger = logging.getLogger(__name__)

SERVICE = "service"
DESK = "desk"
# Transient outages of the database or Redis: the turn is retried this many times.
TURN_ATTEMPTS = 3
_TRANSIENT = (OperationalError, DBAPIError, RedisConnectionError, ConnectionError, TimeoutError)
# "Bad Request" answers that mean the chat is gone for good.
_GONE = ("chat not found", "user is deactivated", "bot was blocked", "peer_id_invalid")


class TelegramSender:
    """Sends the bot's messages (Telegram HTML, inline buttons) through PTB's Bot."""

    def __init__(self, application: Application) -> None:  # type: ignore[type-arg]
        self._app = application

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
        except Forbidden as exc:
            raise Unreachable(str(exc)) from exc
        except RetryAfter as exc:
            wait = exc.retry_after
            seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            raise RetryLater(seconds) from exc
        except BadRequest as exc:
            if any(reason in str(exc).casefold() for reason in _GONE):
                raise Unreachable(str(exc)) from exc
            raise
        return int(message.message_id)


async def on_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Hand a customer's update to the conversation service (buttons are acknowledged first)."""
    service: Conversations = context.bot_data[SERVICE]
    if update.callback_query is not None:
        try:
            await update.callback_query.answer()
        except TelegramError:
            logger.debug("answering a callback query failed", exc_info=True)
    desk: SupervisorDesk | None = context.bot_data.get(DESK)
    action = staff_action_from(update) if desk is not None else None
    if desk is not None and action is not None:
        await _staff(desk, action, service.sender)
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


async def _staff(desk: SupervisorDesk, action: StaffAction, sender: Sender) -> None:
    """A supervisor command or button; in groups, only staff groups on the ladder get answers."""
    private = action.chat_id == action.user_id
    if not private and action.chat_id not in desk.policy.staff_chats():
        return
    reply = await desk.handle(action)
    buttons = [[list(b) for b in row] for row in reply.buttons]
    await sender.send(action.chat_id, reply.text, buttons)


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
        service = runtime.conversations(sessions, nlu, guards, sender)
        application.bot_data[SERVICE] = service
        application.bot_data[DESK] = runtime.desk(sessions)
        async with application:
            await application.bot.set_my_commands(
                [BotCommand(name, about) for name, about in COMMANDS.items()]
            )
            await application.start()
            assert application.updater is not None
            await application.updater.start_polling(
                allowed_updates=["message", "callback_query"], timeout=30
            )
            me = application.bot.username
            logger.info("polling Telegram as @%s", me)
            tasks = [asyncio.create_task(service.run_dispatcher(stop))]
            if runtime.config.escalation.enabled:
                escalator = runtime.escalator(sessions, sender)
                tasks.append(asyncio.create_task(escalator.run(stop)))
            await stop.wait()
            logger.info("stopping: finishing updates in flight")
            await application.updater.stop()
            await application.stop()
            await asyncio.gather(*tasks)
    return 0
