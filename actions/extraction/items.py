"""The device or product complained about, with its brand or model: "modem ZTE", "AC Daikin"."""

from __future__ import annotations

import re
from collections.abc import Sequence

from prima.core.complaint import Entity

from .brands import BRANDS as _BRANDS
from .brands import LINES as _LINES
from .failing import FAILING as _FAILING
from .purchases import find_purchases
from .services import find_services
from .spans import Span, entity_spans, longest_first, mask, regex_spans, word_before

# The commonest things, for when the NLU gave no `item` entity (the full list is Rasa's
# lookup table, nlu/data/lookups.yml). Longer names first: the alternation takes the first.
_COMMON = re.compile(
    r"(?i)\b(?:aplikasi\s+mobile\s+banking|mobile\s+banking|m-banking|internet\s+banking|"
    r"kartu\s+(?:atm|kredit|debit|sim|e-toll|e-money)|sim\s+card|credit\s+card|debit\s+card|"
    r"mesin\s+(?:cuci|atm|edc|antrian|antrean)|washing\s+machine|air\s+conditioner|"
    r"token\s+listrik|meteran(?:\s+listrik)?|kipas\s+angin|rice\s+cooker|smart\s+tv|"
    r"modem|router|wi-?fi|ac|kulkas|freezer|tv|televisi|laptop|komputer|printer|dispenser|"
    r"hp|handphone|ponsel|smartphone|iphone|tablet|charger|atm|edc|lift|elevator|eskalator|"
    r"escalator|aplikasi|app|apk|website|situs|stb|decoder|cctv|kompor|setrika|pompa\s+air|"
    r"tagihan)(?:nya|ny)?\b"
)
# A card named by its issuer or scheme: "KMT card", "BCA card".
_NAMED_CARD = re.compile(r"\b[A-Z][\w-]*\s+card\b")
_BRAND_MODEL = re.compile(
    r"\b(?P<brand>[A-Z][A-Za-z-]+)(?:\s+(?-i:[A-Z][\w-]*)){0,2}\s+(?-i:[A-Za-z]*\d[\w-]*)"
)
# Sizes and quantities that belong to the thing's name: "AC 1 pk", "nasi box 50 porsi".
_UNITS = (
    r"pk|inch|inci|in|gb|tb|kg|liter|ml|watt|porsi|pcs|buah|unit|box|dus|pack|lusin|kotak|pintu|"
    r"door|doors"
)
_MODEL = re.compile(rf"[A-Za-z]*\d[\w-]*|[A-Z]{{2,}}[\w-]*|(?i:\d+(?:[.,]\d+)?\s*(?:{_UNITS}))")
# "no hp 0812...": the phone's number, not the phone.
_PHONE_NUMBER = re.compile(r"(?i)\b(?:no|nomor|nomer|nmr)\.?\s*$")
# Lower-case words that may follow an app/site name and still be part of it.
_APP_WORDS = frozenset("mobile banking online pay wallet".split())
# "aplikasi Anda": whose it is, not what it is called.
_ADDRESSEES = frozenset("anda kamu kalian saya kami you your".split())
# Lower-case words after a name that say which kind it is: "AC split", "iPhone 13 Pro".
_VARIANTS = frozenset(
    "split inverter standing portable cassette pro max plus mini ultra lite prabayar "
    "pascabayar".split()
)
# Words that name a model or size after the thing: "tipe ES-T85", "size 42", "seri 5".
_MODEL_LABELS = frozenset("tipe type seri series model ukuran size no".split())
# Brands that are also everyday words, never taken as a brand before a thing.
_COMMON_WORDS = frozenset("dana tri pos hp aqua".split())
# Capitalised words after a brand that are not part of the product's name.
_NOT_NAME_WORDS = frozenset(
    """
    saya sy aku gw gue kami kita kamu anda dia yang yg di ke dari dan atau tapi sudah udah
    udh belum blm tidak tdk gak ga gk baru tadi kemarin sejak sampai mohon tolong min kak
    i we you my our the and but since from at in on is was has have it
    """.split()
)
# At most so many words of brand, line, model and size after the thing.
_NAME_WORDS = 6
# Words before an English name that are part of it: "fibre router", "prepaid meter".
_PRE_MODIFIERS = frozenset(
    "fibre fiber wireless mesh optical electric gas induction portable smart prepaid postpaid "
    "digital baby".split()
)
# Labels of a reference: "tiket PRM-7K3Q" names the ticket's number, not a thing bought.
_LABEL_WORDS = frozenset("tiket ticket reservasi reservation booking order pesanan".split())
_REFERENCE_AFTER = re.compile(
    r"(?i)^\s*(?:(?:no|nomor|nmr|number|num|id|kode|code)\b\.?)?\s*[:#]?\s*$"
)
# Names too broad to win over a more specific one the message also gives.
_GENERIC = frozenset(
    """
    aplikasi app apk website situs internet barang produk product item items paket package
    parcel kiriman pesanan order layanan service jaringan kartu token voucher makanan minuman
    tagihan
    """.split()
)
# Parts of a thing: when the message names the thing too, the part is not the case's item
# ("modem mati, lampu power gak nyala": the modem).
_PARTS = frozenset(
    "lampu baterai battery kabel cable remote remot charger casan colokan tombol layar screen "
    "button adaptor adapter".split()
)
# A clause after the thing: up to the end of the sentence or a comma, at most ten words.
# An abbreviation's point ("Jl.", "No.") does not end it.
_CLAUSE = re.compile(r"(?i)^(?:\b(?:jl|jln|no|dr|st|kec|kel|kab|lt)\.|[^.,;!?\n])*")
_CLAUSE_WORDS = 10
# Words saying the thing fails, a few words after it: "AC kamar 305 bocor", "HP saya mati".
_FAILS = re.compile(rf"(?i)^(?:[\s,]+[\w'-]+){{0,3}}?[\s,]+{_FAILING}")
_FAILS_LATER = re.compile(rf"(?i)\b{_FAILING}")


