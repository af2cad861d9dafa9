"""The `prima` command as an operator runs it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from nlu.server import LocalRasaServer
from prima.settings import PROJECT_ROOT

PRIMA = [sys.executable, "-m", "prima.cli"]


def run(
    args: list[str], env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("RASA_", "PRIMA_"))}
    environment.update(env or {})
    return subprocess.run(
        [*PRIMA, *args],
        env=environment,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=PROJECT_ROOT,
        check=False,
    )


def server_env(server: LocalRasaServer) -> dict[str, str]:
    return {"RASA_URL": server.url, "RASA_TOKEN": server.token}


@pytest.mark.rasa
def test_classify_prints_one_json_object(rasa_server: LocalRasaServer) -> None:
    done = run(["classify", "kasir nya jutek banget sama saya"], server_env(rasa_server))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["category"] == "attitudinal"
    assert result["intent"] == "complaint_attitudinal"
    assert set(result) >= {"category", "intent", "confidence", "ranking", "entities", "fallback"}
    assert rasa_server.token not in done.stderr


@pytest.mark.rasa
def test_classify_jsonl_answers_each_line_in_order(rasa_server: LocalRasaServer) -> None:
    lines = [
        {"text": "AC kamar hotel bocor"},
        {"text": "   "},
        "not json",
        {"txt": "wrong key"},
        {"text": "terima kasih banyak"},
    ]
    stdin = "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n"
    done = run(["classify", "--jsonl"], server_env(rasa_server), stdin)
    outputs = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(outputs) == 5
    assert outputs[0]["category"] == "mechanical"
    assert outputs[1] == {"line": 2, "error": "the message is empty"}
    assert outputs[2] == {"line": 3, "error": "not valid JSON"}
    assert outputs[3]["line"] == 4 and "text" in outputs[3]["error"]
    assert outputs[4]["intent"] == "thanks"
    assert done.returncode == 1  # some lines failed


@pytest.mark.rasa
def test_classify_starts_its_own_server_when_no_url_is_set(tmp_path: Path) -> None:
    done = run(["classify", "saldo saya terpotong dua kali"], {"PRIMA_STATE_DIR": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["category"] == "service"
    assert (tmp_path / "logs" / "rasa.log").is_file()


def test_classify_needs_text_or_jsonl() -> None:
    done = run(["classify"])
    assert done.returncode == 2
    assert "TEXT or --jsonl" in done.stderr


def test_an_unreachable_nlu_server_is_reported_plainly() -> None:
    done = run(["classify", "halo"], {"RASA_URL": "http://127.0.0.1:9"})
    assert done.returncode == 1
    assert "unavailable" in done.stderr
    assert "Traceback" not in done.stderr


def test_invalid_configuration_stops_start_up(tmp_path: Path) -> None:
    config = tmp_path / "config.yml"
    config.write_text("nlu:\n  max_retries: -1\n")
    done = run(["run"], {"PRIMA_CONFIG": str(config)})
    assert done.returncode == 3
    assert "nlu.max_retries" in done.stderr


def test_lint_templates_passes() -> None:
    done = run(["lint-templates"])
    assert done.returncode == 0, done.stdout
    assert "0 finding(s)" in done.stdout


@pytest.mark.rasa
def test_console_chat_end_to_end(rasa_server: LocalRasaServer, tmp_path: Path) -> None:
    conversation = "\n".join(
        [
            "selamat pagi",
            "bocor terus dan tidak dingin sama sekali",
            "/cancel",
            "masalah yang kemarin",
            "2",
            "/lang en",
            "",
            "/quit",
        ]
    )
    env = {**server_env(rasa_server), "PRIMA_STATE_DIR": str(tmp_path)}
    done = run(["console"], env, conversation + "\n")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Selamat datang di Prima" in out
    assert "Perangkat, produk, atau fasilitas apa yang terganggu?" in out
    assert "[nlu: mechanical · complaint_mechanical" in out
    assert "Catatan Anda tetap tersimpan" in out
    assert "pesan Anda paling dekat dengan yang mana?" in out
    assert "[5] 5. Bukan keluhan" in out
    # "2" presses the second button: staff behaviour, then its first question.
    assert "Saya mohon maaf atas pengalaman yang Anda alami" in out
    assert "Di mana hal ini terjadi?" in out  # "kemarin" was said: only the place is asked
    assert "Sure, I will continue in English." in out
    assert "Where did this happen?" in out
    assert "Please write your complaint or question as text" in out
    assert out.rstrip().endswith("we will be glad to serve you again.")
    assert "Traceback" not in done.stderr


def test_run_with_a_telegram_token_reports_an_unreachable_api(tmp_path: Path) -> None:
    done = run(
        ["run"],
        {
            "TELEGRAM_BOT_TOKEN": "123:secret-abc",
            "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9/bot",
            "RASA_URL": "http://127.0.0.1:9",
            "PRIMA_STATE_DIR": str(tmp_path),
        },
    )
    assert done.returncode == 1
    assert "prima: Telegram:" in done.stderr
    assert "secret-abc" not in done.stderr + done.stdout
    assert "Traceback" not in done.stderr


def test_console_answers_kindly_when_the_nlu_server_is_down(tmp_path: Path) -> None:
    done = run(
        ["console"],
        {"RASA_URL": "http://127.0.0.1:9", "PRIMA_STATE_DIR": str(tmp_path)},
        "AC kamar saya rusak\n/quit\n",
    )
    assert done.returncode == 0
    # Without the NLU nothing is lost: the customer is asked which kind it is.
    assert "pesan Anda paling dekat dengan yang mana?" in done.stdout
    assert done.stderr == ""  # the chat stays clean: the operator's log is a file
    log = (tmp_path / "logs" / "prima.log").read_text()
    assert "NLU unavailable" in log
    assert "Traceback" not in log
