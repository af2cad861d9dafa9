"""Agent takeover from the staff group, end to end: the real bot and Rasa, the fake Bot API."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bench.fakes.telegram import FakeTelegram, Sent
from handover.casework import Outcome
from nlu.server import LocalRasaServer
from prima.bootstrap import Runtime
from prima.config import ServiceConfig
from prima.storage.models import PENDING, Case, Escalation
from tests.e2e.conftest import RunningBot, make_runtime, running
from tests.e2e.test_conversation import COMPLAINTS

pytestmark = pytest.mark.rasa

STAFF = -100_200_300
RINA, DEWI, SARI, STRANGER = 111, 222, 333, 999
CUSTOMER = 5001
PHOTO = {"photo": [{"file_id": "ph1", "file_unique_id": "u1", "width": 800, "height": 600}]}


def desk_config(**staff: Any) -> ServiceConfig:
    return ServiceConfig.model_validate(
        {
            "staff": {
                "chat_id": STAFF,
                "members": [
                    {"name": "Rina Wulandari", "telegram": RINA, "role": "agent"},
                    {"name": "Dewi Lestari", "telegram": DEWI, "role": "agent", "alias": "Dewi"},
                    {"name": "Sari", "telegram": SARI, "role": "supervisor"},
                ],
                "check_every_seconds": 0.2,
                **staff,
            },
            "escalation": {
                "check_every_seconds": 0.3,
                "levels": [
                    {
                        "level": 1,
                        "role": "Kasubag",
                        "after": "3h",
                        "notify": [{"name": "Sari", "telegram": SARI}],
                    },
                ],
            },
        }
    )


@pytest.fixture
def desk_runtime(
    tmp_path: Path, telegram: FakeTelegram, rasa_server: LocalRasaServer, database_url: str
) -> Runtime:
    return make_runtime(tmp_path, telegram, rasa_server, database_url, config=desk_config())


@pytest.fixture
async def desk_bot(
    desk_runtime: Runtime, telegram: FakeTelegram, database_url: str
) -> AsyncIterator[RunningBot]:
    async with running(desk_runtime, telegram):
        yield RunningBot(desk_runtime, telegram, database_url)


async def handed_over(bot: RunningBot) -> tuple[str, int]:
    """The customer asks for a person; the case's topic appears with its card."""
    telegram = bot.telegram
    await telegram.reply_to(CUSTOMER, lambda: telegram.say(CUSTOMER, "/agent"))
    await telegram.until(lambda: bool(telegram.topics))
    thread = max(telegram.topics)
    # The card, the customer's words, the bot's answer.
    await telegram.until(lambda: len(telegram.in_topic(STAFF, thread)) >= 3)
    async with bot.reads() as uow:
        (case,) = await uow.cases.listing()
    return case.reference, thread


async def staff_answer(telegram: FakeTelegram, thread: int, action: Any, marker: str) -> Sent:
    """Do `action` in the staff group; the desk's next message in the topic with `marker`."""
    before = len(telegram.in_topic(STAFF, thread))
    action()
    return await topic_shows(telegram, thread, before, marker)


async def topic_shows(telegram: FakeTelegram, thread: int, after: int, marker: str) -> Sent:
    """The first message in the topic, from index `after` on, that contains `marker`."""

    def found() -> list[Sent]:
        return [m for m in telegram.in_topic(STAFF, thread)[after:] if marker in m.text]

    await telegram.until(lambda: bool(found()))
    return found()[0]


async def customer_gets(telegram: FakeTelegram, action: Any) -> Sent:
    return await telegram.reply_to(CUSTOMER, action)


async def quiet_for_customer(telegram: FakeTelegram, seconds: float = 0.6) -> int:
    count = len(telegram.sent[CUSTOMER])
    await asyncio.sleep(seconds)
    assert len(telegram.sent[CUSTOMER]) == count, telegram.sent[CUSTOMER][count:]
    return count


