"""Describing the office's opening hours in words, per language."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, time, tzinfo
from typing import Protocol

DAY_NAMES = {
    "id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
END_OF_DAY = time(23, 59, 59)  # `24h` is stored as 00:00-23:59:59
_ALWAYS = {"id": "24 jam setiap hari", "en": "24 hours a day, every day"}
_AND = {"id": "dan", "en": "and"}


class Opening(Protocol):
    """One opening range of a day."""

    @property
    def opens(self) -> time: ...
    @property
    def closes(self) -> time: ...


Days = Mapping[str, Sequence[Opening] | None]  # per weekday its ranges in order, None closed


def describe_opening_hours(days: Days, language: str) -> str:
    """E.g. `Senin–Kamis 08.00–16.00, Jumat 08.00–11.30 dan 13.00–16.30`.

    Consecutive days with equal hours are grouped; a day's ranges are listed with "dan"/"and"
    (the break between them is closed). Groups are separated by semicolons when a day has three
    or more ranges, whose commas would otherwise run into the groups' commas.
    """
    names = DAY_NAMES[language]
    spans: list[tuple[int, int, str]] = []
    for index, day in enumerate(WEEKDAYS):
        ranges = days.get(day)
        if not ranges:
            continue
        hours = _ranges(ranges, language)
        if spans and spans[-1][1] == index - 1 and spans[-1][2] == hours:
            spans[-1] = (spans[-1][0], index, hours)
        else:
            spans.append((index, index, hours))
    if [s[:2] for s in spans] == [(0, 6)] and spans[0][2] == _range(time(0), END_OF_DAY, language):
        return _ALWAYS[language]
    parts = []
    for first, last, hours in spans:
        label = names[first] if first == last else f"{names[first]}–{names[last]}"
        parts.append(f"{label} {hours}")
    separator = "; " if any("," in hours for *_, hours in spans) else ", "
    return separator.join(parts)


def _ranges(ranges: Sequence[Opening], language: str) -> str:
    """`08.00–11.30 dan 13.00–16.30`; three or more as `A, B dan C`."""
    words = [_range(r.opens, r.closes, language) for r in ranges]
    if len(words) == 1:
        return words[0]
    return f"{', '.join(words[:-1])} {_AND[language]} {words[-1]}"


def _range(opens: time, closes: time, language: str) -> str:
    return f"{_clock(opens, language)}–{_clock(closes, language)}"


def _clock(moment: time, language: str) -> str:
    if moment == END_OF_DAY:
        return "24.00" if language == "id" else "24:00"
    separator = "." if language == "id" else ":"
    return f"{moment.hour:02d}{separator}{moment.minute:02d}"


def is_open(days: Days, zone: tzinfo, now: datetime) -> bool:
    """Whether the office is open at `now` (an aware datetime), in its own time zone, by the
    weekly hours alone (the escalation calendar also knows holidays and dated hours)."""
    local = now.astimezone(zone)
    clock = local.time().replace(tzinfo=None)
    ranges = days.get(WEEKDAYS[local.weekday()]) or ()
    return any(r.opens <= clock <= r.closes for r in ranges)
