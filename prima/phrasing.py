"""The positive-phrasing check: every message the bot can send, rendered and inspected."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from jinja2 import TemplateError

from actions.acknowledge import Reply
from prima.rendering import TEMPLATES_DIR, Renderer, to_plain_text

PHRASES_FILE = TEMPLATES_DIR / "phrases.yml"
MAX_MESSAGE_LENGTH = 600
_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")


@dataclass(frozen=True, slots=True)
class Finding:
    language: str
    template: str
    problem: str

    def __str__(self) -> str:
        return f"{self.language}/{self.template}: {self.problem}"


def load_phrases(path: Path = PHRASES_FILE) -> dict[str, list[str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(lang): [str(p).casefold() for p in phrases] for lang, phrases in data.items()}


def damaging_phrases(text: str, phrases: list[str]) -> list[str]:
    """The listed phrases that occur in `text` as whole words (case ignored)."""
    folded = " ".join(re.findall(r"[\w']+", text.casefold().replace("\u2019", "'")))
    return [p for p in phrases if re.search(rf"(?<![\w']){re.escape(p)}(?![\w'])", folded)]


# Representative contexts: each template is rendered with every one of these.
SAMPLE_CONTEXTS: list[dict[str, Any]] = [
    {"name": None, "references": [], "categories": []},
    {
        "name": "Siti <Rahayu> & Co",
        "references": ["PRM-7K3Q", "INV/2024/11/0042"],
        "categories": ["mechanical", "attitudinal", "service", "unusual"],
    },
]


ContextFor = Callable[[str], dict[str, Any]]


def check_templates(
    renderer: Renderer,
    context_for: ContextFor,
    phrases: dict[str, list[str]] | None = None,
    max_length: int = MAX_MESSAGE_LENGTH,
) -> list[Finding]:
    """Render every template in every language with sample contexts; report what is wrong.

    `context_for(language)` gives the service-wide values (opening hours, ...) to render with.
    """
    phrases = phrases if phrases is not None else load_phrases()
    return list(_findings(renderer, context_for, phrases, max_length))


def _findings(
    renderer: Renderer, context_for: ContextFor, phrases: dict[str, list[str]], max_length: int
) -> Iterator[Finding]:
    languages = renderer.languages()
    all_names = {lang: set(renderer.template_names(lang)) for lang in languages}
    every = set().union(*all_names.values()) if all_names else set()
    for lang in languages:
        for missing in sorted(every - all_names[lang]):
            yield Finding(lang, missing, "template missing in this language")
        for name in sorted(all_names[lang]):
            for context in SAMPLE_CONTEXTS:
                try:
                    message = renderer.render(lang, Reply(name), **{**context_for(lang), **context})
                except TemplateError as exc:
                    yield Finding(lang, name, f"does not render: {exc}")
                    break
                plain = to_plain_text(message)
                for phrase in damaging_phrases(plain, phrases.get(lang, [])):
                    yield Finding(lang, name, f"damaging phrase {phrase!r}")
                if len(plain) > max_length:
                    yield Finding(lang, name, f"{len(plain)} characters, over {max_length}")
                if _PLACEHOLDER.search(message):
                    yield Finding(lang, name, "unrendered placeholder")
                if not plain.strip():
                    yield Finding(lang, name, "renders empty")