async def test_handover_take_relay_coach_transfer_release_resolve(desk_bot: RunningBot) -> None:
    telegram = desk_bot.telegram
    reference, thread = await handed_over(desk_bot)
    topic = telegram.in_topic(STAFF, thread)
    assert reference in topic[0].text and "menunggu petugas" in topic[0].text
    assert [b["callback_data"] for row in topic[0].buttons for b in row] == [
        f"desk:take:{reference}",
        f"desk:res:{reference}",
        f"desk:tr:{reference}",
    ]
    assert "/agent" in topic[1].text and "Siti" in topic[1].text
    general = [m for m in telegram.sent[STAFF] if m.thread_id is None]
    assert reference in general[0].text and f"tg://user?id={RINA}" in general[0].text

    # Taken with the card's button: the customer meets Rina by name.
    joined = await customer_gets(
        telegram, lambda: telegram.staff_press(RINA, STAFF, thread, f"desk:take:{reference}")
    )
    assert "Rina" in joined.text and reference in joined.text
    await telegram.until(
        lambda: any("Rina Wulandari" in m.text for m in telegram.in_topic(STAFF, thread))
    )

    # The agent's words and files are copied (never forwarded) to the customer.
    said = telegram.staff_says(RINA, STAFF, thread, text="Halo Siti, saya bantu cek ya")
    await telegram.until(lambda: telegram.sent[CUSTOMER][-1].copied_from is not None)
    copy = telegram.sent[CUSTOMER][-1]
    assert copy.copied_from == (STAFF, telegram.message_id_of(said))
    assert copy.text == "Halo Siti, saya bantu cek ya"
    photo = await customer_gets(
        telegram, lambda: telegram.staff_says(RINA, STAFF, thread, caption="Contoh", **PHOTO)
    )
    assert photo.media == "photo" and photo.copied_from is not None

    # The customer's words and files appear in the topic; the bot stays quiet.
    asked = telegram.say(CUSTOMER, "Baik, ini foto AC-nya <panas> & pengap")
    await telegram.until(
        lambda: any("foto AC-nya" in m.text for m in telegram.in_topic(STAFF, thread))
    )
    mirrored = next(m for m in telegram.in_topic(STAFF, thread) if "foto AC-nya" in m.text)
    assert "&lt;panas&gt; &amp; pengap" in mirrored.text
    telegram.send_media(CUSTOMER, {**PHOTO, "caption": "AC ruang 3"})
    await telegram.until(lambda: telegram.in_topic(STAFF, thread)[-1].media == "photo")
    assert "Siti" in telegram.in_topic(STAFF, thread)[-1].text
    await quiet_for_customer(telegram)

    # A reply to the customer's mirrored message answers the customer's own message.
    replied = telegram.staff_says(
        RINA, STAFF, thread, text="Foto sudah kami terima", reply_to=mirrored.message_id
    )
    await telegram.until(lambda: telegram.sent[CUSTOMER][-1].text == "Foto sudah kami terima")
    assert telegram.sent[CUSTOMER][-1].reply_to == telegram.message_id_of(asked)
    assert telegram.message_id_of(replied)

    # Edits: the customer's is noted under the mirrored copy; the agent's reaches the customer.
    telegram.customer_edits(CUSTOMER, telegram.message_id_of(asked), "Maksud saya AC ruang 3")
    await telegram.until(
        lambda: any(
            "AC ruang 3" in m.text and m.reply_to == mirrored.message_id
            for m in telegram.in_topic(STAFF, thread)
        )
    )
    telegram.staff_edits(
        RINA, STAFF, thread, telegram.message_id_of(said), "Halo Siti, saya cek sekarang"
    )
    await telegram.until(
        lambda: (CUSTOMER, copy.message_id, "Halo Siti, saya cek sekarang") in telegram.edits
    )

    # An internal note stays in the group.
    noted = await staff_answer(
        telegram,
        thread,
        lambda: telegram.staff_says(RINA, STAFF, thread, text="/note VIP, 2x"),
        "📝",
    )
    assert "📝" in noted.text

    # A desk button this version cannot read (an old card's, say) is never relayed: not even
    # tried as a copy of the pressed message to the customer.
    copies = len(telegram.params["copyMessage"])
    telegram.staff_press(RINA, STAFF, thread, f"desk:old:{reference}")
    await quiet_for_customer(telegram, 0.5)
    assert len(telegram.params["copyMessage"]) == copies

    # Coaching: a damaging phrase is held, with better wording; an edit that reads well goes.
    count, shown = len(telegram.sent[CUSTOMER]), len(telegram.in_topic(STAFF, thread))
    held = telegram.staff_says(
        RINA, STAFF, thread, text="Tunggu sebentar, itu bukan tanggung jawab saya"
    )
    advice = await topic_shows(telegram, thread, shown, "💡")
    assert "<code>tunggu sebentar</code>" in advice.text
    assert "<code>itu bukan tanggung jawab saya</code>" in advice.text
    assert "Mohon kesediaan Anda menunggu" in advice.text
    await quiet_for_customer(telegram, 0.3)
    better = "Mohon kesediaan Anda menunggu; saya hubungkan dengan rekan yang menangani."
    telegram.staff_edits(RINA, STAFF, thread, telegram.message_id_of(held), better)
    await telegram.until(lambda: len(telegram.sent[CUSTOMER]) > count)
    assert telegram.sent[CUSTOMER][-1].text == better
    # ...or the agent sends it as written (warn mode).
    count, shown = len(telegram.sent[CUSTOMER]), len(telegram.in_topic(STAFF, thread))
    telegram.staff_says(RINA, STAFF, thread, text="Maaf atas masalah ini")
    advice = await topic_shows(telegram, thread, shown, "💡")
    send_anyway = advice.button_data()
    assert send_anyway and send_anyway[0].startswith(f"desk:send:{reference}:")
    await quiet_for_customer(telegram, 0.3)
    telegram.staff_press(RINA, STAFF, thread, send_anyway[0])
    await telegram.until(lambda: len(telegram.sent[CUSTOMER]) > count)
    assert telegram.sent[CUSTOMER][-1].text == "Maaf atas masalah ini"

    # Transfer: the customer meets Dewi; Rina's messages stay in the group from now on.
    transferred = await customer_gets(
        telegram, lambda: telegram.staff_says(RINA, STAFF, thread, text="/transfer Dewi")
    )
    assert "Dewi" in transferred.text
    telegram.staff_says(RINA, STAFF, thread, text="Saya serahkan ke Dewi")
    await quiet_for_customer(telegram)
    from_dewi = await customer_gets(
        telegram,
        lambda: telegram.staff_says(DEWI, STAFF, thread, text="Halo, saya Dewi", name="Dewi"),
    )
    assert from_dewi.copied_from is not None

    # Release: the bot answers the customer again.
    left = await customer_gets(
        telegram, lambda: telegram.staff_says(DEWI, STAFF, thread, text="/release", name="Dewi")
    )
    assert "Dewi" in left.text and "Prima" in left.text
    await customer_gets(telegram, lambda: telegram.say(CUSTOMER, "terima kasih banyak ya"))

    # Taken again and resolved: the ladder stops and the customer is asked for feedback.
    await customer_gets(telegram, lambda: telegram.staff_says(RINA, STAFF, thread, text="/take"))
    rating = await customer_gets(
        telegram,
        lambda: telegram.staff_says(RINA, STAFF, thread, text="/resolve AC diganti unit baru"),
    )
    assert f"rate:{reference}:puas" in rating.button_data()
    await customer_gets(telegram, lambda: telegram.press(CUSTOMER, f"rate:{reference}:puas"))
    async with desk_bot.reads() as uow:
        case = await uow.cases.get(reference)
        assert case.status == "resolved" and case.resolved_by == "Rina Wulandari"
        assert case.resolution == "AC diganti unit baru" and case.agent_user_id is None
        feedback = await uow.cases.feedback(case.id)
        assert feedback is not None and feedback.rating == "puas"
        kinds = [e.kind for e in await uow.timeline.of(case.id)]
        pending = await uow.session.scalars(
            select(Escalation).where(Escalation.case_id == case.id, Escalation.status == PENDING)
        )
        assert list(pending) == []
    for kind in ("taken", "note", "coached", "sent_anyway", "transferred", "released", "resolved"):
        assert kind in kinds


