"""What the bot does with each Telegram update: route it to a desk or the conversation."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy.exc import DBAPIError, OperationalError
from telegram import Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from actions.turns import Conversations
from bot.intake import is_stand_in
from bot.staff import staff_input_from
from bot.updates import incoming_from, update_kind
from handover.front import Desks
from prima import metrics
from prima.core.reply import Reply
from prima.core.turn import Outcome

logger = logging.getLogger(__name__)

SERVICE = "service"
DESKS = "desks"
# Transient outages of the database or Redis: the turn is retried this many times.
TURN_ATTEMPTS = 3
_TRANSIENT = (OperationalError, DBAPIError, RedisConnectionError, ConnectionError, TimeoutError)


async def on_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """PTB's handler for every update (polling): see `dispatch`. The stand-in for an update
    that could not be read was logged and counted as it came in (`bot/intake.py`)."""
    if is_stand_in(update):
        return
    await dispatch(context.bot_data, update)


async def dispatch(bot_data: dict[Any, Any], update: Update) -> None:
    """Route one update: supervisors' and staff actions to their desks, customers' to the
    conversation service (buttons are acknowledged first). Raises when the update could not
    be handled (a webhook then answers 5xx, so Telegram delivers it again)."""
    started = time.monotonic()
    kind = update_kind(update)
    try:
        outcome = await _route(bot_data, update)
    except Exception:
        metrics.UPDATES.labels(kind, "error").inc()
        metrics.ERRORS.labels("update").inc()
        raise
    metrics.UPDATES.labels(kind, outcome).inc()
    if outcome == Outcome.HANDLED.value:
        metrics.REPLY_SECONDS.observe(time.monotonic() - started)


async def _route(bot_data: dict[Any, Any], update: Update) -> str:
    service: Conversations = bot_data[SERVICE]
    if update.callback_query is not None:
        try:
            await update.callback_query.answer()
        except TelegramError:
            logger.debug("answering a callback query failed", exc_info=True)
    desks: Desks | None = bot_data.get(DESKS)
    if desks is not None and await _at_desks(desks, update, service):
        return "staff"
    incoming = incoming_from(update)
    if incoming is None:
        return "ignored"
    for attempt in range(1, TURN_ATTEMPTS + 1):
        try:
            result = await service.handle(incoming)
            return result.outcome.value
        except _TRANSIENT:
            if attempt == TURN_ATTEMPTS:
                raise
            logger.warning("turn failed (attempt %d), retrying", attempt, exc_info=True)
            await asyncio.sleep(0.5 * 2**attempt)
    raise AssertionError("unreachable")


async def _at_desks(desks: Desks, update: Update, service: Conversations) -> bool:
    """Staff requests, staff-group traffic and customers' edits: True if taken care of."""
    group = desks.staff.transport if desks.staff is not None else None
    found = staff_input_from(update, desks.roster.chat_id)
    posts = await desks.handle(found) if found is not None else None
    if posts is not None:
        for post in posts:
            if post.in_group and group is not None:
                await group.post(
                    post.rendered.text, post.thread_id, post.rendered.rows(), post.reply_to
                )
            else:
                await service.sender.send(post.chat_id, post.rendered.text, post.rendered.rows())
        return True
    edited = update.edited_message
    if desks.staff is not None and edited is not None:
        if edited.chat.type == "private" and edited.from_user is not None:
            await desks.staff.relay.customer_edited(
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
    metrics.ERRORS.labels("handler").inc()
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
