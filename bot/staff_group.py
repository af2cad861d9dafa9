"""The staff group on Telegram: reading staff updates, and posting in forum topics."""

from __future__ import annotations

from telegram import Message, ReplyParameters, Update
from telegram.constants import MessageLimit, ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application

from bot.api import markup, says, translated
from prima.core.ports import Rejected, TopicClosed, TopicGone
from prima.core.staff import Origin, StaffInput, is_staff_data, read_staff

# Telegram's words for a topic that is gone or closed.
_GONE = ("message thread not found", "topic_deleted", "thread not found", "topic not found")
_CLOSED = ("topic_closed",)
_KINDS = (
    "photo",
    "document",
    "voice",
    "audio",
    "video",
    "video_note",
    "sticker",
    "animation",
    "location",
    "venue",
    "contact",
    "poll",
    "dice",
)


def staff_input_from(update: Update, staff_chat: int | None) -> StaffInput | None:
    """What the desks must look at: anything in the staff group, a staff button anywhere (a
    desk button or an alert's), or a staff command in any other chat (to answer it, or
    refuse it)."""
    query = update.callback_query
    if query is not None:
        if not query.data or not is_staff_data(query.data) or query.message is None:
            return None
        pressed = query.message
        return StaffInput(
            user_id=query.from_user.id,
            chat_id=pressed.chat.id,
            thread_id=getattr(pressed, "message_thread_id", None),
            message_id=pressed.message_id,
            kind="button",
            action=read_staff(query.data),
            update_id=update.update_id,
        )
    message: Message | None = update.message or update.edited_message
    if message is None or message.from_user is None or message.from_user.is_bot:
        return None
    text = message.text if message.text is not None else message.caption
    action = read_staff(message.text) if message.text and message.text.startswith("/") else None
    if action is not None and action.origin is Origin.SUPERVISOR and update.edited_message:
        action = None  # an edited message is no supervisor's command (a customer's edit stays one)
    if message.chat.id != staff_chat and action is None:
        return None
    if message.chat.id == staff_chat and _service(message):
        return None
    return StaffInput(
        user_id=message.from_user.id,
        chat_id=message.chat.id,
        thread_id=message.message_thread_id if message.is_topic_message else None,
        message_id=message.message_id,
        kind=_kind(message),
        text=text,
        action=action,
        reply_to=_replied(message),
        edited=update.edited_message is not None,
        update_id=update.update_id,
    )


def _kind(message: Message) -> str:
    if message.text is not None:
        return "command" if message.text.startswith("/") else "text"
    return next((k for k in _KINDS if getattr(message, k, None)), "other")


def _replied(message: Message) -> int | None:
    replied = message.reply_to_message
    if replied is None or replied.message_id == message.message_thread_id:
        return None  # in a topic, every message "replies" to the topic's first message
    return replied.message_id


def _service(message: Message) -> bool:
    """Topic created/closed, members joined...: nothing anyone wrote."""
    return bool(
        message.forum_topic_created
        or message.forum_topic_closed
        or message.forum_topic_reopened
        or message.forum_topic_edited
        or message.new_chat_members
        or message.left_chat_member
        or message.pinned_message
    )


class TelegramDesk:
    """Posts in the staff group's forum topics through PTB's Bot (HTML, inline buttons)."""

    def __init__(self, application: Application, chat_id: int) -> None:  # type: ignore[type-arg]
        self._app = application
        self.chat_id = chat_id

    async def create_topic(self, name: str) -> int:
        with _translated():
            topic = await self._app.bot.create_forum_topic(self.chat_id, name)
        return int(topic.message_thread_id)

    async def reopen_topic(self, topic_id: int) -> None:
        try:
            with _translated():
                await self._app.bot.reopen_forum_topic(self.chat_id, topic_id)
        except Rejected:
            pass  # "TOPIC_NOT_MODIFIED": it was open after all

    async def post(
        self,
        text: str,
        topic_id: int | None,
        buttons: list[list[list[str]]],
        reply_to: int | None = None,
    ) -> int:
        with _translated():
            message = await self._app.bot.send_message(
                self.chat_id,
                text[: MessageLimit.MAX_TEXT_LENGTH],
                parse_mode=ParseMode.HTML,
                message_thread_id=topic_id,
                reply_markup=markup(buttons),
                reply_parameters=_reply(reply_to),
            )
        return int(message.message_id)

    async def copy(
        self,
        from_chat_id: int,
        message_id: int,
        topic_id: int | None,
        caption: str | None,
        reply_to: int | None = None,
    ) -> int:
        with _translated():
            copied = await self._app.bot.copy_message(
                self.chat_id,
                from_chat_id,
                message_id,
                message_thread_id=topic_id,
                caption=caption[: MessageLimit.CAPTION_LENGTH] if caption else None,
                parse_mode=ParseMode.HTML if caption else None,
                reply_parameters=_reply(reply_to),
            )
        return int(copied.message_id)

    async def edit_customer_message(
        self, chat_id: int, message_id: int, text: str, *, caption: bool
    ) -> None:
        with _translated():
            if caption:
                await self._app.bot.edit_message_caption(
                    chat_id=chat_id, message_id=message_id, caption=text
                )
            else:
                await self._app.bot.edit_message_text(
                    text[: MessageLimit.MAX_TEXT_LENGTH], chat_id=chat_id, message_id=message_id
                )


class _translated:
    """Telegram's errors in the desk's terms."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, exc: BaseException | None, tb: object) -> None:
        if exc is None:
            return
        if not isinstance(exc, TelegramError):
            return
        if (common := translated(exc)) is not None:
            raise common from exc
        if says(exc, _GONE):
            raise TopicGone(str(exc)) from exc
        if says(exc, _CLOSED):
            raise TopicClosed(str(exc)) from exc
        if isinstance(exc, BadRequest):
            raise Rejected(str(exc)) from exc


def _reply(message_id: int | None) -> ReplyParameters | None:
    if message_id is None:
        return None
    return ReplyParameters(message_id, allow_sending_without_reply=True)
