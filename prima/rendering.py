"""Rendering the bot's messages from Jinja2 templates (Telegram HTML), per language."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from actions.acknowledge import Reply

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
SUFFIX = ".html.j2"
_BLANK_LINES = re.compile(r"\n{3,}")
_TAG = re.compile(r"<[^>]+>")


class Renderer:
    """One Jinja2 environment: undefined variables are errors, values are HTML-escaped."""

    def __init__(self, root: Path = TEMPLATES_DIR, **base_context: Any) -> None:
        self._root = root
        self._base = base_context
        self._env = Environment(
            loader=FileSystemLoader(root),
            undefined=StrictUndefined,
            autoescape=True,
            keep_trailing_newline=False,
            trim_blocks=True,
            lstrip_blocks=True,
        )

    def languages(self) -> list[str]:
        return sorted(p.name for p in self._root.iterdir() if p.is_dir())

    def template_names(self, language: str) -> list[str]:
        return sorted(
            p.name.removesuffix(SUFFIX) for p in (self._root / language).glob(f"*{SUFFIX}")
        )

    def render(self, language: str, reply: Reply, **context: Any) -> str:
        template = self._env.get_template(f"{language}/{reply.template}{SUFFIX}")
        text = template.render({**self._base, **reply.context, **context})
        return _BLANK_LINES.sub("\n\n", text.strip())


def to_plain_text(message: str) -> str:
    """A rendered (Telegram HTML) message as plain text, for the console."""
    return html.unescape(_TAG.sub("", message))
