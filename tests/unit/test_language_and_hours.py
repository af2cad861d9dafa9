from datetime import time

import pytest

from prima.config import OpeningHours
from prima.core.hours import describe_opening_hours
from prima.core.language import detect_language


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


def office() -> dict[str, OpeningHours | None]:
    weekday = OpeningHours(opens=time(8), closes=time(16))
    return {
        "monday": weekday,
        "tuesday": weekday,
        "wednesday": weekday,
        "thursday": weekday,
        "friday": OpeningHours(opens=time(8), closes=time(11, 30)),
        "saturday": None,
        "sunday": None,
    }


def test_opening_hours_are_grouped_and_localised() -> None:
    assert describe_opening_hours(office(), "id") == "Senin–Kamis 08.00–16.00, Jumat 08.00–11.30"
    assert describe_opening_hours(office(), "en") == (
        "Monday–Thursday 08:00–16:00, Friday 08:00–11:30"
    )


def test_round_the_clock_service() -> None:
    always = OpeningHours(opens=time(0), closes=time(23, 59, 59))
    days = dict.fromkeys(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"), always
    )
    assert describe_opening_hours(days, "id") == "24 jam setiap hari"
