"""The complaint in the customer's own words, without greetings, mentions and closing pleas."""

from __future__ import annotations

import re

_ADDRESS = (
    r"min|mimin|admin|kak|ka|kakak|gan|agan|sis|bro|pak|bu|bapak|ibu|mas|mbak|mba|bang|team|tim|"
    r"cs|sir|madam|all|semua|everyone"
)
_GREETING = re.compile(
    rf"(?i)^\s*(?:(?:(?:halo|hallo|helo|hello|hai|hi|hey|hei|permisi|punten|assalamu'?alaikum"
    rf"(?:\s+wr\.?\s*wb\.?)?|salam|selamat\s+(?:pagi|siang|sore|malam)|"
    rf"(?:pagi|siang|sore|malam)(?=\s*(?:(?:{_ADDRESS})\b|[,!.]))|"
    rf"good\s+(?:morning|afternoon|evening)|dear)\b(?:\s+(?:{_ADDRESS})\b)*|(?:{_ADDRESS})\b(?=\s*[,!.]))"
    rf"[\s,.!~-]*)+"
)
_MENTION = re.compile(r"(?<![\w@])@\w+")
_CLOSER = re.compile(
    rf"(?i)(?:[\s,]*\b(?:(?:tolong|tlg|mohon|mhn|please|pls|plis)\s+(?:(?:di)?bantu(?:in)?|"
    rf"bantuan(?:nya)?|help|ditindaklanjuti|ditindak\s+lanjuti|segera\s+diproses)|"
    rf"(?:terima\s*kasih|makasih|trims|thanks|thank\s+you|thx|tq|tks)(?:\s+banyak)?)"
    rf"(?:\s+(?:ya|yah|yaa|dong|ya\s+dong|segera|banyak|sebelumnya|before|in\s+advance|"
    rf"{_ADDRESS}))*[\s,.!🙏😭😢🙂😊]*)+$"
)
_EMOJI_TAIL = re.compile(r"[\s🙏😭😢😡😤🙂😊👍]+$")
_REPEATED_MARKS = re.compile(r"([!?,])\1+|\.{4,}")
# A stretched letter ("lamaaa"): lower case only (not "III"), and never inside a link.
_STRETCHED = re.compile(r"([a-z])\1{2,}")
_LINK = re.compile(r"\S*[./@]\S*")
_SPACES = re.compile(r"[ \t]+")


def describe(text: str) -> str:
    """The message cleaned of filler; the words themselves are kept as written."""
    out = _MENTION.sub("", text)
    out = _GREETING.sub("", out)
    previous = None
    while previous != out:
        previous = out
        out = _CLOSER.sub("", out)
        out = _EMOJI_TAIL.sub("", out)
    out = _REPEATED_MARKS.sub(lambda m: m.group(1) or "...", out)
    out = " ".join(
        word if _LINK.fullmatch(word) else _STRETCHED.sub(r"\1", word) for word in out.split(" ")
    )
    out = _SPACES.sub(" ", out)
    out = re.sub(r"\s+([,.!?])", r"\1", out)
    out = "\n".join(line.strip() for line in out.splitlines() if line.strip())
    return out.strip(" ,;-")
