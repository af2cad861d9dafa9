"""The business calendar: when the office is open, and time arithmetic that skips the rest.

Pure: every answer follows from the calendar's data and the instants given. All instants are
timezone-aware; they are read in the office's own time zone.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Protocol

# Closed days in a row after which the calendar is taken as never opening again.
SEARCH_DAYS = 800
END_OF_DAY = time(23, 59, 59)
CLOSED_DATE = "closed date"  # the kind of a day closed by the operator's `closed_dates`


class NeverOpenError(ValueError):
    """The calendar has no opening in the search horizon (every day closed)."""


@dataclass(frozen=True, slots=True)
class Hours:
    """One opening range of a day; `closes` of 23:59:59 means open until midnight."""

    opens: time
    closes: time


Day = tuple[Hours, ...]  # a day's opening ranges in order, breaks between them; () is closed
ALL_DAY: Day = (Hours(time(0), END_OF_DAY),)


class DayNames(Protocol):
    """Named days, as a `holidays` calendar (or a dict) gives them: the name, or None."""

    def get(self, key: date, /) -> str | None: ...


@dataclass(frozen=True, slots=True)
class HolidayList:
    """Closed days from a list too long to copy (a `holidays` calendar, every year).

    `kind` says what they are ("public holiday", "cuti bersama"); `source` names the list
    (package, version, country, category), so that the fingerprint changes with it.
    """

    kind: str
    names: DayNames
    source: str


@dataclass(frozen=True, slots=True)
class SpecialHours:
    """Dated hours (Ramadan): from `first` to `last`, inclusive, a weekday given in `week`
    opens these hours instead of its weekly ones; a weekday left None keeps its own."""

    first: date
    last: date
    week: tuple[Day | None, ...]

    def __post_init__(self) -> None:
        if len(self.week) != 7:
            raise ValueError("special hours: give a value (or None) for each of the 7 weekdays")
        if self.last < self.first:
            raise ValueError("special hours: the period ends before it starts")

    def covers(self, day: date) -> bool:
        return self.first <= day <= self.last


@dataclass(frozen=True, slots=True)
class Closure:
    """Why a day is closed: its kind (public holiday, cuti bersama, closed date) and name."""

    kind: str
    name: str = ""


@dataclass(frozen=True, slots=True)
class CalendarDay:
    """One date as the office keeps it: its hours (() when closed) and why."""

    day: date
    hours: Day
    closures: tuple[Closure, ...] = ()  # the holidays and closed dates falling on it
    special: SpecialHours | None = None  # the dated hours in force that day, if any
    extra: bool = False  # an open date: worked although it would be closed


@dataclass(frozen=True, slots=True)
class BusinessCalendar:
    """Opening hours per weekday (Monday first), dated hours, closed and extra working days.

    Closed days (the holiday lists and `closed_dates`) override the weekly and the special
    hours; `open_dates` are working days that would otherwise be closed (a Saturday in lieu),
    with the first opening weekday's hours (Monday's).
    """

    zone: tzinfo
    week: tuple[Day, ...]
    holidays: tuple[HolidayList, ...] = ()
    closed_dates: frozenset[date] = frozenset()
    open_dates: frozenset[date] = frozenset()
    special: tuple[SpecialHours, ...] = ()
    _never: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        if len(self.week) != 7:
            raise ValueError("week: give hours for each of the seven weekdays")
        opens = any(self.week) or any(any(d for d in s.week if d) for s in self.special)
        object.__setattr__(self, "_never", not opens and not self.open_dates)

    @classmethod
    def always_open(cls, zone: tzinfo) -> BusinessCalendar:
        return cls(zone, (ALL_DAY,) * 7)

    # --- days ----------------------------------------------------------------------------

    def on(self, day: date) -> CalendarDay:
        """The day's hours, the dated hours in force and what closes it, if anything."""
        special = self._special_on(day)
        closures = self._closures(day)
        if day in self.open_dates:
            return CalendarDay(day, self._extra_hours(special), closures, special, extra=True)
        hours = () if closures else self._weekday_hours(day, special)
        return CalendarDay(day, hours, closures, special)

    def hours_on(self, day: date) -> Day:
        """The day's opening ranges; () when the office is closed that day."""
        # `on(day)` without naming the closures: this runs for every day a deadline spans.
        special = self._special_on(day)
        if day in self.open_dates:
            return self._extra_hours(special)
        if day in self.closed_dates or any(h.names.get(day) for h in self.holidays):
            return ()
        return self._weekday_hours(day, special)

    def is_working_day(self, day: date) -> bool:
        return bool(self.hours_on(day))

    def intervals_on(self, day: date) -> list[tuple[datetime, datetime]]:
        """The day's open intervals as aware instants (UTC), in order; [] when closed."""
        return [
            (
                _local(day, hours.opens, self.zone),
                _local(day + timedelta(days=1), time(0), self.zone)
                if hours.closes == END_OF_DAY
                else _local(day, hours.closes, self.zone),
            )
            for hours in self.hours_on(day)
        ]

    def local_date(self, moment: datetime) -> date:
        return _aware(moment).astimezone(self.zone).date()

    def fingerprint(self) -> str:
        """Changes whenever a deadline counted on this calendar could."""
        data = {
            "zone": str(self.zone),
            "week": [_day_data(d) for d in self.week],
            "holidays": [h.source for h in self.holidays],
            "closed": sorted(d.isoformat() for d in self.closed_dates),
            "open": sorted(d.isoformat() for d in self.open_dates),
            "special": [
                [s.first.isoformat(), s.last.isoformat(), [_day_data(d) for d in s.week]]
                for s in self.special
            ],
        }
        encoded = json.dumps(data, sort_keys=True).encode()
        return hashlib.sha256(encoded).hexdigest()[:16]

    # --- instants --------------------------------------------------------------------------

    def is_open(self, moment: datetime) -> bool:
        moment = _aware(moment)
        return any(start <= moment < end for start, end in self._intervals_around(moment))

    def next_opening(self, moment: datetime) -> datetime:
        """`moment` itself when open, else the start of the next opening."""
        moment = _aware(moment)
        for start, end in self._intervals_from(moment):
            if moment < end:
                return max(start, moment)
        raise NeverOpenError("the business calendar is never open")

    def add_business_time(self, start: datetime, amount: timedelta) -> datetime:
        """The instant when `amount` of opening time has passed since `start`."""
        if amount < timedelta(0):
            raise ValueError("amount must not be negative")
        moment, left = _aware(start), amount
        for begin, end in self._intervals_from(moment):
            if end <= moment:
                continue
            begin = max(begin, moment)
            if begin + left <= end:
                return begin + left
            left -= end - begin
        raise NeverOpenError("the business calendar is never open")

    def business_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Opening time between two instants (zero when `end` is not after `start`)."""
        start, end = _aware(start), _aware(end)
        total = timedelta(0)
        if end <= start:
            return total
        for begin, finish in self._intervals_from(start):
            if begin >= end:
                break
            overlap = min(finish, end) - max(begin, start)
            if overlap > timedelta(0):
                total += overlap
        return total

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """The same local time of day, `days` working days after the day counting starts.

        Counting starts when the office is next open (a case opened at night or on a holiday
        counts from the next opening). The time is kept within that day's hours: before the
        opening it is the opening, in a break the end of the break, after closing the closing.
        """
        if days < 0:
            raise ValueError("days must not be negative")
        anchor = self.next_opening(start).astimezone(self.zone)
        day, clock = anchor.date(), anchor.time().replace(tzinfo=None)
        for _ in range(days):
            day = self._next_working_day(day)
        moment = _local(day, clock, self.zone)
        intervals = self.intervals_on(day)
        return next((max(b, moment) for b, e in intervals if moment < e), intervals[-1][1])

    def add_calendar_days(self, start: datetime, days: int) -> datetime:
        """The same wall-clock time `days` days later, in the office's time zone."""
        local = _aware(start).astimezone(self.zone)
        later = datetime.combine(local.date() + timedelta(days=days), local.timetz())
        return later.replace(tzinfo=self.zone).astimezone(UTC)

    # --- walking the days ----------------------------------------------------------------

    def _special_on(self, day: date) -> SpecialHours | None:
        return next((s for s in self.special if s.covers(day)), None)

    def _weekday_hours(self, day: date, special: SpecialHours | None) -> Day:
        dated = None if special is None else special.week[day.weekday()]
        return self.week[day.weekday()] if dated is None else dated

    def _extra_hours(self, special: SpecialHours | None) -> Day:
        """An open date's hours: those of the first weekday that opens (Monday's), in the
        period's hours when one is in force."""
        week = (
            self.week
            if special is None
            else (w if s is None else s for w, s in zip(self.week, special.week, strict=True))
        )
        return next((h for h in week if h), ALL_DAY)

    def _closures(self, day: date) -> tuple[Closure, ...]:
        named = tuple(Closure(h.kind, n) for h in self.holidays if (n := h.names.get(day)))
        return (*named, Closure(CLOSED_DATE)) if day in self.closed_dates else named

    def _next_working_day(self, day: date) -> date:
        for offset in range(1, SEARCH_DAYS):
            candidate = day + timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        raise NeverOpenError("the business calendar is never open")

    def _intervals_from(self, moment: datetime) -> Iterator[tuple[datetime, datetime]]:
        if self._never:
            return
        day = self.local_date(moment) - timedelta(days=1)
        closed_run = 0
        while closed_run < SEARCH_DAYS:  # unbounded while the office keeps opening
            intervals = self.intervals_on(day)
            closed_run = 0 if intervals else closed_run + 1
            yield from intervals
            day += timedelta(days=1)

    def _intervals_around(self, moment: datetime) -> list[tuple[datetime, datetime]]:
        day = self.local_date(moment)
        return [*self.intervals_on(day - timedelta(days=1)), *self.intervals_on(day)]


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime given to the business calendar")
    return moment


def _local(day: date, clock: time, zone: tzinfo) -> datetime:
    return datetime.combine(day, clock).replace(tzinfo=zone).astimezone(UTC)


def _day_data(day: Day | None) -> list[str] | None:
    if day is None:
        return None
    return [f"{h.opens.isoformat()}-{h.closes.isoformat()}" for h in day]
