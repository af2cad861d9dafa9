"""The operator's configuration of the service (`config.yml`), validated at start-up.

Every name importers use comes from here; the business hours live in `prima.config_hours`, the
escalation ladder and the staff desk in `prima.config_escalation`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import Field, ValidationError, model_validator

from prima.config_escalation import (
    CATEGORIES,
    EscalationSection,
    LevelSpec,
    OverrideSpec,
    Recipient,
    RetrySpec,
    StaffMember,
    StaffSection,
    ThresholdSpec,
    parse_duration,
)
from prima.config_hours import (
    BusinessHoursSection,
    DayHours,
    OpeningRange,
    SpecialHours,
    default_holiday_categories,
)
from prima.config_section import Section
from prima.core.hours import WEEKDAYS
from prima.core.roster import Member, Role, Roster, first_name

__all__ = [
    "CATEGORIES",
    "WEEKDAYS",
    "BusinessHoursSection",
    "ConfigError",
    "ConversationSection",
    "DayHours",
    "EscalationSection",
    "InfoContact",
    "Language",
    "LanguagesSection",
    "LevelSpec",
    "NLUSection",
    "OpeningRange",
    "OverrideSpec",
    "Recipient",
    "RetrySpec",
    "ServiceConfig",
    "ServiceSection",
    "SpecialHours",
    "StaffMember",
    "StaffSection",
    "TelegramSection",
    "ThresholdSpec",
    "default_holiday_categories",
    "load_config",
    "parse_duration",
]

Language = Literal["id", "en"]


class ConfigError(Exception):
    """The configuration is invalid; the message names the key and what is wrong."""


_ContactText = Annotated[str, Field(min_length=1, max_length=200)]


class InfoContact(Section):
    """Where customers get information about products, prices and procedures."""

    website: _ContactText | None = None
    phone: _ContactText | None = None
    email: _ContactText | None = None
    hours: _ContactText | None = None  # e.g. "Senin–Jumat 08.00–16.00" (unset: office hours)

    @property
    def configured(self) -> bool:
        return any((self.website, self.phone, self.email))


class ServiceSection(Section):
    name: Annotated[str, Field(min_length=1, max_length=64)] = "Prima"
    organisation: Annotated[str, Field(min_length=1, max_length=120)] = "Kantor Pelayanan Terpadu"
    info_contact: InfoContact = InfoContact()


class LanguagesSection(Section):
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


class NLUSection(Section):
    # Both thresholds chosen by `prima nlu-compare`'s sweep (docs/nlu.md, thresholds).
    confidence_threshold: Annotated[float, Field(gt=0.0, lt=1.0)] = 0.35
    request_timeout_seconds: Annotated[float, Field(gt=0.0, le=60.0)] = 5.0
    max_retries: Annotated[int, Field(ge=0, le=10)] = 3
    max_text_length: Annotated[int, Field(ge=50, le=20_000)] = 2000
    server_start_timeout_seconds: Annotated[float, Field(gt=0.0, le=600.0)] = 180.0
    # Top two complaint kinds closer than this: the customer picks between those two.
    ambiguity_threshold: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.1


class ConversationSection(Section):
    """Per-customer limits and the case reference format."""

    reference_prefix: Annotated[str, Field(pattern=r"^[A-Z]{2,5}$")] = "PRM"
    flood_messages: Annotated[int, Field(ge=2, le=100)] = 8
    flood_seconds: Annotated[float, Field(gt=0.0, le=600.0)] = 10.0
    max_message_length: Annotated[int, Field(ge=100, le=20_000)] = 4096


class TelegramSection(Section):
    """Sending limits. Telegram allows a bot about 30 messages per second in all; bots with
    paid broadcasts (or a self-hosted Bot API server) may raise this."""

    max_messages_per_second: Annotated[float, Field(gt=0.0, le=1000.0)] = 30.0
    # How many update deliveries Telegram may have open to the webhook at once (Telegram's
    # range 1-100, its default 40); `prima set-webhook` sends it. Telegram still delivers one
    # chat's updates one at a time.
    webhook_max_connections: Annotated[int, Field(ge=1, le=100)] = 40


class ServiceConfig(Section):
    service: ServiceSection = ServiceSection()
    languages: LanguagesSection = LanguagesSection()
    business_hours: BusinessHoursSection = BusinessHoursSection()
    nlu: NLUSection = NLUSection()
    conversation: ConversationSection = ConversationSection()
    telegram: TelegramSection = TelegramSection()
    escalation: EscalationSection = EscalationSection()
    staff: StaffSection = StaffSection()

    def roster(self) -> Roster:
        """Who works on the service: the staff group's members, plus each person on the
        escalation ladder as a supervisor (group chats on the ladder, negative ids, are
        places where supervisors may give commands, not people)."""
        staff = self.staff
        members = [
            Member(m.telegram, m.name, Role(m.role), m.alias or first_name(m.name))
            for m in staff.members
        ]
        known = {m.user_id for m in members}
        groups = set()
        for person in (p for level in self.escalation.levels for p in level.notify):
            if person.telegram is None:
                continue
            if person.telegram < 0:
                groups.add(person.telegram)
            elif person.telegram not in known:
                known.add(person.telegram)
                members.append(
                    Member(person.telegram, person.name, Role.SUPERVISOR, first_name(person.name))
                )
        return Roster(staff.chat_id, tuple(members), frozenset(groups))

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
