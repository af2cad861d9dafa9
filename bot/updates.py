"""Turning a Telegram update into what the conversation core understands."""

from __future__ import annotations

from telegram import Message, Update

from prima.core.commands import parse_command
from prima.core.conversation import Attachment
from prima.core.events import Event, Media, Press, Text, Unsupported
from prima.core.turn import Incoming

# Content the bot cannot take; anything else unknown is treated the same way.
UNSUPPORTED = (
    "sticker",
    "animation",
    "contact",
    "poll",
    "dice",
    "game",
    "story",
    "paid_media",
    "invoice",
)


def incoming_from(update: Update) -> Incoming | None:
    """The customer's action in a private chat, or None for updates the bot does not serve."""
    if update.callback_query is not None:
        query = update.callback_query
        message = query.message
        if message is None or message.chat.type != "private" or not query.data:
            return None
        return Incoming(
            user_id=query.from_user.id,
            chat_id=message.chat.id,
            first_name=query.from_user.first_name,
            event=Press(query.data),
            kind="button",
            text=query.data,
            update_id=update.update_id,
        )
    message = update.message
    if message is None or message.chat.type != "private" or message.from_user is None:
        return None
    user = message.from_user
    event, kind, text = _message_event(message)
    return Incoming(
        user_id=user.id,
        chat_id=message.chat.id,
        first_name=user.first_name,
        event=event,
        kind=kind,
        text=text,
        update_id=update.update_id,
        message_id=message.message_id,
    )


def _message_event(message: Message) -> tuple[Event, str, str | None]:
    if message.text is not None:
        command = parse_command(message.text) if message.text.startswith("/") else None
        if command is not None:
            return command, "command", message.text
        return Text(message.text), "text", message.text
    attachment = _attachment(message)
    if attachment is not None:
        caption = Text(message.caption) if message.caption else None
        return Media(attachment, caption), attachment.kind, message.caption
    kind = next((k for k in UNSUPPORTED if getattr(message, k, None)), "other")
    return Unsupported(kind), kind, None


def _attachment(message: Message) -> Attachment | None:
    caption, message_id = message.caption, message.message_id
    if message.photo:
        largest = max(message.photo, key=lambda p: (p.width * p.height, p.file_size or 0))
        return Attachment(
            "photo",
            file_id=largest.file_id,
            file_unique_id=largest.file_unique_id,
            file_size=largest.file_size,
            mime_type="image/jpeg",
            caption=caption,
            message_id=message_id,
        )
    for kind in ("document", "voice", "audio", "video", "video_note"):
        file = getattr(message, kind, None)
        if file is not None:
            return Attachment(
                kind,
                file_id=file.file_id,
                file_unique_id=file.file_unique_id,
                file_size=file.file_size,
                mime_type=getattr(file, "mime_type", None),
                file_name=getattr(file, "file_name", None),
                caption=caption,
                message_id=message_id,
            )
    location = message.location or (message.venue.location if message.venue else None)
    if location is not None:
        return Attachment(
            "location",
            latitude=location.latitude,
            longitude=location.longitude,
            caption=caption,
            message_id=message_id,
        )
    return None


def update_kind(update: Update) -> str:
    """What kind of update this is, for the metrics."""
    if update.callback_query is not None:
        return "button"
    if update.edited_message is not None:
        return "edit"
    if update.message is not None:
        return "message"
    return "other"
