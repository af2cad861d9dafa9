from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from prima.bootstrap import Runtime
from prima.config import OpeningRange, ServiceConfig
from prima.core.hours import describe_opening_hours, is_open
from prima.core.language import detect_language
from prima.core.reply import Reply
from prima.phrasing import check_templates
from prima.settings import Settings


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("my package has not arrived and the tracking is stuck", "en"),
        ("paket saya belum sampai dan resinya tidak bergerak", "id"),
        ("min wifi nya mati lagi nih", "id"),
        ("the AC in my room is broken, tolong", "en"),
        ("PRM-7K3Q", "id"),
    ],
)
def test_language_follows_the_customer(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_undecided_text_keeps_the_current_language() -> None:
    assert detect_language("OK 👍", default="en") == "en"


def hours(*ranges: str) -> tuple[OpeningRange, ...]:
    """`hours("08:00-12:00", "13:00-16:00")`: a day's opening ranges."""
    parts = [r.split("-") for r in ranges]
    return tuple(
        OpeningRange(opens=time.fromisoformat(a), closes=time.fromisoformat(b)) for a, b in parts
    )


def office() -> dict[str, tuple[OpeningRange, ...] | None]:
    weekday = hours("08:00-16:00")
    return {
        "monday": weekday,
        "tuesday": weekday,
        "wednesday": weekday,
        "thursday": weekday,
        "friday": hours("08:00-11:30"),
        "saturday": None,
        "sunday": None,
    }


def with_breaks() -> dict[str, tuple[OpeningRange, ...] | None]:
    lunch = hours("08:00-12:00", "13:00-16:00")
    return {
        **dict.fromkeys(("monday", "tuesday", "wednesday", "thursday"), lunch),
        "friday": hours("08:00-11:30", "13:00-16:30"),
        "saturday": None,
        "sunday": None,
    }


def test_opening_hours_are_grouped_and_localised() -> None:
    assert describe_opening_hours(office(), "id") == "Senin–Kamis 08.00–16.00, Jumat 08.00–11.30"
    assert describe_opening_hours(office(), "en") == (
        "Monday–Thursday 08:00–16:00, Friday 08:00–11:30"
    )


def test_a_day_with_breaks_names_each_range() -> None:
    assert describe_opening_hours(with_breaks(), "id") == (
        "Senin–Kamis 08.00–12.00 dan 13.00–16.00, Jumat 08.00–11.30 dan 13.00–16.30"
    )
    assert describe_opening_hours(with_breaks(), "en") == (
        "Monday–Thursday 08:00–12:00 and 13:00–16:00, Friday 08:00–11:30 and 13:00–16:30"
    )


def test_three_ranges_keep_the_days_apart() -> None:
    days = {**office(), "saturday": hours("08:00-10:00", "10:30-12:00", "13:00-14:00")}
    assert describe_opening_hours(days, "id") == (
        "Senin–Kamis 08.00–16.00; Jumat 08.00–11.30; Sabtu 08.00–10.00, 10.30–12.00 dan 13.00–14.00"
    )
    assert describe_opening_hours(days, "en").endswith(
        "Saturday 08:00–10:00, 10:30–12:00 and 13:00–14:00"
    )


def test_round_the_clock_service() -> None:
    days = dict.fromkeys(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
        (OpeningRange(opens=time(0), closes=time(23, 59, 59)),),
    )
    assert describe_opening_hours(days, "id") == "24 jam setiap hari"
    assert describe_opening_hours(days, "en") == "24 hours a day, every day"
    mornings = dict.fromkeys(days, hours("00:00-16:00"))  # every day, but not round the clock
    assert describe_opening_hours(mornings, "id") == "Senin–Minggu 00.00–16.00"


def test_the_break_is_closed_by_the_weekly_hours() -> None:
    jakarta = ZoneInfo("Asia/Jakarta")
    friday = datetime(2026, 11, 20, 12, 15, tzinfo=jakarta)
    assert not is_open(with_breaks(), jakarta, friday)
    assert is_open(with_breaks(), jakarta, friday.replace(hour=13, minute=5))
    assert is_open(office(), jakarta, friday.replace(hour=9))


def test_customers_read_the_breaks_in_each_language_and_every_message_passes_the_check() -> None:
    config = ServiceConfig.model_validate(
        {
            "business_hours": {
                "days": {
                    **dict.fromkeys(
                        ("monday", "tuesday", "wednesday", "thursday"), "08:00-12:00, 13:00-16:00"
                    ),
                    "friday": "08:00-11:30, 13:00-16:30",
                }
            }
        }
    )
    runtime = Runtime(Settings(_env_file=None), config)  # type: ignore[call-arg]
    renderer = runtime.renderer()
    assert check_templates(renderer, runtime.reply_context) == []
    reply = Reply("human_requested", {"reference": "PRM-7K3Q", "open_now": False})
    indonesian = renderer.message("id", reply, **runtime.reply_context("id")).text
    english = renderer.message("en", reply, **runtime.reply_context("en")).text
    assert (
        "Senin–Kamis 08.00–12.00 dan 13.00–16.00, Jumat 08.00–11.30 dan 13.00–16.30" in indonesian
    )
    assert (
        "Monday–Thursday 08:00–12:00 and 13:00–16:00, Friday 08:00–11:30 and 13:00–16:30" in english
    )


def test_customers_read_the_hours_in_force_today_during_a_dated_period() -> None:
    config = ServiceConfig.model_validate(
        {
            "business_hours": {
                "special_hours": [
                    {
                        "from": "2026-02-18",
                        "to": "2026-03-19",
                        "days": dict.fromkeys(
                            ("monday", "tuesday", "wednesday", "thursday", "friday"),
                            "08:00-15:00",
                        ),
                    }
                ]
            }
        }
    )
    runtime = Runtime(Settings(_env_file=None), config)  # type: ignore[call-arg]
    with time_machine.travel(datetime(2026, 3, 2, 9, tzinfo=ZoneInfo("Asia/Jakarta"))):
        ramadan = runtime.reply_context("id")["opening_hours"]
    with time_machine.travel(datetime(2026, 3, 20, 9, tzinfo=ZoneInfo("Asia/Jakarta"))):
        after = runtime.reply_context("en")["opening_hours"]
    assert ramadan == "Senin–Jumat 08.00–15.00"
    assert after == "Monday–Friday 08:00–16:00"
