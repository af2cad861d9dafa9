"""The positive-phrasing check: every message the bot can send, rendered and inspected."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from jinja2 import TemplateError

from prima.core.reply import Button, Reply
from prima.rendering import TEMPLATES_DIR, Renderer, to_plain_text

PHRASES_FILE = TEMPLATES_DIR / "phrases.yml"
SAMPLES_FILE = TEMPLATES_DIR / "samples.yml"
MAX_MESSAGE_LENGTH = 600
MAX_LABEL_LENGTH = 40
_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")
# Quoted material (a customer's or an agent's words shown to staff) is not the bot's wording.
_QUOTED = re.compile(r"<(blockquote|code)>.*?</\1>", re.DOTALL)
_ISO_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?([+-]\d\d:\d\d|Z)$")
# Block-level HTML (emails) ends a line: "</p><p>" is a paragraph break, not glued words.
_BLOCK_TAG = re.compile(r"</?(?:p|div|li|ul|ol|tr|table|h[1-6]|br|hr|body|html)\b[^>]*>", re.I)
# Addresses keep their dots, capitals and %XX escapes; they are not sentences.
_ADDRESS = re.compile(
    r"\b[a-z][a-z\d+.-]*://\S+|\bwww\.\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE
)
# Words run together, the mark of a line break lost to `trim_blocks` (docs/redesign-plan.md §7).
# Each alternative is one way a line's end meets the next line's start:
GLUED = re.compile(
    # A sentence end right before a capital: "membantu.Pesan", "ditangani;Kami", "(87%)Jenis".
    # Not after an abbreviation (a capitalised word of 1-3 letters or dotted letters: "Jl.Sudirman",
    # "Yth.Kabag", "a.n.Budi", "U.S.A"), nor a time or an amount ("08.00", "Rp2.000": no capital).
    r"(?P<sentence>"
    r"(?<=[a-z\d)%»”\"'])(?:(?<!\b[A-Z][a-z])(?<!\b[A-Z][a-z]{2})(?<!\.[a-z])\.|[!?;])"
    r"[)\]\"'»”’]?(?=[A-Z«“])"
    r"|(?<=[a-z\d%])\)(?=[A-Z][a-z]))"
    # A colon right before a numbered item: "tangani:1. PRM-7K3Q" (not "08:00. ").
    r"|(?P<numbered>(?<=[^\s\d]):(?=\d+[.)]\s))"
    # A bullet after something other than a space, or run into its word: "ditangani• PRM", "•Jenis".
    r"|(?P<bullet>(?<=\S)•|•(?=\w))"
    # A lower-case word run into a capitalised one: "petugasKabar" (not "WhatsApp", "iPhone").
    r"|(?P<words>\b[a-z]{3,}(?=[A-Z][a-z]))"
)

# Each message is rendered without the customer's name and with one full of markup.
NAMES: tuple[str | None, ...] = (None, "Siti <Rahayu> & Co")


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


def load_samples(path: Path = SAMPLES_FILE) -> dict[str, list[dict[str, Any]]]:
    """Per-template sample contexts, with ISO datetime strings turned into datetimes."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {} if path.exists() else {}
    return {str(name): [_parse_dates(c) for c in contexts] for name, contexts in data.items()}


def _parse_dates(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _parse_dates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_parse_dates(v) for v in value]
    if isinstance(value, str) and _ISO_DATETIME.match(value):
        return datetime.fromisoformat(value)
    return value


def damaging_phrases(text: str, phrases: list[str]) -> list[str]:
    """The listed phrases that occur in `text` as whole words (case ignored)."""
    folded = " ".join(re.findall(r"[\w']+", text.casefold().replace("\u2019", "'")))
    return [p for p in phrases if re.search(rf"(?<![\w']){re.escape(p)}(?![\w'])", folded)]


def glued(text: str) -> list[str]:
    """Where words in `text` (plain text) run together, each with the text around it."""
    plain = _ADDRESS.sub(" ", text)
    return [
        " ".join(plain[max(0, m.start() - 15) : m.end() + 15].split())
        for m in GLUED.finditer(plain)
    ]


def _own_words(message: str) -> str:
    """A rendered message as plain text, without what it quotes."""
    return to_plain_text(_QUOTED.sub(" ", message))


def email_words(html: str) -> str:
    """An email's HTML part as plain text, one line per block, without what it quotes."""
    return to_plain_text(_BLOCK_TAG.sub("\n", _QUOTED.sub(" ", html)))


ContextFor = Callable[[str], dict[str, Any]]


