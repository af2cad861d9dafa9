"""Delivering the desk outbox to the staff group: topics created on first use, recreated when
deleted, reopened when closed; a case's posts in order; rate limits and outages retried."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from handover.mirror import Mirror
from prima.core.ports import (
    DeskTransport,
    Rejected,
    RetryLater,
    TopicClosed,
    TopicGone,
    Unreachable,
)
from prima.storage.desk_records import Post
from prima.storage.unit_of_work import Transactions

logger = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
BATCH = 50
MAX_ATTEMPTS = 8
TOPIC_NAME_LIMIT = 128  # Telegram's limit for a topic name


class DeskPoster:
    """One per process; several processes share the outbox safely (claims are leased)."""

    def __init__(
        self,
        *,
        transactions: Transactions,
        transport: DeskTransport,
        mirror: Mirror,
        clock: Callable[[], datetime],
        wake: asyncio.Event | None = None,
    ) -> None:
        self.transactions = transactions
        self.transport = transport
        self.mirror = mirror
        self.clock = clock
        self.wake = wake if wake is not None else asyncio.Event()  # set: deliver at once

    def kick(self) -> None:
        self.wake.set()

    async def deliver_due(self) -> int:
        """Post what is due (the oldest post of each case); returns how many went out."""
        async with self.transactions() as uow:
            due = await uow.desk.claim_due(self.clock(), LEASE, BATCH)
        sent = 0
        for post in due:
            if await self._deliver(post, post.topic_id) is not None:
                sent += 1
        return sent

    async def _deliver(self, post: Post, topic: int | None) -> int | None:
        """Send one post; the topic it went to (0 for the General topic), None if it waits."""
        try:
            if post.in_topic and post.case_id is not None:
                if topic is None:
                    topic = await self._new_topic(post.case_id)
                telegram_id, topic = await self._in_topic(post, post.case_id, topic)
            else:
                telegram_id = await self._send(post, None)
        except RetryLater as exc:
            await self._failed(post, str(exc), exc.seconds)
            return None
        except (Rejected, Unreachable) as exc:
            logger.warning("desk post %s refused by Telegram: %s", post.id, exc)
            await self._failed(post, f"refused: {exc}", None)
            return topic if topic is not None else 0  # gone for good: the rest goes on
        except Exception as exc:
            logger.warning("desk post %s failed", post.id, exc_info=True)
            attempts = post.attempts + 1
            delay = min(5.0 * 2**attempts, 600.0) if attempts < MAX_ATTEMPTS else None
            await self._failed(post, f"{type(exc).__name__}: {exc}", delay)
            return None
        async with self.transactions() as uow:
            await uow.desk.sent(post.id, telegram_id, self.clock())
        return topic if topic is not None else 0

    async def _in_topic(self, post: Post, case_id: int, topic: int) -> tuple[int, int]:
        """Send into the case's topic, reopening or recreating it once if needed."""
        reopened = recreated = False
        while True:
            try:
                return await self._send(post, topic), topic
            except TopicClosed:
                if reopened:
                    raise
                reopened = True
                await self.transport.reopen_topic(topic)
            except TopicGone:
                if recreated:
                    raise
                recreated = True
                topic = await self._new_topic(case_id, replacing=topic)

    async def _send(self, post: Post, topic: int | None) -> int:
        buttons = post.buttons
        if post.kind == "copy":
            assert post.source_chat_id is not None and post.source_message_id is not None
            return await self.transport.copy(
                post.source_chat_id, post.source_message_id, topic, post.text, post.reply_to
            )
        return await self.transport.post(post.text or "", topic, buttons, post.reply_to)

    async def _failed(self, post: Post, error: str, delay: float | None) -> None:
        now = self.clock()
        retry_at = now + timedelta(seconds=delay) if delay is not None else None
        async with self.transactions() as uow:
            await uow.desk.failed(post.id, error, retry_at=retry_at)

    async def _new_topic(self, case_id: int, *, replacing: int | None = None) -> int:
        """A topic for the case (named after it), its card first when it replaces a deleted one."""
        async with self.transactions.reads() as uow:
            case = await uow.cases.by_id(case_id)
            if replacing is None and case.topic_id is not None:
                return int(case.topic_id)  # another instance made it meanwhile
            customer = await uow.customers.by_id(case.customer_id)
            name = f"{case.reference} · {customer.first_name or '-'} · {case.category}"
        topic = await self.transport.create_topic(name[:TOPIC_NAME_LIMIT])
        now = self.clock()
        async with self.transactions() as uow:
            desk = uow.desk
            await desk.set_topic(case_id, topic)
            if replacing is not None:
                logger.warning("case %s: its topic was deleted; a new one was made", case_id)
                uow.timeline.add(
                    case_id,
                    now,
                    "desk",
                    "topic_recreated",
                    {"old": replacing, "new": topic},
                )
                case = await uow.cases.by_id(case_id)
                customer = await uow.customers.by_id(case.customer_id)
                card = self.mirror.card_text(case, customer, now)
        if replacing is not None:
            await self.transport.post(card.text, topic, card.rows())
        return topic

    async def run(
        self, stop: asyncio.Event, interval: float, watch: Callable[[], Awaitable[object]]
    ) -> None:
        """Deliver until `stop` is set: at once when kicked, else every `interval` seconds.

        `watch` runs on every pass (flagging quiet takeovers).
        """
        while not stop.is_set():
            self.wake.clear()  # before delivering: a kick during the pass brings another
            try:
                while await self.deliver_due():
                    pass  # each pass posts the next message of every case
                await watch()
            except Exception:
                logger.exception("staff desk delivery failed; retrying")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(_first(stop, self.wake), interval)
        await self.deliver_due()


async def _first(*events: asyncio.Event) -> None:
    waits = [asyncio.ensure_future(e.wait()) for e in events]
    try:
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for wait in waits:
            wait.cancel()
