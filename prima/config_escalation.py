"""The escalation ladder and the staff desk in `config.yml`: who is told, when, and who answers."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from prima.config_section import Section

_DURATION = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")
CATEGORIES = ("mechanical", "attitudinal", "service", "unusual")


def parse_duration(value: Any) -> timedelta:
    """`3h`, `90m`, `30s`, `2d`, `1h30m` (a bare number is seconds)."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return timedelta(seconds=value)
    match = _DURATION.match(str(value).strip().replace(" ", ""))
    if not match or not any(match.groups()):
        raise ValueError(f"{value!r} is not a duration like 3h, 90m, 30s, 2d or 1h30m")
    days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
    return timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)


class Recipient(Section):
    name: Annotated[str, Field(min_length=1, max_length=64)]
    telegram: int | None = None  # a user id (private chat) or a group chat id
    email: Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")] | None = None

    @model_validator(mode="after")
    def _reachable(self) -> Recipient:
        if self.telegram is None and self.email is None:
            raise ValueError(f"{self.name}: give a telegram id, an email address or both")
        return self


class ThresholdSpec(Section):
    after: timedelta
    clock: Literal["elapsed", "business_hours", "calendar_days", "working_days"] = "elapsed"

    @field_validator("after", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> timedelta:
        return parse_duration(value)

    @model_validator(mode="after")
    def _whole_days(self) -> ThresholdSpec:
        if self.clock in ("calendar_days", "working_days") and self.after % timedelta(days=1):
            raise ValueError(
                f"after: {self.clock} count whole days (e.g. 3d); "
                "use clock: elapsed or business_hours for hours, minutes or seconds"
            )
        if self.after <= timedelta(0):
            raise ValueError("after: must be longer than zero")
        return self


class LevelSpec(ThresholdSpec):
    level: Annotated[int, Field(ge=1, le=9)]
    role: Annotated[str, Field(min_length=1, max_length=64)]
    quiet_hours: bool = False  # hold notifications until the office opens
    notify: tuple[Recipient, ...] = ()


class OverrideSpec(ThresholdSpec):
    level: Annotated[int, Field(ge=1, le=9)]


def _default_levels() -> tuple[LevelSpec, ...]:
    return (
        LevelSpec(level=1, role="Kasubag", after=timedelta(hours=3), clock="elapsed"),
        LevelSpec(level=2, role="Kabag", after=timedelta(days=2), clock="calendar_days"),
        LevelSpec(level=3, role="Kabiro", after=timedelta(days=3), clock="working_days"),
    )


class RetrySpec(Section):
    max_attempts: Annotated[int, Field(ge=1, le=50)] = 8
    first_delay_seconds: Annotated[float, Field(gt=0.0, le=3600.0)] = 30.0
    max_delay_seconds: Annotated[float, Field(gt=0.0, le=86400.0)] = 3600.0


class EscalationSection(Section):
    """The escalation ladder (the SOP: 3 hours, 2 days, 3 working days)."""

    enabled: bool = True
    check_every_seconds: Annotated[float, Field(gt=0.0, le=3600.0)] = 30.0
    on_takeover: Literal["continue", "stop"] = "continue"
    retry: RetrySpec = RetrySpec()
    levels: tuple[LevelSpec, ...] = Field(default_factory=_default_levels)
    categories: dict[str, tuple[OverrideSpec, ...]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> EscalationSection:
        numbers = [level.level for level in self.levels]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError(f"levels: number them 1, 2, 3... in order (found {numbers})")
        for category, overrides in self.categories.items():
            if category not in CATEGORIES:
                raise ValueError(f"categories: {category!r} is not one of {', '.join(CATEGORIES)}")
            for override in overrides:
                if override.level not in numbers:
                    raise ValueError(f"categories.{category}: there is no level {override.level}")
        return self


class StaffMember(Section):
    """A person at the staff desk: `alias` is the name customers see (default: first name)."""

    name: Annotated[str, Field(min_length=1, max_length=64)]
    telegram: Annotated[int, Field(gt=0)]
    role: Literal["agent", "supervisor"] = "agent"
    alias: Annotated[str, Field(min_length=1, max_length=32)] | None = None


class StaffSection(Section):
    """The staff desk: a supergroup with topics where agents take over conversations."""

    chat_id: Annotated[int, Field(lt=0)] | None = None  # None: no staff desk
    topics: Literal["on_open", "on_handover"] = "on_handover"
    members: tuple[StaffMember, ...] = ()
    coaching: Literal["warn", "block"] = "warn"
    quiet_after: timedelta = timedelta(minutes=30)
    human_wait: timedelta = timedelta(minutes=15)
    check_every_seconds: Annotated[float, Field(gt=0.0, le=3600.0)] = 5.0

    @field_validator("quiet_after", "human_wait", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> timedelta:
        duration = parse_duration(value)
        if duration <= timedelta(0):
            raise ValueError("must be longer than zero")
        return duration

    @model_validator(mode="after")
    def _members(self) -> StaffSection:
        ids = [m.telegram for m in self.members]
        if len(ids) != len(set(ids)):
            raise ValueError("members: each telegram id may appear once")
        if self.chat_id is not None and not self.members:
            raise ValueError("members: list the agents and supervisors of the staff desk")
        return self
