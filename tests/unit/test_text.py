import pytest

from prima.core.text import EmptyTextError, clean_utterance


@pytest.mark.parametrize("raw", ["", "   ", "\n\t\r", "\x00\x07\x1b", "\u200b\u200e"])
def test_nothing_to_classify_is_an_error(raw: str) -> None:
    with pytest.raises(EmptyTextError):
        clean_utterance(raw, 100)


def test_control_characters_and_runs_of_whitespace_become_single_spaces() -> None:
    cleaned = clean_utterance("  modem\x00rusak\n\n\tlagi\x1b[31m  ", 100)
    assert cleaned.text == "modem rusak lagi [31m"
    assert not cleaned.truncated


def test_emoji_and_markup_are_kept() -> None:
    text = "AC mati 😡🔥 <b>tolong</b> *segera* [x](y) 👨‍👩‍👧"
    assert clean_utterance(text, 200).text == text


def test_long_text_is_clipped_at_a_word_boundary() -> None:
    cleaned = clean_utterance("kata " * 3000, 2000)
    assert cleaned.truncated
    assert len(cleaned.text) <= 2000
    assert cleaned.text.endswith("kata")


def test_long_text_without_spaces_is_clipped_hard() -> None:
    cleaned = clean_utterance("x" * 10_000, 2000)
    assert cleaned.truncated
    assert cleaned.text == "x" * 2000


def test_max_length_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        clean_utterance("halo", 0)
