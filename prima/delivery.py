"""The outbox delivery: messages queued in the database are sent in each chat's order.

A turn queues its replies in its transaction and sends them at once (`send_all`); a send
that fails is recorded and left to the dispatcher (`run_dispatcher`), which sends what is
due after a crash, a rate limit or an outage. Deliveries are recorded in batches, many
turns per transaction, and a sent message is never sent again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from prima.core.ports import SEND_LEASE, Clock, DeskMirror, Guards, RetryLater, Sender, Unreachable
from prima.storage.outbox import Outgoing
from prima.storage.unit_of_work import Transactions, UnitOfWork

logger = logging.getLogger(__name__)

MAX_SEND_ATTEMPTS = 8
# Recording deliveries is retried this often (with backoff, ~1.5 minutes in all) before the
# dispatcher may send those messages again.
MARK_ATTEMPTS = 12
# How long delivery marks gather before they are written: fewer, larger transactions. This
# process's dispatcher leaves an unrecorded message alone; after a crash in that window the
# message is sent again when its lease ends, as after a crash during the write itself.
MARK_GATHER_SECONDS = 0.05


class QueuedOnly:
    """The sender of a process that only queues messages (`prima resolve`): the running bot's
    dispatcher sends them. Its turns run with `deliver` False, so nothing is sent here."""

    async def send(self, chat_id: int, text: str, buttons: list[list[list[str]]]) -> int:
        raise RuntimeError("this process only queues messages; the bot's dispatcher sends them")

    async def copy(
        self, chat_id: int, from_chat_id: int, message_id: int, reply_to: int | None
    ) -> int:
        raise RuntimeError("this process only queues messages; the bot's dispatcher sends them")


class Outbox:
    """Sends queued messages and records their delivery; one per process."""

    def __init__(
        self,
        *,
        transactions: Transactions,
        sender: Sender,
        guards: Guards,
        mirror: DeskMirror | None,
        clock: Clock,
    ) -> None:
        self.transactions = transactions
        self.sender = sender
        self.guards = guards
        self.mirror = mirror
        self.clock = clock
        self._sent_marks: list[tuple[int, int, int, datetime]] = []
        self._marker: asyncio.Task[None] | None = None
        self._closing = asyncio.Event()  # shutting down: no more long retries

    async def send_all(self, messages: list[Outgoing]) -> list[int]:
        """Send in order; stop at the first failure so a chat's messages stay in order.

        Deliveries are recorded in batches (one transaction for many turns); a failure is
        recorded at once.
        """
        sent: list[int] = []
        for message in messages:
            record = await self._send_one(message)
            if record is not None:
                async with self.transactions() as uow:
                    await record(uow)
                break
            sent.append(message.id)
        return sent

    def _delivered(self, message: Outgoing, telegram_id: int, now: datetime) -> None:
        self._sent_marks.append((message.id, telegram_id, message.attempts + 1, now))
        if self._marker is None or self._marker.done():
            self._marker = asyncio.create_task(self._record_deliveries())

    async def _record_deliveries(self, attempts: int = MARK_ATTEMPTS) -> None:
        """Write the pending delivery marks, many per transaction, until none are left.

        While the database is unavailable the marks are kept and retried with backoff (and
        the dispatcher leaves their messages alone): a sent message is not sent again.
        """
        failures = 0
        while self._sent_marks:
            if not self._closing.is_set():
                # Let the turns in flight add theirs to this batch: fewer, larger transactions.
                await asyncio.sleep(MARK_GATHER_SECONDS)
            batch, self._sent_marks = self._sent_marks, []
            try:
                async with self.transactions() as uow:
                    await uow.outbox.mark_sent_many(batch)
            except Exception:
                failures += 1
                self._sent_marks = batch + self._sent_marks
                if failures >= attempts or (self._closing.is_set() and failures >= 2):
                    # Given up: these are sent again by the dispatcher after their lease.
                    logger.exception("recording %d deliveries failed", len(batch))
                    self._sent_marks = []
                    return
                logger.warning("recording %d deliveries failed; retrying", len(batch))
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._closing.wait(), min(0.5 * 2**failures, 10.0))

    async def flush(self) -> None:
        """Record every delivery made so far (on shutdown; a database still away gets two
        more tries, then those messages are left to the outbox)."""
        self._closing.set()
        if self._marker is not None:
            await self._marker
        await self._record_deliveries(attempts=2)

    def _unrecorded(self) -> set[int]:
        return {message_id for message_id, *_ in self._sent_marks}

    async def _send_one(self, message: Outgoing) -> Callable[[UnitOfWork], Awaitable[None]] | None:
        """Send one message; None when sent, else how to record the failure."""
        now = self.clock()
        try:
            if message.source is not None:
                telegram_id = await self.sender.copy(
                    message.chat_id, message.source[0], message.source[1], message.reply_to
                )
            else:
                telegram_id = await self.sender.send(message.chat_id, message.text, message.buttons)
        except Unreachable:
            logger.info("customer %s is unreachable (blocked the bot)", message.customer_id)

            async def unreachable(uow: UnitOfWork) -> None:
                await uow.outbox.mark_failed(message.id, "unreachable", now, retry_at=None)
                await uow.customers.mark_unreachable(message.customer_id, now)
                if self.mirror is not None:
                    customer = await uow.customers.by_id(message.customer_id)
                    if customer.desk_case_id is not None:
                        self.mirror.notice(
                            uow.desk,
                            customer.desk_case_id,
                            now,
                            "desk_customer_unreachable",
                            customer=customer.first_name,
                        )
                        self.mirror.kick()

            return unreachable
        except RetryLater as exc:
            wait_until, reason = now + timedelta(seconds=exc.seconds), str(exc)

            async def later(uow: UnitOfWork) -> None:
                await uow.outbox.mark_failed(message.id, reason, now, retry_at=wait_until)

            return later
        except Exception as exc:
            logger.warning("sending message %s failed", message.id, exc_info=True)
            attempts = message.attempts + 1
            retry = now + timedelta(seconds=min(2**attempts, 600))
            retry_at = retry if attempts < MAX_SEND_ATTEMPTS else None
            error = f"{type(exc).__name__}: {exc}"

            async def failed(uow: UnitOfWork) -> None:
                await uow.outbox.mark_failed(message.id, error, now, retry_at=retry_at)

            return failed

        self._delivered(message, telegram_id, now)
        return None

    async def dispatch_pending(self, limit: int = 100) -> int:
        """Send what is due in the outbox (after a crash, a rate limit, an outage)."""
        async with self.transactions() as uow:
            due = await uow.outbox.claim_due(self.clock(), SEND_LEASE, limit)
        sent_already = self._unrecorded()  # delivered; the mark is waiting for the database
        by_chat: dict[int, list[Outgoing]] = {}
        for message in due:
            if message.id in sent_already:
                continue
            by_chat.setdefault(message.chat_id, []).append(message)
        sent = 0
        for chat_id, messages in by_chat.items():
            async with self.guards.chat_lock(chat_id):
                sent += len(await self.send_all(messages))
        return sent

    async def run_dispatcher(self, stop: asyncio.Event, interval: float = 2.0) -> None:
        """Deliver pending messages until `stop` is set."""
        while not stop.is_set():
            try:
                await self.dispatch_pending()
            except Exception:
                logger.exception("outbox dispatch failed; retrying")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), interval)
        await self.flush()
