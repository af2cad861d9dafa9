"""The local Rasa server: started for the app, restarted if it dies, stopped on exit."""

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nlu.server import LocalRasaServer, ServerStartError
from prima.bootstrap import Runtime

pytestmark = pytest.mark.rasa


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie has exited; /proc tells.
    return (
        Path(f"/proc/{pid}").exists()
        and "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]
    )


async def test_restarted_when_it_dies_and_stopped_on_exit(
    runtime: Runtime, model: Path, tmp_path: Path
) -> None:
    server = LocalRasaServer(runtime.rasa_env, model, log_path=tmp_path / "rasa.log")
    async with server, runtime.nlu_client(server.url, server.token) as client:
        first = server.pid
        assert first is not None
        assert (await client.classify("ATM menelan kartu saya")).intent == "complaint_mechanical"
        os.kill(first, signal.SIGKILL)
        for _ in range(240):
            await asyncio.sleep(0.5)
            if server.pid not in (None, first) and await client.is_ready():
                break
        assert server.restarts == 1
        assert server.pid != first
        assert (await client.classify("ATM menelan kartu saya")).intent == "complaint_mechanical"
        second = server.pid
    assert second is not None
    assert server.pid is None
    assert not alive(second)


async def test_a_missing_model_is_a_clear_error(runtime: Runtime, tmp_path: Path) -> None:
    server = LocalRasaServer(
        runtime.rasa_env, tmp_path / "nlu-missing.tar.gz", log_path=tmp_path / "rasa.log"
    )
    with pytest.raises(ServerStartError, match="prima train"):
        await server.start()


async def test_a_broken_model_fails_start_up_with_the_log_named(
    runtime: Runtime, tmp_path: Path
) -> None:
    broken = tmp_path / "nlu-broken.tar.gz"
    broken.write_bytes(b"this is no model")
    server = LocalRasaServer(
        runtime.rasa_env, broken, log_path=tmp_path / "rasa.log", start_timeout=120
    )
    with pytest.raises(ServerStartError, match=r"could not load the model .*rasa\.log"):
        await server.start()
    await server.stop()


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def test_the_rasa_server_dies_with_a_killed_app(tmp_path: Path) -> None:
    """Even a SIGKILLed app (no clean shutdown) leaves no Rasa server behind."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RASA_", "PRIMA_"))}
    env["PRIMA_STATE_DIR"] = str(tmp_path)
    with subprocess.Popen(
        [sys.executable, "-m", "prima.cli", "console"],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as app:
        try:
            assert app.stdout is not None
            for line in app.stdout:  # the greeting comes once the Rasa server is ready
                if line.startswith("Prima:"):
                    break
            rasa = children(app.pid)
            assert len(rasa) == 1
            assert alive(rasa[0])
        finally:
            app.kill()
            app.wait()
    deadline = time.monotonic() + 30
    while alive(rasa[0]) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not alive(rasa[0])
