"""The business calendar and the ladder, built from the operator's configuration."""

from __future__ import annotations

from datetime import date, time

import holidays

from escalation.calendar import END_OF_DAY, BusinessCalendar, Hours, calendar_from
from escalation.ladder import Clock, Ladder, Level, OnTakeover, Recipient, Threshold
from prima.config import WEEKDAYS, BusinessHoursSection, EscalationSection


def business_calendar(section: BusinessHoursSection) -> BusinessCalendar:
    """Opening hours per weekday, closed on the country's public holidays and custom dates."""
    week: list[Hours | None] = []
    for day in WEEKDAYS:
        opening = section.days.get(day)
        if opening is None:
            week.append(None)
        else:
            closes = END_OF_DAY if opening.closes == time(23, 59, 59) else opening.closes
            week.append(Hours(opening.opens, closes))
    country, subdivision = section.holidays, section.holiday_subdivision

    def public() -> holidays.HolidayBase | frozenset[date]:
        if country is None:
            return frozenset()
        return holidays.country_holidays(country, subdiv=subdivision)

    return calendar_from(
        section.zone,
        week,
        holidays=public,
        closed_dates=section.closed_dates,
        open_dates=section.open_dates,
    )


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