async def test_only_configured_staff_in_the_staff_group(desk_bot: RunningBot) -> None:
    telegram = desk_bot.telegram
    reference, thread = await handed_over(desk_bot)
    commands = ["/take", "/release", "/resolve done", "/transfer Rina", "/note x", "/transcript"]
    presses = [f"desk:take:{reference}", f"desk:res:{reference}", f"desk:tr:{reference}"]
    for command in commands:
        telegram.staff_says(STRANGER, STAFF, thread, text=command, name="Eve")
    for data in presses:
        telegram.staff_press(STRANGER, STAFF, thread, data, name="Eve")

    def refusals() -> int:
        return sum("khusus untuk tim layanan" in m.text for m in telegram.in_topic(STAFF, thread))

    await telegram.until(lambda: refusals() == len(commands) + len(presses))
    # A stranger's chatter in the group is ignored, and never reaches the customer.
    telegram.staff_says(STRANGER, STAFF, thread, text="halo pelanggan")
    await quiet_for_customer(telegram)
    # A customer can reach neither the desk's buttons nor its commands.
    other = 5002
    pressed = await telegram.reply_to(
        other, lambda: telegram.press(other, f"desk:take:{reference}", name="Budi")
    )
    assert "khusus untuk tim layanan" in pressed.text
    typed = await telegram.reply_to(other, lambda: telegram.say(other, "/take", name="Budi"))
    assert "khusus untuk tim layanan" in typed.text
    # Another group the bot was added to is ignored.
    telegram.staff_says(RINA, -100_999, None, text="/take")
    await asyncio.sleep(0.5)
    assert telegram.sent[-100_999] == []
    async with desk_bot.reads() as uow:
        case = await uow.cases.get(reference)
        assert case.agent_user_id is None and case.status == "open"


