"""Benchmark: webhook mode with one or several bot processes on PostgreSQL and Redis.

    python -m bench.webhook --customers 500 --instances 1,2 [--think 1]

Each bot is its own `prima run --webhook` process; they share one PostgreSQL database, one
Redis and one Rasa server. This process plays Telegram (it posts each update to the next
instance in turn, with the secret token) and the Bot API (the fake server the replies go
to). Each simulated customer holds a whole conversation, answering each reply after a think
time. Reported per run: reply latency p50/p95 (update posted -> reply received), sustained
updates per second, peak RSS per bot process, and whether every reply arrived exactly once.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import signal
import socket
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import yaml
from redis.asyncio import Redis

from bench.conversation import CONFIRM, SCRIPT, TURNS
from nlu.server import LocalRasaServer
from prima.bootstrap import Runtime
from prima.config import ServiceConfig
from prima.settings import Settings
from prima.storage.database import create_engine, sessions
from prima.storage.models import Case
from prima.storage.repository import Repository
from tests.support.fake_telegram import TOKEN, FakeTelegram, _message, _user

SECRET = secrets.token_hex(16)
POSTGRES_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Telegram:
    """Posts updates to the bots' webhooks, round robin, with increasing update ids."""

    def __init__(self, urls: list[str], client: httpx.AsyncClient) -> None:
        self.urls, self.client = urls, client
        self.next_id = 1
        self.next_instance = 0

    async def deliver(self, update: dict[str, Any]) -> None:
        update_id, self.next_id = self.next_id, self.next_id + 1
        url = self.urls[self.next_instance % len(self.urls)]
        self.next_instance += 1
        for _ in range(20):  # 5xx: Telegram tries again
            answer = await self.client.post(
                url,
                json={"update_id": update_id, **update},
                headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
            )
            if answer.status_code == 200:
                return
            await asyncio.sleep(0.5)
        raise SystemExit(f"update {update_id} refused: {answer.status_code}")


def said(user: int, text: str) -> dict[str, Any]:
    message = _message(user, f"C{user}", text=text)
    message["message_id"] = random.randrange(1, 2**31)
    return {"message": message}


def pressed(user: int, data: str) -> dict[str, Any]:
    return {
        "callback_query": {
            "id": uuid.uuid4().hex,
            "from": _user(user, f"C{user}"),
            "chat_instance": f"ci{user}",
            "data": data,
            "message": {
                "message_id": 1,
                "date": int(time.time()),
                "chat": {"id": user, "type": "private"},
                "text": "…",
            },
        }
    }


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
    customers: int, instances: int, rasa: LocalRasaServer, root: Path, think: float
) -> None:
    import asyncpg  # type: ignore[import-untyped]

    bot_api = FakeTelegram()
    await bot_api.start()
    redis_url = "redis://127.0.0.1:6379/12"
    client = Redis.from_url(redis_url)
    await client.flushdb()
    await client.aclose()
    name = f"prima_bench_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(POSTGRES_ADMIN)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    database = f"postgresql://postgres@127.0.0.1:5432/{name}"
    config_file = root / "config.yml"
    # A load test is a flood by design; sending is not capped at Telegram's 30/s here.
    config_file.write_text(
        yaml.safe_dump(
            {"conversation": {"flood_messages": 100}, "telegram": {"max_messages_per_second": 1000}}
        ),
        encoding="utf-8",
    )
    ports = [free_port() for _ in range(instances)]
    bots = []
    for number, port in enumerate(ports):
        environment = {
            **os.environ,
            "PRIMA_CONFIG": str(config_file),
            "PRIMA_STATE_DIR": str(root / f"bot{number}"),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": bot_api.base_url,
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "WEBHOOK_HOST": "127.0.0.1",
            "WEBHOOK_PORT": str(port),
            "RASA_URL": rasa.url,
            "RASA_TOKEN": rasa.token,
            "DATABASE_URL": database,
            "REDIS_URL": redis_url,
            "PRIMA_LOG_LEVEL": "WARNING",
        }
        # One escalator is enough; the others would only find nothing due.
        flags = [] if number == 0 else ["--no-escalator"]
        bots.append(
            await asyncio.create_subprocess_exec(
                sys.executable, "-m", "prima.cli", "run", "--webhook", *flags, env=environment
            )
        )
        if number == 0:  # the first one migrates the database; the others start after it
            await _ready(f"http://127.0.0.1:{port}", bots[0])
    async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=200)) as http:
        for port, bot in zip(ports, bots, strict=True):
            await _ready(f"http://127.0.0.1:{port}", bot, http)
        telegram = Telegram([f"http://127.0.0.1:{port}/telegram" for port in ports], http)
        latencies: list[float] = []
        started = time.monotonic()
        await asyncio.gather(
            *(customer(telegram, bot_api, 200_000 + n, latencies, think) for n in range(customers))
        )
        elapsed = time.monotonic() - started
    rss = [_peak_rss_mb(bot.pid) for bot in bots]
    for bot in bots:
        bot.send_signal(signal.SIGTERM)
    for bot in bots:
        await bot.wait()
    await bot_api.stop()
    engine = create_engine(database)
    async with sessions(engine)() as session:
        cases = await Repository(session).count(Case)
    await engine.dispose()
    admin = await asyncpg.connect(POSTGRES_ADMIN)
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.close()
    replies = sum(len(bot_api.sent[200_000 + n]) for n in range(customers))
    updates = customers * TURNS
    ms = sorted(x * 1000 for x in latencies)
    p50, p95 = statistics.median(ms), ms[int(len(ms) * 0.95) - 1]
    print(
        f"{instances} instance(s): {customers} customers (think {think:g} s), {updates} updates "
        f"in {elapsed:.1f} s = {updates / elapsed:.0f} updates/s; reply latency p50 {p50:.0f} "
        f"ms, p95 {p95:.0f} ms, max {ms[-1]:.0f} ms; replies {replies}/{updates}, cases "
        f"{cases}/{customers}; peak RSS per bot {', '.join(f'{r:.0f}' for r in rss)} MB",
        flush=True,
    )
    if replies != updates or cases != customers:
        raise SystemExit("lost or duplicated replies")


async def _ready(
    base: str, bot: asyncio.subprocess.Process, http: httpx.AsyncClient | None = None
) -> None:
    async with httpx.AsyncClient(timeout=5) if http is None else _borrowed(http) as client:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if bot.returncode is not None:
                raise SystemExit(f"a bot exited with {bot.returncode}")
            try:
                if (await client.get(f"{base}/readyz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise SystemExit(f"{base} never became ready")


class _borrowed:
    """An existing client as an async context manager that does not close it."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def __aenter__(self) -> httpx.AsyncClient:
        return self.client

    async def __aexit__(self, *_: object) -> None:
        return None


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=500)
    parser.add_argument("--instances", default="1,2")
    parser.add_argument("--think", type=float, default=5.0)
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
                await bench(args.customers, count, server, run_root, args.think)


if __name__ == "__main__":
    asyncio.run(main())
