import argparse
from pathlib import Path
from typing import Any

import pytest

from prima.bootstrap import Runtime
from prima.cli import EXIT_FAILURE, _lint_templates
from prima.config import ServiceConfig
from prima.core.reply import Reply
from prima.phrasing import (
    GLUED,
    check_templates,
    damaging_phrases,
    email_words,
    glued,
    load_phrases,
    load_samples,
)
from prima.rendering import Renderer, to_plain_text
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


# Words run together: one good and one glued string for each alternative of the rule.
@pytest.mark.parametrize(
    ("kind", "good", "bad"),
    [
        ("sentence", "Rina yang membantu.\nPesan Anda", "Rina yang membantu.Pesan Anda"),
        ("sentence", "Silakan tekan Ambil kasus.\nRina, Dewi", "tekan Ambil kasus.Rina, Dewi"),
        ("sentence", "Sari (Kasubag).\nPelanggan", "Sari (Kasubag).Pelanggan"),
        ("sentence", "Siap? Ya", "Siap?Ya"),
        ("sentence", "(keyakinan 87%)\nJenis", "(keyakinan 87%)Jenis"),
        ("numbered", "sedang kami tangani:\n1. PRM-7K3Q", "sedang kami tangani:1. PRM-7K3Q"),
        ("numbered", "the right record:\n2) A new one", "the right record:2) A new one"),
        ("bullet", "(keyakinan 87%)\n• Pelanggan", "(keyakinan 87%)• Pelanggan"),
        ("bullet", "sedang ditangani\n• PRM-2M8D", "sedang ditangani• PRM-2M8D"),
        ("bullet", "• Jenis: perangkat", "•Jenis: perangkat"),
        ("words", "menunggu petugas\nKabar selanjutnya", "menunggu petugasKabar selanjutnya"),
        ("words", "a staff member\nWe will send", "a staff memberWe will send"),
    ],
)
def test_words_run_together_are_found(kind: str, good: str, bad: str) -> None:
    assert glued(good) == []
    found = GLUED.search(bad)
    assert found is not None and found.lastgroup == kind
    assert len(glued(bad)) == 1


@pytest.mark.parametrize(
    "text",
    [
        "Kasus PRM-7K3Q sudah dibuka. Kode PRM-2M8D.",
        "Jam layanan Senin–Jumat 08.00–16.00; pukul 10:30. Kami",
        "Biaya Rp2.000 atau Rp1.500.000 per bulan",
        "keyakinan 87% dan 100%Halal",
        "Jl.Sudirman No.7, Yth.Kabag, Dr.Rina, a.n.Budi, U.S.A., i.e.Tomorrow",
        "Situs: https://layanan.example.go.id/Info/%E2%80%93Baru?Q=1 atau www.Example.com/Help",
        "Email: Info.Desk@Example.Go.Id",
        "Hubungi kami lewat WhatsApp, iPhone, JavaScript, LinkedIn atau macOS",
        "Rasio 3:1. Kami",
        "INV/2024/11/0042, sticker_pack, (021) 500-123, «Lewati», attachment(s)",
    ],
)
def test_abbreviations_codes_addresses_times_and_amounts_are_not_glued(text: str) -> None:
    assert glued(text) == []


def test_an_emails_blocks_are_lines_and_its_code_is_left_out() -> None:
    html = "<p>Sari (Kasubag).</p><p>Pelanggan</p><ul><li>A.</li><li>B</li></ul>x<br>Y"
    html += "<code>a.B</code>"
    assert glued(to_plain_text(html)) != []
    words = email_words(html)
    assert glued(words) == []
    assert "Sari (Kasubag).\n" in words and "a.B" not in words


def rendered(language: str, name: str, sample: int, **values: Any) -> str:
    rt = runtime()
    context = {**rt.reply_context(language), **load_samples()[name][sample], **values}
    return to_plain_text(rt.renderer().render(language, Reply(name), **context))


def test_the_takeover_notice_breaks_the_line_after_its_first_sentence() -> None:
    assert "yang membantu.\nPesan Anda di topik ini" in rendered("id", "desk_taken", 0)
    assert "Rina is helping.\nYour messages in this topic" in rendered("en", "desk_taken", 0)
    assert "yang membantu. Percakapannya ada di topik" in rendered("id", "desk_taken", 1)


def test_the_case_choice_starts_its_first_item_on_its_own_line() -> None:
    for language, intro in (("id", "sedang kami tangani:"), ("en", "we are working on:")):
        lines = rendered(language, "choose_case", 0).splitlines()
        at = next(i for i, line in enumerate(lines) if line.endswith(intro))
        assert lines[at + 1].startswith("1. PRM-7K3Q")
        assert lines[at + 2].startswith("2. PRM-2M8D")


