"""Validating the NLU data and training a model, skipped when nothing changed."""

from __future__ import annotations

import hashlib
import logging
import re
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from nlu.dataset import NLU_DIR, yaml_files
from nlu.environment import RASA_ADDONS, RasaEnvironment, lock_digest

logger = logging.getLogger(__name__)


class TrainingError(RuntimeError):
    """Validation or training failed; the message carries Rasa's own explanation."""


@dataclass(frozen=True, slots=True)
class NLUProject:
    """A Rasa NLU project directory: `config.yml`, `domain.yml` and `data/`."""

    root: Path = NLU_DIR

    @property
    def config(self) -> Path:
        return self.root / "config.yml"

    @property
    def domain(self) -> Path:
        return self.root / "domain.yml"

    @property
    def data(self) -> Path:
        return self.root / "data"

    def inputs(self) -> list[Path]:
        return [self.config, self.domain, *yaml_files(self.data)]

    def fingerprint(self) -> str:
        """Content hash of everything that shapes the model, and of the Rasa version set."""
        digest = hashlib.sha256(lock_digest().encode())
        for path in self.inputs():
            digest.update(str(path.relative_to(self.root)).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
        for path in self.addons():
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
        return digest.hexdigest()[:16]

    def addons(self) -> list[Path]:
        """Our Rasa components the pipeline names (`- name: prima_tfidf.…`), and their data
        files; a component no pipeline uses does not shape the model."""
        named = set(re.findall(r"name:\s*([A-Za-z_]\w*)\.\w+", self.config.read_text()))
        modules = [p for p in RASA_ADDONS.glob("*.py") if p.stem in named]
        return sorted([*modules, *RASA_ADDONS.glob("*.yml")])

    def model_path(self, models_dir: Path) -> Path:
        return models_dir / f"nlu-{self.fingerprint()}.tar.gz"


@dataclass(frozen=True, slots=True)
class TrainResult:
    model: Path
    trained: bool
    seconds: float


def validate(env: RasaEnvironment, project: NLUProject) -> None:
    """`rasa data validate`: unknown intents, duplicate examples, conflicting data."""
    env.require()
    _run(
        env,
        [
            str(env.rasa),
            "data",
            "validate",
            "--fail-on-warnings",
            "--data",
            str(project.data),
            "--domain",
            str(project.domain),
            "--config",
            str(project.config),
        ],
        what="validating the NLU training data",
    )


def train(
    env: RasaEnvironment, project: NLUProject, models_dir: Path, *, force: bool = False
) -> TrainResult:
    """Validate and train, unless a model for exactly this data and config exists."""
    target = project.model_path(models_dir)
    if target.is_file() and not force:
        logger.info("NLU model is up to date: %s", target)
        return TrainResult(target, trained=False, seconds=0.0)
    started = time.monotonic()
    validate(env, project)
    models_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=models_dir, prefix=".training-") as scratch:
        _run(
            env,
            [
                str(env.rasa),
                "train",
                "nlu",
                "--config",
                str(project.config),
                "--nlu",
                str(project.data),
                "--out",
                scratch,
                "--fixed-model-name",
                target.name.removesuffix(".tar.gz"),
            ],
            what="training the NLU model",
        )
        built = Path(scratch) / target.name
        if not built.is_file():
            raise TrainingError(f"rasa reported success but wrote no model at {built}")
        # Rename within one directory is atomic: a reader never sees half a model.
        built.replace(target)
    removed = prune(models_dir)
    if removed:
        logger.info("removed %d older NLU model(s) from %s", len(removed), models_dir)
    seconds = time.monotonic() - started
    logger.info("NLU model trained in %.1fs: %s", seconds, target)
    return TrainResult(target, trained=True, seconds=seconds)


KEEP_MODELS = 3


def prune(models_dir: Path, keep: int = KEEP_MODELS) -> list[Path]:
    """Remove all but the `keep` newest models. Older fingerprints are kept a while because
    several checkouts (branches, CI clones) may share one model cache."""
    models = sorted(models_dir.glob("nlu-*.tar.gz"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in models[keep:]:
        old.unlink(missing_ok=True)
    return models[keep:]


def _run(env: RasaEnvironment, command: list[str], *, what: str) -> None:
    logger.debug("running %s", " ".join(command))
    completed = subprocess.run(
        command,
        env=env.subprocess_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        output = (completed.stdout + completed.stderr).strip().splitlines()
        relevant = [line for line in output if _is_relevant(line)] or output
        raise TrainingError(f"{what} failed:\n" + "\n".join(relevant[-25:]))


def _is_relevant(line: str) -> bool:
    return any(word in line for word in ("ERROR", "Error", "error", "UserWarning", "Found"))
