"""Reading short answers typed instead of pressing a button (yes, no, skip, 1–4, ratings)."""

from __future__ import annotations

import re

from prima.core.conversation import Rating

_WORDS = re.compile(r"[\w']+")

_YES = frozenset(
    "ya iya iyaa yes yep yup ok oke okay okey benar betul bener sudah udah sip siap setuju "
    "correct right sure confirm lanjut".split()
)
_NO = frozenset(
    "tidak tdk gak ga nggak enggak engga bukan no nope salah keliru ubah ganti koreksi wrong "
    "change edit incorrect".split()
)
_SKIP = frozenset("skip lewati lewat lanjut - tidak_ada none n/a".split())
_SKIP_PHRASES = (
    "tidak ada",
    "gak ada",
    "ga ada",
    "nggak ada",
    "tidak tahu",
    "gak tahu",
    "ga tau",
    "gak tau",
    "nggak tau",
    "tidak tau",
    "don't know",
    "dont know",
    "no idea",
    "gatau",
    "gtau",
    "gktau",
    "gk tau",
    "ga tahu",
    "lupa",
    "ga inget",
    "gak inget",
    "nggak inget",
    "tidak ingat",
    "entah",
    "idk",
    "dunno",
    "not sure",
    "none",
    "skip",
    "lewati",
    "-",
)
_NEW = frozenset("baru new lain another other different beda".split())


def _words(text: str) -> list[str]:
    return _WORDS.findall(text.casefold())


def is_yes(text: str) -> bool:
    """A short confirmation: "ya", "betul", "sudah benar", "yes, correct"."""
    words = _words(text)
    return 0 < len(words) <= 4 and words[0] in _YES and not any(w in _NO for w in words)


def is_no(text: str) -> bool:
    """A short refusal or a wish to change something: "bukan", "salah", "no, change it"."""
    words = _words(text)
    return 0 < len(words) <= 4 and any(w in _NO for w in words[:2])


def is_skip(text: str) -> bool:
    folded = " ".join(text.casefold().split()).strip(" .!")
    return folded in _SKIP_PHRASES or folded in _SKIP


def is_new(text: str) -> bool:
    """The customer says a complaint is a new one ("baru", "yang lain", "new")."""
    words = _words(text)
    return 0 < len(words) <= 4 and any(w in _NEW for w in words)


def choice_number(text: str, count: int) -> int | None:
    """A number 1..count typed alone (as "2" or "2."), as a 0-based index."""
    match = re.fullmatch(r"\s*(\d{1,2})\s*[.)]?\s*", text)
    if not match:
        return None
    number = int(match.group(1))
    return number - 1 if 1 <= number <= count else None


def rating_from_text(text: str) -> Rating | None:
    """A satisfaction level typed as 1–3 or in words (Indonesian or English)."""
    folded = " ".join(_words(text))
    if (index := choice_number(text, 3)) is not None:
        return list(Rating)[index]
    if re.search(r"\b(sangat puas|puas banget|very satisfied|very happy|excellent)\b", folded):
        return Rating.SANGAT_PUAS
    if re.search(
        r"\b(kurang puas|tidak puas|gak puas|not satisfied|unsatisfied|dissatisfied)\b", folded
    ):
        return Rating.KURANG_PUAS
    if re.search(r"\b(puas|satisfied|good|happy)\b", folded):
        return Rating.PUAS
    return None
