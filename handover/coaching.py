"""Positive-phrasing coaching for agents: damaging phrases found, and better wordings (pure).

The phrases are the same list the template check uses (`templates/phrases.yml`); the better
wordings are data too (`templates/coaching.yml`), so an operator can extend both.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from prima.phrasing import PHRASES_FILE, damaging_phrases, load_phrases
from prima.rendering import TEMPLATES_DIR

COACHING_FILE = TEMPLATES_DIR / "coaching.yml"


@dataclass(frozen=True, slots=True)
class Advice:
    """A damaging phrase in an agent's message, and what to say instead."""

    phrase: str
    better: str


@dataclass(frozen=True, slots=True)
class Coach:
    phrases: dict[str, list[str]]  # language -> damaging phrases
    better: dict[str, dict[str, str]]  # language -> phrase -> better wording
    fallback: dict[str, str]  # language -> general advice when no wording is listed

    @classmethod
    def load(cls, phrases: Path = PHRASES_FILE, coaching: Path = COACHING_FILE) -> Coach:
        data = yaml.safe_load(coaching.read_text(encoding="utf-8")) or {}
        better = {
            str(lang): {str(k).casefold(): str(v) for k, v in (section.get("better") or {}).items()}
            for lang, section in data.items()
        }
        fallback = {str(lang): str(section.get("otherwise", "")) for lang, section in data.items()}
        return cls(load_phrases(phrases), better, fallback)

    def advise(self, text: str, language: str) -> list[Advice]:
        """The damaging phrases in `text` (any language's list), advice in `language`.

        A phrase inside a longer one found too (`tidak` in `anda tidak memahami`) is not
        repeated.
        """
        found: list[tuple[str, str]] = []
        for lang, phrases in self.phrases.items():
            found.extend((lang, p) for p in damaging_phrases(text, phrases))
        longest = [
            (lang, p)
            for lang, p in found
            if not any(p != q and f" {p} " in f" {q} " for _, q in found)
        ]
        return [Advice(p, self._better(lang, p, language)) for lang, p in longest]

    def _better(self, phrase_language: str, phrase: str, language: str) -> str:
        for lang in (phrase_language, language):
            wording = self.better.get(lang, {}).get(phrase)
            if wording:
                return wording
        return self.fallback.get(language) or self.fallback.get(phrase_language, "")
