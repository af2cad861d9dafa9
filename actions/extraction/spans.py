"""Spans of a message: where a value was found, how it is trimmed, and masking what is used."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from prima.core.complaint import Entity

# Words that carry no content at the edges of a span: politeness, particles, address words.
FILLER = frozenset(
    """
    tolong tlg tolonglah mohon mhn harap please pls plis plz dong donk dong2 ya yah yaa yak iya
    min mimin admin kak ka kakak gan sis bro mas mbak mba pak bu bang deh sih nih tuh loh lho kok
    kah lah aja saja ok oke okay thanks thx makasih terima kasih gitu
    """.split()
)
_EDGE_PUNCT = " \t\n,.;:!?-–—~*\"'()[]{}…🙏"
_WORD = re.compile(r"\w[\w'-]*", re.UNICODE)
_WORD_BEFORE = re.compile(r"([\w-]+)\s+$")


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of the message: [start, end) and the text found there."""

    start: int
    end: int
    text: str

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end


def word_before(text: str, end: int) -> re.Match[str] | None:
    """The word right before `end`, with the spaces after it ("AC" in "AC |Daikin"): its
    group 1; None when `end` follows no space or no word."""
    return _WORD_BEFORE.search(text[:end])


def entity_spans(text: str, entities: Sequence[Entity], name: str) -> list[Span]:
    """The spans of the named entity, with offsets checked against the text."""
    spans = []
    for e in entities:
        if e.entity != name:
            continue
        if 0 <= e.start < e.end <= len(text) and text[e.start : e.end] == e.value:
            spans.append(Span(e.start, e.end, e.value))
        else:
            at = text.find(e.value)
            if at >= 0:
                spans.append(Span(at, at + len(e.value), e.value))
    return spans


def regex_spans(pattern: re.Pattern[str], text: str, group: int | str = 0) -> list[Span]:
    """Every match of the pattern (its group) as a span."""
    return [
        Span(m.start(group), m.end(group), m.group(group))
        for m in pattern.finditer(text)
        if m.group(group)
    ]


def mask(text: str, spans: Iterable[Span]) -> str:
    """The text with the spans blanked out, offsets unchanged."""
    chars = list(text)
    for s in spans:
        chars[s.start : s.end] = " " * (s.end - s.start)
    return "".join(chars)


def outside(spans: Iterable[Span], used: Sequence[Span]) -> list[Span]:
    """The spans that overlap none of the used ones."""
    return [s for s in spans if not any(s.overlaps(u) for u in used)]


def longest_first(spans: Iterable[Span]) -> list[Span]:
    """Overlapping spans reduced to the longest of each overlap, in text order."""
    kept: list[Span] = []
    for s in sorted(spans, key=lambda s: (-(s.end - s.start), s.start)):
        if not any(s.overlaps(k) for k in kept):
            kept.append(s)
    return sorted(kept, key=lambda s: s.start)


def merged(text: str, spans: Iterable[Span]) -> list[Span]:
    """Overlapping spans joined into one each (their union), in text order."""
    runs: list[Span] = []
    for s in sorted(spans, key=lambda s: (s.start, -s.end)):
        if runs and s.start < runs[-1].end:
            last = runs[-1]
            end = max(last.end, s.end)
            runs[-1] = Span(last.start, end, text[last.start : end])
        else:
            runs.append(s)
    return runs


def trim(text: str, start: int, end: int) -> Span | None:
    """The span [start, end) of the text without edge punctuation and filler words."""
    while True:
        while start < end and text[start] in _EDGE_PUNCT:
            start += 1
        while end > start and text[end - 1] in _EDGE_PUNCT:
            end -= 1
        first = _WORD.match(text, start)
        if first and first.end() <= end and first.group().casefold() in FILLER:
            start = first.end()
            continue
        last = _last_word(text, start, end)
        if last and last.group().casefold() in FILLER:
            end = last.start()
            continue
        break
    return Span(start, end, text[start:end]) if start < end else None


def _last_word(text: str, start: int, end: int) -> re.Match[str] | None:
    found = None
    for m in _WORD.finditer(text, start, end):
        found = m
    return found if found and found.end() == end else None


def joined(text: str, spans: Sequence[Span], connectors: frozenset[str]) -> str | None:
    """The spans as one value: a run of the text where only connector words lie between
    neighbours ("rumah saya di Bekasi"), else the distinct values joined by commas."""
    if not spans:
        return None
    parts: list[str] = []
    run = spans[0]
    for s in spans[1:]:
        gap = text[run.end : s.start]
        words = [w.casefold() for w in _WORD.findall(gap)]
        if len(words) <= 3 and all(w in connectors for w in words) and "\n" not in gap:
            run = Span(run.start, s.end, text[run.start : s.end])
        else:
            parts.append(run.text)
            run = s
    parts.append(run.text)
    distinct = list(dict.fromkeys(parts))
    return ", ".join(distinct)