async def test_restart_deleted_topic_and_blocked_customer(
    desk_runtime: Runtime, telegram: FakeTelegram, database_url: str
) -> None:
    bot = RunningBot(desk_runtime, telegram, database_url)
    async with running(desk_runtime, telegram):
        reference, thread = await handed_over(bot)
        await customer_gets(
            telegram, lambda: telegram.staff_says(RINA, STAFF, thread, text="/take")
        )
        relay = telegram.staff_says(RINA, STAFF, thread, text="Saya cek dulu ke teknisi")
        await telegram.until(lambda: telegram.sent[CUSTOMER][-1].copied_from is not None)
    once = (STAFF, telegram.message_id_of(relay))
    # Restarted in the middle of the takeover: relays carry on both ways.
    async with running(desk_runtime, telegram):
        # Telegram delivers that message again to the new process: it is relayed once.
        polls = telegram.calls.count("getUpdates")
        telegram.redeliver(relay)
        await telegram.until(lambda: telegram.calls.count("getUpdates") >= polls + 2)
        relayed = await customer_gets(
            telegram, lambda: telegram.staff_says(RINA, STAFF, thread, text="Masih saya bantu")
        )
        assert relayed.copied_from is not None
        telegram.say(CUSTOMER, "Baik, terima kasih")
        await telegram.until(
            lambda: "Baik, terima kasih" in telegram.in_topic(STAFF, thread)[-1].text
        )

        assert [m.copied_from for m in telegram.sent[CUSTOMER]].count(once) == 1

        # The topic was deleted: a new one is made, with the card, and the mapping follows.
        telegram.deleted_topics.add(thread)
        telegram.say(CUSTOMER, "Apakah sudah ada kabar?")
        await telegram.until(lambda: len(telegram.topics) == 2)
        new = max(telegram.topics)
        await telegram.until(lambda: len(telegram.in_topic(STAFF, new)) >= 2)
        assert reference in telegram.in_topic(STAFF, new)[0].text
        assert "sudah ada kabar" in telegram.in_topic(STAFF, new)[1].text
        async with bot.reads() as uow:
            assert (await uow.cases.get(reference)).topic_id == new
        relayed = await customer_gets(
            telegram, lambda: telegram.staff_says(RINA, STAFF, new, text="Sudah, sore ini")
        )
        assert relayed.copied_from is not None

        # A closed topic is reopened; Telegram's rate limits in the group only delay posts.
        telegram.closed_topics.add(new)
        telegram.rate_limited[STAFF] = 4
        telegram.say(CUSTOMER, "Halo lagi")
        await telegram.until(lambda: "Halo lagi" in telegram.in_topic(STAFF, new)[-1].text)
        assert new not in telegram.closed_topics and len(telegram.topics) == 2
        # An album arrives as several messages: every one is copied, none lost.
        for n in (1, 2, 3):
            photo = {"photo": [{**PHOTO["photo"][0], "file_id": f"al{n}"}]}
            telegram.send_media(CUSTOMER, {**photo, "media_group_id": "album1"})
        await telegram.until(
            lambda: sum(m.media == "photo" for m in telegram.in_topic(STAFF, new)) == 3
        )

        # The customer blocked the bot: the agent is told in the topic.
        telegram.blocked.add(CUSTOMER)
        telegram.staff_says(RINA, STAFF, new, text="Teknisi datang jam 3")
        await telegram.until(
            lambda: any("memblokir bot" in m.text for m in telegram.in_topic(STAFF, new))
        )


