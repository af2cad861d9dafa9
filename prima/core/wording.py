"""Words for people: ages and durations per language, and a case's needs as templates read them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

_UNITS: dict[str, dict[str, str | tuple[str, str]]] = {
    "id": {"d": "hari", "h": "jam", "m": "menit"},
    "en": {"d": ("day", "days"), "h": ("hour", "hours"), "m": ("minute", "minutes")},
}


def duration_in_words(amount: timedelta, language: str, *, days: bool = True) -> str:
    """`2 hari 3 jam`, `1 day 4 hours`, `45 menit`; without `days`, hours run on (`27 jam`).

    Rounded down to the minute; two units at most, so it reads at a glance.
    """
    minutes = max(0, int(amount.total_seconds() // 60))
    day_count, rest = divmod(minutes, 1440) if days else (0, minutes)
    hours, mins = divmod(rest, 60)
    parts = [(day_count, "d"), (hours, "h"), (mins, "m")]
    shown = [(n, unit) for n, unit in parts if n][:2] or [(0, "m")]
    return " ".join(_unit(n, unit, language) for n, unit in shown)


def needs_view(needs: dict[str, Any]) -> dict[str, Any]:
    """A case's stored needs with every key the templates read (older rows may lack some)."""
    return {
        "answers": {k: v for k, v in (needs.get("answers") or {}).items() if v},
        "resolution": needs.get("resolution"),
        "notes": list(needs.get("notes") or []),
    }


def _unit(count: int, unit: str, language: str) -> str:
    word = _UNITS[language][unit]
    if isinstance(word, tuple):
        word = word[0] if count == 1 else word[1]
    return f"{count} {word}"
