"""What real customers write, end to end: needs taken from the first message, questions about
products answered as questions, two close kinds asked about (real Rasa, fake Bot API)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bench.fakes.telegram import FakeTelegram, Sent
from nlu.server import LocalRasaServer
from prima.config import ServiceConfig
from tests.e2e.conftest import RunningBot, make_runtime, running

pytestmark = pytest.mark.rasa

SUMMARY_ID = "Apakah catatan ini sudah sesuai?"
SUMMARY_EN = "Is this right?"


async def converse(telegram: FakeTelegram, user: int, text: str) -> Sent:
    return await telegram.reply_to(user, lambda: telegram.say(user, text))


async def press(telegram: FakeTelegram, user: int, data: str) -> Sent:
    return await telegram.reply_to(user, lambda: telegram.press(user, data))


async def until_summary(telegram: FakeTelegram, user: int, reply: Sent) -> tuple[Sent, int]:
    """Skip whatever is still asked until the restatement; the number of questions asked."""
    questions = 0
    while SUMMARY_ID not in reply.text and SUMMARY_EN not in reply.text:
        questions += 1
        assert questions <= 5, reply.text
        data = reply.button_data()
        reply = await press(telegram, user, "skip" if "skip" in data else data[0])
    return reply, questions


@pytest.mark.parametrize(
    ("message", "lines"),
    [
        (
            "Modem ZTE di rumah saya di Bekasi mati total sejak semalam, nomor pelanggan "
            "122334455667. Tolong diganti hari ini.",
            [
                "• Perangkat/produk: modem ZTE",
                "Bekasi",
                "• Waktu: sejak semalam",
                "• Nomor referensi: 122334455667",
                "diganti hari ini",
            ],
        ),
        (
            "My Daikin AC in room 512 at your Surabaya hotel has been leaking since last "
            "night, booking number HTL-889120. Please send a technician this morning.",
            ["AC", "Surabaya", "since last night", "• Reference number: HTL-889120", "technician"],
        ),
    ],
)
async def test_a_fully_specified_first_message_is_restated_with_at_most_one_question(
    bot: RunningBot, message: str, lines: list[str]
) -> None:
    telegram, user = bot.telegram, 7100 + len(message)
    first = await converse(telegram, user, message)
    summary, questions = await until_summary(telegram, user, first)
    assert questions <= 1
    facts = summary.text.casefold().splitlines()
    for expected in lines:
        assert any(expected.casefold() in line for line in facts), (expected, summary.text)
    opened = await press(telegram, user, "confirm:yes")
    async with bot.reads() as uow:
        (case,) = await uow.cases.listing()
    assert case.reference in opened.text
    assert case.category == "mechanical"
    answers = case.needs["answers"]
    assert {"item", "place", "time", "reference", "expectation"} <= answers.keys()
    assert answers["reference"] in message


async def test_a_question_about_a_procedure_gets_the_information_answer_and_no_case(
    bot: RunningBot,
) -> None:
    telegram, user = bot.telegram, 7201
    reply = await converse(telegram, user, "kak mau tanya prosedur berhenti langganan gimana ya?")
    assert "khusus membantu keluhan" in reply.text
    assert reply.button_data() == ["agent"]
    follow = await converse(telegram, user, "min info harga paket 50 mbps berapa ya sebulan?")
    assert "khusus membantu keluhan" in follow.text
    async with bot.reads() as uow:
        assert await uow.cases.listing() == []


@pytest.fixture
async def undecided_bot(
    tmp_path: Path, telegram: FakeTelegram, rasa_server: LocalRasaServer, database_url: str
) -> AsyncIterator[RunningBot]:
    """A bot that counts any two complaint kinds at the top as close (margin 0.99)."""
    config = ServiceConfig.model_validate({"nlu": {"ambiguity_threshold": 0.99}})
    runtime = make_runtime(tmp_path, telegram, rasa_server, database_url, config=config)
    async with running(runtime, telegram):
        yield RunningBot(runtime, telegram, database_url)


async def test_two_close_kinds_are_asked_about_with_two_buttons(
    undecided_bot: RunningBot,
) -> None:
    telegram, user = undecided_bot.telegram, 7301
    message = "petugas loketnya jutek banget, terus mesin antriannya juga rusak dari pagi"
    reply = await converse(telegram, user, message)
    data = reply.button_data()
    assert len(data) == 3
    assert data[-1] == "cat:other"
    kinds = [d.removeprefix("cat:") for d in data[:2]]
    assert set(kinds) <= {"mechanical", "attitudinal", "service", "unusual"}
    assert len(set(kinds)) == 2
    chosen = await converse(telegram, user, "2")  # a typed number picks the second kind
    assert "cat:" not in " ".join(chosen.button_data())
    await until_summary(telegram, user, chosen)
    await press(telegram, user, "confirm:yes")
    async with undecided_bot.reads() as uow:
        (case,) = await uow.cases.listing()
    assert case.category == kinds[1]
    assert case.needs["answers"]["description"] == message
