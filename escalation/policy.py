"""The business calendar and the ladder, built from the operator's configuration."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import holidays

from escalation.calendar import BusinessCalendar, Hours, calendar_from
from escalation.ladder import Clock, Deadline, Ladder, Level, OnTakeover, Recipient, Threshold
from prima.config import WEEKDAYS, BusinessHoursSection, EscalationSection, ServiceConfig


def business_calendar(section: BusinessHoursSection) -> BusinessCalendar:
    """Opening hours per weekday, closed on the country's public holidays and custom dates."""
    # `24h` is stored as 00:00-23:59:59, which the calendar reads as open until midnight.
    week = [
        Hours(o.opens, o.closes) if (o := section.days.get(day)) is not None else None
        for day in WEEKDAYS
    ]
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


@dataclass(frozen=True, slots=True)
class EscalationPolicy:
    """The ladder on the business calendar: everything deciding when a case escalates."""

    ladder: Ladder
    calendar: BusinessCalendar
    desk_chat: int | None = None  # the staff group, where supervisors' commands work too

    @classmethod
    def from_config(cls, config: ServiceConfig) -> EscalationPolicy:
        return cls(
            ladder(config.escalation),
            business_calendar(config.business_hours),
            config.staff.chat_id,
        )

    @property
    def fingerprint(self) -> str:
        return self.ladder.fingerprint()

    def deadlines(self, category: str, opened_at: datetime) -> list[Deadline]:
        return self.ladder.schedule(category, opened_at, self.calendar)

    def roles(self) -> dict[int, str]:
        return {level.number: level.role for level in self.ladder.levels}

    @property
    def stops_on_takeover(self) -> bool:
        return self.ladder.on_takeover is OnTakeover.STOP

    def supervisor(self, user_id: int) -> Recipient | None:
        """The configured person with this Telegram user id, if any."""
        for level in self.ladder.levels:
            for person in level.recipients:
                if person.telegram == user_id and user_id > 0:
                    return person
        return None

    def staff_chats(self) -> frozenset[int]:
        """Group chats on the ladder (negative ids) and the staff group, where supervisors may
        also give commands."""
        groups = {
            r.telegram
            for level in self.ladder.levels
            for r in level.recipients
            if r.telegram is not None and r.telegram < 0
        }
        if self.desk_chat is not None:
            groups.add(self.desk_chat)
        return frozenset(groups)
