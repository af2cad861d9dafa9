"""The service or transaction complained about, named by what was done: "pembuatan KTP-el",
"klaim asuransi mobil", "transfer antarbank", "MyRepublic installation"."""

from __future__ import annotations

import re

from .failing import FAILING
from .purchases import STOP
from .spans import Span

# Indonesian names of an act, before what it is about: "pembayaran UKT", "biaya admin".
_ACTS_ID = (
    r"pembuatan|pembayaran|pengurusan|perpanjangan|pendaftaran|penggantian|pergantian|perubahan|"
    r"pemindahan|pencairan|pengajuan|klaim|biaya|tarif|transfer|pengembalian|pengiriman|"
    r"pemasangan|instalasi|aktivasi|pemblokiran|pembatalan|penarikan|setoran|top\s?up|isi\s+ulang|"
    r"iuran|cicilan|angsuran|mutasi|balik\s+nama|cetak\s+ulang|penerbitan|verifikasi"
)
_ACT_ID = re.compile(rf"(?i)\b(?:{_ACTS_ID})\b")
# English acts named after what they are about, or followed by with/for/of: "the fibre
# installation", "my appointment with the cardiologist", "renewal of my passport".
_ACTS_EN = r"installation|activation|appointment|subscription|renewal|reservation|repair|refund"
_ACT_EN = re.compile(
    rf"(?i)\b(?P<act>(?:(?-i:[A-Z][\w-]*)\s+|\d{{1,2}}\s?(?:am|pm)\s+)?(?:{_ACTS_EN}))"
    r"(?P<of>\s+(?:with|for|of)\s+(?:the\s+|my\s+|a\s+)?[\w-]+)?"
)
_WORD = re.compile(r"\s*([\w&'-]+)")
# What is said of the act ends what it is about: "biaya admin kepotong dua kali".
_SAID_OF = re.compile(
    rf"(?i){FAILING}|(?:kepotong|terpotong|dipotong|ketarik|tertarik|ditarik|dobel|double|"
    r"ditolak|tertunda|ditunda|dibatalkan|pending|mahal|kemahalan|naik|lama|belum|blm|masih|"
    r"was|is|has|got|keeps)\b"
)
# At most so many words of what the act is about.
_ABOUT_WORDS = 3


def find_services(text: str) -> list[Span]:
    """Every act named with what it is about; a bare act ("biaya", "refund") is not one."""
    found = []
    for m in _ACT_ID.finditer(text):
        end = m.end()
        for _ in range(_ABOUT_WORDS):
            w = _WORD.match(text, end)
            if w is None or w.group(1).casefold() in STOP or _SAID_OF.match(w.group(1)):
                break
            end = w.end(1)
        if end > m.end():
            found.append(Span(m.start(), end, text[m.start() : end]))
    for m in _ACT_EN.finditer(text):
        act = m.group("act")
        if " " in act or m.group("of"):
            found.append(Span(m.start(), m.end(), m.group()))
    return found
