"""The Rasa virtual environment: Rasa 3.6 pins old libraries, so it lives apart from the app."""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from nlu.dataset import NLU_DIR

logger = logging.getLogger(__name__)

RASA_LOCK = NLU_DIR / "requirements-rasa.lock"
# Our own Rasa pipeline components; only this directory is put on the Rasa process's path.
RASA_ADDONS = NLU_DIR / "rasa_addons"
RASA_PACKAGES = ("rasa==3.6.21", "rasa-sdk==3.6.2")
# The app's secrets and connection strings: Rasa needs none of them, so it does not get them.
_APP_ONLY = ("TELEGRAM_", "DATABASE_URL", "REDIS_URL", "RASA_TOKEN", "SMTP_", "VIRTUAL_ENV")


class RasaEnvironmentError(RuntimeError):
    """The Rasa environment is missing or could not be built."""


def lock_digest(lock: Path = RASA_LOCK) -> str:
    content = lock.read_bytes() + "\n".join(RASA_PACKAGES).encode()
    return hashlib.sha256(content).hexdigest()[:12]


@dataclass(frozen=True, slots=True)
class RasaEnvironment:
    """A virtual environment with `rasa` in it, keyed by the lock file's content."""

    root: Path

    @classmethod
    def for_cache(cls, cache_dir: Path) -> RasaEnvironment:
        override = os.environ.get("PRIMA_RASA_ENV")
        if override:
            return cls(Path(override))
        return cls(cache_dir / f"rasa-env-{lock_digest()}")

    @property
    def python(self) -> Path:
        return self.root / "bin" / "python"

    @property
    def rasa(self) -> Path:
        return self.root / "bin" / "rasa"

    @property
    def ready(self) -> bool:
        return (self.root / ".complete").is_file() and self.rasa.is_file()

    def require(self) -> None:
        if not self.ready:
            raise RasaEnvironmentError(
                f"the Rasa environment is not installed at {self.root}; run `make setup` "
                "(or `prima nlu-env`)"
            )

    def subprocess_env(self) -> dict[str, str]:
        """Environment for Rasa processes: none of the app's secrets, no telemetry (no network
        here), quiet TensorFlow."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(_APP_ONLY)}
        env.update(
            RASA_TELEMETRY_ENABLED="false",
            TF_CPP_MIN_LOG_LEVEL="2",
            SQLALCHEMY_SILENCE_UBER_WARNING="1",
            PYTHONWARNINGS="ignore",
            PATH=f"{self.root / 'bin'}{os.pathsep}{env.get('PATH', '')}",
            PYTHONPATH=str(RASA_ADDONS),
            # Rasa's training cache would write ~1 GB into the working directory's .rasa/;
            # trainings here take under a minute, so it is switched off.
            RASA_MAX_CACHE_SIZE="0",
            RASA_CACHE_DIRECTORY=str(self.root.parent / "rasa-training-cache"),
        )
        return env

    def ensure(self, python: str = sys.executable) -> None:
        """Build the environment if it is not complete. Concurrent callers wait on a file
        lock; an interrupted build lacks the `.complete` marker and is rebuilt from scratch."""
        if self.ready:
            return
        self.root.parent.mkdir(parents=True, exist_ok=True)
        with open(self.root.with_name(self.root.name + ".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if self.ready:
                return
            shutil.rmtree(self.root, ignore_errors=True)
            logger.info("building the Rasa environment at %s (a few minutes, once)", self.root)
            pip = [str(self.python), "-m", "pip", "--disable-pip-version-check"]
            steps = [
                [python, "-m", "venv", str(self.root)],
                [*pip, "install", "--quiet", "--upgrade", "pip"],
                [*pip, "install", "--quiet", "--no-deps", "-r", str(RASA_LOCK)],
                [
                    *pip,
                    "install",
                    "--quiet",
                    "--no-deps",
                    "--ignore-requires-python",
                    *RASA_PACKAGES,
                ],
            ]
            try:
                for step in steps:
                    subprocess.run(step, check=True)
            except (subprocess.CalledProcessError, OSError) as exc:
                raise RasaEnvironmentError(f"building the Rasa environment failed: {exc}") from exc
            (self.root / ".complete").write_text(lock_digest() + "\n")
