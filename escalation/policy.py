"""The business calendar and the ladder, built from the operator's configuration."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

import holidays
from holidays.version import __version__ as HOLIDAYS_VERSION

from escalation.calendar import BusinessCalendar, Day, HolidayList, Hours, SpecialHours
from escalation.ladder import Clock, Ladder, Level, OnTakeover, Recipient, Threshold
from prima.config import (
    WEEKDAYS,
    BusinessHoursSection,
    EscalationSection,
    OpeningRange,
    ServiceConfig,
)
from prima.core.case import Deadline

# The staff's language, as the `holidays` package names its languages (for the names shown).
_NAMES_LANGUAGE = {"id": "id", "en": "en_US"}


def business_calendar(section: BusinessHoursSection, language: str = "id") -> BusinessCalendar:
    """Opening hours per weekday and dated hours, closed on the country's holidays (in the
    configured categories) and custom dates. Holiday names are in `language` where known."""
    return BusinessCalendar(
        section.zone,
        tuple(_day(section.days.get(day)) for day in WEEKDAYS),
        holidays=holiday_lists(section, language),
        closed_dates=frozenset(section.closed_dates),
        open_dates=frozenset(section.open_dates),
        special=tuple(
            SpecialHours(
                period.start,
                period.end,
                tuple(_day(period.days[d]) if d in period.days else None for d in WEEKDAYS),
            )
            for period in section.special_hours
        ),
    )


def holiday_lists(section: BusinessHoursSection, language: str = "id") -> tuple[HolidayList, ...]:
    """One list per configured category, e.g. ID's public holidays and its cuti bersama."""
    country, subdivision = section.holidays, section.holiday_subdivision
    if country is None:
        return ()
    entity = holidays.country_holidays(country, subdiv=subdivision)
    wanted = _NAMES_LANGUAGE.get(language, language)
    names = wanted if wanted in entity.supported_languages else entity.default_language
    return tuple(
        HolidayList(
            _kind(country, category),
            holidays.country_holidays(
                country, subdiv=subdivision, categories=(category,), language=names
            ),
            f"{country}{f'-{subdivision}' if subdivision else ''} {category}"
            f" (holidays {HOLIDAYS_VERSION})",
        )
        for category in section.holiday_categories
    )


def _kind(country: str, category: str) -> str:
    if category == "public":
        return "public holiday"
    if country == "ID" and category == "government":
        return "cuti bersama"  # joint leave days, set each year by the government's decree
    return f"{category} holiday"


def _day(ranges: tuple[OpeningRange, ...] | None) -> Day:
    # `24h` is stored as 00:00-23:59:59, which the calendar reads as open until midnight.
    return tuple(Hours(r.opens, r.closes) for r in ranges or ())


def ladder(section: EscalationSection) -> Ladder:
    levels = tuple(
        Level(
            number=spec.level,
            role=spec.role,
            threshold=Threshold(spec.after, Clock(spec.clock)),
            recipients=tuple(Recipient(r.name, r.telegram, r.email) for r in spec.notify),
            quiet_hours=spec.quiet_hours,
        )
        for spec in section.levels
    )
    overrides = {
        category: {o.level: Threshold(o.after, Clock(o.clock)) for o in specs}
        for category, specs in section.categories.items()
    }
    return Ladder(levels, overrides, OnTakeover(section.on_takeover))


@dataclass(frozen=True, slots=True)
class EscalationPolicy:
    """The ladder on the business calendar: everything deciding when a case escalates."""

    ladder: Ladder
    calendar: BusinessCalendar

    @classmethod
    def from_config(cls, config: ServiceConfig) -> EscalationPolicy:
        return cls(
            ladder(config.escalation),
            business_calendar(config.business_hours, config.languages.default),
        )

    @property
    def fingerprint(self) -> str:
        """The ladder's and the calendar's: open cases are rescheduled when either changes."""
        both = f"{self.ladder.fingerprint()}:{self.calendar.fingerprint()}".encode()
        return hashlib.sha256(both).hexdigest()[:16]

    def deadlines(self, category: str, opened_at: datetime) -> list[Deadline]:
        return self.ladder.schedule(category, opened_at, self.calendar)

    def roles(self) -> dict[int, str]:
        return {level.number: level.role for level in self.ladder.levels}

    def is_open(self, moment: datetime) -> bool:
        return self.calendar.is_open(moment)

    @property
    def zone(self) -> tzinfo:
        return self.calendar.zone

    def business_time_between(self, start: datetime, end: datetime) -> timedelta:
        return self.calendar.business_time_between(start, end)

    @property
    def stops_on_takeover(self) -> bool:
        return self.ladder.on_takeover is OnTakeover.STOP
