from pathlib import Path
from typing import Any

import pytest

from prima.bootstrap import Runtime
from prima.config import ServiceConfig
from prima.core.reply import Reply
from prima.phrasing import check_templates, damaging_phrases, load_phrases
from prima.rendering import Renderer
from prima.settings import Settings


def runtime() -> Runtime:
    return Runtime(Settings(_env_file=None), ServiceConfig())  # type: ignore[call-arg]


def test_every_shipped_template_passes_the_positive_phrasing_check() -> None:
    rt = runtime()
    assert check_templates(rt.renderer(), rt.reply_context) == []


def test_the_damaging_phrases_from_the_domain_are_listed() -> None:
    phrases = load_phrases()
    for phrase in ("tunggu sebentar", "itu bukan tanggung jawab saya", "masalah", "tidak"):
        assert phrase in phrases["id"]
    for phrase in ("wait a moment", "what you need to do is", "problem", "but"):
        assert phrase in phrases["en"]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Mohon TUNGGU sebentar ya.", ["tunggu sebentar"]),
        ("Itu bukan tanggung jawab saya.", ["itu bukan tanggung jawab saya"]),
        ("Maaf, tidak bisa.", ["tidak"]),
        ("Mohon maaf atas ketidaknyamanannya.", []),  # whole words only
        ("I’m sorry, but that won’t work", ["but", "won't"]),
        ("Nobody can see your notes", []),
    ],
)
def test_phrases_match_whole_words_ignoring_case(text: str, found: list[str]) -> None:
    phrases = load_phrases()
    assert damaging_phrases(text, phrases["id"] + phrases["en"]) == found


def write_templates(root: Path, templates: dict[str, dict[str, str]]) -> Renderer:
    for language, files in templates.items():
        (root / language).mkdir(parents=True)
        for name, body in files.items():
            (root / language / f"{name}.html.j2").write_text(body)
    return Renderer(root)


def context(language: str) -> dict[str, Any]:
    return {}


def test_a_damaging_template_is_reported(tmp_path: Path) -> None:
    renderer = write_templates(
        tmp_path,
        {"id": {"hold": "Tunggu sebentar, {{ name or 'Kak' }}."}, "en": {"hold": "One moment."}},
    )
    problems = [str(f) for f in check_templates(renderer, context)]
    assert "id/hold: damaging phrase 'tunggu sebentar'" in problems


def test_long_unrendered_and_missing_templates_are_reported(tmp_path: Path) -> None:
    renderer = write_templates(
        tmp_path,
        {
            "id": {"long": "kata " * 200, "raw": "Halo {{ '{{' }} nama }}", "only_id": "Halo"},
            "en": {"long": "Hi", "raw": "Hi"},
        },
    )
    problems = [str(f) for f in check_templates(renderer, context)]
    assert any(p.startswith("id/long: 999 characters") or "over 600" in p for p in problems)
    assert "id/raw: unrendered placeholder" in problems
    assert "en/only_id: template missing in this language" in problems


def test_a_template_using_an_unknown_variable_is_reported(tmp_path: Path) -> None:
    renderer = write_templates(tmp_path, {"id": {"x": "Halo {{ nickname }}"}})
    problems = [str(f) for f in check_templates(renderer, context)]
    assert problems == ["id/x: does not render: 'nickname' is undefined"]


def test_customer_text_is_escaped_for_telegram_html() -> None:
    rt = runtime()

    message = rt.renderer().render(
        "id", Reply("greet"), **(rt.reply_context("id") | {"name": "<b>Budi</b> & co"})
    )
    assert "&lt;b&gt;Budi&lt;/b&gt; &amp; co" in message
    assert "<b>Prima</b>" in message


def test_every_button_label_is_checked_too() -> None:
    rt = runtime()
    renderer = rt.renderer()
    phrases = {"id": ["lewati"], "en": []}
    findings = check_templates(renderer, rt.reply_context, phrases=phrases)
    assert any("label skip" in str(f) for f in findings)


def test_a_summary_echoes_the_customers_words_escaped() -> None:
    rt = runtime()
    reply = Reply(
        "summary",
        {
            "category": "service",
            "answers": [{"need": "description", "value": "<b>dobel</b> & telat"}],
            "resolution": None,
            "notes": [],
            "attachments": 0,
        },
    )
    text = rt.renderer().render("id", reply, **rt.reply_context("id"))
    assert "&lt;b&gt;dobel&lt;/b&gt; &amp; telat" in text
