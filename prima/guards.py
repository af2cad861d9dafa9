"""Per-chat ordering, duplicate updates and flood limits: in memory, or shared through Redis.

Without Redis the guarantees hold within one process; with Redis, across every instance
sharing it. The database's `processed_updates` table stays the final word on duplicates.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from typing import cast

from redis.asyncio import Redis
from redis.exceptions import LockError, RedisError

from prima.core.ports import SETTLE_SECONDS, Flood, Guards

logger = logging.getLogger(__name__)

# An update being handled is marked for this long; if the handler dies, the mark expires and
# Telegram's redelivery is processed (the database then rules out a double effect).
IN_FLIGHT_SECONDS = 120
SEEN_SECONDS = 24 * 3600
LOCK_SECONDS = 60
LOCK_WAIT_SECONDS = 90
# A chat's update waits at most this long for an earlier update of the same chat (one that
# reached another instance first, or a crashed one) before it is handled anyway.
ORDER_WAIT_SECONDS = 10.0
_SETTLE_POLL_SECONDS = 0.02
_ORDER_POLL_SECONDS = 0.003
_LOCK_POLL_SECONDS = 0.005  # a busy chat lock is tried again this often


class MemoryGuards:
    """One process: asyncio locks (FIFO per chat), a bounded seen-set, a sliding window."""

    def __init__(self, flood_messages: int, flood_seconds: float, remember: int = 100_000) -> None:
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}
        self._seen: dict[int, float] = {}  # update id -> until when it counts as seen
        self._handled: set[int] = set()
        self._remember = remember
        self._windows: dict[int, deque[float]] = {}
        self._notified: dict[int, float] = {}
        self._pending: dict[int, set[int]] = {}
        self._limit, self._seconds = flood_messages, flood_seconds

    @asynccontextmanager
    async def chat_lock(self, chat_id: int) -> AsyncIterator[None]:
        lock, users = self._locks.get(chat_id, (asyncio.Lock(), 0))
        self._locks[chat_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[chat_id]
            if users <= 1:
                del self._locks[chat_id]
            else:
                self._locks[chat_id] = (lock, users - 1)

    def chat_turn(self, chat_id: int, update_id: int) -> AbstractAsyncContextManager[None]:
        pending = self._pending.setdefault(chat_id, set())

        async def register() -> None:
            pending.add(update_id)

        async def lowest() -> int | None:
            return min(pending) if pending else None

        async def unregister() -> None:
            pending.discard(update_id)
            if not pending:
                self._pending.pop(chat_id, None)

        async def forget_older() -> None:
            pending.difference_update([u for u in pending if u < update_id])

        return _ordered_turn(
            lambda: self.chat_lock(chat_id), update_id, register, lowest, unregister, forget_older
        )

    async def begin_update(self, update_id: int) -> bool:
        now = time.monotonic()
        expires = self._seen.get(update_id)
        if expires is not None and expires > now:
            return False
        self._seen[update_id] = now + IN_FLIGHT_SECONDS
        if len(self._seen) > self._remember:
            for key in list(self._seen)[: len(self._seen) // 2]:
                del self._seen[key]
                self._handled.discard(key)
        return True

    async def end_update(self, update_id: int, *, done: bool) -> None:
        if done:
            self._seen[update_id] = time.monotonic() + SEEN_SECONDS
            self._handled.add(update_id)
        else:
            self._seen.pop(update_id, None)

    async def settled(self, update_id: int, within: float = SETTLE_SECONDS) -> bool:
        async def state() -> bool | None:
            if update_id in self._handled:
                return True
            expires = self._seen.get(update_id)
            return None if expires is not None and expires > time.monotonic() else False

        return await _settled(update_id, state, within)

    async def flood(self, chat_id: int) -> Flood:
        now = time.monotonic()
        window = self._windows.setdefault(chat_id, deque())
        while window and window[0] <= now - self._seconds:
            window.popleft()
        window.append(now)
        if len(window) <= self._limit:
            return Flood.ALLOW
        if self._notified.get(chat_id, 0.0) > now - self._seconds:
            return Flood.QUIET
        self._notified[chat_id] = now
        return Flood.NOTIFY

    def turn(
        self, chat_id: int, update_id: int | None, *, ordered: bool = False
    ) -> AbstractAsyncContextManager[Flood]:
        return _composed_turn(self, chat_id, update_id, ordered)

    async def ping(self) -> bool:
        return True

    async def close(self) -> None:
        self._locks.clear()


# KEYS: the chat's lock, its flood counter. ARGV: token, lock ms, counter seconds.
# The message count in the window once the lock is taken; -1 while another turn holds it.
_LOCK_AND_COUNT = """
if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  local count = redis.call('incr', KEYS[2])
  redis.call('expire', KEYS[2], ARGV[3])
  return count
end
return -1
"""

# KEYS: the chat's lock, the update's mark. ARGV: token, done|failed|none, mark seconds.
# 1 if this turn still held the lock, 0 if it had expired.
_UNLOCK_AND_MARK = """
local held = 0
if redis.call('get', KEYS[1]) == ARGV[1] then
  redis.call('del', KEYS[1])
  held = 1
end
if ARGV[2] == 'done' then
  redis.call('set', KEYS[2], '2', 'EX', ARGV[3])
