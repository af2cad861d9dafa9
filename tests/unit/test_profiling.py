"""Reading py-spy's folded stacks for the benchmarks' profiles."""

from __future__ import annotations

from pathlib import Path

from bench.profiling import summary, where

SITE = "/work/.venv/lib/python3.11/site-packages"


def test_samples_are_charged_to_the_innermost_package() -> None:
    assert where(["main (prima/cli.py:10)", f"execute ({SITE}/sqlalchemy/engine/base.py:5)"]) == (
        "sqlalchemy"
    )
    assert where(["main (prima/cli.py:10)", "handle (actions/turns.py:99)"]) == "actions/turns.py"
    assert where(["x (bot/webhook.py:3)", "loads (json/decoder.py:1)"]) == "stdlib:json"
    # py-spy shortens library paths to the package's own.
    assert where(["x (bot/webhook.py:3)", "execute (sqlalchemy/engine/base.py:5)"]) == "sqlalchemy"


def test_samples_are_shares_of_the_process_and_of_a_core(tmp_path: Path) -> None:
    folded = tmp_path / "bot0.txt"
    folded.write_text(
        "handle (actions/turns.py:99);execute (" + SITE + "/asyncpg/connection.py:7) 30\n"
        "handle (actions/turns.py:99) 10\n",
        encoding="utf-8",
    )
    text = summary(folded, seconds=1.0)
    assert text.startswith("bot0.txt: 40 samples, 40% of a core over 1 s")
    assert "75.0%  asyncpg" in text and "25.0%  actions/turns.py" in text
    assert "100.0%  actions/turns.py:handle" in text
