"""What the customer wants done, and which of the five resolutions that is."""

from __future__ import annotations

import re

from .spans import Span, trim

# Lead words dropped from the wish ("tolong diganti" → "diganti"); "minta" stays ("minta refund").
_LEAD = (
    r"tolong|tlg|tolonglah|tolonh|tlong|mohon|mhn|harap|harapnya|saya\s+harap|please|pls|plis|"
    r"mending|mendingan|lebih\s+baik|(?:permintaan|harapan|solusi|request)\s*:|"
    r"(?:saya\s+|sy\s+|aku\s+|gw\s+)?(?:pengen|pengin|pingin|pgn|ingin|mau|maunya|butuh|perlu)|"
    r"i\s+want|i\s+wanna|i'd\s+like|i\s+would\s+like|i\s+need|can\s+you|could\s+you|we\s+want|"
    r"(?:saya\s+|sy\s+)?berharap|semoga|agar|supaya|apa(?:kah)?\s+bisa|bisakah|i\s+expect|"
    r"i'd\s+prefer|i\s+would\s+prefer|is\s+there\s+a\s+way\s+to|can\s+i|could\s+i"
)
_KEEP_LEAD = r"(?:minta|meminta|menuntut|request|demand|an\s+option\s+to|the\s+option\s+to)"
_DEADLINE = (
    r"(?:by|before|paling\s+lambat|maksimal|maks|sebelum)\s+(?:this\s+|next\s+|hari\s+)?"
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|tonight|the\s+weekend|"
    r"senin|selasa|rabu|kamis|jum'?at|sabtu|minggu|besok|lusa|nanti\s+malam|akhir\s+\w+|"
    r"end\s+of\s+\w+|\d{1,2}(?:st|nd|rd|th)?|(?:tanggal|tgl)\s*\d{1,2})"
)
_BARE = (
    r"(?:servis|service|cek|perbaikan|pasang)\s+ulang(?:\s+(?:gratis|free))?|"
    r"(?:segera\s+|harus\s+|wajib\s+)(?:di\w+|ganti|perbaiki|benerin)|refund\s+please|"
    r"fix\s+it|uang\s+(?:saya\s+)?(?:kembali|dikembalikan)|give\s+me\s+(?:a\s+)?refund|"
    r"refund(?:\s+\w+)?\s+(?:please|pls|plis|dong|ya)|"
    r"(?:deliver|replace|fix|repair|resend)\s+(?:it|them|my\s+\w+)(?:\s+or\s+refund\s+me)?|"
    r"refund\s+me|"
    r"(?:cancel|batalkan|batalin)\s+(?:(?:it|the\s+order|my\s+order|"
    r"pesanan(?:nya)?|orderan(?:nya)?|aja)\s+)?(?:and|dan|terus|trus|lalu|&)\s+(?:refund|direfund|"
    r"uang(?:nya)?\s+(?:saya\s+)?dikembalikan)(?:\s+me)?|"
    r"(?:kasih|kasi|beri|berikan)\s+(?:(?:kami|saya|sy)\s+)?(?:kepastian|kejelasan|kabar|penjelasan)|"
    r"(?:tukar|tuker|ditukar|tukerin)\s+(?:(?:dengan|dgn|sama|sm)\s+)?(?:unit|barang|yang|yg)\s+baru|"
    rf"(?:swap|exchange)\s+(?:it|them)(?:\s+for\s+a\s+new\s+one)?|(?:it\s+|them\s+)?back\s+{_DEADLINE}"
)
# Filler a bare wish may end with: "tuker yg baru aja min".
_TAIL = r"aja|saja|ya|yah|yaa|dong|deh|min|kak|gan|sis|please|pls|plis|asap"
_END = (
    r"(?=\.(?!\d)|[!?;\n]|,\s|"
    r"\s+(?:karena|krn|soalnya|soale|because|since|but|tapi|tp|dan\s+saya)\b|$)"
)
# A wish runs to the end of its sentence; a point between digits is in an amount ("Rp2.3 jt").
_CLAUSE = r"(?:[^.!?;\n]|(?<=\d)\.(?=\d))+?"
_WISH = re.compile(
    rf"(?i)\b(?:(?:{_LEAD})\s+(?P<rest>{_CLAUSE})|(?P<keep>(?:{_KEEP_LEAD})\s+{_CLAUSE})|"
    rf"(?P<bare>{_BARE})(?:\s+(?:{_TAIL}))*)\s*{_END}"
)
# A wish needs something to be done: a passive verb, or a known wish word.
_ACTION = re.compile(
    r"(?i)\b(?:di-?\w{3,}|ganti|perbaiki|benerin|betulin|cek|refund|kompensasi|ganti\s+rugi|"
    r"rincian|koreksi|correct\w*|ambil|jemput|pick\s+up|take\s+\w+\s+back|collect|blokir|"
    r"block|balikin|kembalikan|"
    r"maaf|penjelasan|kejelasan|jelaskan|kembali|teknisi|technician|fix|repair|replace|"
    r"explain|explanation|apolog\w*|sorry|money|compensation|nyaman|layak|bersih|kabar|info\w*|"
    r"tahu|tau|know|cepat|cepet|segera|proses|kirim|send|call|hubungi|telepon|datang|come|return|"
    r"tukar|tuker|swap|exchange|reschedule|jadwal|kepastian|batal\w*|cancel|back|deliver|arrive|"
    r"option|unit\s+baru|tegur|menegur|sanksi|tindak\s*lanjut|menindaklanjuti|pecat|"
    rf"peringatan|hentikan)|{_DEADLINE}"
)
# Who is to do it, before what is to be done: "(I'd like) them to swap it".
_DOER = re.compile(r"(?i)(?:(?:them|you|someone|somebody|the\s+\w+)\s+)?to\s+")
# Setting a new date is none of the five resolutions; "ganti jadwal" is no repair.
_RESCHEDULE = re.compile(
    r"(?i)re-?schedul\w*|(?:di)?jadwal(?:kan)?\s+ulang|(?:ganti|ubah|pindah)\s+jadwal|"
    r"change\s+the\s+(?:date|time)"
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
        r"(?:tahu|tau|know)\s+(?:kenapa|why|alasan)|kabar|informasi|update|kepastian|\binfo\b|"
        r"konfirmasi|confirm|status"
    )),
    ("comfort", re.compile(
        r"(?i)layak|nyaman|comfortable|comfort|dibersihkan|bersih|ruang\s+tunggu|kursi|"
        r"tempat\s+duduk|seats?"
    )),
    ("repair", re.compile(
        r"(?i)\bganti\b|diganti|gantiin|perbaiki|diperbaiki|dibenerin|benerin|betulin|dibetulkan|"
        r"fix|repair|replace|teknisi|technician|dicek|dicekin|cek|dikirim\s+ulang|kirim\s+ulang|"
        r"resend|normal\s+lagi|nyala\s+lagi|berfungsi|\btukar|\btuker|ditukar|swap|exchange|"
        r"unit\s+baru|barang\s+baru|new\s+one"
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
        start = m.start(group)
        if doer := _DOER.match(text, start):
            start = doer.end()
        span = trim(text, start, m.end(group))
        if span is None or _NOT_WISHES.match(span.text):
            continue
        if group == "bare" or _ACTION.search(span.text):
            return span
    return None


def resolution_for(wish: str | None) -> str | None:
    """The wish as one of repair, refund, explanation, comfort, apology; None if none fits."""
    if not wish:
        return None
    what = _RESCHEDULE.sub(" ", wish)
    return next((name for name, pattern in _RESOLUTIONS if pattern.search(what)), None)
