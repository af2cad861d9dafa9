"""The operator's configuration of the service (`config.yml`), validated at start-up."""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

Language = Literal["id", "en"]
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_HOURS = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")


class ConfigError(Exception):
    """The configuration is invalid; the message names the key and what is wrong."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


_ContactText = Annotated[str, Field(min_length=1, max_length=200)]


class InfoContact(_Section):
    """Where customers get information about products, prices and procedures."""

    website: _ContactText | None = None
    phone: _ContactText | None = None
    email: _ContactText | None = None
    hours: _ContactText | None = None  # e.g. "Senin–Jumat 08.00–16.00" (unset: office hours)

    @property
    def configured(self) -> bool:
        return any((self.website, self.phone, self.email))


class ServiceSection(_Section):
    name: Annotated[str, Field(min_length=1, max_length=64)] = "Prima"
    organisation: Annotated[str, Field(min_length=1, max_length=120)] = "Kantor Pelayanan Terpadu"
    info_contact: InfoContact = InfoContact()


class LanguagesSection(_Section):
    default: Language = "id"
    supported: tuple[Language, ...] = ("id", "en")

    @model_validator(mode="after")
    def _default_is_supported(self) -> LanguagesSection:
        if not self.supported:
            raise ValueError("supported: list at least one language")
        if self.default not in self.supported:
            raise ValueError(
                f"default: {self.default!r} is not in supported {list(self.supported)}"
            )
        return self


class OpeningRange(_Section):
    """One opening range of a day; a day with breaks has several, in order."""

    opens: time
    closes: time


DayHours = tuple[OpeningRange, ...]


def _office_day() -> DayHours:
    return (OpeningRange(opens=time(8), closes=time(16)),)


class SpecialHours(_Section):
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


class BusinessHoursSection(_Section):
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


class NLUSection(_Section):
    # Both thresholds chosen by `prima nlu-compare`'s sweep (docs/nlu.md, thresholds).
    confidence_threshold: Annotated[float, Field(gt=0.0, lt=1.0)] = 0.35
    request_timeout_seconds: Annotated[float, Field(gt=0.0, le=60.0)] = 5.0
    max_retries: Annotated[int, Field(ge=0, le=10)] = 3
    max_text_length: Annotated[int, Field(ge=50, le=20_000)] = 2000
    server_start_timeout_seconds: Annotated[float, Field(gt=0.0, le=600.0)] = 180.0
    # Top two complaint kinds closer than this: the customer picks between those two.
    ambiguity_threshold: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.1


class ConversationSection(_Section):
    """Per-customer limits and the case reference format."""

    reference_prefix: Annotated[str, Field(pattern=r"^[A-Z]{2,5}$")] = "PRM"
    flood_messages: Annotated[int, Field(ge=2, le=100)] = 8
    flood_seconds: Annotated[float, Field(gt=0.0, le=600.0)] = 10.0
    max_message_length: Annotated[int, Field(ge=100, le=20_000)] = 4096


class TelegramSection(_Section):
    """Sending limits. Telegram allows a bot about 30 messages per second in all; bots with
    paid broadcasts (or a self-hosted Bot API server) may raise this."""

    max_messages_per_second: Annotated[float, Field(gt=0.0, le=1000.0)] = 30.0


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


class Recipient(_Section):
    name: Annotated[str, Field(min_length=1, max_length=64)]
    telegram: int | None = None  # a user id (private chat) or a group chat id
    email: Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")] | None = None

    @model_validator(mode="after")
    def _reachable(self) -> Recipient:
        if self.telegram is None and self.email is None:
            raise ValueError(f"{self.name}: give a telegram id, an email address or both")
        return self


class ThresholdSpec(_Section):
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


class RetrySpec(_Section):
    max_attempts: Annotated[int, Field(ge=1, le=50)] = 8
    first_delay_seconds: Annotated[float, Field(gt=0.0, le=3600.0)] = 30.0
    max_delay_seconds: Annotated[float, Field(gt=0.0, le=86400.0)] = 3600.0


class EscalationSection(_Section):
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


class StaffMember(_Section):
    """A person at the staff desk: `alias` is the name customers see (default: first name)."""

    name: Annotated[str, Field(min_length=1, max_length=64)]
    telegram: Annotated[int, Field(gt=0)]
    role: Literal["agent", "supervisor"] = "agent"
    alias: Annotated[str, Field(min_length=1, max_length=32)] | None = None


class StaffSection(_Section):
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


class ServiceConfig(_Section):
    service: ServiceSection = ServiceSection()
    languages: LanguagesSection = LanguagesSection()
    business_hours: BusinessHoursSection = BusinessHoursSection()
    nlu: NLUSection = NLUSection()
    conversation: ConversationSection = ConversationSection()
    telegram: TelegramSection = TelegramSection()
    escalation: EscalationSection = EscalationSection()
    staff: StaffSection = StaffSection()

    @model_validator(mode="after")
    def _ever_open(self) -> ServiceConfig:
        if not self.business_hours.ever_open:
            raise ValueError("business_hours.days: the office must be open on at least one day")
        return self


def load_config(path: Path) -> ServiceConfig:
    """Read and validate `config.yml`. Raises ConfigError naming the file, key and problem."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found (set PRIMA_CONFIG to its path)") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: the top level must be a mapping of sections")
    try:
        return ServiceConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_describe(path, exc)) from None


def _describe(path: Path, exc: ValidationError) -> str:
    problems = []
    for error in exc.errors():
        key = ".".join(str(part) for part in error["loc"]) or "(top level)"
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown key (check the spelling against docs/configuration.md)"
        problems.append(f"  {key}: {message}")
    return f"{path}: invalid configuration\n" + "\n".join(problems)
