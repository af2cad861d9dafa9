"""A local Rasa NLU server on loopback, started, watched and stopped by the app."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import secrets
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import IO

import httpx

from nlu.environment import RasaEnvironment

logger = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1


class ServerStartError(RuntimeError):
    """The local Rasa server did not become ready."""


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _die_with_parent() -> None:
    """Runs in the child before exec: if the app is killed, the kernel stops Rasa too."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


class LocalRasaServer:
    """`rasa run --enable-api` for one model, restarted if it dies while the app runs."""

    def __init__(
        self,
        env: RasaEnvironment,
        model: Path,
        *,
        log_path: Path,
        host: str = "127.0.0.1",
        port: int | None = None,
        token: str | None = None,
        start_timeout: float = 180.0,
        max_restarts: int = 5,
    ) -> None:
        self._env = env
        self._model = model
        self._log_path = log_path
        self._host = host
        self._port = port or free_port(host)
        self.token = token or secrets.token_hex(
            24
        )  # hex: never starts with "-", which the CLI would read as an option
        self._start_timeout = start_timeout
        self._max_restarts = max_restarts
        self._process: asyncio.subprocess.Process | None = None
        self._log: IO[bytes] | None = None
        self._watchdog: asyncio.Task[None] | None = None
        self._stopping = False
        self.restarts = 0

    @property
    def url(self) -> str:
        return f"http://{self._host}:{self._port}"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    async def start(self) -> None:
        """Start the server and wait until it has loaded the model."""
        self._env.require()
        if not self._model.is_file():
            raise ServerStartError(f"no NLU model at {self._model}; run `prima train`")
        self._stopping = False
        await self._launch()
        self._watchdog = asyncio.create_task(self._watch(), name="rasa-watchdog")

    async def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after a grace period)."""
        self._stopping = True
        if self._watchdog:
            self._watchdog.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watchdog
            self._watchdog = None
        await self._terminate()

    async def __aenter__(self) -> LocalRasaServer:
        await self.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.stop()

    async def _launch(self) -> None:
        self._log_path.parent.mkdir(parents=True, exist_ok=True)
        if self._log is not None:
            self._log.close()
        self._log = self._log_path.open("ab")
        command = [
            str(self._env.rasa),
            "run",
            "--enable-api",
            "--model",
            str(self._model),
            "--interface",
            self._host,
            "--port",
            str(self._port),
            "--auth-token",
            self.token,
        ]
        logger.info("starting the local Rasa NLU server on %s (log: %s)", self.url, self._log_path)
        # Spawned from the event loop's thread: the parent-death signal is tied to the
        # thread that forks, and a worker thread could end before the app does.
        self._process = await asyncio.create_subprocess_exec(
            *command,
            env=self._env.subprocess_env(),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
        )
        await self._wait_ready()

    async def _wait_ready(self) -> None:
        deadline = time.monotonic() + self._start_timeout
        async with httpx.AsyncClient(timeout=2.0) as http:
            while time.monotonic() < deadline:
                process = self._process
                if process is None or process.returncode is not None:
                    code = None if process is None else process.returncode
                    raise ServerStartError(
                        f"the Rasa server exited during start-up (code {code}); "
                        f"see {self._log_path}"
                    )
                with contextlib.suppress(httpx.TransportError):
                    response = await http.get(f"{self.url}/status", params={"token": self.token})
                    if response.status_code == 200 and response.json().get("model_file"):
                        logger.info("Rasa NLU server ready (pid %s)", process.pid)
                        return
                    if response.status_code == 409:
                        # Rasa loads the model before it serves: answering "no agent
                        # loaded" means the model file could not be loaded at all.
                        await self._terminate()
                        raise ServerStartError(
                            f"the Rasa server could not load the model {self._model}; "
                            f"retrain with `prima train --force` (see {self._log_path})"
                        )
                await asyncio.sleep(0.5)
        await self._terminate()
        raise ServerStartError(
            f"the Rasa server was not ready after {self._start_timeout:.0f}s; see {self._log_path}"
        )

    async def _watch(self) -> None:
        while not self._stopping:
            await asyncio.sleep(1.0)
            process = self._process
            if process is None or process.returncode is None:
                continue
            if self.restarts >= self._max_restarts:
                logger.error("the Rasa server died %d times; giving up", self.restarts + 1)
                return
            self.restarts += 1
            logger.warning(
                "the Rasa server exited (code %s); restarting (%d/%d)",
                process.returncode,
                self.restarts,
                self._max_restarts,
            )
            try:
                await self._launch()
            except ServerStartError:
                logger.exception("restarting the Rasa server failed")

    async def _terminate(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), timeout=15)
            except TimeoutError:
                process.kill()
                await process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None
