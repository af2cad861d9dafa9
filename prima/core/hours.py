"""Describing the office's opening hours in words, per language."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time, tzinfo
from typing import Protocol

DAY_NAMES = {
    "id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_ALWAYS = {"id": "24 jam setiap hari", "en": "24 hours a day, every day"}
_SEPARATOR = {"id": ", ", "en": ", "}


class Opening(Protocol):
    @property
    def opens(self) -> time: ...
    @property
    def closes(self) -> time: ...


def describe_opening_hours(days: Mapping[str, Opening | None], language: str) -> str:
    """E.g. `Senin–Jumat 08.00–16.00` (consecutive days with equal hours are grouped)."""
    names = DAY_NAMES[language]
    spans: list[tuple[int, int, str]] = []
    for index, day in enumerate(WEEKDAYS):
        opening = days.get(day)
        if opening is None:
            continue
        hours = f"{_clock(opening.opens, language)}–{_clock(opening.closes, language)}"
        if spans and spans[-1][1] == index - 1 and spans[-1][2] == hours:
            spans[-1] = (spans[-1][0], index, hours)
        else:
            spans.append((index, index, hours))
    if len(spans) == 1 and spans[0][:2] == (0, 6) and spans[0][2].startswith("00"):
        return _ALWAYS[language]
    parts = []
    for first, last, hours in spans:
        label = names[first] if first == last else f"{names[first]}–{names[last]}"
        parts.append(f"{label} {hours}")
    return _SEPARATOR[language].join(parts)


def _clock(moment: time, language: str) -> str:
    if moment == time(23, 59, 59):
        return "24.00" if language == "id" else "24:00"
    separator = "." if language == "id" else ":"
    return f"{moment.hour:02d}{separator}{moment.minute:02d}"


def is_open(days: Mapping[str, Opening | None], zone: tzinfo, now: datetime) -> bool:
    """Whether the office is open at `now` (an aware datetime), in its own time zone."""
    local = now.astimezone(zone)
    opening = days.get(WEEKDAYS[local.weekday()])
    if opening is None:
        return False
    return opening.opens <= local.time().replace(tzinfo=None) <= opening.closes
