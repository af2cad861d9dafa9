"""What both guards share: how long an update's mark lasts, the turn put together from a
guard's parts, a chat's updates taking turns in update order, and waiting for a repeated
delivery to settle."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager

from prima.core.ports import Flood, Guards

logger = logging.getLogger(__name__)

# An update being handled is marked for this long; if the handler dies, the mark expires and
# Telegram's redelivery is processed (the database then rules out a double effect).
IN_FLIGHT_SECONDS = 120
SEEN_SECONDS = 24 * 3600
# A chat's update waits at most this long for an earlier update of the same chat (one that
# reached another instance first, or a crashed one) before it is handled anyway.
ORDER_WAIT_SECONDS = 10.0
_SETTLE_POLL_SECONDS = 0.02
ORDER_POLL_SECONDS = 0.003


@asynccontextmanager
async def composed_turn(
    guards: Guards, chat_id: int, update_id: int | None, ordered: bool
) -> AsyncIterator[Flood]:
    """`Guards.turn` from the guard's parts (the in-process guards; Redis has its scripts)."""
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


async def wait_settled(
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


def gave_up_waiting(update_id: int, waited: float) -> None:
    """Say (ids only) that an update stops waiting for an earlier one of its chat."""
    logger.warning(
        "update %s waited %.0f s for an earlier update of its chat; going ahead",
        update_id,
        waited,
    )


@asynccontextmanager
async def ordered_turn(
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
            gave_up_waiting(update_id, ORDER_WAIT_SECONDS)
            await forget_older()  # lost (a crashed instance, a failure never redelivered)
            break
        await held.aclose()
        await asyncio.sleep(ORDER_POLL_SECONDS)
    async with held:
        yield
    await unregister()
