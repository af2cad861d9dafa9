"""What both Telegram adapters (customers' chats and the staff group) share: the inline
keyboard of a message, and Bot API errors in the ports' terms."""

from __future__ import annotations

from datetime import timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from prima.core.ports import RetryLater, Unreachable


def markup(buttons: list[list[list[str]]]) -> InlineKeyboardMarkup | None:
    """Button rows of [label, callback data] as Telegram's inline keyboard (None: no rows)."""
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=data) for label, data in row]
            for row in buttons
        ]
    )


def translated(exc: TelegramError) -> Exception | None:
    """The errors every chat shares: wait and try again (RetryLater), or the chat cannot be
    reached (Unreachable). None for the rest, which each adapter reads in its own terms."""
    if isinstance(exc, RetryAfter):
        wait = exc.retry_after
        return RetryLater(wait.total_seconds() if isinstance(wait, timedelta) else float(wait))
    if isinstance(exc, Forbidden):
        return Unreachable(str(exc))
    return None


def says(exc: TelegramError, phrases: tuple[str, ...]) -> bool:
    """Whether a Bad Request's description contains one of the phrases."""
    return isinstance(exc, BadRequest) and any(p in str(exc).casefold() for p in phrases)
