"""The thing bought, ordered or booked, in words no list knows: "sepatu yang saya beli",
"pesan nasi box dari", "the jacket I ordered", "my stroller keeps folding"."""

from __future__ import annotations

import re

from .spans import Span

_WORD = r"[\w&'-]+"
_BUY_ID = r"beli|membeli|dibeli|belanja|pesan|memesan|dipesan|pesen|mesen|order|ngorder|diorder|"
_BUY_ID += r"checkout|co|booking|dibooking|sewa|menyewa|disewa"
_BUY_EN = r"bought|ordered|purchased|booked|rented|got|received|paid\s+for"
_WHO = r"saya|sy|aku|gw|gue|gua|kami|kita|i|we"
_ADJECTIVE = r"(?:(?:brand\s+new|new|old)\s+)?"
_QUANTITY = r"(?:\d+\s*(?:pcs|buah|biji|pasang|unit|porsi|lusin|kotak|bungkus|x)?\s+)?"
_AFTER_YANG = re.compile(
    rf"(?i)\b(?P<x>(?:{_WORD}\s+){{0,2}}{_WORD})\s+(?:yang|yg)\s+(?:(?:{_WHO})\s+)?"
    rf"(?:baru\s+|udah\s+|sudah\s+|tadi\s+|td\s+)?(?:{_BUY_ID})\b"
)
_AFTER_VERB = re.compile(
    rf"(?i)\b(?:{_BUY_ID}|{_BUY_EN})\s+(?:(?:a|an|the|some|two|three)\s+)?{_QUANTITY}"
    rf"(?P<x>{_WORD}(?:\s+{_WORD}){{0,3}}?)\s+(?:di|dari|lewat|via|melalui|pada|from|at|on|"
    rf"through|online)\b"
)
_THE_X_I_BOUGHT = re.compile(
    rf"(?i)\bthe\s+{_ADJECTIVE}(?P<x>{_WORD}(?:\s+{_WORD}){{0,2}}?)\s+(?:(?:that|which)\s+)?(?:i|we)\s+"
    rf"(?:just\s+|recently\s+|had\s+|have\s+)?(?:{_BUY_EN})\b"
)
_MY_X_FAILS = re.compile(
    rf"(?i)\bmy\s+{_ADJECTIVE}(?P<x>{_WORD}(?:\s+{_WORD}){{0,2}}?)\s+(?:is|was|has|had|keeps|kept|won't|wont|"
    r"doesn't|didn't|isn't|wasn't|hasn't|never|still|arrived|came|stopped|broke|got)\b"
)
# Words that are not part of a product's name: they end it (or begin the next phrase).
STOP = frozenset(
    """
    yang yg saya sy aku gw gue gua kami kita kamu anda dia mereka di ke dari dr pada untuk buat
    dan atau tapi tp juga lagi sudah udah udh belum blm tidak tdk gak ga gk nggak baru tadi td
    kemarin kemaren kmrn hari minggu bulan tahun lalu ini itu tsb tersebut mau ingin pengen
    komplain complain soal tentang terkait masalah kenapa kok sih dong ya min kak online langsung
    beli membeli pesan memesan order booking sewa bayar
    the a an my our your this that these those one ones thing things stuff some it them and or
    i we you he she they bought ordered booked new old just recently last yesterday today
    """.split()
)
# "my X is ...": X (its last word) is someone, or something that is not a product.
_NOT_PRODUCTS = frozenset(
    """
    money refund payment complaint case question problem issue request message email call name
    number time experience patience husband wife son daughter mother father mom dad mum child
    kid kids baby family friend neighbour neighbor boss order code id balance driver courier
    technician cashier staff agent officer nurse doctor teacher kurir sopir supir teknisi
    """.split()
)


def find_purchases(text: str) -> list[Span]:
    """The things the message says were bought, ordered or booked, or says are failing."""
    found = [_before(text, m) for m in _AFTER_YANG.finditer(text)]
    for pattern in (_AFTER_VERB, _THE_X_I_BOUGHT, _MY_X_FAILS):
        found += [_after(text, m) for m in pattern.finditer(text)]
    return [
        s for s in found if s is not None and s.text.split()[-1].casefold() not in _NOT_PRODUCTS
    ]


def _before(text: str, m: re.Match[str]) -> Span | None:
    """The words right before "yang", back to the first that is not part of a name."""
    words = list(re.finditer(_WORD, m.group("x")))
    kept = []
    for w in reversed(words):
        if w.group().casefold() in STOP:
            break
        kept.append(w)
    if not kept:
        return None
    start = m.start("x") + kept[-1].start()
    return Span(start, m.end("x"), text[start : m.end("x")])


def _after(text: str, m: re.Match[str]) -> Span | None:
    """The words from the start of the name up to the first that is not part of it."""
    start = end = m.start("x")
    for w in re.finditer(_WORD, m.group("x")):
        if w.group().casefold() in STOP:
            break
        end = m.start("x") + w.end()
    value = text[start:end]
    while value and value.split()[-1].isdigit():  # "nasi box 50 (porsi)"
        value = value[: value.rindex(" ")] if " " in value else ""
    return Span(start, start + len(value), value) if value else None