async def test_request_for_a_person_escalates_when_nobody_takes_it(
    tmp_path: Path, telegram: FakeTelegram, rasa_server: LocalRasaServer, database_url: str
) -> None:
    config = desk_config(human_wait="1s", quiet_after="1s", coaching="block")
    runtime = make_runtime(tmp_path, telegram, rasa_server, database_url, config=config)
    bot = RunningBot(runtime, telegram, database_url)
    async with running(runtime, telegram):
        reference, thread = await handed_over(bot)
        alert = await telegram.wait_for(SARI, 1, within=15)
        assert reference in alert[0].text
        await topic_shows(telegram, thread, 0, "eskalasi level 1")  # the agents see it too
        # Taken by the supervisor from the alert's button: a real takeover.
        telegram.press(SARI, f"esc:take:{reference}", name="Sari")
        await telegram.until(lambda: any("Sari" in m.text for m in telegram.sent[CUSTOMER]))
        await telegram.until(lambda: "Sari" in telegram.sent[SARI][-1].text)
        # Sari says nothing: the takeover is flagged in the topic.
        await telegram.until(
            lambda: any("menunggu kabar" in m.text for m in telegram.in_topic(STAFF, thread)),
            within=15,
        )
        async with bot.reads() as uow:
            case = await uow.session.scalar(select(Case).where(Case.reference == reference))
            assert case is not None and case.agent_name == "Sari"

        # Coaching in block mode: no "send as written"; the customer never gets the words.
        count, shown = len(telegram.sent[CUSTOMER]), len(telegram.in_topic(STAFF, thread))
        telegram.staff_says(SARI, STAFF, thread, text="Itu bukan masalah kami", name="Sari")
        advice = await topic_shows(telegram, thread, shown, "💡")
        assert advice.button_data() == []
        shown = len(telegram.in_topic(STAFF, thread))
        telegram.staff_press(SARI, STAFF, thread, f"desk:send:{reference}:1", name="Sari")
        await topic_shows(telegram, thread, shown, "perlu disunting")
        assert len(telegram.sent[CUSTOMER]) == count

        # The card's transcript button shows the conversation to the staff.
        shown = len(telegram.in_topic(STAFF, thread))
        telegram.staff_press(SARI, STAFF, thread, f"desk:tr:{reference}", name="Sari")
        transcript = await topic_shows(telegram, thread, shown, reference)
        assert "/agent" in transcript.text