def test_status_puts_each_case_and_the_closing_on_its_own_line() -> None:
    lines = rendered("id", "status", 1).splitlines()
    assert lines[0] == "Kasus Anda yang sedang berjalan:"
    assert lines[1].startswith("• PRM-7K3Q") and lines[1].endswith(": sedang ditangani")
    assert lines[2].startswith("• PRM-2M8D") and lines[2].endswith(": menunggu petugas")
    assert lines[3] == "Kabar selanjutnya akan kami kirim di sini."
    english = rendered("en", "status", 1).splitlines()
    assert english[2].endswith(": waiting for a staff member")
    assert english[3] == "We will send updates here."


def test_the_desk_card_keeps_one_line_per_fact_and_its_paragraphs() -> None:
    card = rendered("id", "desk_card", 0)
    assert card.startswith("Kasus PRM-7K3Q — menunggu petugas\n\n• Jenis:")
    assert "(keyakinan 87%)\n• Pelanggan: Budi <b>, bahasa id\n" in card
    assert "level eskalasi: 1\n\nPercakapan pelanggan" in card
    english = rendered("en", "desk_card", 1)
    assert "• Kind: general request\n• Customer:" in english
    assert "• Handled by: Rina Wulandari\n\nThe customer's conversation" in english


def test_the_waiting_notice_mentions_the_agents_on_a_line_of_their_own() -> None:
    assert rendered("id", "desk_waiting", 0).endswith("tekan Ambil kasus.\nRina, Dewi")
    assert rendered("en", "desk_waiting", 1).endswith("press Take the case.")


def test_written_paragraph_breaks_survive() -> None:
    assert "PRM-7K3Q.\n\nPetugas kami" in rendered("id", "case_opened", 0)
    assert "yang mana?\n\n1. Perangkat" in rendered("id", "clarify_category", 0)
    assert "meminta dilayani petugas\n\n• Kejadian" in rendered("id", "escalation_alert", 0)
    supervisor = rendered("en", "supervisor_case", 0)
    assert "escalation level 1\n\nCustomer: Budi" in supervisor
    assert "(business time: 4 jam)\n\n• What happened" in supervisor


def test_the_escalation_email_breaks_lines_as_written() -> None:
    rt = runtime()
    samples = load_samples()["escalation_alert"]
    full = rt.renderer().email("id", "escalation", **rt.reply_context("id"), **samples[0])
    assert "meminta dilayani petugas\n\n- Kejadian" in full.text
    assert "(Kasubag).</p>\n<p>" in full.html
    bare = rt.renderer().email("id", "escalation", **rt.reply_context("id"), **samples[1])
    assert "Pelanggan: (nama belum tercatat)\n\nDibuka" in bare.text


def test_a_glued_template_label_and_email_are_reported(tmp_path: Path) -> None:
    renderer = write_templates(
        tmp_path,
        {
            "id": {"taken": "Rina membantu.{% if true %}\nPesan Anda diteruskan.{% endif %}"},
            "en": {"taken": "Rina is helping.{% if true +%}\nYour messages go on.{% endif %}"},
        },
    )
    (tmp_path / "id" / "labels.yml").write_text("go: 'Baik.Lanjut'\n")
    (tmp_path / "en" / "labels.yml").write_text("go: 'Go on'\n")
    for language in ("id", "en"):
        (tmp_path / language / "email").mkdir()
        for kind, body in {
            "subject": "Kasus {{ reference }}",
            "txt": "Halo.{% if true %}\nKasus {{ reference }}.{% endif %}",
            "html": "<p>Halo.</p><p>Kasus {{ reference }}</p>",
        }.items():
            (tmp_path / language / "email" / f"note.{kind}.j2").write_text(body)

    problems = [str(f) for f in check_templates(renderer, lambda _: {"reference": "PRM-7K3Q"})]
    glue = "words run together"
    assert [p.split(":")[0] for p in problems] == [
        "id/taken",
        "id/label go",
        "en/email/note",
        "id/email/note",
    ]
    assert all(glue in p for p in problems)
    assert "'Rina membantu.Pesan Anda" in problems[0]
    assert "'Baik.Lanjut'" in problems[1]
    assert "'Halo.Kasus PRM-7K3Q.'" in problems[2]  # the text part; the HTML part has paragraphs


def test_lint_templates_fails_on_a_glued_template(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # `prima lint-templates` has no option for another templates folder: its handler is run
    # with the runtime's renderer pointed at one.
    renderer = write_templates(
        tmp_path, {"id": {"list": "Pilih:{% if true %}\n1. Satu{% endif %}"}, "en": {"list": "1"}}
    )
    monkeypatch.setattr(Runtime, "renderer", lambda self: renderer)

    assert _lint_templates(runtime(), argparse.Namespace()) == EXIT_FAILURE
    out = capsys.readouterr().out
    assert "id/list: words run together: 'Pilih:1. Satu'" in out
    assert "1 finding(s)" in out
