"""What a benchmark run measured, and whether every customer got exactly what was owed."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

import asyncpg  # type: ignore[import-untyped]
from redis.asyncio import Redis

from bench.databases import POSTGRES_ADMIN
from prima.storage.database import create_engine, sessions
from prima.storage.unit_of_work import Transactions


@dataclass(frozen=True, slots=True)
class Latency:
    """Reply latency figures, in milliseconds."""

    p50: float
    p95: float
    max: float

    @classmethod
    def of(cls, seconds: list[float]) -> Latency:
        ms = sorted(x * 1000 for x in seconds)
        return cls(statistics.median(ms), ms[int(len(ms) * 0.95) - 1], ms[-1])

    def __str__(self) -> str:
        return f"reply latency p50 {self.p50:.0f} ms, p95 {self.p95:.0f} ms, max {self.max:.0f} ms"


async def cases_opened(database: str) -> int:
    """How many cases the run's database holds (its URL)."""
    engine = create_engine(database)
    async with Transactions(sessions(engine)).reads() as uow:
        cases = await uow.cases.count()
    await engine.dispose()
    return cases


def require_exactly_once(replies: int, updates: int, cases: int, conversations: int) -> None:
    """Every update got one reply and every conversation one case; else the run failed."""
    if replies != updates or cases != conversations:
        raise SystemExit("lost or duplicated replies")


@dataclass(frozen=True, slots=True)
class Traffic:
    """What a run asked of PostgreSQL and Redis so far: transactions in its database, and
    Redis commands (the whole server's: the run is alone on it)."""

    transactions: int
    redis_commands: int

    @classmethod
    async def now(cls, database: str, redis_url: str) -> Traffic:
        name = database.rsplit("/", 1)[-1]
        connection = await asyncpg.connect(POSTGRES_ADMIN)
        try:
            await connection.execute("SELECT pg_stat_clear_snapshot()")  # a fresh view
            xacts = await connection.fetchval(
                "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = $1",
                name,
            )
        finally:
            await connection.close()
        client = Redis.from_url(redis_url)
        try:
            info = await client.info("stats")
        finally:
            await client.aclose()
        return cls(int(xacts or 0), int(info["total_commands_processed"]))

    def per_update(self, before: Traffic, updates: int) -> str:
        xacts = (self.transactions - before.transactions) / updates
        redis = (self.redis_commands - before.redis_commands) / updates
        return f"per update {xacts:.1f} PostgreSQL transactions, {redis:.1f} Redis commands"
