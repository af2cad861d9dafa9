"""A time phrase resolved to a datetime against `now`: own day arithmetic, dateparser for dates."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import dateparser

_INFORMAL = {
    "kemaren": "kemarin", "kmrn": "kemarin", "kmrin": "kemarin", "kmarin": "kemarin",
    "kmren": "kemarin", "mlm": "malam", "malem": "malam", "td": "tadi", "semalem": "semalam",
    "smlm": "semalam", "tgl": "tanggal", "tg": "tanggal", "jm": "jam", "pkl": "pukul",
    "sjk": "sejak", "udh": "udah", "sdh": "udah", "sudah": "udah", "dah": "udah", "yg": "yang",
    "slm": "selama", "hr": "hari", "mgg": "minggu", "bln": "bulan", "thn": "tahun", "mnt": "menit",
    "jum'at": "jumat", "jumaat": "jumat", "ahad": "minggu", "lau": "lalu", "pekan": "minggu",
}  # fmt: skip
_NUMBERS = {
    "se": 1, "satu": 1, "a": 1, "an": 1, "one": 1, "dua": 2, "two": 2, "tiga": 3, "three": 3,
    "empat": 4, "four": 4, "lima": 5, "five": 5, "enam": 6, "six": 6, "tujuh": 7, "seven": 7,
    "delapan": 8, "eight": 8, "sembilan": 9, "nine": 9, "sepuluh": 10, "ten": 10,
    "beberapa": 3, "few": 3, "several": 3,
}  # fmt: skip
_PART_HOURS = {
    "tengah malam": 0, "midnight": 0, "lunchtime": 12, "noon": 12, "subuh": 5, "pagi": 9,
    "morning": 9, "siang": 12, "sore": 15, "afternoon": 15,
    "evening": 19, "malam": 20, "night": 20, "tonight": 20, "dini hari": 2,
}  # fmt: skip
_WEEKDAYS = {
    "senin": 0, "selasa": 1, "rabu": 2, "kamis": 3, "jumat": 4, "sabtu": 5, "minggu": 6,
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6,
}  # fmt: skip
_UNIT_DAYS = {"hari": 1, "day": 1, "minggu": 7, "week": 7}
_UNIT_MINUTES = {"menit": 1, "minute": 1, "min": 1, "jam": 60, "hour": 60, "hr": 60}
_UNIT_MONTHS = {"bulan": 1, "month": 1, "tahun": 12, "year": 12}

_PREFIX = re.compile(r"^(?:sejak|semenjak|dari|dr|mulai|since|from|starting|on|at)\s+")
_AMOUNT = re.compile(
    r"(?:^|\b)(?:(?P<n>\d+|[a-z]+)\s*|se)(?P<unit>menit|minute|min|jam|hour|hr|hari|day|minggu|"
    r"week|bulan|month|tahun|year)s?(?:an)?\b"
)
_CLOCK = re.compile(
    r"(?:\b(?:jam|pukul|at)\s*(?P<h>\d{1,2})(?:[.:](?P<m>\d{2}))?|\b(?P<h2>\d{1,2})[.:](?P<m2>\d{2})"
    r"|\b(?P<h3>\d{1,2})\s*(?=am|pm))\s*(?P<suffix>am|pm)?"
)
_THIS_PERIOD = re.compile(r"\b(?:minggu|bulan|tahun) ini\b|\bthis (?:week|month|year)\b")
_MONTH_ONLY = re.compile(
    r"(?:bulan |month of )?(?P<m>januari|january|februari|february|maret|march|april|mei|may|"
    r"juni|june|juli|july|agustus|august|september|oktober|october|november|desember|december)"
    r"(?: (?P<y>\d{4}))?"
)
# At most so many words of what happened before the time: "since we moved in last Monday".
_EVENT_WORDS = 4
_DAY_OF_MONTH = re.compile(r"^(?:tanggal\s*\.?\s*|the\s+)?(?P<d>\d{1,2})(?:st|nd|rd|th)?$")


def resolve(phrase: str, now: datetime) -> datetime | None:
    """The moment the phrase points at, in `now`'s time zone; None if it cannot be told."""
    about = re.sub(r"(\d)-?an\b", r"\1", phrase.casefold())  # "jam 10an": about ten
    words = re.sub(r"[^\w'./:]+", " ", about).split()
    text = " ".join(_INFORMAL.get(w, w) for w in words)
    text = re.sub(r"\bdini hari\b", "dinihari", text)
    since = bool(re.match(r"(?:sejak|semenjak|since)\b", text))
    text = _PREFIX.sub("", text).strip()
    found = _phrase(text, now)
    # "sejak ganti paket tgl 5": what happened comes before the time itself.
    words = text.split()
    for start in range(1, min(len(words), _EVENT_WORDS + 1) if since else 1):
        if found is not None:
            break
        found = _phrase(" ".join(words[start:]), now)
    return None if found is None else found.replace(second=0, microsecond=0)


def _phrase(text: str, now: datetime) -> datetime | None:
    if _THIS_PERIOD.search(text):
        # "awal bulan ini" is the month's first day; "bulan ini" alone cannot be told.
        start = re.search(r"\b(?:awal|early) (?:bulan|month) ini\b|\bearly this month\b", text)
        today = now.replace(hour=0, minute=0, second=0, microsecond=0)
        return today.replace(day=1) if start else None
    month = _MONTH_ONLY.fullmatch(text)
    if month is not None:  # "bulan Juli", "since July": from its first day
        return _dateparser(f"1 {month['m']} {month['y'] or ''}".strip(), now)
    found = _own(text, now)
    return found if found is not None else _dateparser(text, now)


