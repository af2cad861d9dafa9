"""What the staff desk needs from the messaging platform (Telegram in production)."""

from __future__ import annotations

from typing import Protocol


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
