"""The customer saying they said it already: "kan udah saya bilang", "as I said"."""

from __future__ import annotations

import re

from .spans import Span, regex_spans

_ALREADY_SAID = re.compile(
    r"(?i)\b(?:(?:kan|kn|loh|lho)\s+)?(?:(?:tadi|td)\s+)?(?:kan\s+)?(?:udah|udh|sudah|sdh|dah|uda)\s+"
    r"(?:(?:saya|sy|aku|gw|gue|gua)\s+)?(?:bilang|bilangin|dibilang|sebut|sebutin|disebut|"
    r"kasih\s+tau|kasih\s+tahu|kasi\s+tau|dikasih\s+tau|jelasin|jelaskan|dijelasin|dijelaskan|"
    r"tulis|ditulis|kirim|dikirim|sampaikan|disampaikan|katakan|infoin|diinfo|ngomong|omongin)"
    r"(?:\s+(?:tadi|td|di\s+atas|diatas|sebelumnya|kok|loh|lho|dong|kan))*"
    r"|\b(?:as|like)\s+i\s+(?:said|mentioned|told\s+you|wrote|explained)(?:\s+(?:before|earlier))?"
    r"|\bi\s+(?:already|have\s+already|'ve\s+already)\s+(?:told\s+you|said|mentioned|explained|"
    r"wrote)(?:\s+(?:that|this|it|before|earlier|above))*"
    r"|\bi\s+(?:told\s+you|said\s+(?:that|it))\s+already\b|\balready\s+(?:told\s+you|said|mentioned)"
)


def find_already_said(text: str) -> list[Span]:
    """Where the message says it was said before; empty if it does not."""
    return regex_spans(_ALREADY_SAID, text)
