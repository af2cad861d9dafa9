"""The escalation ladder: the SOP's defaults, per-category overrides and quiet hours."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from escalation.calendar import Hours
from escalation.ladder import Clock, Ladder, Level, Threshold, format_duration, overdue
from escalation.policy import EscalationPolicy, business_calendar, ladder
from prima.config import ConfigError, ServiceConfig, load_config, parse_duration
from prima.core.roster import Role

JAKARTA = ZoneInfo("Asia/Jakarta")
CONFIG = ServiceConfig()
CALENDAR = business_calendar(CONFIG.business_hours)
SOP = ladder(CONFIG.escalation)


def at(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=JAKARTA)


def test_the_default_ladder_is_the_sop() -> None:
    assert [(lv.number, lv.role) for lv in SOP.levels] == [
        (1, "Kasubag"),
        (2, "Kabag"),
        (3, "Kabiro"),
    ]
    opened = at(8, 14, 15)  # Friday 15:00; Monday 17 August is Independence Day
    due = {d.level: d.due_at for d in SOP.schedule("service", opened, CALENDAR)}
    assert due == {1: at(8, 14, 18), 2: at(8, 16, 15), 3: at(8, 20, 15)}


def test_a_category_can_escalate_sooner() -> None:
    config = ServiceConfig.model_validate(
        {"escalation": {"categories": {"attitudinal": [{"level": 1, "after": "1h"}]}}}
    )
    policy = ladder(config.escalation)
    opened = at(11, 18, 9)
    assert policy.schedule("attitudinal", opened, CALENDAR)[0].due_at == at(11, 18, 10)
    assert policy.schedule("mechanical", opened, CALENDAR)[0].due_at == at(11, 18, 12)


def test_a_higher_level_is_never_due_before_a_lower_one() -> None:
    policy = Ladder(
        (
            Level(1, "A", Threshold(timedelta(hours=5), Clock.BUSINESS_HOURS)),
            Level(2, "B", Threshold(timedelta(hours=6), Clock.ELAPSED)),
        )
    )
    opened = at(11, 18, 15)  # 1 business hour left today
    first, second = policy.schedule("service", opened, CALENDAR)
    assert first.due_at == at(11, 19, 12)
    assert second.due_at == first.due_at


def test_quiet_hours_hold_the_notification_until_the_office_opens() -> None:
    policy = Ladder(
        (Level(1, "A", Threshold(timedelta(hours=3), Clock.ELAPSED), quiet_hours=True),)
    )
    (deadline,) = policy.schedule("service", at(11, 20, 15), CALENDAR)  # Friday
    assert deadline.due_at == at(11, 20, 18)
    assert deadline.notify_at == at(11, 23, 8)  # Monday morning


def test_overdue_levels_come_lowest_first() -> None:
    deadlines = SOP.schedule("service", at(8, 14, 15), CALENDAR)
    assert [d.level for d in overdue(deadlines, at(8, 30, 0))] == [1, 2, 3]
    assert [d.level for d in overdue(deadlines, at(8, 15, 0))] == [1]


def test_the_fingerprint_follows_the_thresholds_only() -> None:
    sooner = ServiceConfig.model_validate(
        {"escalation": {"categories": {"attitudinal": [{"level": 1, "after": "1h"}]}}}
    )
    renamed = ServiceConfig.model_validate(
        {
            "escalation": {
                "levels": [
                    {"level": 1, "role": "Head", "after": "3h"},
                    {"level": 2, "role": "Kabag", "after": "2d", "clock": "calendar_days"},
                    {"level": 3, "role": "Kabiro", "after": "3d", "clock": "working_days"},
                ]
            }
        }
    )
    assert ladder(sooner.escalation).fingerprint() != SOP.fingerprint()
    assert ladder(renamed.escalation).fingerprint() == SOP.fingerprint()


def test_the_policy_fingerprint_follows_the_calendar_too() -> None:
    base = EscalationPolicy.from_config(CONFIG)
    public_only = ServiceConfig.model_validate(
        {"business_hours": {"holiday_categories": ["public"]}}
    )
    ramadan = ServiceConfig.model_validate(
        {
            "business_hours": {
                "special_hours": [
                    {"from": "2026-02-18", "to": "2026-03-19", "days": {"friday": "08:00-11:30"}}
                ]
            }
        }
    )
    desk = ServiceConfig.model_validate(
        {"staff": {"chat_id": -100, "members": [{"name": "R", "telegram": 1}]}}
    )
    prints = [EscalationPolicy.from_config(c).fingerprint for c in (public_only, ramadan)]
    assert base.fingerprint not in prints and prints[0] != prints[1]
    assert EscalationPolicy.from_config(desk).fingerprint == base.fingerprint
    assert EscalationPolicy.from_config(ServiceConfig()).fingerprint == base.fingerprint
    # Cases stored before the calendar was part of it are rescheduled once, too.
    assert base.fingerprint != base.ladder.fingerprint()
    assert len(base.fingerprint) == 16  # the width of `cases.ladder`


def test_level_3_of_the_sop_over_nyepi_and_idul_fitri() -> None:
    opened = at(3, 17, 10)  # Tuesday 17 March 2026
    due = {d.level: d.due_at for d in SOP.schedule("service", opened, CALENDAR)}
    assert due == {1: at(3, 17, 13), 2: at(3, 19, 10), 3: at(3, 27, 10)}
    public_only = ServiceConfig.model_validate(
        {"business_hours": {"holiday_categories": ["public"]}}
    )
    old = business_calendar(public_only.business_hours)
    assert SOP.schedule("service", opened, old)[2].due_at == at(3, 23, 10)


def test_supervisors_are_the_people_on_the_ladder() -> None:
    config = ServiceConfig.model_validate(
        {
            "escalation": {
                "levels": [
                    {
                        "level": 1,
                        "role": "Kasubag",
                        "after": "30s",
                        "notify": [
                            {"name": "Sari", "telegram": 111, "email": "sari@example.go.id"},
                            {"name": "Desk", "telegram": -100123},
                            {"name": "Budi", "email": "budi@example.go.id"},
                        ],
                    }
                ]
            }
        }
    )
    roster = config.roster()
    assert [(m.user_id, m.role) for m in roster.members] == [(111, Role.SUPERVISOR)]
    assert roster.supervisor(111) is not None and roster.supervisor(222) is None
    # The ladder's group chat is a place where supervisors may give commands, not a person.
    assert roster.staff_chats() == {-100123}
    assert roster.may_act_in(111, 111) and roster.may_act_in(-100123, 111)
    assert not roster.may_act_in(-100999, 111)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3h", timedelta(hours=3)),
        ("90m", timedelta(minutes=90)),
        ("1h30m", timedelta(minutes=90)),
        ("2d", timedelta(days=2)),
        ("45s", timedelta(seconds=45)),
        (20, timedelta(seconds=20)),
    ],
)
def test_durations(text: str | int, expected: timedelta) -> None:
    assert parse_duration(text) == expected
    assert parse_duration(format_duration(expected)) == expected


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "escalation:\n  levels:\n    - {level: 1, role: A, after: 3 hours}\n",
            "escalation.levels.0.after: '3 hours' is not a duration",
        ),
        (
            "escalation:\n  levels:\n    - {level: 1, role: A, after: 90m, clock: working_days}\n",
            "working_days count whole days",
        ),
        (
            "escalation:\n  levels:\n    - {level: 2, role: A, after: 1h}\n",
            "number them 1, 2, 3",
        ),
        (
            "escalation:\n  categories:\n    rude: [{level: 1, after: 1h}]\n",
            "'rude' is not one of",
        ),
        (
            "escalation:\n  levels:\n    - {level: 1, role: A, after: 1h, notify: [{name: X}]}\n",
            "X: give a telegram id, an email address or both",
        ),
        ("business_hours:\n  holidays: XX\n", "'XX' is not a country"),
        (
            "business_hours:\n  holiday_categories: [public, religious]\n",
            "business_hours.holiday_categories: 'religious' is not a holiday category of ID",
        ),
        (
            "business_hours:\n  days: {monday: closed}\n",
            "the office must be open on at least one day",
        ),
    ],
)
def test_invalid_escalation_settings_name_the_key(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(ConfigError, match=expected.replace("(", r"\(").replace("'", "'")):
        load_config(write(tmp_path, text))


def test_closed_and_open_dates_reach_the_calendar() -> None:
    config = ServiceConfig.model_validate(
        {"business_hours": {"closed_dates": ["2026-11-23"], "open_dates": ["2026-11-21"]}}
    )
    cal = business_calendar(config.business_hours)
    assert not cal.is_working_day(date(2026, 11, 23))
    assert cal.hours_on(date(2026, 11, 21)) == (Hours(time(8), time(16)),)


def test_no_holidays_when_the_country_is_none() -> None:
    config = ServiceConfig.model_validate({"business_hours": {"holidays": None}})
    assert business_calendar(config.business_hours).is_working_day(date(2026, 8, 17))


@pytest.mark.parametrize(
    ("amount", "language", "days", "expected"),
    [
        (timedelta(days=2, hours=3, minutes=5), "id", True, "2 hari 3 jam"),
        (timedelta(hours=27, minutes=30), "id", False, "27 jam 30 menit"),
        (timedelta(days=1, hours=4), "en", True, "1 day 4 hours"),
        (timedelta(minutes=1), "en", True, "1 minute"),
        (timedelta(seconds=20), "id", True, "0 menit"),
    ],
)
def test_durations_in_words(amount: timedelta, language: str, days: bool, expected: str) -> None:
    from prima.core.wording import duration_in_words

    assert duration_in_words(amount, language, days=days) == expected
