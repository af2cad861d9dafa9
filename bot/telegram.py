"""The Telegram adapter: python-telegram-bot's Application around the conversation service."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    ReplyParameters,
)
from telegram.constants import MessageLimit, ParseMode
from telegram.error import TelegramError
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder

from actions.turns import Conversations
from bot.api import markup, says, translated
from bot.handlers import ErrorHandler, FailedUpdates, install
from bot.http import AiohttpRequest
from bot.intake import UpdatesRequest
from bot.staff_group import TelegramDesk
from prima.assembly import assembled
from prima.bootstrap import Runtime
from prima.core.commands import COMMANDS
from prima.core.ports import Classifier, Database, Guards, Unreachable
from prima.core.staff import DESK_COMMANDS

logger = logging.getLogger(__name__)

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
        try:
            message = await self._app.bot.send_message(
                chat_id,
                text[: MessageLimit.MAX_TEXT_LENGTH],
                parse_mode=ParseMode.HTML,
                reply_markup=markup(buttons),
            )
        except TelegramError as exc:
            raise _translated(exc) from exc
        return int(message.message_id)


def _translated(exc: TelegramError) -> Exception:
    """Telegram's errors in the conversation service's terms (others unchanged)."""
    if (common := translated(exc)) is not None:
        return common
    if says(exc, _GONE):
        return Unreachable(str(exc))
    return exc


def build_application(runtime: Runtime, token: str, *, polling: bool = True) -> Application:  # type: ignore[type-arg]
    """The PTB application: rate-limited, updates handled concurrently across chats; without
    `polling`, updates come from our webhook server instead of PTB's updater."""
    # PTB 22 reports time periods as timedelta with this set (and warns without it).
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    base = runtime.settings.telegram_api_base_url
    builder = ApplicationBuilder()
    if not polling:
        builder = builder.updater(None)
    application = (
        builder.token(token)
        .base_url(base)
        .base_file_url(base.replace("/bot", "/file/bot", 1))
        .rate_limiter(
            AIORateLimiter(
                overall_max_rate=runtime.config.telegram.max_messages_per_second, max_retries=2
            )
        )
        .concurrent_updates(256)
        # A send that times out may still have been delivered, and is sent again: a generous
        # read timeout keeps that rare under load. Waiting for a free connection is
        # safe to retry, and may take a while in a burst.
        .request(
            AiohttpRequest(
                connection_pool_size=64,
                connect_timeout=10,
                read_timeout=30,
                pool_timeout=60,
            )
        )
        .get_updates_request(UpdatesRequest(connect_timeout=10, read_timeout=30))
        .build()
    )
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


@dataclass
class Serving:
    """The running bot's parts, for the way updates come in (polling or webhook)."""

    application: Application  # type: ignore[type-arg]
    database: Database
    guards: Guards
    classifier: Classifier
    service: Conversations


ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]


@asynccontextmanager
async def serving(
    runtime: Runtime,
    application: Application,  # type: ignore[type-arg]
    stop: asyncio.Event,
    *,
    escalator: bool = True,
    failed: FailedUpdates | None = None,
) -> AsyncIterator[Serving]:
    """The bot's parts (`prima/assembly.py`) on Telegram, with its handlers, started. With
    `failed` (webhook mode), turns go in update-id order across instances and a failed update
    is marked there for a 5xx answer instead of an apology. On exit, after `stop` is set,
    the updates in flight are finished and every connection is closed."""
    sender = TelegramSender(application)
    async with assembled(
        runtime,
        sender,
        desk=lambda chat_id: TelegramDesk(application, chat_id),
        alerts=sender,
        ordered=failed is not None,
        escalator=escalator,
    ) as parts:
        staff = parts.desks.staff
        install(
            application,
            turn=parts.service.handle,
            desks=parts.desks,
            sender=sender,
            group=staff.transport if staff is not None else None,
            errors=ErrorHandler(runtime.apology, failed),
        )
        roster = parts.desks.roster
        async with application:
            await application.bot.set_my_commands(
                [BotCommand(name, about) for name, about in COMMANDS.items()]
            )
            if roster.chat_id is not None:
                await _desk_commands(application, roster.chat_id)
            await application.start()
            jobs = asyncio.create_task(parts.run(stop))
            try:
                yield Serving(
                    application, parts.database, parts.guards, parts.classifier, parts.service
                )
            finally:
                stop.set()
                await application.stop()
                await jobs


async def run_telegram(
    runtime: Runtime, token: str, stop: asyncio.Event | None = None, *, escalator: bool = True
) -> int:
    """Poll Telegram until SIGINT/SIGTERM (or until `stop` is set, when one is given)."""
    if stop is None:
        stop = stop_on_signals()
    application = build_application(runtime, token)
    async with serving(runtime, application, stop, escalator=escalator):
        assert application.updater is not None
        await application.updater.start_polling(allowed_updates=ALLOWED_UPDATES, timeout=30)
        logger.info("polling Telegram as @%s", application.bot.username)
        await stop.wait()
        logger.info("stopping: finishing updates in flight")
        await application.updater.stop()
    return 0
