"""The business calendar's arithmetic: weekends, holidays, cuti bersama, breaks, dated hours,
after-hours, DST, year ends."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from escalation.calendar import (
    CLOSED_DATE,
    BusinessCalendar,
    Closure,
    Day,
    HolidayList,
    Hours,
    NeverOpenError,
    SpecialHours,
)
from escalation.policy import business_calendar
from prima.config import ServiceConfig

JAKARTA = ZoneInfo("Asia/Jakarta")
OFFICE: Day = (Hours(time(8), time(16)),)
WEEK: tuple[Day, ...] = (OFFICE,) * 5 + ((), ())
PUBLIC = HolidayList("public holiday", holidays.country_holidays("ID"), "ID public")
# The office: a lunch break Monday to Thursday, the Friday prayer break on Friday.
LUNCH: Day = (Hours(time(8), time(12)), Hours(time(13), time(16)))
FRIDAY: Day = (Hours(time(8), time(11, 30)), Hours(time(13), time(16, 30)))
SPLIT: tuple[Day, ...] = (LUNCH,) * 4 + (FRIDAY, (), ())
RAMADAN_DAY: Day = (Hours(time(8), time(15)),)
RAMADAN_FRIDAY: Day = (Hours(time(8), time(11, 30)), Hours(time(13), time(15, 30)))
RAMADAN = SpecialHours(
    date(2026, 2, 18), date(2026, 3, 19), (RAMADAN_DAY,) * 4 + (RAMADAN_FRIDAY, None, None)
)
CUTI_BERSAMA_2026 = {
    date(2026, 2, 16),  # Imlek
    date(2026, 3, 18),  # Nyepi
    date(2026, 3, 20),  # Idul Fitri
    date(2026, 3, 23),
    date(2026, 3, 24),
    date(2026, 5, 15),  # Ascension
    date(2026, 5, 28),  # Idul Adha
    date(2026, 12, 24),  # Christmas
}


def office() -> BusinessCalendar:
    return BusinessCalendar(JAKARTA, WEEK, holidays=(PUBLIC,))


def configured(**business_hours: Any) -> BusinessCalendar:
    """The calendar `config.yml` gives, with these `business_hours` keys."""
    section = ServiceConfig.model_validate({"business_hours": business_hours}).business_hours
    return business_calendar(section)


def split_office(**fields: Any) -> BusinessCalendar:
    return BusinessCalendar(
        JAKARTA, SPLIT, **{"holidays": (PUBLIC,), "special": (RAMADAN,), **fields}
    )


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
    friday_short = (Hours(time(8), time(11, 30)),)
    cal = BusinessCalendar(JAKARTA, (OFFICE,) * 4 + (friday_short, (), ()))
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
    cal = BusinessCalendar(
        JAKARTA,
        WEEK,
        closed_dates=frozenset({date(2026, 11, 23)}),  # a Monday off
        open_dates=frozenset({date(2026, 11, 21)}),  # a Saturday worked
    )
    assert cal.is_open(at(2026, 11, 21, 9))
    assert not cal.is_working_day(date(2026, 11, 23))
    friday = at(2026, 11, 20, 10)
    assert cal.add_working_days(friday, 2) == at(2026, 11, 24, 10)  # Sat, (Mon off), Tue


def test_a_calendar_that_never_opens_says_so() -> None:
    cal = BusinessCalendar(JAKARTA, ((),) * 7)
    with pytest.raises(NeverOpenError):
        cal.next_opening(at(2026, 1, 1))


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        office().is_open(datetime(2026, 1, 1, 10))  # noqa: DTZ001


# --- cuti bersama: the office's joint leave days -------------------------------------------


def test_the_2026_cuti_bersama_come_out_of_the_configured_calendar() -> None:
    cal = configured()  # the defaults: holiday_categories [public, government]
    year = [date(2026, 1, 1) + timedelta(days=n) for n in range(365)]
    joint = {d for d in year if any(c.kind == "cuti bersama" for c in cal.on(d).closures)}
    assert joint == CUTI_BERSAMA_2026
    assert not any(cal.is_working_day(d) for d in CUTI_BERSAMA_2026)
    assert [c.kind for c in cal.on(date(2026, 3, 19)).closures] == ["public holiday"]  # Nyepi


def test_cuti_bersama_are_working_days_with_public_holidays_only() -> None:
    cal = configured(holiday_categories=["public"])
    assert all(cal.is_working_day(d) for d in CUTI_BERSAMA_2026)  # each falls on a weekday
    assert not cal.is_working_day(date(2026, 3, 19))  # Nyepi itself stays a holiday


def test_three_working_days_from_the_tuesday_before_nyepi() -> None:
    opened = at(2026, 3, 17, 10)
    # 18 cuti bersama, 19 Nyepi, 20 cuti bersama, 21-22 Idul Fitri, 23-24 cuti bersama:
    # the working days are Wednesday 25, Thursday 26 and Friday 27 March.
    assert configured().add_working_days(opened, 3) == at(2026, 3, 27, 10)
    # Counting only public holidays, as Prima did: Wednesday 18, Friday 20, Monday 23.
    public_only = configured(holiday_categories=["public"])
    assert public_only.add_working_days(opened, 3) == at(2026, 3, 23, 10)


def test_a_closed_day_says_why() -> None:
    cal = configured(closed_dates=["2026-12-31"])
    (christmas_eve,) = cal.on(date(2026, 12, 24)).closures
    assert christmas_eve.kind == "cuti bersama" and "Natal" in christmas_eve.name
    assert cal.on(date(2026, 12, 31)).closures == (Closure(CLOSED_DATE),)
    assert cal.on(date(2026, 12, 30)).closures == ()


# --- several opening ranges a day --------------------------------------------------------


def test_a_break_is_closed() -> None:
    cal = BusinessCalendar(JAKARTA, SPLIT)
    assert cal.is_open(at(2026, 11, 20, 11, 29))  # Friday
    assert not cal.is_open(at(2026, 11, 20, 11, 30))
    assert not cal.is_open(at(2026, 11, 20, 12, 30))
    assert cal.is_open(at(2026, 11, 20, 13))
    assert not cal.is_open(at(2026, 11, 19, 12, 15))  # Thursday lunch
    assert cal.next_opening(at(2026, 11, 19, 12, 15)) == at(2026, 11, 19, 13)


def test_business_hours_deadline_crossing_a_break() -> None:
    cal = BusinessCalendar(JAKARTA, SPLIT)
    friday = at(2026, 11, 20, 10, 30)
    # 1 hour until the prayer break at 11:30, then the second hour from 13:00.
    assert cal.add_business_time(friday, timedelta(hours=2)) == at(2026, 11, 20, 14)
    assert cal.business_time_between(friday, at(2026, 11, 20, 14)) == timedelta(hours=2)
    # 4.5 hours are left on Friday (10:30-11:30, 13:00-16:30), the last half hour on Monday.
    assert cal.add_business_time(friday, timedelta(hours=5)) == at(2026, 11, 23, 8, 30)
    thursday = at(2026, 11, 19, 11)
    assert cal.add_business_time(thursday, timedelta(hours=3)) == at(2026, 11, 19, 15)


def test_a_working_days_deadline_in_a_break_moves_to_its_end() -> None:
    cal = BusinessCalendar(JAKARTA, SPLIT)
    monday = at(2026, 11, 16, 11, 45)
    assert cal.add_working_days(monday, 3) == at(2026, 11, 19, 11, 45)  # Thursday: open
    assert cal.add_working_days(monday, 4) == at(2026, 11, 20, 13)  # Friday's prayer break


# --- special (dated) hours ---------------------------------------------------------------


def test_special_hours_replace_the_weekly_ones_in_their_period() -> None:
    cal = split_office()
    assert cal.hours_on(date(2026, 2, 17)) == ()  # Imlek, the day before
    assert cal.hours_on(date(2026, 2, 18)) == RAMADAN_DAY  # first day (a Wednesday)
    assert cal.hours_on(date(2026, 3, 13)) == RAMADAN_FRIDAY
    assert cal.on(date(2026, 3, 13)).special == RAMADAN
    assert cal.hours_on(date(2026, 3, 25)) == LUNCH  # after Ramadan and Idul Fitri
    thursday = at(2026, 3, 5, 14)
    # 1 hour on Thursday (closing at 15:00 in Ramadan), the second on Friday from 08:00.
    assert cal.add_business_time(thursday, timedelta(hours=2)) == at(2026, 3, 6, 9)


def test_special_hours_over_a_weekend_leave_unnamed_days_as_they_are() -> None:
    weekend = SpecialHours(
        date(2026, 11, 20), date(2026, 11, 23), (None,) * 5 + ((Hours(time(9), time(12)),), None)
    )
    cal = BusinessCalendar(JAKARTA, SPLIT, special=(weekend,))
    assert cal.hours_on(date(2026, 11, 20)) == FRIDAY  # not named: the weekly hours
    assert cal.hours_on(date(2026, 11, 21)) == (Hours(time(9), time(12)),)  # Saturday opens
    assert cal.hours_on(date(2026, 11, 22)) == ()  # Sunday, not named: closed as every week
    assert cal.hours_on(date(2026, 11, 28)) == ()  # the next Saturday is outside the period
    friday = at(2026, 11, 20, 16)
    # 30 minutes on Friday, 3 hours on the special Saturday, 30 minutes on Monday.
    assert cal.add_business_time(friday, timedelta(hours=4)) == at(2026, 11, 23, 8, 30)
    assert cal.add_working_days(friday, 1) == at(2026, 11, 21, 12)  # Saturday, at its closing


def test_a_closed_date_inside_a_special_period_stays_closed() -> None:
    cal = split_office(closed_dates=frozenset({date(2026, 3, 4)}))
    assert cal.hours_on(date(2026, 3, 4)) == ()
    assert cal.on(date(2026, 3, 4)).closures == (Closure(CLOSED_DATE),)
    assert cal.hours_on(date(2026, 3, 19)) == ()  # Nyepi, the period's last day
    tuesday = at(2026, 3, 3, 14)
    assert cal.add_business_time(tuesday, timedelta(hours=2)) == at(2026, 3, 5, 9)


def test_configured_special_hours_and_breaks() -> None:
    cal = configured(
        days={"monday": "08:00-12:00, 13:00-16:00", "friday": "08:00-11:30, 13:00-16:30"},
        special_hours=[
            {"from": "2026-02-18", "to": "2026-03-19", "days": {"monday": "08:00-15:00"}}
        ],
    )
    assert cal.hours_on(date(2026, 3, 2)) == RAMADAN_DAY
    assert cal.hours_on(date(2026, 3, 6)) == FRIDAY  # Friday not named in the period
    assert cal.hours_on(date(2026, 3, 3)) == ()  # Tuesday: closed every week in this config
    assert cal.hours_on(date(2026, 3, 30)) == LUNCH


def test_a_days_hours_are_the_same_whichever_way_they_are_asked() -> None:
    cal = split_office(
        holidays=configured().holidays,
        closed_dates=frozenset({date(2026, 3, 4), date(2026, 7, 1)}),
        open_dates=frozenset({date(2026, 3, 7), date(2026, 3, 19), date(2026, 4, 11)}),
    )
    assert cal.hours_on(date(2026, 3, 7)) == RAMADAN_DAY  # a Saturday worked in Ramadan
    assert cal.on(date(2026, 3, 19)).extra  # Nyepi worked: the open date wins
    for n in range(365):
        day = date(2026, 1, 1) + timedelta(days=n)
        assert cal.hours_on(day) == cal.on(day).hours, day


# --- the fingerprint -----------------------------------------------------------------------


def test_the_fingerprint_follows_what_moves_deadlines() -> None:
    base = configured()
    assert configured().fingerprint() == base.fingerprint()
    changes = [
        configured(holiday_categories=["public"]),
        configured(closed_dates=["2026-12-31"]),
        configured(open_dates=["2026-11-21"]),
        configured(days={"monday": "08:00-12:00, 13:00-16:00"}),
        configured(timezone="Asia/Makassar"),
        configured(
            special_hours=[{"from": "2026-02-18", "to": "2026-03-19", "days": {"monday": "closed"}}]
        ),
    ]
    prints = {c.fingerprint() for c in changes}
    assert base.fingerprint() not in prints and len(prints) == len(changes)
    # The language of the holidays' names moves nothing.
    section = ServiceConfig().business_hours
    assert business_calendar(section, "en").fingerprint() == base.fingerprint()


# --- properties ------------------------------------------------------------------------------

instants = st.datetimes(
    min_value=datetime(2025, 1, 1),  # noqa: DTZ001
    max_value=datetime(2028, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)
amounts = st.integers(min_value=0, max_value=60 * 60 * 24 * 10).map(lambda s: timedelta(seconds=s))
# The plain office, and one with breaks, Ramadan hours, cuti bersama and a Saturday worked.
CALENDARS = [
    office(),
    BusinessCalendar(
        JAKARTA,
        SPLIT,
        holidays=configured().holidays,
        open_dates=frozenset({date(2026, 4, 11)}),
        special=(RAMADAN,),
    ),
]
each_calendar = pytest.mark.parametrize("cal", CALENDARS, ids=["office", "split"])


@each_calendar
@settings(max_examples=150, deadline=None)
@given(start=instants, amount=amounts)
def test_business_time_added_is_business_time_between(
    cal: BusinessCalendar, start: datetime, amount: timedelta
) -> None:
    end = cal.add_business_time(start, amount)
    assert end >= start
    assert cal.business_time_between(start, end) == amount


@each_calendar
@settings(max_examples=150, deadline=None)
@given(start=instants, first=amounts, second=amounts)
def test_adding_business_time_is_monotonic_and_composes(
    cal: BusinessCalendar, start: datetime, first: timedelta, second: timedelta
) -> None:
    one = cal.add_business_time(start, first)
    both = cal.add_business_time(start, first + second)
    assert one <= both
    if second:
        assert cal.add_business_time(one, second) == both


@each_calendar
@settings(max_examples=150, deadline=None)
@given(start=instants, days=st.integers(min_value=1, max_value=15))
def test_working_days_land_on_a_working_day_n_working_days_on(
    cal: BusinessCalendar, start: datetime, days: int
) -> None:
    result = cal.add_working_days(start, days)
    assert result > start
    day = cal.local_date(result)
    assert cal.is_working_day(day)
    assert cal.is_open(result) or result in {end for _, end in cal.intervals_on(day)}
    anchor = cal.local_date(cal.next_opening(start))
    between = [
        anchor + timedelta(days=i)
        for i in range(1, (day - anchor).days)
        if cal.is_working_day(anchor + timedelta(days=i))
    ]
    assert len(between) == days - 1


@each_calendar
@settings(max_examples=150, deadline=None)
@given(a=instants, b=instants, c=instants)
def test_business_time_between_adds_up(
    cal: BusinessCalendar, a: datetime, b: datetime, c: datetime
) -> None:
    a, b, c = sorted((a, b, c))
    total = cal.business_time_between(a, c)
    assert total == cal.business_time_between(a, b) + cal.business_time_between(b, c)
    assert total <= c - a
