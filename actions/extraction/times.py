"""When it happened, in the customer's words: "sejak semalam", "kemarin sore", "last Friday"."""

from __future__ import annotations

import re

from .spans import Span

_NUM = (
    r"(?:\d{1,3}|se|satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh|beberapa|"
    r"a|an|one|two|three|four|five|six|seven|eight|nine|ten|a few|few|several)"
)
_UNIT = (
    r"(?:menit|mnt|jam|hari|hr|minggu|mgg|pekan|bulan|bln|tahun|thn|minutes?|mins?|hours?|hrs?|"
    r"days?|weeks?|months?|years?)"
)
_PART = (
    r"(?:pagi|siang|sore|malam|malem|mlm|subuh|dini\s+hari|tengah\s+malam|morning|afternoon|"
    r"evening|night|lunchtime|noon|midnight)"
)
_ID_DAY = r"(?:senin|selasa|rabu|kamis|jum'?at|jumaat|sabtu|ahad)"
_EN_DAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_MONTH = (
    r"(?:januari|january|jan|februari|february|feb|maret|march|mar|april|apr|mei|may|juni|june|"
    r"jun|juli|july|jul|agustus|august|agu|agt|aug|september|sept|sep|oktober|october|okt|oct|"
    r"november|nov|desember|december|des|dec)"
)
_YESTERDAY = r"(?:kemarin|kemaren|kmrn|kmrin|kmarin|kmren|kemarin\s+lusa|yesterday)"
_TADI = r"(?:tadi|td)"
# "jam 10an" is about ten; "jam 7 pagi td" is this morning's seven.
_CLOCK = (
    rf"(?:(?:{_TADI}\s+)?(?:jam|jm|pukul|pkl|at)\s*\d{{1,2}}(?:[.:]\d{{2}})?(?:-?an)?|\d{{1,2}}[.:]\d{{2}}|"
    rf"\d{{1,2}}\s*(?:am|pm))(?:\s*(?:wib|wita|wit|am|pm|{_PART}))?(?:\s+{_TADI}(?:\s+{_PART})?)?"
)
# A range of days: "tanggal 2-5 April", "15-17".
_DAYS = r"\d{1,2}(?:\s*[-–]\s*\d{1,2}(?=\s+[A-Za-z]))?"
_ATOMS = [
    rf"{_NUM}\s*{_UNIT}\s+(?:(?:yang|yg)\s+)?(?:lalu|lau|kebelakang|ago)",
    r"se(?:hari|minggu|pekan|bulan|tahun|jam)\s+(?:(?:yang|yg)\s+)?(?:lalu|ago)",
    rf"(?:udah|udh|sudah|sdh|dah|selama|slm|for|already|sejak|sjk|since)\s+(?:{_NUM}\s*{_UNIT}|"
    rf"se(?:hari|minggu|pekan|bulan|tahun|jam)(?:an)?)(?:an)?",
    rf"{_YESTERDAY}(?:\s+{_PART})?",
    r"(?:semalam|semalem|smlm|last\s+night|the\s+day\s+before\s+yesterday|lusa)",
    rf"{_TADI}\s+{_PART}|{_PART}\s+{_TADI}",
    rf"(?:sejak|sjk|semenjak|dari|dr|mulai|since|from)\s+(?:the\s+)?{_PART}",
    rf"{_PART}\s+ini|this\s+{_PART}|tonight|hari\s+ini|today",
    r"(?:(?:awal|akhir|pertengahan|early|late|mid)\s+)?(?:minggu|pekan|bulan|tahun)\s+"
    r"(?:lalu|kemarin|kemaren|kmrn|kmrin|ini)|(?:(?:early|late)\s+)?(?:last|this)\s+(?:week|month|year)",
    rf"bulan\s+{_MONTH}(?:\s+\d{{4}})?|(?:sejak|sjk|semenjak|since)\s+{_MONTH}(?:\s+\d{{4}})?",
    rf"(?:hari\s+)?{_ID_DAY}(?:\s+(?:lalu|kemarin|kemaren|kmrn|kmrin|minggu\s+lalu))?(?:\s+{_PART})?",
    rf"hari\s+minggu(?:\s+(?:lalu|kemarin|kemaren))?(?:\s+{_PART})?",
    rf"(?:(?:last|on|this\s+past)\s+)?{_EN_DAY}(?:\s+{_PART})?",
    rf"(?:tanggal|tgl|tg)\.?\s*{_DAYS}(?:\s+{_MONTH}|[-/.]\d{{1,2}})?(?:\s*[-/.]?\s*\d{{4}})?",
    rf"(?:on\s+)?(?:{_DAYS}\s+{_MONTH}(?:\s+\d{{4}})?|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?"
    rf"(?:,?\s+\d{{4}})?)",
    rf"(?:on\s+)?the\s+\d{{1,2}}(?:st|nd|rd|th)(?:\s+of\s+{_MONTH})?|on\s+\d{{1,2}}(?:st|nd|rd|th)",
    r"\d{1,2}/\d{1,2}(?:/\d{2,4})?",
    _CLOCK,
    r"(?:between|antara)\s+(?:jam\s+)?\d{1,2}(?:[.:]\d{2})?\s*(?:am|pm)?\s+(?:and|dan|-|sampai|s/d)\s+"
    r"\d{1,2}(?:[.:]\d{2})?\s*(?:am|pm)?",
]
_PREFIX = r"(?:(?:sejak|sjk|semenjak|dari|dr|mulai|since|from|starting)\s+)"
_ATOM = re.compile(rf"(?i)(?<![\w/])(?:{_PREFIX}?(?:{'|'.join(_ATOMS)}))(?![\w/])")
# Between two pieces of one time: "tadi pagi jam 9", "kemarin, sekitar jam 5".
_GLUE = re.compile(
    r"(?i)^\s*,?\s*(?:(?:sekitar|sktr|kira-kira|kira2|around|about|pas|at)\s*){0,2}$"
)
# A time the customer sets (a deadline), not when it happened: "by Tuesday", "sebelum jam 3".
_DEADLINE_BEFORE = re.compile(
    r"(?i)\b(?:by|before|until|sebelum|paling\s+lambat|maksimal|maks|deadline)\s*$"
)
# Where the problem began: "sejak kemarin", "since yesterday" tells it better than any other.
_SINCE = re.compile(r"(?i)^(?:sejak|sjk|semenjak|since)\b")
# A whole week or month names the period of a bill ("tagihan bulan ini") more often than
# when it happened: any more exact time is preferred.
_COARSE = re.compile(
    rf"(?i)(?:(?:awal|akhir|pertengahan|early|late|mid)\s+)?(?:(?:minggu|pekan|bulan|tahun)\s+"
    rf"(?:ini|lalu|kemarin)|bulan\s+{_MONTH}(?:\s+\d{{4}})?|(?:last|this)\s+(?:week|month|year))"
)
# "since <up to four words of what happened> <the time>", no punctuation between.
_LOOK_BACK = 120  # characters: enough for "since" and four words
_SINCE_BEFORE = re.compile(r"(?i)\b(sejak|sjk|semenjak|since)(?:\s+[\w'-]+){1,4}\s+$")