async def test_topics_on_open_show_every_case_with_its_card(
    tmp_path: Path, telegram: FakeTelegram, rasa_server: LocalRasaServer, database_url: str
) -> None:
    config = desk_config(topics="on_open")
    runtime = make_runtime(tmp_path, telegram, rasa_server, database_url, config=config)
    complaint, answers, expectation = COMPLAINTS[("service", "id")]
    async with running(runtime, telegram):
        for text in (complaint, *answers, expectation):
            await customer_gets(telegram, lambda t=text: telegram.say(CUSTOMER, t))
        assert telegram.topics == {}  # nothing at the desk before the case exists
        opened = await customer_gets(telegram, lambda: telegram.press(CUSTOMER, "confirm:yes"))
        await telegram.until(lambda: bool(telegram.topics))
        thread = max(telegram.topics)
        await telegram.until(lambda: len(telegram.in_topic(STAFF, thread)) >= 1)
        card = telegram.in_topic(STAFF, thread)[0]
        assert "Proses layanan" in card.text or "proses layanan" in card.text
        assert "keyakinan" in card.text and expectation in card.text
        assert "menunggu petugas" not in card.text
        assert "PRM-" in opened.text and opened.text.split("PRM-")[1][:4] in card.text
        # From then on the conversation is mirrored, the bot's answers too.
        await customer_gets(telegram, lambda: telegram.say(CUSTOMER, "terima kasih"))
        await telegram.until(lambda: "🤖" in telegram.in_topic(STAFF, thread)[-1].text)
        # The card's Resolve button closes the case without anyone taking it first.
        reference = "PRM-" + opened.text.split("PRM-")[1][:4]
        rating = await customer_gets(
            telegram, lambda: telegram.staff_press(DEWI, STAFF, thread, f"desk:res:{reference}")
        )
        assert f"rate:{reference}:sangat_puas" in rating.button_data()


async def test_one_resolve_for_the_desk_and_the_operator(desk_bot: RunningBot) -> None:
    """Another agent may not resolve a held case; an operator (`prima resolve`) may: nobody
    holds it afterwards, the customer is asked for feedback by the bot's dispatcher, and the
    desk then finds it closed."""
    telegram = desk_bot.telegram
    reference, thread = await handed_over(desk_bot)
    await customer_gets(
        telegram, lambda: telegram.staff_press(RINA, STAFF, thread, f"desk:take:{reference}")
    )
    held = await staff_answer(
        telegram,
        thread,
        lambda: telegram.staff_says(DEWI, STAFF, thread, text="/resolve", name="Dewi"),
        "sedang ditangani",
    )
    assert "Rina Wulandari" in held.text
    async with desk_bot.reads() as uow:
        assert (await uow.cases.get(reference)).status == "open"

    asked = len(telegram.sent[CUSTOMER])
    async with desk_bot.runtime.operator() as operator:
        done = await operator.resolve(reference, "operator:ops", "diganti", deliver=False)
    assert done.outcome is Outcome.RESOLVED
    rating = (await telegram.wait_for(CUSTOMER, asked + 1))[-1]
    assert f"rate:{reference}:puas" in rating.button_data()
    async with desk_bot.reads() as uow:
        case = await uow.cases.get(reference)
        assert case.status == "resolved" and case.resolved_by == "operator:ops"
        assert case.agent_user_id is None and case.agent_active_at is None

    closed = await staff_answer(
        telegram,
        thread,
        lambda: telegram.staff_says(RINA, STAFF, thread, text="/resolve"),
        "sudah selesai",
    )
    assert reference in closed.text
    async with desk_bot.runtime.operator() as operator:
        again = await operator.resolve(reference, "operator:ops", None, deliver=False)
    assert again.outcome is Outcome.CLOSED
