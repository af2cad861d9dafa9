"""What the customer wants done, and which of the five resolutions that is."""

from __future__ import annotations

import re

from .spans import Span, trim

# Lead words dropped from the wish ("tolong diganti" → "diganti"); "minta" stays ("minta refund").
_LEAD = (
    r"tolong|tlg|tolonglah|mohon|mhn|harap|harapnya|saya\s+harap|please|pls|plis|"
    r"(?:saya\s+|sy\s+|aku\s+|gw\s+)?(?:pengen|pengin|pingin|pgn|ingin|mau|maunya|butuh|perlu)|"
    r"i\s+want|i\s+wanna|i'd\s+like|i\s+would\s+like|i\s+need|can\s+you|could\s+you|we\s+want"
)
_KEEP_LEAD = r"(?:minta|meminta|menuntut|request|demand)"
_BARE = (
    r"(?:segera\s+|harus\s+|wajib\s+)(?:di\w+|ganti|perbaiki|benerin)|refund\s+please|"
    r"fix\s+it|uang\s+(?:saya\s+)?(?:kembali|dikembalikan)|give\s+me\s+(?:a\s+)?refund|"
    r"refund(?:\s+\w+)?\s+(?:please|pls|plis|dong|ya)|"
    r"(?:deliver|replace|fix|repair|resend)\s+(?:it|them|my\s+\w+)(?:\s+or\s+refund\s+me)?|"
    r"refund\s+me"
)
_END = r"(?=[.!?;\n]|,\s|\s+(?:karena|krn|soalnya|soale|because|since|but|tapi|tp|dan\s+saya)\b|$)"
_WISH = re.compile(
    rf"(?i)\b(?:(?:{_LEAD})\s+(?P<rest>[^.!?;\n]+?)|(?P<keep>(?:{_KEEP_LEAD})\s+[^.!?;\n]+?)|"
    rf"(?P<bare>{_BARE}))\s*{_END}"
)
# A wish needs something to be done: a passive verb, or a known wish word.
_ACTION = re.compile(
    r"(?i)\b(?:di\w{3,}|ganti|perbaiki|benerin|betulin|cek|refund|kompensasi|ganti\s+rugi|"
    r"maaf|penjelasan|kejelasan|jelaskan|kembali|teknisi|technician|fix|repair|replace|"
    r"explain|explanation|apolog\w*|sorry|money|compensation|nyaman|layak|bersih|kabar|info\w*|"
    r"tahu|tau|know|cepat|cepet|segera|proses|kirim|send|call|hubungi|telepon|datang|come|return)"
)
# Closers and pleas for help are politeness, not a wish.
_NOT_WISHES = re.compile(
    r"(?i)^(?:(?:di)?bantu(?:in|nya|annya)?|bantuan(?:nya)?|help(?:\s+me)?|maaf\b.*|"
    r"tanya\b.*|nanya\b.*|ask\b.*|info\s+dong|konfirmasi\b.*)$"
)
_RESOLUTIONS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("refund", re.compile(
        r"(?i)refund|reimburse|uang\s+(?:\w+\s+)?(?:kembali|dikembalikan|balik)|"
        r"dana\s+(?:\w+\s+)?(?:kembali|dikembalikan)|pengembalian\s+(?:dana|uang)|"
        r"balikin\s+(?:uang|duit)|duit\s+(?:\w+\s+)?balik|money\s+back|ganti\s+rugi|kompensasi|"
        r"compensation|kembalikan\s+(?:uang|dana)"
    )),
    ("apology", re.compile(
        r"(?i)minta\s+maaf|permintaan\s+maaf|meminta\s+maaf|apolog|say\s+sorry"
    )),
    ("explanation", re.compile(
        r"(?i)penjelasan|kejelasan|jelaskan|dijelaskan|jelasin|explain|explanation|alasan|"
        r"(?:tahu|tau|know)\s+(?:kenapa|why|alasan)|kabar|informasi|update"
    )),
    ("comfort", re.compile(
        r"(?i)layak|nyaman|comfortable|comfort|dibersihkan|bersih|ruang\s+tunggu|kursi|"
        r"tempat\s+duduk|seats?"
    )),
    ("repair", re.compile(
        r"(?i)\bganti\b|diganti|gantiin|perbaiki|diperbaiki|dibenerin|benerin|betulin|dibetulkan|"
        r"fix|repair|replace|teknisi|technician|dicek|dicekin|cek|dikirim\s+ulang|kirim\s+ulang|"
        r"resend|normal\s+lagi|nyala\s+lagi|berfungsi"
    )),
)  # fmt: skip


# "gak mau nyala", "doesn't want to": a lead word after a negation describes, it wishes nothing.
_NEGATED = re.compile(
    r"(?i)\b(?:tidak|tdk|gak|ga|gk|nggak|ngga|enggak|engga|ogah|bukan|not|don't|doesn't|never)"
    r"\s+$"
)


def find_wish(text: str) -> Span | None:
    """The first wished resolution, without the lead word and closing filler."""
    for m in _WISH.finditer(text):
        if _NEGATED.search(text[max(0, m.start() - 12) : m.start()]):
            continue
        group = "rest" if m.group("rest") else "keep" if m.group("keep") else "bare"
        span = trim(text, m.start(group), m.end(group))
        if span is None or _NOT_WISHES.match(span.text):
            continue
        if group == "bare" or _ACTION.search(span.text):
            return span
    return None


def resolution_for(wish: str | None) -> str | None:
    """The wish as one of repair, refund, explanation, comfort, apology; None if none fits."""
    if not wish:
        return None
    return next((name for name, pattern in _RESOLUTIONS if pattern.search(wish)), None)
