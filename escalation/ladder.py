"""The escalation ladder: which level is due when, for a case opened at a given moment.

Pure: the ladder's levels and thresholds come from configuration; the calendar from
`escalation.calendar`. Nothing here reads a clock.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from escalation.calendar import BusinessCalendar
from prima.core.case import Deadline


class Clock(StrEnum):
    """How a threshold's time is counted from the case's opening."""

    ELAPSED = "elapsed"  # wall time, day and night
    BUSINESS_HOURS = "business_hours"  # only while the office is open
    CALENDAR_DAYS = "calendar_days"  # same time of day, N days later
    WORKING_DAYS = "working_days"  # same time of day, N working days later


class OnTakeover(StrEnum):
    """What an agent taking the case does to the ladder."""

    CONTINUE = "continue"  # the ladder runs until the case is resolved (the SOP)
    STOP = "stop"  # a person is on it: no further escalations


@dataclass(frozen=True, slots=True)
class Threshold:
    """`amount` after the opening, on `clock`; day clocks count whole days."""

    amount: timedelta
    clock: Clock

    def __post_init__(self) -> None:
        if self.amount < timedelta(0):
            raise ValueError("a threshold cannot be negative")
        if self.clock in (Clock.CALENDAR_DAYS, Clock.WORKING_DAYS) and (
            self.amount % timedelta(days=1)
        ):
            raise ValueError(f"{self.clock.value} thresholds are whole days")

    def due(self, opened_at: datetime, calendar: BusinessCalendar) -> datetime:
        match self.clock:
            case Clock.ELAPSED:
                return opened_at + self.amount
            case Clock.BUSINESS_HOURS:
                return calendar.add_business_time(opened_at, self.amount)
            case Clock.CALENDAR_DAYS:
                return calendar.add_calendar_days(opened_at, self.amount.days)
            case Clock.WORKING_DAYS:
                return calendar.add_working_days(opened_at, self.amount.days)

    def describe(self) -> str:
        if self.clock in (Clock.CALENDAR_DAYS, Clock.WORKING_DAYS):
            return f"{self.amount.days} {self.clock.value.replace('_', ' ')}"
        return f"{format_duration(self.amount)} ({self.clock.value.replace('_', ' ')})"


@dataclass(frozen=True, slots=True)
class Recipient:
    """A person (or group chat) notified at a level, by Telegram, email or both."""

    name: str
    telegram: int | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class Level:
    number: int
    role: str
    threshold: Threshold
    recipients: tuple[Recipient, ...] = ()
    quiet_hours: bool = False  # notifications wait for the next opening


@dataclass(frozen=True, slots=True)
class Ladder:
    levels: tuple[Level, ...]
    overrides: Mapping[str, Mapping[int, Threshold]] = field(default_factory=dict)
    on_takeover: OnTakeover = OnTakeover.CONTINUE

    def __post_init__(self) -> None:
        numbers = [level.number for level in self.levels]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError("levels are numbered 1, 2, 3... in order")
        for category, thresholds in self.overrides.items():
            unknown = set(thresholds) - set(numbers)
            if unknown:
                raise ValueError(f"{category}: no level {sorted(unknown)[0]} to override")

    def level(self, number: int) -> Level:
        return self.levels[number - 1]

    def threshold(self, category: str, number: int) -> Threshold:
        return self.overrides.get(category, {}).get(number) or self.level(number).threshold

    def schedule(
        self, category: str, opened_at: datetime, calendar: BusinessCalendar
    ) -> list[Deadline]:
        """Each level's deadline. A level is never due before the one below it."""
        deadlines: list[Deadline] = []
        previous: datetime | None = None
        for level in self.levels:
            due = self.threshold(category, level.number).due(opened_at, calendar)
            if previous is not None and due < previous:
                due = previous
            notify = calendar.next_opening(due) if level.quiet_hours else due
            deadlines.append(Deadline(level.number, due, notify))
            previous = due
        return deadlines

    def recipients_before(self, number: int) -> tuple[tuple[Level, Recipient], ...]:
        """Who was notified at the levels below `number` (for "already informed")."""
        return tuple((lv, r) for lv in self.levels[: number - 1] for r in lv.recipients)

    def fingerprint(self) -> str:
        """Changes whenever a threshold could move a deadline (the policy's fingerprint adds the
        calendar's): stored deadlines are recomputed when it does."""
        data = {
            "levels": [
                [lv.number, lv.threshold.amount.total_seconds(), lv.threshold.clock, lv.quiet_hours]
                for lv in self.levels
            ],
            "overrides": {
                category: {str(n): [t.amount.total_seconds(), t.clock] for n, t in o.items()}
                for category, o in self.overrides.items()
            },
        }
        encoded = json.dumps(data, sort_keys=True).encode()
        return hashlib.sha256(encoded).hexdigest()[:16]


def overdue(deadlines: Sequence[Deadline], now: datetime) -> list[Deadline]:
    """The deadlines whose notifications are due at `now`, lowest level first."""
    return sorted((d for d in deadlines if d.notify_at <= now), key=lambda d: d.level)


def format_duration(amount: timedelta) -> str:
    """`3h`, `1h30m`, `2d`, `45s`: the same notation the configuration takes."""
    seconds = int(amount.total_seconds())
    if seconds == 0:
        return "0s"
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)