def _own(text: str, now: datetime) -> datetime | None:
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    part = next((h for p, h in _PART_HOURS.items() if re.search(rf"\b{p}\b", text)), None)
    if "dinihari" in text:
        part = 2
    clock = _clock(text, part)
    hour = clock if clock is not None else (None if part is None else (part, 0))
    day: datetime | None = None
    keeps_time = False
    weekday = next((d for w, d in _WEEKDAYS.items() if re.search(rf"\b{w}\b", text)), None)
    if re.search(r"\b(?:lalu|ago|udah|selama|for|already|since|sejak)\b", text) or re.match(
        r"^se(?:hari|minggu|bulan|tahun|jam)", text
    ):
        amount = _amount(text)
        if amount is not None:
            return _back(now, *amount)
    if re.search(r"\bkemarin lusa\b|\bday before yesterday\b", text):
        day, keeps_time = today - timedelta(days=2), True
    elif re.search(r"\bsemalam\b|\blast night\b", text):
        day, hour = today - timedelta(days=1), hour or (20, 0)
    elif re.search(r"\btadi\b|\bthis\b|\bini\b|\btoday\b|\btonight\b", text):
        late = hour is not None and hour > (now.hour, now.minute) and "tadi" in text
        day, keeps_time = (today - timedelta(days=1) if late else today), True
    elif re.search(r"\bkemarin\b|\byesterday\b", text) and not re.search(
        r"\b(?:minggu|bulan|tahun)\s+kemarin\b", text
    ):
        day, keeps_time = today - timedelta(days=1), True
    elif re.search(r"\blusa\b", text):
        day, keeps_time = today + timedelta(days=2), True
    elif re.search(r"(?<!hari )\bminggu (?:lalu|kemarin)\b|\blast week\b", text):
        day, keeps_time = today - timedelta(days=7), True
    elif re.search(r"\bbulan (?:lalu|kemarin)\b|\blast month\b", text):
        return _back(now, "month", 1)
    elif re.search(r"\btahun (?:lalu|kemarin)\b|\blast year\b", text):
        return _back(now, "month", 12)
    elif weekday is not None:
        back = (now.weekday() - weekday) % 7
        if back == 0 and re.search(r"\b(?:lalu|last|kemarin)\b", text):
            back = 7
        day = today - timedelta(days=back)
    elif match := _DAY_OF_MONTH.match(text):
        day = _day_of_month(today, int(match["d"]))
    elif clock is not None and re.fullmatch(r"(?:jam |pukul |at )?[\d.:]+(?: ?(?:am|pm|wib|wita|"
                                            r"wit|pagi|siang|sore|malam))?", text):  # fmt: skip
        day = today if clock <= (now.hour, now.minute) else today - timedelta(days=1)
    if day is None:
        return None
    if hour is not None:
        return day.replace(hour=hour[0], minute=hour[1])
    return day.replace(hour=now.hour, minute=now.minute) if keeps_time else day


def _clock(text: str, part: int | None) -> tuple[int, int] | None:
    m = _CLOCK.search(text)
    if m is None:
        return None
    h = int(m["h"] or m["h2"] or m["h3"])
    minute = int(m["m"] or m["m2"] or 0)
    afternoon = m["suffix"] == "pm" or (part is not None and part >= 15) or (part == 12 and h < 5)
    if afternoon and h < 12:
        h += 12
    if m["suffix"] == "am" and h == 12:
        h = 0
    return (h, minute) if h < 24 and minute < 60 else None


def _amount(text: str) -> tuple[str, int] | None:
    m = _AMOUNT.search(text)
    if m is None:
        return None
    n = m["n"]
    count = 1 if n is None else int(n) if n.isdigit() else _NUMBERS.get(n)
    return None if count is None else (m["unit"], count)


def _back(now: datetime, unit: str, count: int) -> datetime:
    if unit in _UNIT_DAYS:
        return now - timedelta(days=count * _UNIT_DAYS[unit])
    if unit in _UNIT_MINUTES:
        return now - timedelta(minutes=count * _UNIT_MINUTES[unit])
    months = now.year * 12 + now.month - 1 - count * _UNIT_MONTHS[unit]
    year, month = divmod(months, 12)
    return _clamped(now, year, month + 1, now.day)


def _day_of_month(today: datetime, day: int) -> datetime | None:
    if not 1 <= day <= 31:
        return None
    if day <= today.day:
        return _clamped(today, today.year, today.month, day)
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return _clamped(today, year, month, day)


def _clamped(base: datetime, year: int, month: int, day: int) -> datetime:
    for d in range(day, 27, -1) if day > 28 else (day,):
        try:
            return base.replace(year=year, month=month, day=d)
        except ValueError:
            continue
    return base.replace(year=year, month=month, day=28)


def _dateparser(text: str, now: datetime) -> datetime | None:
    # Only the wall-clock of `now` goes in, with TIMEZONE fixed, so dateparser reads neither
    # the system clock nor the local zone; the zone is put back from `now`.
    settings: dict[str, Any] = {
        "RELATIVE_BASE": now.replace(tzinfo=None),
        "TIMEZONE": "UTC",
        "RETURN_AS_TIMEZONE_AWARE": False,
        "PREFER_DATES_FROM": "past",
        "DATE_ORDER": "DMY",
    }
    found = dateparser.parse(text, languages=["id", "en"], settings=settings)
    return None if found is None else found.replace(tzinfo=now.tzinfo)
