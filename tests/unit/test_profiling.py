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


def test_idle_samples_are_counted_apart(tmp_path: Path) -> None:
    folded = tmp_path / "bot0.txt"
    folded.write_text(
        "run (asyncio/base_events.py:1);select (selectors.py:468) 60\n"
        "handle (actions/turns.py:99);execute (" + SITE + "/asyncpg/connection.py:7) 30\n"
        "handle (actions/turns.py:99) 10\n",
        encoding="utf-8",
    )
    text = summary(folded)
    assert text.startswith("bot0.txt: 40 busy samples (40%), 60 idle")
    assert "75.0%  asyncpg" in text and "25.0%  actions/turns.py" in text
