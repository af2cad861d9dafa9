"""The business calendar: when the office is open, and time arithmetic that skips the rest.

Pure: every answer follows from the calendar's data and the instants given. All instants are
timezone-aware; they are read in the office's own time zone.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo

# Closed days in a row after which the calendar is taken as never opening again.
SEARCH_DAYS = 800
END_OF_DAY = time(23, 59, 59)


class NeverOpenError(ValueError):
    """The calendar has no opening in the search horizon (every day closed)."""


@dataclass(frozen=True, slots=True)
class Hours:
    """One day's opening hours; `closes` of 23:59:59 means open until midnight."""

    opens: time
    closes: time


ALL_DAY = Hours(time(0), END_OF_DAY)


@dataclass(frozen=True, slots=True)
class BusinessCalendar:
    """Opening hours per weekday (Monday first), closed dates and extra working dates.

    `closed` is any container of dates (a `holidays` calendar, a set); `open_dates` are
    working days that would otherwise be closed (a Saturday in lieu), with `extra_hours`.
    """

    zone: tzinfo
    week: tuple[Hours | None, ...]
    closed: Container[date] = frozenset()
    open_dates: frozenset[date] = frozenset()
    extra_hours: Hours | None = None
    _never: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        if len(self.week) != 7:
            raise ValueError("week: give hours for each of the seven weekdays")
        never = all(h is None for h in self.week) and not self.open_dates
        object.__setattr__(self, "_never", never)

    @classmethod
    def always_open(cls, zone: tzinfo) -> BusinessCalendar:
        return cls(zone, (ALL_DAY,) * 7)

    # --- days ----------------------------------------------------------------------------

    def hours_on(self, day: date) -> Hours | None:
        """The day's opening hours, or None when the office is closed that day."""
        if day in self.open_dates:
            return self.extra_hours or next((h for h in self.week if h), ALL_DAY)
        if day in self.closed:
            return None
        return self.week[day.weekday()]

    def is_working_day(self, day: date) -> bool:
        return self.hours_on(day) is not None

    def interval_on(self, day: date) -> tuple[datetime, datetime] | None:
        """The day's open interval as aware instants (UTC), or None when closed."""
        hours = self.hours_on(day)
        if hours is None:
            return None
        start = _local(day, hours.opens, self.zone)
        end = (
            _local(day + timedelta(days=1), time(0), self.zone)
            if hours.closes == END_OF_DAY
            else _local(day, hours.closes, self.zone)
        )
        return start, end

    def local_date(self, moment: datetime) -> date:
        return _aware(moment).astimezone(self.zone).date()

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
        counts from the next opening). The time is kept within that day's hours.
        """
        if days < 0:
            raise ValueError("days must not be negative")
        anchor = self.next_opening(start).astimezone(self.zone)
        day, clock = anchor.date(), anchor.time().replace(tzinfo=None)
        for _ in range(days):
            day = self._next_working_day(day)
        interval = self.interval_on(day)
        assert interval is not None
        moment = _local(day, clock, self.zone)
        return min(max(moment, interval[0]), interval[1])

    def add_calendar_days(self, start: datetime, days: int) -> datetime:
        """The same wall-clock time `days` days later, in the office's time zone."""
        local = _aware(start).astimezone(self.zone)
        later = datetime.combine(local.date() + timedelta(days=days), local.timetz())
        return later.replace(tzinfo=self.zone).astimezone(UTC)

    # --- walking the intervals -----------------------------------------------------------

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
            interval = self.interval_on(day)
            if interval is None:
                closed_run += 1
            else:
                closed_run = 0
                yield interval
            day += timedelta(days=1)

    def _intervals_around(self, moment: datetime) -> list[tuple[datetime, datetime]]:
        day = self.local_date(moment)
        days = (day - timedelta(days=1), day)
        return [i for d in days if (i := self.interval_on(d)) is not None]


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime given to the business calendar")
    return moment


def _local(day: date, clock: time, zone: tzinfo) -> datetime:
    return datetime.combine(day, clock).replace(tzinfo=zone).astimezone(UTC)


def calendar_from(
    zone: tzinfo,
    week: Sequence[Hours | None],
    *,
    holidays: Callable[[], Container[date]] | None = None,
    closed_dates: Sequence[date] = (),
    open_dates: Sequence[date] = (),
) -> BusinessCalendar:
    """A calendar closed on public holidays (when given) and on `closed_dates`."""
    public = holidays() if holidays else frozenset()
    return BusinessCalendar(
        zone,
        tuple(week),
        closed=_Closed(public, frozenset(closed_dates)),
        open_dates=frozenset(open_dates),
    )


@dataclass(frozen=True, slots=True)
class _Closed:
    public: Container[date]
    custom: frozenset[date]

    def __contains__(self, day: object) -> bool:
        return day in self.custom or day in self.public
