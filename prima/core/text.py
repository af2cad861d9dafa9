"""Cleaning what a customer typed before it is classified."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_WHITESPACE = re.compile(r"\s+")


class EmptyTextError(ValueError):
    """The message has nothing to classify (empty, whitespace or control characters only)."""


@dataclass(frozen=True, slots=True)
class Utterance:
    text: str
    truncated: bool


def clean_utterance(raw: str, max_length: int) -> Utterance:
    """Drop control characters, collapse whitespace and clip to `max_length` characters.

    Clipping happens at a word boundary when one is near, so a long message keeps its opening,
    which is where customers state what is wrong.
    """
    if max_length < 1:
        raise ValueError("max_length must be positive")
    visible = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch
        for ch in raw
        if unicodedata.category(ch) not in ("Cf", "Cs", "Co", "Cn") or ch in "\u200d"
    )
    text = _WHITESPACE.sub(" ", visible).strip()
    if not text:
        raise EmptyTextError("the message is empty")
    if len(text) <= max_length:
        return Utterance(text, truncated=False)
    clipped = text[:max_length]
    boundary = clipped.rfind(" ")
    if boundary >= max_length * 0.8:
        clipped = clipped[:boundary]
    return Utterance(clipped.rstrip(), truncated=True)
