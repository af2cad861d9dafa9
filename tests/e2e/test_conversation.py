"""Whole conversations over HTTP: fake Bot API <-> real PTB Application <-> real Rasa."""

from __future__ import annotations

import asyncio

import pytest

from bench.fakes.telegram import FakeTelegram, Sent
from handover.casework import Outcome
from tests.e2e.conftest import RunningBot

pytestmark = pytest.mark.rasa

# One complaint per kind and language, and the answers to the kind's questions.
COMPLAINTS = {
    ("mechanical", "id"): (
        "AC di ruang tunggu kantor cabang mati sejak pagi dan ruangan jadi panas sekali",
        ["AC ruang tunggu lantai 2", "Kantor cabang Bandung, sejak jam 8 pagi", "-"],
        "Mohon segera diperbaiki",
    ),
    ("mechanical", "en"): (
        "The ATM at your branch swallowed my card and the screen froze",
        ["ATM near the entrance", "Main branch, this morning", "-"],
        "Please return my card",
    ),
    ("attitudinal", "id"): (
        "Petugas loket membentak saya dan tidak mau menjelaskan prosedurnya",
        ["Kemarin siang di loket 3", "Petugas laki-laki berkacamata"],
        "Saya ingin permintaan maaf",
    ),
    ("attitudinal", "en"): (
        "The officer at the counter was very rude and shouted at me in front of everyone",
        ["Yesterday afternoon at counter 3", "A tall man with glasses"],
        "I would like an apology",
    ),
    ("service", "id"): (
        "Tagihan listrik saya bulan ini ditagih dua kali padahal sudah bayar",
        ["INV/2026/11/0042", "Tanggal 3 November lewat aplikasi"],
        "Kelebihan bayar dikembalikan",
    ),
    ("service", "en"): (
        "My parcel was supposed to arrive last week and it is still not delivered",
        ["ORDER-88412", "Ordered on 2 November online"],
        "Deliver it or refund me",
    ),
    ("unusual", "id"): (
        "Saya minta ganti rugi karena hujan turun terus selama saya liburan di hotel kalian",
        ["Minggu lalu di hotel Anda di Bali"],
        "Kompensasi menginap gratis",
    ),
    ("unusual", "en"): (
        "I demand compensation because it rained every single day of my holiday at your resort",
        ["Last week at your Bali resort"],
        "A free night",
    ),
}


EMPATHY = {
    ("mechanical", "id"): "merepotkannya",
    ("mechanical", "en"): "frustrating",
    ("attitudinal", "id"): "sangat penting bagi kami",
    ("attitudinal", "en"): "important to us",
    ("service", "id"): "memahami bagaimana perasaan Anda",
    ("service", "en"): "understand how you feel",
    ("unusual", "id"): "sungguh-sungguh",
    ("unusual", "en"): "listening carefully",
}


async def converse(telegram: FakeTelegram, user: int, text: str) -> Sent:
    return await telegram.reply_to(user, lambda: telegram.say(user, text))


async def press(telegram: FakeTelegram, user: int, data: str) -> Sent:
    return await telegram.reply_to(user, lambda: telegram.press(user, data))


@pytest.mark.parametrize(("kind", "language"), sorted(COMPLAINTS))
async def test_a_full_conversation_for_each_kind(bot: RunningBot, kind: str, language: str) -> None:
    telegram, user = bot.telegram, 5000 + len(kind) * 10 + (language == "en")
    complaint, answers, expectation = COMPLAINTS[(kind, language)]
    greeting = await converse(telegram, user, "/start")
    assert "Siti" in greeting.text
    reply = await converse(telegram, user, complaint)
    assert EMPATHY[(kind, language)] in reply.text  # the kind's own acknowledgement
    # What the complaint already said is not asked again: answer whatever is still asked.
    summary = "Is this right?" if language == "en" else "sudah sesuai?"
    pending, expected = list(answers), None
    for _ in range(len(answers) + 2):
        if summary in reply.text:
            break
        asked_to_expect = any(d.startswith("res:") for d in reply.button_data())
        expected = expectation if asked_to_expect else expected
        answer = expectation if asked_to_expect else (pending.pop(0) if pending else "-")
        reply = await converse(telegram, user, answer)
    # The needs are restated for confirmation; the wish in the customer's words, less the
    # lead words ("Mohon segera diperbaiki" is read back as "segera diperbaiki").
    assert summary in reply.text
    assert reply.button_data() == ["confirm:yes", "confirm:edit"]
    opened = await press(telegram, user, "confirm:yes")
    assert "PRM-" in opened.text
    async with bot.reads() as uow:
        (case,) = await uow.cases.listing()
        assert case.category == kind
        assert case.reference in opened.text
        wish = case.needs["answers"]["expectation"]
        assert wish in (expectation if expected else complaint)  # asked, or said first
        assert wish in reply.text
        assert case.language == language
        kinds = [e.kind for e in await uow.timeline.of(case.id)]
        assert kinds == ["opened"]


async def test_a_correction_before_the_case_opens(bot: RunningBot) -> None:
    telegram, user = bot.telegram, 6001
    await converse(telegram, user, "Tagihan air saya bulan ini dobel, saya sudah bayar dua kali")
    await converse(telegram, user, "PEL-1234")
    await converse(telegram, user, "awal bulan")
    summary = await converse(telegram, user, "uang saya kembali")
    assert "PEL-1234" in summary.text
    which = await press(telegram, user, "confirm:edit")
    assert "edit:reference" in which.button_data()
    question = await press(telegram, user, "edit:reference")
    assert "PEL-1234" in question.text  # the current answer is shown
    summary = await converse(telegram, user, "PEL-9999")
    assert "PEL-9999" in summary.text
    assert "PEL-1234" not in summary.text
    await converse(telegram, user, "ya")
    async with bot.reads() as uow:
        (case,) = await uow.cases.listing()
        assert case.needs["answers"]["reference"] == "PEL-9999"


