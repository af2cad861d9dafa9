"""docker-compose.yml and the Dockerfiles, checked without a Docker engine: the file is
valid (`docker-compose config`, Debian's docker-compose 1.29.2 from `make test`'s set-up),
every service the app needs is there, the environment names are the settings the app reads,
no secret is written in the file, and the images run the project's own commands."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from nlu.environment import RASA_PACKAGES
from prima.settings import PROJECT_ROOT, Settings

COMPOSE = PROJECT_ROOT / "docker-compose.yml"
SERVICES = {"postgres", "redis", "rasa", "migrate", "bot", "escalator", "mailcatcher"}
APP_SERVICES = ("migrate", "bot", "escalator")
SECRETS = {
    "POSTGRES_PASSWORD": "db-password-from-env",
    "RASA_TOKEN": "rasa-token-from-env",
    "TELEGRAM_BOT_TOKEN": "123:telegram-token-from-env",
    "TELEGRAM_WEBHOOK_SECRET": "webhook-secret-from-env",
}


def settings_read_by_the_app() -> set[str]:
    names = set()
    for field in Settings.model_fields.values():
        alias = field.validation_alias
        names.update(str(choice) for choice in getattr(alias, "choices", []))
    return names


@pytest.fixture(scope="module")
def resolved(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """`docker-compose config` in a copy of the project's compose file, with an operator's
    .env made from .env.example."""
    assert shutil.which("docker-compose"), "docker-compose is installed by `make test`"
    folder = tmp_path_factory.mktemp("compose")
    shutil.copy(COMPOSE, folder / "docker-compose.yml")
    (folder / "nlu").mkdir()
    env = (PROJECT_ROOT / ".env.example").read_text(encoding="utf-8")
    for name, value in SECRETS.items():
        env = re.sub(rf"^{name}=.*$", f"{name}={value}", env, flags=re.MULTILINE)
    (folder / ".env").write_text(env, encoding="utf-8")
    done = subprocess.run(
        ["docker-compose", "config"], cwd=folder, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return dict(yaml.safe_load(done.stdout))


def test_compose_refuses_to_start_without_the_secrets(tmp_path: Path) -> None:
    shutil.copy(COMPOSE, tmp_path / "docker-compose.yml")
    (tmp_path / ".env").write_text("TELEGRAM_BOT_TOKEN=1:x\n", encoding="utf-8")
    done = subprocess.run(
        ["docker-compose", "config"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert done.returncode != 0
    assert "POSTGRES_PASSWORD" in done.stderr or "RASA_TOKEN" in done.stderr


def test_every_service_is_there_with_health_restart_and_volumes(resolved: dict[str, Any]) -> None:
    services = resolved["services"]
    assert set(services) == SERVICES
    for name in ("postgres", "redis", "rasa", "bot"):
        assert services[name]["healthcheck"]["test"], name
    for name in SERVICES - {"migrate"}:
        assert services[name]["restart"] == "unless-stopped", name
    assert services["migrate"]["restart"] == "no"
    assert set(resolved["volumes"]) == {"postgres-data", "redis-data"}
    assert services["postgres"]["volumes"][0].startswith("postgres-data:")
    # The bot scales: no fixed host port (a load balancer or proxy reaches each instance).
    assert "ports" not in services["bot"]
    assert services["bot"]["depends_on"]["migrate"]["condition"] == (
        "service_completed_successfully"
    )


def test_the_app_services_run_the_projects_commands(resolved: dict[str, Any]) -> None:
    services = resolved["services"]
    assert services["migrate"]["command"] == ["prima", "migrate"]
    assert services["bot"]["command"] == ["prima", "run", "--webhook", "--no-escalator"]
    assert services["escalator"]["command"] == ["prima", "escalator"]


def test_environment_names_are_the_apps_settings(resolved: dict[str, Any]) -> None:
    known = settings_read_by_the_app()
    for name in APP_SERVICES:
        environment = resolved["services"][name]["environment"]
        compose_only = {"POSTGRES_PASSWORD", "POSTGRES_USER", "POSTGRES_DB"}
        unknown = set(environment) - known - compose_only
        assert not unknown, (name, unknown)
        for needed in ("DATABASE_URL", "REDIS_URL", "RASA_URL", "RASA_TOKEN"):
            assert environment[needed], (name, needed)
        assert environment["DATABASE_URL"].startswith("postgresql://")
        assert SECRETS["POSTGRES_PASSWORD"] in environment["DATABASE_URL"]
        assert environment["RASA_TOKEN"] == SECRETS["RASA_TOKEN"]
    bot = resolved["services"]["bot"]["environment"]
    assert bot["TELEGRAM_WEBHOOK_SECRET"] == SECRETS["TELEGRAM_WEBHOOK_SECRET"]
    assert resolved["services"]["rasa"]["environment"]["RASA_TOKEN"] == SECRETS["RASA_TOKEN"]
    # Settings the app rejects would stop it at start-up: check them as the app would.
    Settings(_env_file=None, **{k: v for k, v in bot.items() if k in settings_read_by_the_app()})


def test_no_secret_is_written_in_the_file() -> None:
    raw = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    text = COMPOSE.read_text(encoding="utf-8")
    for value in SECRETS.values():
        assert value not in text
    secretive = re.compile(r"(PASSWORD|TOKEN|SECRET)", re.IGNORECASE)

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if isinstance(value, str) and secretive.search(str(key)):
                    assert value.startswith("${"), (key, value)  # only from the .env file
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(raw)


def _dockerfile(path: Path) -> str:
    return path.read_text(encoding="utf-8").replace("\\\n", " ")


def test_the_rasa_image_installs_trains_and_serves_as_the_project_does() -> None:
    dockerfile = _dockerfile(PROJECT_ROOT / "nlu" / "Dockerfile")
    assert re.search(r"^FROM python:3\.(8|9|10)", dockerfile, re.MULTILINE), (
        "a Python Rasa supports"
    )
    # nlu/environment.py: the lock with --no-deps, then rasa and rasa-sdk themselves.
    assert (
        "pip install --quiet --disable-pip-version-check --no-deps -r requirements-rasa.lock"
        in (dockerfile)
    )
    packages = " ".join(RASA_PACKAGES)
    assert f"--no-deps --ignore-requires-python {packages}" in dockerfile
    # nlu/training.py: validate, then train with the same options.
    assert "rasa data validate --fail-on-warnings --data data --domain domain.yml" in dockerfile
    assert "rasa train nlu --config config.yml --nlu data --out models --fixed-model-name" in (
        dockerfile
    )
    # nlu/server.py: the same server, with the token from the environment.
    command = re.search(r'^CMD \["sh", "-c", "(.*)"\]$', dockerfile, re.MULTILINE)
    assert command is not None
    words = shlex.split(command.group(1).replace('\\"', '"'))
    assert words[:4] == ["exec", "rasa", "run", "--enable-api"]
    assert set(words) >= {"--model", "--interface", "--port", "--auth-token", "$RASA_TOKEN"}
    for copied in ("requirements-rasa.lock", "config.yml", "domain.yml", "data", "rasa_addons"):
        assert copied in dockerfile


def test_the_app_image_installs_the_package_and_serves_the_webhook() -> None:
    dockerfile = _dockerfile(PROJECT_ROOT / "Dockerfile")
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11", dockerfile, re.MULTILINE)
    # The Makefile's install, without the development extras.
    assert "pip install --quiet --disable-pip-version-check -e '.[dev]'" in makefile
    assert "pip install --quiet --disable-pip-version-check ." in dockerfile
    assert 'CMD ["prima", "run", "--webhook"]' in dockerfile
    # Every package the project installs (not the benchmarks or tests) is in the image.
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    installed = project["tool"]["setuptools"]["packages"]["find"]["include"]
    assert "prima*" in installed
    for package in (pattern.rstrip("*") for pattern in installed):
        assert f"COPY {package} ./{package}" in dockerfile, package
    assert "COPY templates ./templates" in dockerfile
