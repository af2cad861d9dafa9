"""The business calendar's arithmetic: weekends, holidays, after-hours, DST, year ends."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from escalation.calendar import BusinessCalendar, Hours, NeverOpenError, calendar_from

JAKARTA = ZoneInfo("Asia/Jakarta")
OFFICE = Hours(time(8), time(16))
WEEK = (OFFICE,) * 5 + (None, None)


def office() -> BusinessCalendar:
    return calendar_from(JAKARTA, WEEK, holidays=lambda: holidays.country_holidays("ID"))


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=JAKARTA)


def test_open_during_hours_and_closed_at_the_closing_minute() -> None:
    cal = office()
    assert cal.is_open(at(2026, 11, 18, 8))
    assert cal.is_open(at(2026, 11, 18, 15, 59))
    assert not cal.is_open(at(2026, 11, 18, 16))
    assert not cal.is_open(at(2026, 11, 18, 7, 59))
    assert not cal.is_open(at(2026, 11, 21, 10))  # Saturday


def test_public_holidays_are_closed() -> None:
    cal = office()
    assert not cal.is_working_day(date(2026, 8, 17))  # Independence Day, a Monday
    assert not cal.is_open(at(2026, 8, 17, 10))
    assert cal.is_working_day(date(2026, 8, 18))


def test_friday_afternoon_before_a_holiday_monday() -> None:
    cal = office()
    friday = at(2026, 8, 14, 15)
    # 1 hour on Friday, Saturday, Sunday and the Monday holiday skipped, then 2 hours Tuesday.
    assert cal.add_business_time(friday, timedelta(hours=3)) == at(2026, 8, 18, 10)
    assert cal.add_working_days(friday, 3) == at(2026, 8, 20, 15)
    assert cal.add_calendar_days(friday, 2) == at(2026, 8, 16, 15)


def test_case_opened_after_closing_counts_from_the_next_opening() -> None:
    cal = office()
    evening = at(2026, 11, 18, 18, 30)  # Wednesday
    assert cal.next_opening(evening) == at(2026, 11, 19, 8)
    assert cal.add_business_time(evening, timedelta(hours=3)) == at(2026, 11, 19, 11)
    assert cal.add_working_days(evening, 3) == at(2026, 11, 24, 8)  # Fri, Mon, Tue


def test_year_boundary_with_new_year_and_a_holiday_in_the_new_year() -> None:
    cal = office()
    eve = at(2026, 12, 31, 15)  # Thursday; 1 January is a holiday, 5 January 2027 too
    assert cal.add_working_days(eve, 3) == at(2027, 1, 7, 15)  # Mon 4, Wed 6, Thu 7
    assert cal.add_business_time(eve, timedelta(hours=2)) == at(2027, 1, 4, 9)


def test_working_days_keep_the_time_within_a_shorter_day() -> None:
    friday_short = Hours(time(8), time(11, 30))
    cal = BusinessCalendar(JAKARTA, (OFFICE,) * 4 + (friday_short, None, None))
    thursday = at(2026, 11, 19, 14)
    assert cal.add_working_days(thursday, 1) == at(2026, 11, 20, 11, 30)


def test_a_zone_without_daylight_saving_counts_days_as_24_hours() -> None:
    cal = office()
    start = at(2026, 3, 27, 10)
    assert cal.add_calendar_days(start, 2) - start == timedelta(hours=48)


def test_a_daylight_saving_zone_keeps_the_wall_clock_time() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    cal = BusinessCalendar.always_open(berlin)
    start = datetime(2026, 3, 28, 10, tzinfo=berlin)  # clocks go forward on the 29th
    later = cal.add_calendar_days(start, 2)
    assert later.astimezone(berlin).hour == 10
    assert later - start == timedelta(hours=47)


def test_a_24_7_calendar_makes_business_time_elapsed_time() -> None:
    cal = BusinessCalendar.always_open(JAKARTA)
    start = at(2026, 11, 21, 23, 30)
    assert cal.add_business_time(start, timedelta(hours=5)) == start + timedelta(hours=5)
    assert cal.add_working_days(start, 3) == start + timedelta(days=3)


def test_custom_closed_and_extra_working_dates() -> None:
    cal = calendar_from(
        JAKARTA,
        WEEK,
        closed_dates=[date(2026, 11, 23)],  # a Monday off
        open_dates=[date(2026, 11, 21)],  # a Saturday worked
    )
    assert cal.is_open(at(2026, 11, 21, 9))
    assert not cal.is_working_day(date(2026, 11, 23))
    friday = at(2026, 11, 20, 10)
    assert cal.add_working_days(friday, 2) == at(2026, 11, 24, 10)  # Sat, (Mon off), Tue


def test_a_calendar_that_never_opens_says_so() -> None:
    cal = BusinessCalendar(JAKARTA, (None,) * 7)
    with pytest.raises(NeverOpenError):
        cal.next_opening(at(2026, 1, 1))


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        office().is_open(datetime(2026, 1, 1, 10))  # noqa: DTZ001


# --- properties ------------------------------------------------------------------------------

instants = st.datetimes(
    min_value=datetime(2025, 1, 1),  # noqa: DTZ001
    max_value=datetime(2028, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)
amounts = st.integers(min_value=0, max_value=60 * 60 * 24 * 10).map(lambda s: timedelta(seconds=s))
CALENDAR = office()


@settings(max_examples=150, deadline=None)
@given(start=instants, amount=amounts)
def test_business_time_added_is_business_time_between(start: datetime, amount: timedelta) -> None:
    end = CALENDAR.add_business_time(start, amount)
    assert end >= start
    assert CALENDAR.business_time_between(start, end) == amount


@settings(max_examples=150, deadline=None)
@given(start=instants, first=amounts, second=amounts)
def test_adding_business_time_is_monotonic_and_composes(
    start: datetime, first: timedelta, second: timedelta
) -> None:
    one = CALENDAR.add_business_time(start, first)
    both = CALENDAR.add_business_time(start, first + second)
    assert one <= both
    if second:
        assert CALENDAR.add_business_time(one, second) == both


@settings(max_examples=150, deadline=None)
@given(start=instants, days=st.integers(min_value=1, max_value=15))
def test_working_days_land_on_a_working_day_n_working_days_on(start: datetime, days: int) -> None:
    result = CALENDAR.add_working_days(start, days)
    assert result > start
    day = CALENDAR.local_date(result)
    assert CALENDAR.is_working_day(day)
    anchor = CALENDAR.local_date(CALENDAR.next_opening(start))
    between = [
        anchor + timedelta(days=i)
        for i in range(1, (day - anchor).days)
        if CALENDAR.is_working_day(anchor + timedelta(days=i))
    ]
    assert len(between) == days - 1


@settings(max_examples=150, deadline=None)
@given(a=instants, b=instants, c=instants)
def test_business_time_between_adds_up(a: datetime, b: datetime, c: datetime) -> None:
    a, b, c = sorted((a, b, c))
    total = CALENDAR.business_time_between(a, c)
    assert total == CALENDAR.business_time_between(a, b) + CALENDAR.business_time_between(b, c)
    assert total <= c - a
