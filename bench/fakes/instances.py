"""Bot processes in webhook mode, and Telegram posting updates to them (tests, benchmarks).

Each bot is its own `prima run --webhook` process, as deployed; several share one database,
one Redis and one Rasa server. `Telegram` posts updates like Telegram does: to the webhook,
with the secret token, again and again until it gets a 200.
"""

from __future__ import annotations

import asyncio
import os
import random
import secrets
import signal
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import httpx
import yaml

from bench.fakes.telegram import TOKEN, _message, callback_query
from nlu.server import free_port

SECRET = secrets.token_hex(16)


@dataclass
class Bots:
    """Bot processes on loopback ports; `urls` are their webhook addresses."""

    processes: list[asyncio.subprocess.Process] = field(default_factory=list)
    ports: list[int] = field(default_factory=list)
    logs: list[Path] = field(default_factory=list)

    @property
    def urls(self) -> list[str]:
        return [f"http://127.0.0.1:{port}/telegram" for port in self.ports]

    async def start(
        self,
        count: int,
        root: Path,
        *,
        bot_api: str,
        database: str,
        redis: str,
        rasa_url: str,
        rasa_token: str,
        config: dict[str, Any] | None = None,
        pin: bool = False,
    ) -> None:
        """Start `count` bots; with `pin`, bot i runs on CPU i (mod the CPUs) only."""
        config_file = root / "config.yml"
        config_file.write_text(yaml.safe_dump(config or {}), encoding="utf-8")
        for number in range(count):
            port = free_port()
            environment = {
                **os.environ,
                "PRIMA_CONFIG": str(config_file),
                "PRIMA_STATE_DIR": str(root / f"bot{number}"),
                "TELEGRAM_BOT_TOKEN": TOKEN,
                "TELEGRAM_API_BASE_URL": bot_api,
                "TELEGRAM_WEBHOOK_SECRET": SECRET,
                "WEBHOOK_HOST": "127.0.0.1",
                "WEBHOOK_PORT": str(port),
                "RASA_URL": rasa_url,
                "RASA_TOKEN": rasa_token,
                "DATABASE_URL": database,
                "REDIS_URL": redis,
                "PRIMA_LOG_LEVEL": "WARNING",
            }
            flags = [] if number == 0 else ["--no-escalator"]  # one escalator is enough
            log = (root / f"bot{number}.log").open("wb")
            pinned = ["taskset", "-c", str(number % (os.cpu_count() or 1))] if pin else []
            process = await asyncio.create_subprocess_exec(
                *pinned,
                sys.executable,
                "-m",
                "prima.cli",
                "run",
                "--webhook",
                *flags,
                env=environment,
                stderr=log,
            )
            log.close()  # the child has its own copy
            self.processes.append(process)
            self.ports.append(port)
            self.logs.append(root / f"bot{number}.log")
            # The first one brings the schema up to date; the others start after it.
            await self.ready(number)

    async def ready(self, number: int, within: float = 180) -> None:
        base = f"http://127.0.0.1:{self.ports[number]}"
        deadline = time.monotonic() + within
        async with httpx.AsyncClient(timeout=5) as client:
            while time.monotonic() < deadline:
                if self.processes[number].returncode is not None:
                    raise RuntimeError(
                        f"bot {number} exited with {self.processes[number].returncode}"
                    )
                try:
                    if (await client.get(f"{base}/readyz")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.2)
        raise RuntimeError(f"bot {number} never became ready")

    def logged(self) -> str:
        """What the bots wrote to stderr (warnings and errors)."""
        return "\n".join(log.read_text(errors="replace") for log in self.logs if log.exists())

    def peak_rss_mb(self) -> list[float]:
        return [peak_rss_mb(p.pid) for p in self.processes]

    async def means(self, *names: str) -> dict[str, float]:
        """Each histogram's mean over every bot (seconds), from their /metrics."""
        sums = dict.fromkeys(names, 0.0)
        counts = dict.fromkeys(names, 0.0)
        async with httpx.AsyncClient(timeout=10) as client:
            for port in self.ports:
                text = (await client.get(f"http://127.0.0.1:{port}/metrics")).text
                for line in text.splitlines():
                    for name in names:
                        if line.startswith(f"{name}_sum "):
                            sums[name] += float(line.split()[1])
                        elif line.startswith(f"{name}_count "):
                            counts[name] += float(line.split()[1])
        return {n: sums[n] / counts[n] if counts[n] else float("nan") for n in names}

    def cpu_seconds(self) -> list[float]:
        return [cpu_seconds(p.pid) for p in self.processes]

    async def stop(self) -> list[int]:
        """SIGTERM, as a container runtime stops them; their exit codes."""
        for process in self.processes:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
        return [await asyncio.wait_for(process.wait(), 60) for process in self.processes]


class Telegram:
    """Posts updates to the bots' webhooks with increasing update ids, the next instance in
    turn (or the one asked for), until one answers 200.

    Like Telegram, it keeps at most `connections` deliveries open at once (its webhook's
    `max_connections`, default 40), over aiohttp: a light client, so that the load generator
    is not what limits the bots."""

    def __init__(self, urls: list[str], connections: int = 40) -> None:
        self.urls = urls
        self.connections = connections
        self.session: aiohttp.ClientSession | None = None
        # First come, first served (aiohttp's own connection limit wakes its waiters in no
        # fair order, which starved some deliveries for seconds with two instances).
        self.open = asyncio.Semaphore(connections)
        self.next_id = 1
        self.next_instance = 0
        self.refusals = 0  # 5xx and connection failures, retried

    async def __aenter__(self) -> Telegram:
        self.session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=0),
            timeout=aiohttp.ClientTimeout(total=60),
        )
        return self

    async def __aexit__(self, *_: object) -> None:
        if self.session is not None:
            await self.session.close()

    def new_id(self) -> int:
        update_id, self.next_id = self.next_id, self.next_id + 1
        return update_id

    async def deliver(
        self, update: dict[str, Any], update_id: int | None = None, instance: int | None = None
    ) -> int:
        update_id = update_id if update_id is not None else self.new_id()
        if instance is None:
            instance = self.next_instance
            self.next_instance += 1
        assert self.session is not None, "use `async with Telegram(...)`"
        for attempt in range(600):
            url = self.urls[(instance + attempt) % len(self.urls)]
            try:
                async with (
                    self.open,
                    self.session.post(
                        url,
                        json={"update_id": update_id, **update},
                        headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
                    ) as answer,
                ):
                    await answer.read()
                    if answer.status == 200:
                        return update_id
            except (aiohttp.ClientError, TimeoutError):
                pass
            self.refusals += 1
            await asyncio.sleep(0.2)
        raise RuntimeError(f"update {update_id} was never accepted")


def said(user: int, text: str) -> dict[str, Any]:
    message = _message(user, f"C{user}", text=text)
    message["message_id"] = random.randrange(1, 2**31)
    return {"message": message}


def pressed(user: int, data: str) -> dict[str, Any]:
    return callback_query(user, f"C{user}", data, uuid.uuid4().hex)


def peak_rss_mb(pid: int) -> float:
    """A process's peak resident memory (VmHWM), in MB."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return float("nan")
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """The CPU time a process has used so far (user + system), in seconds."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return float("nan")
    # Fields 14 and 15 of /proc/<pid>/stat (utime, stime), counted after the ")".
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