def check_templates(
    renderer: Renderer,
    context_for: ContextFor,
    phrases: dict[str, list[str]] | None = None,
    max_length: int = MAX_MESSAGE_LENGTH,
    samples: dict[str, list[dict[str, Any]]] | None = None,
) -> list[Finding]:
    """Render every template and button label in every language; report what is wrong.

    `context_for(language)` gives the service-wide values (opening hours, ...) to render with.
    """
    phrases = phrases if phrases is not None else load_phrases()
    samples = samples if samples is not None else load_samples()
    findings = [
        *_message_findings(renderer, context_for, phrases, max_length, samples),
        *_label_findings(renderer, phrases),
        *_email_findings(renderer, context_for, phrases, samples),
    ]
    return list(dict.fromkeys(findings))  # the same finding from several samples, once


def _glue_findings(language: str, template: str, text: str) -> Iterator[Finding]:
    for excerpt in glued(text):
        yield Finding(language, template, f"words run together: {excerpt!r}")


def _email_findings(
    renderer: Renderer,
    context_for: ContextFor,
    phrases: dict[str, list[str]],
    samples: dict[str, list[dict[str, Any]]],
) -> Iterator[Finding]:
    """Emails (`<lang>/email/*`): rendered with the samples of `email/<name>`, or else those
    of the Telegram message of the same name (`escalation` -> `escalation_alert`)."""
    for lang in renderer.languages():
        for name in renderer.email_names(lang):
            label = f"email/{name}"
            contexts = samples.get(label) or samples.get(f"{name}_alert") or [{}]
            for context in contexts:
                try:
                    email = renderer.email(lang, name, **{**context_for(lang), **context})
                except TemplateError as exc:
                    yield Finding(lang, label, f"does not render: {exc}")
                    break
                for part in (email.subject, email.text, to_plain_text(email.html)):
                    for phrase in damaging_phrases(part, phrases.get(lang, [])):
                        yield Finding(lang, label, f"damaging phrase {phrase!r}")
                    if _PLACEHOLDER.search(part):
                        yield Finding(lang, label, "unrendered placeholder")
                for part in (email.subject, email.text, email_words(email.html)):
                    yield from _glue_findings(lang, label, part)
                if not email.subject or not email.text.strip():
                    yield Finding(lang, label, "renders empty")


def _message_findings(
    renderer: Renderer,
    context_for: ContextFor,
    phrases: dict[str, list[str]],
    max_length: int,
    samples: dict[str, list[dict[str, Any]]],
) -> Iterator[Finding]:
    languages = renderer.languages()
    all_names = {lang: set(renderer.template_names(lang)) for lang in languages}
    every = set().union(*all_names.values()) if all_names else set()
    for lang in languages:
        for missing in sorted(every - all_names[lang]):
            yield Finding(lang, missing, "template missing in this language")
        for name in sorted(all_names[lang]):
            contexts = [
                {**sample, "name": customer}
                for sample in samples.get(name, [{}])
                for customer in NAMES
            ]
            for context in contexts:
                try:
                    message = renderer.render(lang, Reply(name), **{**context_for(lang), **context})
                except TemplateError as exc:
                    yield Finding(lang, name, f"does not render: {exc}")
                    break
                plain = to_plain_text(message)
                for phrase in damaging_phrases(_own_words(message), phrases.get(lang, [])):
                    yield Finding(lang, name, f"damaging phrase {phrase!r}")
                if len(plain) > max_length:
                    yield Finding(lang, name, f"{len(plain)} characters, over {max_length}")
                if _PLACEHOLDER.search(message):
                    yield Finding(lang, name, "unrendered placeholder")
                yield from _glue_findings(lang, name, _own_words(message))
                if not plain.strip():
                    yield Finding(lang, name, "renders empty")


def _label_findings(renderer: Renderer, phrases: dict[str, list[str]]) -> Iterator[Finding]:
    languages = renderer.languages()
    all_labels = {lang: set(renderer.label_names(lang)) for lang in languages}
    every = set().union(*all_labels.values()) if all_labels else set()
    for lang in languages:
        for missing in sorted(every - all_labels[lang]):
            yield Finding(lang, f"label {missing}", "label missing in this language")
        for key in sorted(all_labels[lang]):
            try:
                label = renderer.label(
                    lang, Button(key, "x", {"reference": "PRM-7K3Q", "agent": "Rina"})
                )
            except TemplateError as exc:
                yield Finding(lang, f"label {key}", f"does not render: {exc}")
                continue
            for phrase in damaging_phrases(label, phrases.get(lang, [])):
                yield Finding(lang, f"label {key}", f"damaging phrase {phrase!r}")
            if not label or len(label) > MAX_LABEL_LENGTH:
                yield Finding(lang, f"label {key}", f"label length {len(label)}")
            yield from _glue_findings(lang, f"label {key}", label)
