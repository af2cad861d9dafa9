"""Reading Telegram's updates: what cannot be read is set aside one by one, and staff
requests are told from customers' messages."""

from __future__ import annotations

import json
from typing import Any

from telegram import Update

from bot.intake import UNREADABLE, UpdatesRequest, is_stand_in, readable_batch
from bot.staff_group import staff_input_from
from prima.core.staff import Origin, StaffVerb

STAFF_GROUP = -1001


def message(text: str, chat: int = 5, *, edited: bool = False, update_id: int = 1) -> Update:
    body = {
        "message_id": 9,
        "date": 1_700_000_000,
        "chat": {"id": chat, "type": "private" if chat > 0 else "supergroup"},
        "from": {"id": 5, "is_bot": False, "first_name": "Siti"},
        "text": text,
    }
    return Update.de_json(
        {"update_id": update_id, "edited_message" if edited else "message": body}, None
    )


def test_each_unreadable_update_becomes_a_stand_in_and_the_rest_stay() -> None:
    good: dict[str, Any] = message("halo").to_dict()
    batch = [
        {"update_id": 2, "message": {"text": "no chat, no date"}},
        good,
        {"update_id": 4, "message": {**good["message"], "date": 10**20}},  # OverflowError
        {"no": "update id"},
    ]
    checked = readable_batch(batch)
    assert checked == [{"update_id": 2, UNREADABLE: True}, good, {"update_id": 4, UNREADABLE: True}]
    stand_in = Update.de_json(checked[0], None)
    assert stand_in.update_id == 2 and is_stand_in(stand_in)
    assert not is_stand_in(Update.de_json(good, None))


def test_the_polling_request_checks_the_batch_it_reads() -> None:
    payload = {"ok": True, "result": [{"update_id": 7, "message": {"text": "x"}}]}
    parsed = UpdatesRequest.parse_json_payload(json.dumps(payload).encode())
    assert parsed["result"] == [{"update_id": 7, UNREADABLE: True}]


def test_supervisor_commands_come_from_new_messages_only() -> None:
    found = staff_input_from(message("/cases"), STAFF_GROUP)
    assert found is not None and found.action is not None
    assert (found.action.verb, found.action.origin) == (StaffVerb.CASES, Origin.SUPERVISOR)
    # A customer editing a message into "/case 123" edits a message; it is no command.
    assert staff_input_from(message("/case 123", edited=True), STAFF_GROUP) is None
    # A customer's ordinary message is none of the desks' business.
    assert staff_input_from(message("AC saya mati"), STAFF_GROUP) is None
