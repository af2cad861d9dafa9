"""Rendering the bot's messages from Jinja2 templates (Telegram HTML), per language."""

from __future__ import annotations

import html
import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, select_autoescape

from prima.core.reply import Button, Email, Rendered, Reply

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
SUFFIX = ".html.j2"
LABELS_FILE = "labels.yml"
_BLANK_LINES = re.compile(r"\n{3,}")
_TAG = re.compile(r"<[^>]+>")


class Renderer:
    """One Jinja2 environment for every template: undefined variables are errors; messages
    (`*.html.j2`, Telegram HTML) and emails' HTML parts are escaped, emails' plain-text parts
    and subjects and the button labels are not.

    A language's messages are `templates/<language>/<audience>/<name>.html.j2` (customer,
    desk, supervisors) and are named by `<name>` alone; emails are
    `templates/<language>/email/<name>.{subject,txt,html}.j2`.
    """

    def __init__(self, root: Path = TEMPLATES_DIR, **base_context: Any) -> None:
        self._root = root
        self._base = base_context
        self._env = Environment(
            loader=FileSystemLoader(root),
            undefined=StrictUndefined,
            autoescape=select_autoescape(
                enabled_extensions=("html.j2",), default_for_string=False, default=False
            ),
            keep_trailing_newline=False,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self._labels = cache(self._load_labels)
        self._paths = cache(self._index)

    def languages(self) -> list[str]:
        return sorted(p.name for p in self._root.iterdir() if p.is_dir())

    def template_names(self, language: str) -> list[str]:
        return sorted(self._paths(language))

    def label_names(self, language: str) -> list[str]:
        return sorted(self._labels(language))

    def render(self, language: str, reply: Reply, **context: Any) -> str:
        """The message text (Telegram HTML) of `reply`, its lead first."""
        values = {**self._base, **context, **reply.context}
        parts = [reply.lead, reply.template] if reply.lead else [reply.template]
        paths = self._paths(language)
        texts = [self._env.get_template(paths[name]).render(values) for name in parts]
        return _BLANK_LINES.sub("\n\n", "\n\n".join(t.strip() for t in texts))

    def label(self, language: str, button: Button) -> str:
        """A button's label: plain text (Telegram shows labels literally)."""
        template = self._labels(language)[button.label]
        return template.render({**self._base, **button.context}).strip()

    def message(self, language: str, reply: Reply, **context: Any) -> Rendered:
        buttons = tuple(
            tuple((self.label(language, b), b.data) for b in row) for row in reply.buttons
        )
        return Rendered(self.render(language, reply, **context), buttons)

    def email_names(self, language: str) -> list[str]:
        folder = self._root / language / "email"
        return sorted(p.name.removesuffix(".txt.j2") for p in folder.glob("*.txt.j2"))

    def email(self, language: str, template: str, /, **context: Any) -> Email:
        """An email from `<language>/email/<template>.{subject,txt,html}.j2`."""
        values = {**self._base, **context}

        def part(kind: str) -> str:
            found = self._env.get_template(f"{language}/email/{template}.{kind}.j2")
            return found.render(values).strip()

        subject = " ".join(part("subject").split())  # one line, whatever the template does
        return Email(subject, part("txt") + "\n", part("html") + "\n")

    def _load_labels(self, language: str) -> dict[str, Template]:
        path = self._root / language / LABELS_FILE
        data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
        # Labels are plain text on Telegram: no HTML escaping (strings are not escaped).
        return {str(k): self._env.from_string(str(v)) for k, v in (data or {}).items()}

    def _index(self, language: str) -> dict[str, str]:
        """Each message's name and its path under the root, whatever its audience folder."""
        paths: dict[str, str] = {}
        for path in sorted((self._root / language).rglob(f"*{SUFFIX}")):
            if path.parent.name == "email":  # an email's HTML part, not a message
                continue
            name = path.name.removesuffix(SUFFIX)
            if name in paths:
                raise ValueError(f"two templates named {name!r} in {language}: {paths[name]}")
            paths[name] = path.relative_to(self._root).as_posix()
        return paths


def to_plain_text(message: str) -> str:
    """A rendered (Telegram HTML) message as plain text, for the console."""
    return html.unescape(_TAG.sub("", message))
