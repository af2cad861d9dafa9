"""Escalation through the running bot: a real conversation opens the case, the bot's own
escalator fires on time, supervisors act with the alert's buttons over the fake Bot API."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bench.fakes.telegram import FakeTelegram
from nlu.server import LocalRasaServer
from prima.config import ServiceConfig
from tests.e2e.conftest import make_runtime, running
from tests.e2e.test_conversation import converse, press

pytestmark = pytest.mark.rasa

JAKARTA = ZoneInfo("Asia/Jakarta")
SARI, CUSTOMER, OUTSIDER = 9101, 7101, 7102


async def test_escalation_reaches_supervisor_and_customer_and_is_acknowledged(
    tmp_path: Path, telegram: FakeTelegram, rasa_server: LocalRasaServer, database_url: str
) -> None:
    config = ServiceConfig.model_validate(
        {
            "escalation": {
                "check_every_seconds": 0.5,
                "levels": [
                    {
                        "level": 1,
                        "role": "Kasubag",
                        "after": "3h",
                        "notify": [{"name": "Sari", "telegram": SARI}],
                    }
                ],
            }
        }
    )
    runtime = make_runtime(tmp_path, telegram, rasa_server, database_url, config=config)
    start = datetime(2026, 8, 14, 14, tzinfo=JAKARTA)
    with time_machine.travel(start, tick=True) as traveller:
        async with running(runtime, telegram):
            await converse(telegram, CUSTOMER, "Tagihan listrik saya bulan ini ditagih dua kali")
            await converse(telegram, CUSTOMER, "INV/2026/11/0042")
            await converse(telegram, CUSTOMER, "Tanggal 3 November")
            await converse(telegram, CUSTOMER, "Kelebihan bayar dikembalikan")
            opened = await press(telegram, CUSTOMER, "confirm:yes")
            reference = opened.text.split("<b>")[1].split("</b>")[0]
            before = len(telegram.sent[CUSTOMER])

            traveller.move_to(datetime(2026, 8, 14, 17, 0, 30, tzinfo=JAKARTA))
            (alert,) = await telegram.wait_for(SARI, 1)
            assert reference in alert.text and "Kasubag" in alert.text
            notices = await telegram.wait_for(CUSTOMER, before + 1)
            assert reference in notices[-1].text and "tim senior" in notices[-1].text

            ack = await press(telegram, SARI, f"esc:ack:{reference}")
            assert "Terima kasih, Sari" in ack.text
            refused = await converse(telegram, OUTSIDER, "/cases")
            assert "khusus untuk supervisor" in refused.text
            listing = await converse(telegram, SARI, "/cases")
            assert reference in listing.text and "level 1" in listing.text

            # A group the bot was added to, not on the ladder, gets no answer at all.
            telegram.push(
                {
                    "message": {
                        "message_id": 5,
                        "date": 0,
                        "chat": {"id": -100999, "type": "supergroup", "title": "x"},
                        "from": {"id": SARI, "is_bot": False, "first_name": "Sari"},
                        "text": "/cases",
                    }
                }
            )
            await asyncio.sleep(1)
            assert not telegram.sent[-100999]
