"""The office's hours in `config.yml`: weekly opening ranges, dated hours and holidays."""

from __future__ import annotations

import re
from datetime import date, time
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationInfo, field_validator, model_validator

from prima.config_section import Section
from prima.core.hours import WEEKDAYS

_HOURS = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")


class OpeningRange(Section):
    """One opening range of a day; a day with breaks has several, in order."""

    opens: time
    closes: time


DayHours = tuple[OpeningRange, ...]


def _office_day() -> DayHours:
    return (OpeningRange(opens=time(8), closes=time(16)),)


class SpecialHours(Section):
    """Dated hours (Ramadan, any period): from `from` to `to`, inclusive, each weekday named in
    `days` opens these hours instead of its weekly ones; weekdays not named keep theirs."""

    start: date = Field(alias="from")
    end: date = Field(alias="to")
    days: dict[str, DayHours | None]

    @field_validator("days", mode="before")
    @classmethod
    def _parse_days(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        if not value:
            raise ValueError("name at least one weekday, e.g. {monday: '08:00-15:00'}")
        return {_weekday(day): _parse_opening(day, spec) for day, spec in value.items()}

    @model_validator(mode="after")
    def _in_order(self) -> SpecialHours:
        if self.end < self.start:
            raise ValueError(f"to: {self.end} is before from: {self.start}")
        return self


class BusinessHoursSection(Section):
    """When the office is open. A weekday is `closed`, `24h`, or `HH:MM-HH:MM` ranges."""

    timezone: str = "Asia/Jakarta"
    days: dict[str, DayHours | None] = Field(
        default_factory=lambda: {
            **{day: _office_day() for day in WEEKDAYS[:5]},
            "saturday": None,
            "sunday": None,
        }
    )

    holidays: str | None = "ID"  # country code for public holidays (`holidays` package)
    # Which of the country's holiday categories close the office; filled in before validation
    # when unset (ID: public holidays and cuti bersama, elsewhere public holidays).
    holiday_categories: tuple[str, ...] = ("public", "government")
    holiday_subdivision: str | None = None
    closed_dates: tuple[date, ...] = ()  # extra days off (YYYY-MM-DD)
    open_dates: tuple[date, ...] = ()  # extra working days, e.g. a Saturday in lieu
    special_hours: tuple[SpecialHours, ...] = ()  # dated hours, e.g. Ramadan

    @model_validator(mode="before")
    @classmethod
    def _default_categories(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("holiday_categories") is None:
            country = _country(data.get("holidays", "ID"))
            return {**data, "holiday_categories": default_holiday_categories(country)}
        return data

    @field_validator("holidays")
    @classmethod
    def _known_country(cls, value: str | None) -> str | None:
        country = _country(value)
        if country is None:
            return None
        import holidays

        if country not in holidays.list_supported_countries():
            raise ValueError(f"{country!r} is not a country the holidays package knows (e.g. ID)")
        return country

    @field_validator("holiday_categories")
    @classmethod
    def _known_categories(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        if "holidays" not in info.data:  # the country itself is invalid, and reported
            return value
        country = info.data["holidays"]
        if country is None:
            if value:
                raise ValueError("set business_hours.holidays to a country to use its categories")
            return value
        if not value:
            raise ValueError("list at least one category, e.g. [public] (or set holidays: none)")
        import holidays

        offered = holidays.country_holidays(country).supported_categories
        for category in value:
            if category not in offered:
                raise ValueError(
                    f"{category!r} is not a holiday category of {country} in the holidays "
                    f"package (it offers {', '.join(sorted(offered))})"
                )
        return tuple(dict.fromkeys(value))

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r} (use an IANA name such as Asia/Jakarta)"
            ) from None
        return value

    @field_validator("days", mode="before")
    @classmethod
    def _parse_days(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        parsed = {_weekday(day): _parse_opening(day, spec) for day, spec in value.items()}
        return {day: parsed.get(day) for day in WEEKDAYS}

    @field_validator("special_hours")
    @classmethod
    def _periods_apart(cls, value: tuple[SpecialHours, ...]) -> tuple[SpecialHours, ...]:
        for earlier, later in pairwise(sorted(value, key=lambda p: p.start)):
            if later.start <= earlier.end:
                raise ValueError(
                    f"{earlier.start}–{earlier.end} and {later.start}–{later.end} overlap "
                    "(give each date one set of hours)"
                )
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def week_on(self, day: date) -> dict[str, DayHours | None]:
        """The weekly hours in force on `day`: a dated period's named weekdays replace theirs."""
        for period in self.special_hours:
            if period.start <= day <= period.end:
                return {**self.days, **period.days}
        return dict(self.days)

    @property
    def ever_open(self) -> bool:
        """Some weekday, dated period or extra working day has opening hours."""
        periods = (hours for p in self.special_hours for hours in p.days.values())
        return any(self.days.values()) or any(periods) or bool(self.open_dates)


def default_holiday_categories(country: str | None) -> tuple[str, ...]:
    """Indonesia's offices close on public holidays and cuti bersama; elsewhere, public ones."""
    if country is None:
        return ()
    return ("public", "government") if country == "ID" else ("public",)


def _country(value: object) -> str | None:
    return None if value in (None, "", "none") else str(value)


def _weekday(day: str) -> str:
    if day not in WEEKDAYS:
        raise ValueError(f"{day!r} is not a weekday (use {', '.join(WEEKDAYS)})")
    return day


def _parse_opening(day: str, spec: Any) -> DayHours | None:
    """`closed`, `24h`, or ranges in order with breaks between: `08:00-11:30, 13:00-16:30`."""
    if spec is None or spec == "closed":
        return None
    if spec == "24h":
        return (OpeningRange(opens=time(0), closes=time(23, 59, 59)),)
    ranges = tuple(_parse_range(day, spec, part.strip()) for part in str(spec).split(","))
    for before, after in pairwise(ranges):
        if after.opens <= before.closes:
            raise ValueError(f"{day}: {spec!r}: each range must start after the one before ends")
    return ranges


def _parse_range(day: str, spec: Any, part: str) -> OpeningRange:
    match = _HOURS.match(part)
    if not match:
        raise ValueError(
            f"{day}: {spec!r} is not 'closed', '24h' or 'HH:MM-HH:MM' "
            "(several ranges separated by commas)"
        )
    oh, om, ch, cm = (int(g) for g in match.groups())
    if oh > 23 or ch > 23 or om > 59 or cm > 59:
        raise ValueError(f"{day}: {spec!r} has an impossible time")
    opens, closes = time(oh, om), time(ch, cm)
    if closes <= opens:
        raise ValueError(f"{day}: closing time {part!r} must be after opening time")
    return OpeningRange(opens=opens, closes=closes)