def find_item(
    text: str, entities: Sequence[Entity] = (), *, reference: Span | None = None
) -> Span | None:
    """The thing the complaint is about, with the brand or model right after it: the first
    one said to fail or to have been bought, else the most specific, else the first."""
    used = [reference] if reference is not None else []
    masked = mask(text, used)
    found = entity_spans(text, entities, "item") + regex_spans(_COMMON, text)
    found += regex_spans(_NAMED_CARD, text) + [
        Span(m.start(), m.end(), m.group())
        for m in _BRAND_MODEL.finditer(text)
        if m.group("brand").casefold() in _BRANDS | _LINES
    ]
    found += find_services(text)
    found = [s for s in found if not any(s.overlaps(u) for u in used)]
    named = {(s.start, s.end) for s in find_purchases(masked)}
    found += [Span(start, end, text[start:end]) for start, end in named]
    spans = [
        _with_brand(masked, s, entity_spans(text, entities, "place"))
        for s in found
        if not _PHONE_NUMBER.search(text[: s.start]) and not _labels(text, s, reference)
    ]
    kept = _named_before(longest_first(spans))
    return min(kept, key=lambda s: _rank(masked, s, named)) if kept else None


def _named_before(spans: list[Span]) -> list[Span]:
    """Without the "-nya" mentions of a thing named earlier in full ("tagihan listrik ...
    koreksi tagihannya": the bill, said the first time)."""
    kept: list[Span] = []
    for s in spans:
        word = s.text.split()[0].casefold()
        base = _without_nya(word)
        if base != word and any(k.text.split()[0].casefold() == base for k in kept):
            continue
        kept.append(s)
    return kept


def _labels(text: str, span: Span, reference: Span | None) -> bool:
    return (
        reference is not None
        and span.text.casefold() in _LABEL_WORDS
        and span.end <= reference.start
        and bool(_REFERENCE_AFTER.match(text[span.end : reference.start]))
    )


def _rank(
    text: str, span: Span, named: set[tuple[int, int]]
) -> tuple[bool, bool, bool, bool, bool, int]:
    """Sort key, best first: a whole thing over its part; said to fail right after it (or
    bought); said to fail later in its clause; specific; with a brand or model; first."""
    about = bool(_FAILS.match(text[span.end :])) or any(
        span.start <= start and end <= span.end for start, end in named
    )
    clause = _CLAUSE.match(text[span.end :])
    words = clause.group().split()[:_CLAUSE_WORDS] if clause else []
    later = bool(_FAILS_LATER.search(" ".join(words)))
    first = _without_nya(span.text.split()[0].casefold())
    generic = _without_nya(span.text.casefold()) in _GENERIC
    return (first in _PARTS, not about, not later, generic, " " not in span.text, span.start)


def _without_nya(word: str) -> str:
    """The word without its "-nya" ("tagihannya": the bill)."""
    return re.sub(r"(?:nya|ny)$", "", word) if len(word) > 5 else word


def _with_brand(text: str, span: Span, stops: Sequence[Span] = ()) -> Span:
    """The span with the words that belong to the thing's name around it: a modifier, brand
    or type before ("fibre router", "Daikin split AC"); brand, product line, model, type and
    size after ("kulkas Polytron 2 pintu", "motor Honda Beat", "mesin cuci Sharp tipe ES-T85").
    Never into one of the `stops` (the places the NLU found)."""
    start, end = span.start, span.end
    for _ in range(2):
        before = word_before(text, start)
        word = before.group(1).casefold() if before else ""
        if before is None or not (
            word in _PRE_MODIFIERS or word in _VARIANTS or word in _BRANDS - _COMMON_WORDS
        ):
            break
        start = before.start(1)
    is_app = span.text.casefold().startswith(("aplikasi", "app", "website", "situs"))
    branded = any(w.casefold() in _BRANDS | _LINES for w in span.text.split())
    for _ in range(_NAME_WORDS):
        m = re.match(rf"\s+([\w&.'-]+(?:\s*(?:{_UNITS})\b)?)", text[end:], re.IGNORECASE)
        if m is None or any(s.start < end + m.end(1) and end < s.end for s in stops):
            break
        word = m.group(1).rstrip(".,")
        folded = word.casefold()
        if folded in _MODEL_LABELS:
            model = re.match(r"\s+([\w-]*\d[\w-]*|[A-Z]{2,}[\w-]*)", text[end + m.end(1) :])
            if model is None:
                break
            end += m.end(1) + model.end(1)
            continue
        if (
            folded in _BRANDS
            or folded in _VARIANTS
            or _MODEL.fullmatch(word)
            or (branded and word[:1].isupper() and folded not in _NOT_NAME_WORDS)
            or (
                is_app
                and folded not in _ADDRESSEES
                and (word[:1].isupper() or folded in _APP_WORDS)
            )
        ):
            end += m.start(1) + len(word)
            branded = branded or folded in _BRANDS | _LINES
        else:
            break
    return Span(start, end, text[start:end])