async def test_clarification_when_the_model_is_unsure(bot: RunningBot) -> None:
    telegram, user = bot.telegram, 6002
    question = await converse(telegram, user, "masalah yang kemarin")  # about what?
    assert question.button_data()[:4] == [
        "cat:mechanical",
        "cat:attitudinal",
        "cat:service",
        "cat:unusual",
    ]
    follow_up = await press(telegram, user, "cat:service")
    assert "nomor pesanan" in follow_up.text


async def test_status_lists_open_cases_and_feedback_after_resolution(bot: RunningBot) -> None:
    telegram, user = bot.telegram, 6003
    await converse(telegram, user, "Saya mau bicara dengan petugas manusia saja")
    status = await converse(telegram, user, "/status")
    async with bot.reads() as uow:
        (case,) = await uow.cases.listing()
    assert case.human_requested
    assert case.reference in status.text
    assert "menunggu petugas" in status.text

    # As `prima resolve` does: queued here, sent by the running bot's dispatcher.
    async with bot.runtime.operator() as operator:
        done = await operator.resolve(case.reference, "agent:test", "called back", deliver=False)
    assert done.outcome is Outcome.RESOLVED
    ask = (await telegram.wait_for(user, len(telegram.sent[user]) + 1))[-1]
    assert case.reference in ask.text
    assert ask.button_data() == [
        f"rate:{case.reference}:kurang_puas",
        f"rate:{case.reference}:puas",
        f"rate:{case.reference}:sangat_puas",
    ]
    comment = await press(telegram, user, f"rate:{case.reference}:sangat_puas")
    assert "comment:skip" in comment.button_data()
    await converse(telegram, user, "Petugasnya ramah <b>sekali</b> & cepat")
    async with bot.reads() as uow:
        stored = await uow.cases.get(case.reference)
        feedback = await uow.cases.feedback(stored.id)
        assert stored.status == "resolved"
        assert feedback is not None
        assert feedback.rating == "sangat_puas"
        assert feedback.comment == "Petugasnya ramah <b>sekali</b> & cepat"


async def test_media_is_attached_and_stickers_get_a_friendly_answer(bot: RunningBot) -> None:
    telegram, user = bot.telegram, 6004
    await converse(telegram, user, "Lampu jalan di depan rumah saya mati sudah seminggu")
    photo = {
        "photo": [
            {"file_id": "small", "file_unique_id": "u-s", "width": 90, "height": 90},
            {
                "file_id": "big",
                "file_unique_id": "u-b",
                "width": 1280,
                "height": 960,
                "file_size": 123456,
            },
        ],
        "caption": "ini fotonya",
    }
    noted = await telegram.reply_to(user, lambda: telegram.send_media(user, photo))
    assert "foto" in noted.text
    await telegram.wait_for(user, len(telegram.sent[user]) + 1)  # then the question again
    sticker = {
        "sticker": {
            "file_id": "st",
            "file_unique_id": "st-u",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "type": "regular",
        }
    }
    friendly = await telegram.reply_to(user, lambda: telegram.send_media(user, sticker))
    assert "teks" in friendly.text
    await telegram.wait_for(user, len(telegram.sent[user]) + 1)  # then the question again
    await converse(telegram, user, "Lampu jalan")
    await converse(telegram, user, "Jl. Merdeka 10, sejak Senin")
    await converse(telegram, user, "-")
    await converse(telegram, user, "diperbaiki")
    opened = await press(telegram, user, "confirm:yes")
    assert "1 lampiran" in opened.text
    async with bot.reads() as uow:
        (case,) = await uow.cases.listing()
        (attachment,) = await uow.cases.attachments(case.id)
        assert (attachment.kind, attachment.file_id, attachment.file_size) == (
            "photo",
            "big",
            123456,
        )
        assert attachment.caption == "ini fotonya"


async def test_markup_and_emoji_are_escaped_and_kept(bot: RunningBot) -> None:
    telegram, user = bot.telegram, 6005
    await converse(
        telegram, user, "Aplikasi <script>alert(1)</script> & mobile banking error terus 😡"
    )
    await converse(telegram, user, "Aplikasi <mobile> & banking")
    await converse(telegram, user, "-")
    await converse(telegram, user, "-")
    summary = await converse(telegram, user, "perbaiki 🙏")
    assert "&lt;mobile&gt; &amp; banking" in summary.text
    assert "<script>" not in summary.text
    assert "🙏" in summary.text


async def test_a_blocked_customer_is_marked_unreachable(bot: RunningBot) -> None:
    telegram, user = bot.telegram, 6006
    await converse(telegram, user, "/start")
    telegram.blocked.add(user)
    telegram.say(user, "halo")
    other = await converse(telegram, 6007, "/start")  # others are still served
    assert "Selamat datang" in other.text
    for _ in range(200):
        async with bot.reads() as uow:
            customer = await uow.customers.for_user(user)
            transcript = await uow.conversations.transcript(customer.id) if customer else []
        if customer is not None and not customer.reachable:
            break
        await asyncio.sleep(0.05)
    assert customer is not None
    assert not customer.reachable
    # What the customer wrote is kept; the reply that could not be delivered is marked failed.
    assert [m.text for m in transcript if m.direction == "in"] == ["/start", "halo"]
    assert transcript[-1].delivery == "failed"
    assert transcript[-1].last_error == "unreachable"