elseif ARGV[2] == 'failed' then
  redis.call('del', KEYS[2])
end
return held
"""


class RedisGuards:
    """Shared by every instance: Redis locks, SET NX marks, fixed-window counters."""

    def __init__(
        self, redis: Redis, flood_messages: int, flood_seconds: float, prefix: str = "prima"
    ) -> None:
        self.redis = redis
        self._limit, self._seconds = flood_messages, flood_seconds
        self._prefix = prefix
        self._lock_and_count = redis.register_script(_LOCK_AND_COUNT)
        self._unlock_and_mark = redis.register_script(_UNLOCK_AND_MARK)

    # One place for the key names: the turn's scripts and redis-py's lock must agree.
    def _lock_key(self, chat_id: int) -> str:
        return f"{self._prefix}:lock:chat:{chat_id}"

    def _update_key(self, update_id: int | None) -> str:
        return f"{self._prefix}:update:{update_id}"

    def _flood_key(self, chat_id: int, window: int) -> str:
        return f"{self._prefix}:flood:{chat_id}:{window}"

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

    def turn(
        self, chat_id: int, update_id: int | None, *, ordered: bool = False
    ) -> AbstractAsyncContextManager[Flood]:
        if ordered and update_id is not None:
            return _composed_turn(self, chat_id, update_id, ordered)
        return self._turn(chat_id, update_id)

    @asynccontextmanager
    async def _turn(self, chat_id: int, update_id: int | None) -> AsyncIterator[Flood]:
        """`turn` in two round trips instead of five: one script takes the lock and counts
        the message, another releases the lock and marks the update."""
        lock = self._lock_key(chat_id)
        window = int(time.time() // self._seconds)
        counter = self._flood_key(chat_id, window)
        update = self._update_key(update_id)
        token = secrets.token_hex(8)
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        try:
            while (
                count := int(
                    await self._lock_and_count(
                        keys=[lock, counter],
                        args=[token, LOCK_SECONDS * 1000, int(self._seconds) + 1],
                    )
                )
            ) < 0:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"chat {chat_id} stayed locked for {LOCK_WAIT_SECONDS}s")
                await asyncio.sleep(_LOCK_POLL_SECONDS)
        except BaseException:
            if update_id is not None:
                await self.end_update(update_id, done=False)  # free for a redelivery
            raise
        done = False
        try:
            yield await self._verdict(chat_id, window, count)
            done = True
        finally:
            outcome = "none" if update_id is None else "done" if done else "failed"
            held = await self._unlock_and_mark(
                keys=[lock, update], args=[token, outcome, SEEN_SECONDS]
            )
            if not held:
                logger.warning("a chat lock expired before its turn finished")

    def chat_turn(self, chat_id: int, update_id: int) -> AbstractAsyncContextManager[None]:
        queue = f"{self._prefix}:turns:{chat_id}"

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

        return _ordered_turn(
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

        return await _settled(update_id, state, within)

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


@asynccontextmanager
async def _composed_turn(
    guards: Guards, chat_id: int, update_id: int | None, ordered: bool
) -> AsyncIterator[Flood]:
    """`Guards.turn` from the guard's parts (in process, and Redis's ordered turns)."""
    done = False
    try:
        lock = (
            guards.chat_turn(chat_id, update_id)
            if ordered and update_id is not None
            else guards.chat_lock(chat_id)
        )
        async with lock:
            yield await guards.flood(chat_id)
            done = True
    finally:
        if update_id is not None:
            await guards.end_update(update_id, done=done)


async def _settled(
    update_id: int, state: Callable[[], Awaitable[bool | None]], within: float
) -> bool:
    """Poll `state` (True: handled, False: free again, None: still in flight) until it
    settles; TimeoutError if it is still in flight after `within` seconds."""
    deadline = time.monotonic() + within
    while (settled := await state()) is None:
        if time.monotonic() > deadline:
            raise TimeoutError(f"update {update_id} is still being handled")
        await asyncio.sleep(_SETTLE_POLL_SECONDS)
    return settled


@asynccontextmanager
async def _ordered_turn(
    lock: Callable[[], AbstractAsyncContextManager[None]],
    update_id: int,
    register: Callable[[], Awaitable[None]],
    lowest: Callable[[], Awaitable[int | None]],
    unregister: Callable[[], Awaitable[None]],
    forget_older: Callable[[], Awaitable[None]],
) -> AsyncIterator[None]:
    """Take the chat's lock when no earlier update of the chat is in flight (registered and
    not yet handled), or once it has waited ORDER_WAIT_SECONDS for one.

    An update whose turn fails stays registered: the chat's later updates wait (up to
    ORDER_WAIT_SECONDS) for its retry or redelivery instead of overtaking it.
    """
    await register()
    deadline = time.monotonic() + ORDER_WAIT_SECONDS
    while True:
        held = AsyncExitStack()
        await held.enter_async_context(lock())
        try:
            first = await lowest()
        except BaseException:
            await held.aclose()
            raise
        if first is None or first >= update_id:
            break
        if time.monotonic() > deadline:
            await forget_older()  # lost (a crashed instance, a failure never redelivered)
            break
        await held.aclose()
        await asyncio.sleep(_ORDER_POLL_SECONDS)
    async with held:
        yield
    await unregister()
