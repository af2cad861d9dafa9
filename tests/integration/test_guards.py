"""Every guard backend held to the same behaviour: in memory and on a real Redis."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from prima.core.ports import Flood, Guards
from prima.guards import MemoryGuards, RedisGuards


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


async def _two_updates_racing(guards: Guards) -> list[int]:
    order: list[int] = []
    released = asyncio.Event()

    async def busy() -> None:
        async with guards.chat_lock(7):
            await released.wait()

    async def turn(update_id: int) -> None:
        async with guards.chat_turn(7, update_id):
            order.append(update_id)
            await asyncio.sleep(0.01)

    holder = asyncio.create_task(busy())
    await asyncio.sleep(0.02)
    later = asyncio.create_task(turn(11))  # asks first
    await asyncio.sleep(0.02)
    earlier = asyncio.create_task(turn(10))
    await asyncio.sleep(0.02)
    released.set()
    await asyncio.gather(holder, later, earlier)
    return order


async def test_a_chats_updates_take_turns_in_update_order(guards: Guards) -> None:
    """Two updates of one chat waiting for its lock (as when they reach two instances at
    once): the earlier update goes first, whichever asked first."""
    for _ in range(5):
        assert await _two_updates_racing(guards) == [10, 11]


async def test_an_update_does_not_wait_forever_for_a_lost_one(
    guards: Guards, monkeypatch: pytest.MonkeyPatch
) -> None:
    import prima.guards.ordering

    monkeypatch.setattr(prima.guards.ordering, "ORDER_WAIT_SECONDS", 0.2)
    stuck = guards.chat_turn(8, 1)
    await stuck.__aenter__()  # an earlier update whose handler never finishes
    waited = asyncio.get_running_loop().time()
    # Its lock is held: the later one waits for the lock itself, so release it, keeping the
    # registration (as a crashed instance would leave it).
    await stuck.__aexit__(None, None, None)
    if isinstance(guards, RedisGuards):
        await guards.redis.zadd("prima:turns:8", {"1": 1})
    else:
        guards._pending.setdefault(8, set()).add(1)  # type: ignore[attr-defined]
    async with guards.chat_turn(8, 2):
        waited = asyncio.get_running_loop().time() - waited
    assert 0.15 < waited < 5
    # The lost one is forgotten: the next update does not wait for it again.
    waited = asyncio.get_running_loop().time()
    async with guards.chat_turn(8, 3):
        waited = asyncio.get_running_loop().time() - waited
    assert waited < 0.1


async def test_a_repeated_delivery_waits_for_the_first_to_settle(guards: Guards) -> None:
    assert await guards.begin_update(21)
    waiting = asyncio.create_task(guards.settled(21))
    await asyncio.sleep(0.1)
    assert not waiting.done()  # still in flight
    await guards.end_update(21, done=True)
    assert await asyncio.wait_for(waiting, 2) is True
    assert await guards.begin_update(22)
    failing = asyncio.create_task(guards.settled(22))
    await asyncio.sleep(0.05)
    await guards.end_update(22, done=False)  # the first delivery failed
    assert await asyncio.wait_for(failing, 2) is False
    assert await guards.begin_update(22)  # this delivery takes it
    with pytest.raises(TimeoutError):
        await guards.settled(22, within=0.1)


async def test_a_turn_holds_the_chat_counts_the_message_and_marks_the_update(
    guards: Guards,
) -> None:
    verdicts = []
    for update_id in range(100, 105):
        assert await guards.begin_update(update_id)
        async with guards.turn(5, update_id) as flood:
            verdicts.append(flood)
        assert not await guards.begin_update(update_id)  # handled
        assert await guards.settled(update_id, within=1)
    assert verdicts == [Flood.ALLOW] * 3 + [Flood.NOTIFY, Flood.QUIET]

    assert await guards.begin_update(200)
    with pytest.raises(RuntimeError):
        async with guards.turn(6, 200):
            raise RuntimeError("the turn failed")
    assert await guards.begin_update(200)  # free again: a redelivery is handled

    async with guards.turn(6, None) as flood:  # no update id (the console)
        assert flood is Flood.ALLOW


async def test_a_turn_waits_for_the_chats_other_turns_and_locks(guards: Guards) -> None:
    order: list[str] = []
    released = asyncio.Event()

    async def staff() -> None:
        async with guards.chat_lock(8):
            order.append("staff")
            await released.wait()

    async def customer(name: str, update_id: int) -> None:
        async with guards.turn(8, update_id):
            order.append(f"{name} in")
            await asyncio.sleep(0.02)
            order.append(f"{name} out")

    holder = asyncio.create_task(staff())
    await asyncio.sleep(0.02)
    first = asyncio.create_task(customer("a", 300))
    second = asyncio.create_task(customer("b", 301))
    await asyncio.sleep(0.05)
    assert order == ["staff"]  # both wait for the staff action
    released.set()
    await asyncio.gather(holder, first, second)
    assert sorted(order[1:3]) in (["a in", "a out"], ["b in", "b out"])
    assert order[1][0] == order[2][0]  # one turn at a time


async def test_ordered_turns_go_in_update_order_and_count_the_flood(guards: Guards) -> None:
    """The turn the webhook takes (`ordered=True`): the earlier update goes first whichever
    asked first, each turn gets its flood verdict, and a done update is marked seen."""
    order: list[int] = []
    released = asyncio.Event()

    async def busy() -> None:
        async with guards.chat_lock(9):
            await released.wait()

    async def turn(update_id: int) -> Flood:
        async with guards.turn(9, update_id, ordered=True) as flood:
            order.append(update_id)
            await asyncio.sleep(0.01)
        return flood

    holder = asyncio.create_task(busy())
    await asyncio.sleep(0.02)
    later = asyncio.create_task(turn(31))
    await asyncio.sleep(0.02)
    earlier = asyncio.create_task(turn(30))
    await asyncio.sleep(0.02)
    released.set()
    verdicts = await asyncio.gather(later, earlier)
    await holder
    assert order == [30, 31]
    assert verdicts == [Flood.ALLOW, Flood.ALLOW]
    assert not await guards.begin_update(30)  # done: a redelivery is a duplicate


async def test_an_ordered_turn_that_fails_keeps_its_place(
    guards: Guards, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failed turn frees its update for a redelivery and keeps its place: the chat's next
    update waits for it (here: until the order wait runs out, then goes ahead)."""
    import prima.guards.ordering

    monkeypatch.setattr(prima.guards.ordering, "ORDER_WAIT_SECONDS", 0.2)
    with pytest.raises(RuntimeError):
        async with guards.turn(12, 40, ordered=True):
            raise RuntimeError("the turn failed")
    assert await guards.begin_update(40)  # free for its redelivery
    await guards.end_update(40, done=False)
    started = asyncio.get_running_loop().time()
    async with guards.turn(12, 41, ordered=True):
        waited = asyncio.get_running_loop().time() - started
    assert 0.15 < waited < 5
    started = asyncio.get_running_loop().time()
    async with guards.turn(12, 42, ordered=True):  # the lost one is forgotten
        assert asyncio.get_running_loop().time() - started < 0.1


async def test_a_turn_interrupted_as_it_took_the_lock_lets_go_of_it() -> None:
    """The lock script ran on Redis, but its answer never arrived (the request was cancelled,
    the connection dropped): the chat is not left locked until the lock expires."""
    redis = Redis.from_url("redis://127.0.0.1:6379/10")
    await redis.flushdb()
    guards = RedisGuards(redis, flood_messages=3, flood_seconds=30)
    script = guards._ordered_lock

    async def ran_then_lost(*args: object, **kwargs: object) -> object:
        await script(*args, **kwargs)
        raise ConnectionError("the answer was lost")

    guards._ordered_lock = ran_then_lost  # type: ignore[assignment]
    try:
        with pytest.raises(ConnectionError):
            async with guards.turn(13, 50, ordered=True):
                pass
        assert not await redis.exists("prima:lock:chat:13")
        assert await guards.begin_update(50)  # free for its redelivery
    finally:
        await redis.flushdb()
        await guards.close()
