"""The real trained model behind the real Rasa server, through the app's client."""

import asyncio

import pytest

from nlu.client import RasaClient
from nlu.server import LocalRasaServer
from prima.core.complaint import Category
from prima.core.ports import NLUError
from prima.core.text import EmptyTextError

pytestmark = pytest.mark.rasa

# Written for these tests: in neither the training nor the held-out data.
CASES = [
    ("lampu indikator router saya kedip merah dan internet putus", Category.MECHANICAL),
    ("the card reader on your ticket machine is broken", Category.MECHANICAL),
    ("petugas di loket itu membentak saya di depan orang banyak", Category.ATTITUDINAL),
    ("your receptionist was rude and ignored my questions", Category.ATTITUDINAL),
    ("pesanan saya belum dikirim padahal sudah bayar seminggu lalu", Category.SERVICE),
    ("I was billed twice for the same month", Category.SERVICE),
    (
        "saya minta ganti rugi karena matahari terbenam terlalu cepat di hotel kalian",
        Category.UNUSUAL,
    ),
    ("selamat pagi min", Category.NONE),
]


@pytest.mark.parametrize(("text", "category"), CASES)
async def test_classifies_each_kind(nlu: RasaClient, text: str, category: Category) -> None:
    result = await nlu.classify(text)
    assert result.category is category, result.to_dict()


async def test_a_status_question_with_a_reference(nlu: RasaClient) -> None:
    result = await nlu.classify("tolong cek tiket PRM-7K3Q sudah sampai mana")
    assert result.intent == "ask_status"
    assert result.references == ("PRM-7K3Q",)
    assert result.entities[0].start == 17


async def test_the_ranking_covers_every_intent_in_order(nlu: RasaClient) -> None:
    result = await nlu.classify("ATM menelan kartu saya")
    confidences = [s.confidence for s in result.ranking]
    assert confidences == sorted(confidences, reverse=True)
    assert result.ranking[0].intent == result.intent
    assert 0.0 <= result.confidence <= 1.0


@pytest.mark.parametrize("text", ["", "   \n\t", "\x00\x01"])
async def test_empty_input_is_a_clear_error(nlu: RasaClient, text: str) -> None:
    with pytest.raises(EmptyTextError):
        await nlu.classify(text)


@pytest.mark.parametrize(
    "text",
    [
        "😡😡😡🔥",
        "<b>AC</b> <i>mati</i> &amp; *bocor* _lagi_ [klik](http://x) `code` ~~x~~",
        "modem\x07 rusak\x1b[0m \u200b lagi",
        "ATM ' OR 1=1; -- menelan kartu {{ name }} {% raw %}",
        "؟؟؟ ข้อความ 你好 ♥",
    ],
)
async def test_odd_input_gets_a_result(nlu: RasaClient, text: str) -> None:
    result = await nlu.classify(text)
    assert result.category in set(Category)
    assert 0.0 <= result.confidence <= 1.0


async def test_emoji_only_is_not_a_confident_complaint(nlu: RasaClient) -> None:
    result = await nlu.classify("🙂🙂")
    assert result.fallback or not result.category.is_complaint


async def test_ten_thousand_characters_are_clipped_and_classified(nlu: RasaClient) -> None:
    text = "kurir paket saya terlambat lagi dan tidak ada kabar " * 200
    assert len(text) >= 10_000
    result = await asyncio.wait_for(nlu.classify(text), timeout=30)
    assert result.truncated
    assert len(result.text) <= 2000
    assert result.category is Category.SERVICE


async def test_concurrent_requests_all_answer(nlu: RasaClient) -> None:
    texts = [text for text, _ in CASES] * 5
    results = await asyncio.gather(*(nlu.classify(t) for t in texts))
    assert [r.category for r in results] == [c for _, c in CASES] * 5


async def test_a_wrong_token_is_refused(runtime: object, rasa_server: LocalRasaServer) -> None:
    async with RasaClient(rasa_server.url, token="wrong", max_retries=0) as client:
        with pytest.raises(NLUError, match="RASA_TOKEN"):
            await client.classify("AC mati")
        assert not await client.is_ready()


async def test_status_names_the_loaded_model(nlu: RasaClient, rasa_server: LocalRasaServer) -> None:
    status = await nlu.status()
    assert str(status["model_file"]).endswith(".tar.gz")
    assert await nlu.is_ready()
