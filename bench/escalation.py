"""Benchmark: the escalation due-scan and a burst of due escalations on PostgreSQL.

    python -m bench.escalation [--cases 100000] [--due 1000] [--admin-url postgresql://...]

Creates a fresh database, fills it with open cases (three ladder levels each, deadlines spread
over the coming weeks, `--due` of them due now), then reports: the due-scan's query plan and
time (median of 20, rolled back), and how long the escalator takes to fire the burst and to
deliver its notifications (one Telegram recipient, through an in-process sender that only
counts, so the figure is the escalator's own cost). The database is dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import insert, text
from sqlalchemy.dialects import postgresql

from escalation.escalator import Escalator
from escalation.notifications import Channels
from escalation.policy import EscalationPolicy
from prima.bootstrap import Runtime
from prima.config import ServiceConfig
from prima.settings import Settings
from prima.storage.database import create_engine, migrate, sessions
from prima.storage.escalations import due_query
from prima.storage.models import Case, Customer, Escalation
from prima.storage.unit_of_work import Transactions

ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
CHUNK = 5000


def bench_config() -> ServiceConfig:
    """The SOP ladder with one Telegram recipient at level 1."""
    sari = {"name": "Sari", "telegram": 9001}
    return ServiceConfig.model_validate(
        {
            "escalation": {
                "levels": [
                    {"level": 1, "role": "L1", "after": "3h", "notify": [sari]},
                    {"level": 2, "role": "L2", "after": "2d", "clock": "calendar_days"},
                    {"level": 3, "role": "L3", "after": "3d", "clock": "working_days"},
                ]
            }
        }
    )


class CountingSender:
    def __init__(self) -> None:
        self.sent = 0

    async def send(self, chat_id: int, text: str, buttons: list[list[list[str]]]) -> int:
        self.sent += 1
        return self.sent

    async def copy(
        self, chat_id: int, from_chat_id: int, message_id: int, reply_to: int | None
    ) -> int:
        self.sent += 1
        return self.sent


async def fill(url: str, cases: int, due: int, policy: str, now: datetime) -> None:
    engine = create_engine(url)
    await migrate(engine)
    customers = max(1, cases // 10)
    async with engine.begin() as conn:
        await conn.execute(
            insert(Customer),
            [
                {
                    "id": i + 1,
                    "telegram_user_id": 10_000_000 + i,
                    "chat_id": 10_000_000 + i,
                    "first_name": "Bench",
                    "language": "id",
                    "reachable": True,
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(customers)
            ],
        )
    for start in range(0, cases, CHUNK):
        ids = range(start + 1, min(cases, start + CHUNK) + 1)
        async with engine.begin() as conn:
            await conn.execute(
                insert(Case),
                [
                    {
                        "id": i,
                        "reference": f"B-{i:07d}",
                        "customer_id": (i % customers) + 1,
                        "category": "service",
                        "intent": "complaint",
                        "confidence": 0.9,
                        "needs": {"answers": {"description": "bench"}, "notes": []},
                        "status": "open",
                        "human_requested": False,
                        "language": "id",
                        "opened_at": now,
                        "updated_at": now,
                        "escalation_level": 0,
                        "ladder": policy,
                    }
                    for i in ids
                ],
            )
            rows = []
            for i in ids:
                # `due` cases have level 1 due a minute ago; the rest spread over 3 weeks.
                first = now - timedelta(minutes=1) if i <= due else now + timedelta(hours=i % 500)
                for level in (1, 2, 3):
                    when = first if level == 1 else max(first, now) + timedelta(days=level)
                    rows.append(
                        {
                            "case_id": i,
                            "level": level,
                            "role": f"L{level}",
                            "due_at": when,
                            "notify_at": when,
                            "policy": policy,
                            "status": "pending",
                        }
                    )
            await conn.execute(insert(Escalation), rows)
    async with engine.begin() as conn:
        await conn.execute(text("ANALYZE"))
    await engine.dispose()


async def scan(url: str, now: datetime) -> tuple[str, list[float]]:
    engine = create_engine(url)
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]  # SQLAlchemy's, untyped
    compiled = due_query(now, 200).compile(dialect=dialect)
    sql = re.sub(
        r"%\((\w+)\)s(::(?:VARCHAR|INTEGER|TIMESTAMP WITH TIME ZONE))?", r":\1", str(compiled)
    )
    params: dict[str, Any] = dict(compiled.params)
    async with engine.connect() as conn:
        plan = "\n".join(
            row[0] for row in await conn.execute(text("EXPLAIN (ANALYZE, BUFFERS) " + sql), params)
        )
        await conn.rollback()
        times = []
        for _ in range(20):
            began = time.perf_counter()
            await conn.execute(text(sql), params)
            times.append((time.perf_counter() - began) * 1000)
            await conn.rollback()
    await engine.dispose()
    return plan, times


async def burst(url: str, tmp: Path) -> tuple[int, float, int, float]:
    config = bench_config()
    settings = Settings(_env_file=None, state_dir=tmp, database_url=url)  # type: ignore[call-arg]
    runtime = Runtime(settings, config)
    sender = CountingSender()
    engine = create_engine(url)
    escalator = Escalator(
        transactions=Transactions(sessions(engine)),
        policy=runtime.policy(),
        renderer=runtime.renderer(),
        config=config,
        channels=Channels(telegram=sender, mail=None),
        reply_context=runtime.reply_context,
    )
    began = time.perf_counter()
    fired = 0
    while (count := await escalator.fire_due()) > 0:
        fired += count
    fire_seconds = time.perf_counter() - began
    began = time.perf_counter()
    while await escalator.deliver_due() > 0:
        pass
    deliver_seconds = time.perf_counter() - began
    await engine.dispose()
    return fired, fire_seconds, sender.sent, deliver_seconds


async def main(cases: int, due: int, admin: str) -> None:
    name = f"prima_bench_{uuid.uuid4().hex[:8]}"
    connection = await asyncpg.connect(admin)
    await connection.execute(f'CREATE DATABASE "{name}"')
    await connection.close()
    url = admin.rsplit("/", 1)[0] + f"/{name}"
    try:
        policy = EscalationPolicy.from_config(bench_config()).fingerprint
        now = datetime.now(UTC)
        began = time.perf_counter()
        await fill(url, cases, due, policy, now)
        print(
            f"filled {cases:,} open cases ({cases * 3:,} deadlines, {due:,} due) "
            f"in {time.perf_counter() - began:.1f}s"
        )
        plan, times = await scan(url, datetime.now(UTC))
        print("\ndue-scan plan (EXPLAIN ANALYZE):\n" + plan)
        print(
            f"\ndue-scan (200 rows, locked, rolled back): median {statistics.median(times):.2f} ms,"
            f" max {max(times):.2f} ms over {len(times)} runs"
        )
        with tempfile.TemporaryDirectory() as tmp:
            fired, fire_s, sent, deliver_s = await burst(url, Path(tmp))
        print(
            f"burst: {fired:,} due escalations fired in {fire_s:.2f}s "
            f"({fired / fire_s:,.0f}/s, notifications and customer notices written); "
            f"{sent:,} Telegram notifications delivered in {deliver_s:.2f}s"
        )
    finally:
        connection = await asyncpg.connect(admin)
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=1_000)
    parser.add_argument("--admin-url", default=ADMIN)
    args = parser.parse_args()
    asyncio.run(main(args.cases, args.due, args.admin_url))
