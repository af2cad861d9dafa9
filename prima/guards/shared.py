"""The guards shared by every instance, through Redis: chat locks, update marks, flood
counters and a queue per chat for turns in update order."""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import cast

from redis.asyncio import Redis
from redis.exceptions import LockError, RedisError

from prima.core.ports import SETTLE_SECONDS, Flood
from prima.guards import ordering
from prima.guards.ordering import IN_FLIGHT_SECONDS, SEEN_SECONDS, ordered_turn, wait_settled
from prima.guards.scripts import LOCK_AND_COUNT, ORDERED_LOCK_AND_COUNT, UNLOCK_AND_MARK

logger = logging.getLogger(__name__)

LOCK_SECONDS = 60
LOCK_WAIT_SECONDS = 90
_LOCK_POLL_SECONDS = 0.005  # a busy chat lock is tried again this often


class RedisGuards:
    """Shared by every instance: Redis locks, SET NX marks, fixed-window counters."""

    def __init__(
        self, redis: Redis, flood_messages: int, flood_seconds: float, prefix: str = "prima"
    ) -> None:
        self.redis = redis
        self._limit, self._seconds = flood_messages, flood_seconds
        self._prefix = prefix
        self._lock_and_count = redis.register_script(LOCK_AND_COUNT)
        self._unlock_and_mark = redis.register_script(UNLOCK_AND_MARK)
        self._ordered_lock = redis.register_script(ORDERED_LOCK_AND_COUNT)

    # One place for the key names: the turn's scripts and redis-py's lock must agree.
    def _lock_key(self, chat_id: int) -> str:
        return f"{self._prefix}:lock:chat:{chat_id}"

    def _update_key(self, update_id: int | None) -> str:
        return f"{self._prefix}:update:{update_id}"

    def _flood_key(self, chat_id: int, window: int) -> str:
        return f"{self._prefix}:flood:{chat_id}:{window}"

    def _queue_key(self, chat_id: int) -> str:
        return f"{self._prefix}:turns:{chat_id}"

    @asynccontextmanager
    async def chat_lock(self, chat_id: int) -> AsyncIterator[None]:
        lock = self.redis.lock(
            self._lock_key(chat_id),
            timeout=LOCK_SECONDS,
            sleep=_LOCK_POLL_SECONDS,
            blocking_timeout=LOCK_WAIT_SECONDS,
        )
        if not await lock.acquire():
            raise TimeoutError(f"chat {chat_id} stayed locked for {LOCK_WAIT_SECONDS}s")
        try:
            yield
        finally:
            try:
                await lock.release()
            except LockError:
                logger.warning("a chat lock expired before its turn finished")

    @asynccontextmanager
    async def turn(
        self, chat_id: int, update_id: int | None, *, ordered: bool = False
    ) -> AsyncIterator[Flood]:
        """`turn` in two round trips instead of five: one script takes the lock and counts
        the message (when `ordered`, first registering the update and waiting out the chat's
        earlier ones, `chat_turn`'s rules); another releases the lock, marks the update and,
        when an ordered turn was done, takes it off the chat's queue."""
        lock, update = self._lock_key(chat_id), self._update_key(update_id)
        window = int(time.time() // self._seconds)
        counter = self._flood_key(chat_id, window)
        token = secrets.token_hex(8)
        in_order = ordered and update_id is not None
        queue = [self._queue_key(chat_id)] if in_order else []
        uid = [update_id] if in_order and update_id is not None else []  # the queue's member
        take = self._ordered_lock if in_order else self._lock_and_count

        async def release(outcome: str) -> bool:
            held = await self._unlock_and_mark(
                keys=[lock, update, *queue], args=[token, outcome, SEEN_SECONDS, *uid]
            )
            return bool(held)

        started = time.monotonic()
        forget = False
        try:
            while True:
                extra = [*uid, int(LOCK_SECONDS * 2), 1 if forget else 0] if in_order else []
                count = int(
                    await take(
                        keys=[lock, counter, *queue],
                        args=[token, LOCK_SECONDS * 1000, int(self._seconds) + 1, *extra],
                    )
                )
                if count >= 0:
                    break
                waited = time.monotonic() - started
                if count == -2:  # an earlier update of the chat has not been handled yet
                    if waited > ordering.ORDER_WAIT_SECONDS:
                        assert update_id is not None  # only ordered turns wait so
                        ordering.gave_up_waiting(update_id, waited)
                        forget = True  # lost: a crashed instance, a failure never redelivered
                        continue
                    await asyncio.sleep(ordering.ORDER_POLL_SECONDS)
                    continue
                if waited > LOCK_WAIT_SECONDS:
                    raise TimeoutError(f"chat {chat_id} stayed locked for {LOCK_WAIT_SECONDS}s")
                await asyncio.sleep(_LOCK_POLL_SECONDS)
        except BaseException:
            # Free for a redelivery (an ordered one keeps its place); and if the script took
            # the lock just as this was interrupted (a cancelled request), let go of it now.
            await release("none" if update_id is None else "failed")
            raise
        done = False
        try:
            yield await self._verdict(chat_id, window, count)
            done = True
        finally:
            outcome = "none" if update_id is None else "done" if done else "failed"
            if not await release(outcome):
                logger.warning("a chat lock expired before its turn finished")

    def chat_turn(self, chat_id: int, update_id: int) -> AbstractAsyncContextManager[None]:
        queue = self._queue_key(chat_id)

        async def register() -> None:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.zadd(queue, {str(update_id): update_id})
                pipe.expire(queue, int(LOCK_SECONDS * 2))
                await pipe.execute()

        async def lowest() -> int | None:
            first = cast(list[bytes], await self.redis.zrange(queue, 0, 0))
            return int(first[0]) if first else None

        async def unregister() -> None:
            await self.redis.zrem(queue, str(update_id))

        async def forget_older() -> None:
            await self.redis.zremrangebyscore(queue, "-inf", f"({update_id}")

        return ordered_turn(
            lambda: self.chat_lock(chat_id), update_id, register, lowest, unregister, forget_older
        )

    async def begin_update(self, update_id: int) -> bool:
        key = self._update_key(update_id)
        return bool(await self.redis.set(key, "1", nx=True, ex=IN_FLIGHT_SECONDS))

    async def end_update(self, update_id: int, *, done: bool) -> None:
        key = self._update_key(update_id)
        if done:
            await self.redis.set(key, "2", ex=SEEN_SECONDS)
        else:
            await self.redis.delete(key)

    async def settled(self, update_id: int, within: float = SETTLE_SECONDS) -> bool:
        key = self._update_key(update_id)

        async def state() -> bool | None:
            mark = await self.redis.get(key)
            if mark is None:
                return False
            return True if mark == b"2" else None

        return await wait_settled(update_id, state, within)

    async def flood(self, chat_id: int) -> Flood:
        window = int(time.time() // self._seconds)
        key = self._flood_key(chat_id, window)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incr(key)
            pipe.expire(key, int(self._seconds) + 1)
            count, _ = await pipe.execute()
        return await self._verdict(chat_id, window, int(count))

    async def _verdict(self, chat_id: int, window: int, count: int) -> Flood:
        """The flood verdict for the chat's `count`th message in this window."""
        if count <= self._limit:
            return Flood.ALLOW
        told = await self.redis.set(
            f"{self._prefix}:flood-told:{chat_id}:{window}", "1", nx=True, ex=int(self._seconds) + 1
        )
        return Flood.NOTIFY if told else Flood.QUIET

    async def ping(self) -> bool:
        try:
            return bool(await self.redis.ping())
        except (RedisError, OSError):
            return False

    async def close(self) -> None:
        await self.redis.aclose(close_connection_pool=True)
