"""Which language a customer writes in: Indonesian (the default) or English."""

from __future__ import annotations

import re

_WORD = re.compile(r"[a-z']+")

_ENGLISH = frozenset(
    "the a an is are was were my your you i we it this that not no don't can't please "
    "and with for of to in on at have has been be will would could should what why how "
    "when where who hello hi thanks thank yes there their they me am do does did".split()
)
_INDONESIAN = frozenset(
    "saya aku kamu anda yang dan di ke dari ini itu tidak gak ga nggak enggak belum sudah "
    "udah sudah dengan untuk ada apa kenapa bagaimana gimana mau ingin tolong min kak pak bu "
    "halo terima kasih makasih iya ya bisa juga sama karena tapi nya lagi banget kok deh dong "
    "selamat pagi siang sore malam mohon".split()
)


def detect_language(text: str, default: str = "id") -> str:
    """`en` when the text has clearly more English function words than Indonesian ones."""
    words = _WORD.findall(text.casefold())
    english = sum(word in _ENGLISH for word in words)
    indonesian = sum(word in _INDONESIAN for word in words)
    if english > indonesian:
        return "en"
    if indonesian > english:
        return "id"
    return default
