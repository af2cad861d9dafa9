"""The guards of a single process, kept in memory."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from prima.core.ports import SETTLE_SECONDS, Flood
from prima.guards.ordering import (
    IN_FLIGHT_SECONDS,
    SEEN_SECONDS,
    composed_turn,
    ordered_turn,
    wait_settled,
)


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

        return ordered_turn(
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

        return await wait_settled(update_id, state, within)

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
        return composed_turn(self, chat_id, update_id, ordered)

    async def ping(self) -> bool:
        return True

    async def close(self) -> None:
        self._locks.clear()
