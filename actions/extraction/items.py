"""The device or product complained about, with its brand or model: "modem ZTE", "AC Daikin"."""

from __future__ import annotations

import re
from collections.abc import Sequence

from prima.core.complaint import Entity

from .spans import Span, entity_spans, longest_first, regex_spans

# The commonest things, for when the NLU gave no `item` entity (the full list is Rasa's
# lookup table, nlu/data/lookups.yml). Longer names first: the alternation takes the first.
_COMMON = re.compile(
    r"(?i)\b(?:aplikasi\s+mobile\s+banking|mobile\s+banking|m-banking|internet\s+banking|"
    r"kartu\s+(?:atm|kredit|debit|sim|e-toll|e-money)|sim\s+card|credit\s+card|debit\s+card|"
    r"mesin\s+(?:cuci|atm|edc|antrian|antrean)|washing\s+machine|air\s+conditioner|"
    r"token\s+listrik|meteran(?:\s+listrik)?|kipas\s+angin|rice\s+cooker|smart\s+tv|"
    r"modem|router|wi-?fi|ac|kulkas|freezer|tv|televisi|laptop|komputer|printer|dispenser|"
    r"hp|handphone|ponsel|smartphone|iphone|tablet|charger|atm|edc|lift|elevator|eskalator|"
    r"escalator|aplikasi|app|apk|website|situs|stb|decoder|cctv|kompor|setrika|pompa\s+air)\b"
)
_BRANDS = frozenset(
    """
    zte huawei fiberhome nokia tp-link tplink tenda mikrotik indihome biznet firstmedia myrepublic
    daikin panasonic sharp samsung lg gree midea aqua polytron toshiba hitachi changhong hisense
    coocaa tcl sony xiaomi redmi oppo vivo realme infinix apple iphone asus acer lenovo dell hp
    epson canon brother sanken miyako cosmos modena electrolux mitsubishi philips maspion
    bca mandiri bri bni btn cimb danamon permata bsi ocbc jenius livin brimo gopay ovo dana
    shopeepay linkaja telkomsel indosat xl axis smartfren tri pln pdam
    """.split()
)
_MODEL = re.compile(
    r"[A-Za-z]*\d[\w-]*|[A-Z]{2,}[\w-]*|(?i:\d+(?:[.,]\d+)?\s*(?:pk|inch|inci|gb|tb))"
)
# "no hp 0812...": the phone's number, not the phone.
_PHONE_NUMBER = re.compile(r"(?i)\b(?:no|nomor|nomer|nmr)\.?\s*$")
# Lower-case words that may follow an app/site name and still be part of it.
_APP_WORDS = frozenset("mobile banking online pay wallet".split())


def find_item(text: str, entities: Sequence[Entity] = ()) -> str | None:
    """The first thing the message names, with the brand or model right after it."""
    found = entity_spans(text, entities, "item") + regex_spans(_COMMON, text)
    spans = [s for s in longest_first(found) if not _PHONE_NUMBER.search(text[: s.start])]
    return _with_brand(text, spans[0]).text if spans else None


def _with_brand(text: str, span: Span) -> Span:
    end = span.end
    for _ in range(2):
        m = re.match(r"\s+([\w&.'-]+(?:\s*(?:pk|inch|inci|gb|tb)\b)?)", text[end:], re.IGNORECASE)
        if m is None:
            break
        word = m.group(1).rstrip(".,")
        is_app = span.text.casefold().startswith(("aplikasi", "app", "website", "situs"))
        if (
            word.casefold() in _BRANDS
            or _MODEL.fullmatch(word)
            or (is_app and (word[:1].isupper() or word.casefold() in _APP_WORDS))
        ):
            end += m.start(1) + len(word)
        else:
            break
    return Span(span.start, end, text[span.start : end])
