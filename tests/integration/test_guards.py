"""Every guard backend held to the same behaviour: in memory and on a real Redis."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from prima.guards import Flood, Guards, MemoryGuards, RedisGuards


@pytest.fixture(params=["memory", "redis"])
async def guards(request: pytest.FixtureRequest) -> AsyncIterator[Guards]:
    if request.param == "memory":
        yield MemoryGuards(flood_messages=3, flood_seconds=30)
        return
    redis = Redis.from_url("redis://127.0.0.1:6379/10")
    await redis.flushdb()
    guards = RedisGuards(redis, flood_messages=3, flood_seconds=30)
    yield guards
    await redis.flushdb()
    await guards.close()


async def test_an_update_is_taken_once_until_it_fails(guards: Guards) -> None:
    assert await guards.begin_update(1)
    assert not await guards.begin_update(1)  # in flight
    await guards.end_update(1, done=False)  # the handler failed: a redelivery may retry
    assert await guards.begin_update(1)
    await guards.end_update(1, done=True)
    assert not await guards.begin_update(1)
    assert await guards.begin_update(2)


async def test_the_chat_lock_orders_one_chat_and_leaves_others_free(guards: Guards) -> None:
    order: list[str] = []

    async def turn(chat: int, name: str, hold: float) -> None:
        async with guards.chat_lock(chat):
            order.append(f"{name}+")
            await asyncio.sleep(hold)
            order.append(f"{name}-")

    await asyncio.gather(turn(1, "a", 0.1), turn(1, "b", 0.0), turn(2, "c", 0.0))
    assert order.index("a-") < order.index("b+")  # chat 1: one at a time
    assert order.index("c+") < order.index("a-")  # chat 2 did not wait for chat 1


async def test_a_flood_is_noticed_once_per_window(guards: Guards) -> None:
    verdicts = [await guards.flood(42) for _ in range(6)]
    assert verdicts == [Flood.ALLOW] * 3 + [Flood.NOTIFY, Flood.QUIET, Flood.QUIET]
    assert await guards.flood(43) is Flood.ALLOW  # per customer
