"""The `prima` command as an operator runs it."""

import asyncio
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from fnmatch import fnmatchcase
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


CALENDAR_CONFIG = """\
business_hours:
  days:
    monday: "08:00-12:00, 13:00-16:00"
    tuesday: "08:00-12:00, 13:00-16:00"
    wednesday: "08:00-12:00, 13:00-16:00"
    thursday: "08:00-12:00, 13:00-16:00"
    friday: "08:00-11:30, 13:00-16:30"
  closed_dates: ["2026-03-31"]
  open_dates: ["2026-03-28"]
  special_hours:
    - from: 2026-02-18
      to: 2026-03-19
      days: {monday: "08:00-15:00", tuesday: "08:00-15:00", wednesday: "08:00-15:00",
             thursday: "08:00-15:00", friday: "08:00-11:30, 13:00-15:30"}
"""
# March 2026 as the office keeps it; `*` stands for the rest of a holiday's name, as the
# holidays package carries it (Indonesian, the staff's language).
MARCH_2026 = """\
March 2026
Sun 2026-03-01  closed
Mon 2026-03-02  08:00-15:00               special hours 2026-02-18 to 2026-03-19
Tue 2026-03-03  08:00-15:00               special hours 2026-02-18 to 2026-03-19
Wed 2026-03-04  08:00-15:00               special hours 2026-02-18 to 2026-03-19
Thu 2026-03-05  08:00-15:00               special hours 2026-02-18 to 2026-03-19
Fri 2026-03-06  08:00-11:30, 13:00-15:30  special hours 2026-02-18 to 2026-03-19
Sat 2026-03-07  closed
Sun 2026-03-08  closed
Mon 2026-03-09  08:00-15:00               special hours 2026-02-18 to 2026-03-19
Tue 2026-03-10  08:00-15:00               special hours 2026-02-18 to 2026-03-19
Wed 2026-03-11  08:00-15:00               special hours 2026-02-18 to 2026-03-19
Thu 2026-03-12  08:00-15:00               special hours 2026-02-18 to 2026-03-19
Fri 2026-03-13  08:00-11:30, 13:00-15:30  special hours 2026-02-18 to 2026-03-19
Sat 2026-03-14  closed
Sun 2026-03-15  closed
Mon 2026-03-16  08:00-15:00               special hours 2026-02-18 to 2026-03-19
Tue 2026-03-17  08:00-15:00               special hours 2026-02-18 to 2026-03-19
Wed 2026-03-18  closed                    cuti bersama: *Nyepi*
Thu 2026-03-19  closed                    public holiday: *Nyepi*
Fri 2026-03-20  closed                    cuti bersama: *Fitri*
Sat 2026-03-21  closed                    public holiday: *Fitri*
Sun 2026-03-22  closed                    public holiday: *Fitri*
Mon 2026-03-23  closed                    cuti bersama: *Fitri*
Tue 2026-03-24  closed                    cuti bersama: *Fitri*
Wed 2026-03-25  08:00-12:00, 13:00-16:00
Thu 2026-03-26  08:00-12:00, 13:00-16:00
Fri 2026-03-27  08:00-11:30, 13:00-16:30
Sat 2026-03-28  08:00-12:00, 13:00-16:00  open date
Sun 2026-03-29  closed
Mon 2026-03-30  08:00-12:00, 13:00-16:00
Tue 2026-03-31  closed                    closed date
17 working days, 14 closed"""


def test_calendar_prints_a_month_as_the_office_keeps_it(tmp_path: Path) -> None:
    config = tmp_path / "config.yml"
    config.write_text(CALENDAR_CONFIG)
    done = run(["calendar", "--year", "2026", "--month", "3"], {"PRIMA_CONFIG": str(config)})
    assert done.returncode == 0, done.stderr
    header, blank, *month = done.stdout.splitlines()
    assert header.startswith("Office calendar (Asia/Jakarta); holiday lists: ID public")
    assert "ID government" in header and blank == ""
    expected = MARCH_2026.splitlines()
    assert len(month) == len(expected)
    for line, pattern in zip(month, expected, strict=True):
        assert fnmatchcase(line, pattern), f"{line!r} is not {pattern!r}"


def test_calendar_tells_when_a_level_is_due() -> None:
    done = run(
        ["calendar", "--due", "2026-03-17 10:00", "--after", "3d", "--clock", "working_days"]
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "opened   Tue 2026-03-17 10:00 (Asia/Jakarta)",
        "after: 3 working days, due Fri 2026-03-27 10:00",
    ]
    ladder = run(["calendar", "--due", "2026-03-17 10:00"])
    assert ladder.stdout.splitlines()[1:] == [
        "level 1 Kasubag: 3h (elapsed), due Tue 2026-03-17 13:00",
        "level 2 Kabag: 2 calendar days, due Thu 2026-03-19 10:00",
        "level 3 Kabiro: 3 working days, due Fri 2026-03-27 10:00",
    ]
    hours = run(
        ["calendar", "--due", "2026-03-17 14:00", "--after", "3h", "--clock", "business_hours"]
    )
    assert hours.stdout.splitlines()[1] == "after: 3h (business hours), due Wed 2026-03-25 09:00"


def test_calendar_usage_errors_name_the_option() -> None:
    wrong = run(
        ["calendar", "--due", "2026-03-17 10:00", "--after", "90m", "--clock", "working_days"]
    )
    assert wrong.returncode == 2
    assert "--after '90m'" in wrong.stderr and "whole days" in wrong.stderr
    assert run(["calendar", "--due", "17 March"]).returncode == 2
    assert run(["calendar", "--after", "3d"]).returncode == 2


async def _open_a_case(url: str, reference: str) -> None:
    from prima.core.complaint import Category
    from prima.core.conversation import Draft
    from prima.storage.database import create_engine, migrate, sessions
    from prima.storage.unit_of_work import UnitOfWork

    engine = create_engine(url)
    try:
        await migrate(engine)
        async with sessions(engine)() as session, session.begin():
            uow = UnitOfWork(session)
            now = datetime.now(UTC)
            customer, _ = await uow.customers.customer_and_state(21, 21, "Siti", "id", now)
            draft = Draft(Category.SERVICE, 0.9, "complaint_service")
            await uow.cases.open(customer, reference, draft, human_requested=True, now=now)
    finally:
        await engine.dispose()


def test_cases_lists_the_open_ones_and_resolve_closes_one(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'prima.db'}"
    env = {"PRIMA_STATE_DIR": str(tmp_path), "DATABASE_URL": url, "REDIS_URL": ""}
    asyncio.run(_open_a_case(url, "PRM-CL23"))
    listed = run(["cases"], env)
    assert listed.returncode == 0, listed.stderr
    assert "PRM-CL23  open" in listed.stdout and "(person requested)" in listed.stdout

    done = run(["resolve", "PRM-CL23", "--by", "ops", "--note", "diganti"], env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "PRM-CL23 resolved"
    assert "PRM-CL23" not in run(["cases"], env).stdout
    assert "PRM-CL23  resolved" in run(["cases", "--all"], env).stdout
    assert run(["resolve", "PRM-CL23"], env).stdout.strip() == "PRM-CL23 was already resolved"
    missing = run(["resolve", "PRM-ZZZZ"], env)
    assert missing.returncode == 1 and "no case PRM-ZZZZ" in missing.stderr
