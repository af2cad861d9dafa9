from pathlib import Path

import pytest

from nlu.environment import RASA_ADDONS, RasaEnvironment


def test_rasa_gets_none_of_the_apps_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:secret")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:pw@db/prima")
    monkeypatch.setenv("REDIS_URL", "redis://:pw@cache/0")
    monkeypatch.setenv("RASA_TOKEN", "rasa-secret")
    monkeypatch.setenv("LANG", "C.UTF-8")
    env = RasaEnvironment(Path("/opt/rasa-env")).subprocess_env()
    assert not {"TELEGRAM_BOT_TOKEN", "DATABASE_URL", "REDIS_URL", "RASA_TOKEN"} & env.keys()
    assert env["LANG"] == "C.UTF-8"
    assert env["RASA_TELEMETRY_ENABLED"] == "false"
    assert env["RASA_MAX_CACHE_SIZE"] == "0"
    assert env["PYTHONPATH"] == str(RASA_ADDONS)
    assert env["PATH"].startswith("/opt/rasa-env/bin")


def test_the_environment_is_keyed_by_the_lock(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("PRIMA_RASA_ENV", raising=False)
    env = RasaEnvironment.for_cache(tmp_path)
    assert env.root.parent == tmp_path
    assert env.root.name.startswith("rasa-env-")
    assert not env.ready
    monkeypatch.setenv("PRIMA_RASA_ENV", "/somewhere/rasa")
    assert RasaEnvironment.for_cache(tmp_path).root == Path("/somewhere/rasa")
