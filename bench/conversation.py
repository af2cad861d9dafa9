"""Benchmark: many simulated customers through the fake Bot API, the real bot and Rasa.

    python -m bench.conversation --customers 200 [--redis redis://127.0.0.1:6379/11]

Each customer holds a whole conversation (greeting, complaint, answers, confirmation), sending
the next message a "think time" after the previous reply arrives (`--think`, mean seconds;
0 makes every customer answer at once, which measures saturation). Reported: reply latency
(update offered by the Bot API -> the bot's reply received), sustained updates per second,
and whether every reply arrived exactly once.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import sys
import tempfile
import time
from contextlib import AsyncExitStack
from pathlib import Path

import yaml
from redis.asyncio import Redis

from bench.databases import temporary_postgresql
from bench.fakes.instances import peak_rss_mb
from bench.fakes.telegram import TOKEN, FakeTelegram
from bench.results import Latency, cases_opened, require_exactly_once
from nlu.server import LocalRasaServer
from prima.bootstrap import Runtime
from prima.config import ServiceConfig
from prima.settings import Settings

SCRIPT = [
    "/start",
    "AC di ruang tunggu kantor cabang mati sejak pagi dan ruangan jadi panas sekali",
    "AC ruang tunggu lantai 2",
    "Kantor cabang Bandung, sejak jam 8 pagi",
    "-",
    "Mohon segera diperbaiki",
]
CONFIRM = "confirm:yes"
TURNS = len(SCRIPT) + 1


async def customer(
    telegram: FakeTelegram, users: list[int], latencies: list[float], think: float
) -> None:
    """One simulated person holding a conversation per user id in `users`, one after another
    (a new user each time, as the next customer at the same desk)."""
    # Customers start spread over one think time, as they would, not all in the same instant.
    await asyncio.sleep(random.uniform(0, think))
    for user in users:
        await conversation(telegram, user, latencies, think)


async def conversation(
    telegram: FakeTelegram, user: int, latencies: list[float], think: float
) -> None:
    for number in range(TURNS):
        if number and think:
            await asyncio.sleep(random.uniform(0.5 * think, 1.5 * think))
        before = len(telegram.sent[user])
        if number < len(SCRIPT):
            update_id = telegram.say(user, SCRIPT[number], name=f"C{user}")
        else:
            update_id = telegram.press(user, CONFIRM, name=f"C{user}")
        sent = await telegram.wait_for(user, before + 1, within=120)
        latencies.append(sent[before].at - telegram.pushed_at[update_id])


async def bench(
    customers: int,
    redis_url: str | None,
    rasa: LocalRasaServer,
    root: Path,
    database: str | None = None,
    think: float = 0.0,
    rounds: int = 1,
) -> None:
    telegram = FakeTelegram()
    await telegram.start()
    if redis_url:
        client = Redis.from_url(redis_url)
        await client.flushdb()
        await client.aclose()
    database = database or f"sqlite:///{root / 'bench.db'}"
    # A load test is a flood by design, and sending is capped at Telegram's 30 messages/s by
    # default; the bench measures the bot itself (as with paid broadcasts or a self-hosted
    # Bot API server), so both limits are lifted in its configuration.
    config_file = root / "config.yml"
    config_file.write_text(
        yaml.safe_dump(
            {
                "conversation": {"flood_messages": 100},
                "telegram": {"max_messages_per_second": 1000},
            }
        ),
        encoding="utf-8",
    )
    environment = {
        **os.environ,
        "PRIMA_CONFIG": str(config_file),
        "PRIMA_STATE_DIR": str(root),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": telegram.base_url,
        "RASA_URL": rasa.url,
        "RASA_TOKEN": rasa.token,
        "DATABASE_URL": database,
        "PRIMA_LOG_LEVEL": "WARNING",
    }
    if redis_url:
        environment["REDIS_URL"] = redis_url
    else:
        environment.pop("REDIS_URL", None)
    # The bot runs as its own process, as deployed; this process is the Bot API and customers.
    bot = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "prima.cli", "run", env=environment
    )
    while "getUpdates" not in telegram.calls:
        if bot.returncode is not None:
            raise SystemExit(f"the bot exited with {bot.returncode}")
        await asyncio.sleep(0.05)
    latencies: list[float] = []
    started = time.monotonic()
    users = [[100_000 + r * customers + n for r in range(rounds)] for n in range(customers)]
    await asyncio.gather(*(customer(telegram, mine, latencies, think) for mine in users))
    elapsed = time.monotonic() - started
    await asyncio.sleep(0.5)
    rss = peak_rss_mb(bot.pid)
    bot.send_signal(signal.SIGTERM)
    await bot.wait()
    await telegram.stop()

    cases = await cases_opened(database)
    everyone = [user for mine in users for user in mine]
    replies = sum(len(telegram.sent[user]) for user in everyone)
    updates = len(everyone) * TURNS
    mode = "Redis" if redis_url else "no Redis"
    print(
        f"{mode:>8}: {customers} customers × {rounds} conversations (think {think:g} s), "
        f"{updates} updates in {elapsed:.1f} s = {updates / elapsed:.0f} updates/s; "
        f"{Latency.of(latencies)}; replies {replies}/{updates} expected, "
        f"cases {cases}/{len(everyone)}; bot peak RSS {rss:.0f} MB"
    )
    require_exactly_once(replies, updates, cases, len(everyone))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/11")
    parser.add_argument("--modes", default="memory,redis")
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="conversations each simulated customer holds in turn (longer, steadier runs)",
    )
    parser.add_argument(
        "--database",
        choices=["sqlite", "postgresql"],
        default="sqlite",
        help="the bot's database: a new SQLite file, or a new database on the local "
        "PostgreSQL server (dropped afterwards)",
    )
    parser.add_argument(
        "--think", type=float, default=1.0, help="mean seconds a customer takes to answer"
    )
    args = parser.parse_args()
    runtime = Runtime(Settings(_env_file=None), ServiceConfig())  # type: ignore[call-arg]
    model = runtime.ensure_model().model
    with tempfile.TemporaryDirectory(prefix="prima-bench-") as tmp:
        root = Path(tmp)
        server = LocalRasaServer(runtime.rasa_env, model, log_path=root / "rasa.log")
        async with server:
            for mode in args.modes.split(","):
                run_root = root / mode
                run_root.mkdir()
                redis = args.redis if mode == "redis" else None
                async with AsyncExitStack() as stack:
                    database = (
                        await stack.enter_async_context(temporary_postgresql())
                        if args.database == "postgresql"
                        else None
                    )
                    await bench(
                        args.customers,
                        redis,
                        server,
                        run_root,
                        database=database,
                        think=args.think,
                        rounds=args.rounds,
                    )


if __name__ == "__main__":
    asyncio.run(main())