def find_time(text: str) -> Span | None:
    """When it happened: the time phrase that says since when, else the first one; its
    adjacent pieces joined ("tadi pagi jam 9"); never a deadline the customer sets."""
    runs = [r for r in _runs(text) if not _DEADLINE_BEFORE.search(text[: r.start])]
    if not runs:
        return None
    runs = [_with_since(text, r) for r in runs]
    exact = [r for r in runs if not _COARSE.fullmatch(r.text)] or runs
    return next((r for r in runs if _SINCE.match(r.text)), exact[0])


def _with_since(text: str, run: Span) -> Span:
    """The run from a "sejak"/"since" a few words before it, in the same clause: "since we
    checked in yesterday afternoon", "sejak update tgl 12 November"."""
    m = _SINCE_BEFORE.search(text, max(0, run.start - _LOOK_BACK), run.start)
    if m is None or _SINCE.match(run.text):
        return run
    return Span(m.start(1), run.end, text[m.start(1) : run.end])


def _runs(text: str) -> list[Span]:
    atoms = [Span(m.start(), m.end(), m.group()) for m in _ATOM.finditer(text)]
    runs: list[Span] = []
    for atom in atoms:
        if runs and _GLUE.match(text[runs[-1].end : atom.start]) and not _SINCE.match(atom.text):
            last = runs[-1]
            runs[-1] = Span(last.start, atom.end, text[last.start : atom.end])
        else:
            runs.append(atom)
    return runs
