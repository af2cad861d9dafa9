"""Benchmark: webhook mode with one or several bot processes on PostgreSQL and Redis.

    python -m bench.webhook --customers 500 --instances 1,2 [--think 1] [--profile DIR]

Each bot is its own `prima run --webhook` process; they share one PostgreSQL database, one
Redis and one Rasa server. This process plays Telegram (it posts each update to the next
instance in turn, with the secret token) and the Bot API (the fake server the replies go
to). Each simulated customer holds a whole conversation, answering each reply after a think
time. Reported per run: reply latency p50/p95 (update posted -> reply received), sustained
updates per second, peak RSS per bot process, and whether every reply arrived exactly once.
Also reported: PostgreSQL transactions, Redis commands and the bots' CPU time per update.
With `--pin`, bot i runs on CPU i only. With `--profile DIR`, each bot process and this one
are sampled by py-spy during the load (`bench/profiling.py`), and where their samples go is
printed after the run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import tempfile
import time
from collections import Counter
from pathlib import Path

from redis.asyncio import Redis

from bench.conversation import CONFIRM, SCRIPT, TURNS
from bench.databases import temporary_postgresql
from bench.fakes.instances import Bots, Telegram, pressed, said
from bench.fakes.telegram import FakeTelegram
from bench.profiling import Sampler, summary
from bench.results import Latency, Traffic, cases_opened, require_exactly_once
from nlu.server import LocalRasaServer
from prima.bootstrap import Runtime
from prima.config import ServiceConfig
from prima.settings import Settings


async def customer(
    telegram: Telegram, bot_api: FakeTelegram, user: int, latencies: list[float], think: float
) -> None:
    await asyncio.sleep(random.uniform(0, think))
    for number in range(TURNS):
        if number and think:
            await asyncio.sleep(random.uniform(0.5 * think, 1.5 * think))
        before = len(bot_api.sent[user])
        update = said(user, SCRIPT[number]) if number < len(SCRIPT) else pressed(user, CONFIRM)
        started = time.monotonic()
        await telegram.deliver(update)
        sent = await bot_api.wait_for(user, before + 1, within=120)
        latencies.append(sent[before].at - started)


async def bench(
    customers: int,
    instances: int,
    rasa: LocalRasaServer,
    root: Path,
    think: float,
    profile: Path | None = None,
    connections: int = 40,
    pin: bool = False,
) -> None:
    bot_api = FakeTelegram()
    await bot_api.start()
    redis_url = "redis://127.0.0.1:6379/12"
    client = Redis.from_url(redis_url)
    await client.flushdb()
    await client.aclose()
    async with temporary_postgresql() as database:
        bots = Bots()
        # A load test is a flood by design; sending is not capped at Telegram's 30/s here.
        await bots.start(
            instances,
            root,
            bot_api=bot_api.base_url,
            database=database,
            redis=redis_url,
            rasa_url=rasa.url,
            rasa_token=rasa.token,
            config={
                "conversation": {"flood_messages": 100},
                "telegram": {"max_messages_per_second": 1000},
            },
            pin=pin,
        )
        async with Telegram(bots.urls, connections) as telegram:
            latencies: list[float] = []
            samplers = []
            if profile is not None:
                pids = {f"bot{i}": p.pid for i, p in enumerate(bots.processes)}
                pids["generator"] = os.getpid()
                if rasa.pid is not None:
                    pids["rasa"] = rasa.pid
                samplers = [
                    Sampler(pid, profile / f"x{instances}-{name}.txt") for name, pid in pids.items()
                ]
                for sampler in samplers:
                    await sampler.start()
            before = await Traffic.now(database, redis_url)
            cpu_before = bots.cpu_seconds()
            started = time.monotonic()
            await asyncio.gather(
                *(
                    customer(telegram, bot_api, 200_000 + n, latencies, think)
                    for n in range(customers)
                )
            )
            elapsed = time.monotonic() - started
            traffic = await Traffic.now(database, redis_url)
            cpu = [b - a for a, b in zip(cpu_before, bots.cpu_seconds(), strict=True)]
            for sampler in samplers:
                await sampler.stop()
        rss = bots.peak_rss_mb()
        means = await bots.means("prima_nlu_seconds", "prima_reply_seconds")
        await bots.stop()
        warnings = Counter(
            line.split(" ", 3)[-1][:90]
            for line in bots.logged().splitlines()
            if " WARNING " in line or " ERROR " in line
        )
        await bot_api.stop()
        cases = await cases_opened(database)
    replies = sum(len(bot_api.sent[200_000 + n]) for n in range(customers))
    updates = customers * TURNS
    print(
        f"{instances} instance(s): {customers} customers (think {think:g} s), {updates} updates "
        f"in {elapsed:.1f} s = {updates / elapsed:.0f} updates/s; {Latency.of(latencies)}; "
        f"replies {replies}/{updates}, cases {cases}/{customers}; "
        f"peak RSS per bot {', '.join(f'{r:.0f}' for r in rss)} MB; "
        f"{traffic.per_update(before, updates)}, "
        f"{1000 * sum(cpu) / updates:.1f} ms of bot CPU "
        f"(bots at {', '.join(f'{c / elapsed:.0%}' for c in cpu)} of a core)",
        flush=True,
    )
    print(
        f"  in the bots, on average: a turn {1000 * means['prima_reply_seconds']:.0f} ms, "
        f"of which classifying {1000 * means['prima_nlu_seconds']:.0f} ms",
        flush=True,
    )
    for text, count in warnings.most_common(5):
        print(f"  bots logged {count} x: {text}", flush=True)
    for sampler in samplers:
        if sampler.output.exists():
            print(summary(sampler.output, sampler.seconds), flush=True)
    require_exactly_once(replies, updates, cases, customers)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=500)
    parser.add_argument("--instances", default="1,2")
    parser.add_argument("--think", type=float, default=5.0)
    parser.add_argument("--profile", type=Path, help="sample every process into this folder")
    parser.add_argument(
        "--connections",
        type=int,
        default=40,
        help="deliveries open at once, as Telegram's webhook max_connections (1-100)",
    )
    parser.add_argument(
        "--pin", action="store_true", help="bot i runs on CPU i only (taskset): one core each"
    )
    args = parser.parse_args()
    runtime = Runtime(Settings(_env_file=None), ServiceConfig())  # type: ignore[call-arg]
    model = runtime.ensure_model().model
    with tempfile.TemporaryDirectory(prefix="prima-bench-") as tmp:
        root = Path(tmp)
        server = LocalRasaServer(runtime.rasa_env, model, log_path=root / "rasa.log")
        async with server:
            for count in (int(n) for n in args.instances.split(",")):
                run_root = root / f"x{count}"
                run_root.mkdir()
                await bench(
                    args.customers,
                    count,
                    server,
                    run_root,
                    args.think,
                    args.profile,
                    args.connections,
                    args.pin,
                )


if __name__ == "__main__":
    asyncio.run(main())
