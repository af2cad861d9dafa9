"""The bot's PTB handlers: what each takes, and what a failure leads to in each mode."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.handlers import CustomerUpdates, ErrorHandler, FailedUpdates
from prima.core.turn import Incoming, Outcome, TurnResult


def message(text: str, chat: int = 5, update_id: int = 1) -> Update:
    body = {
        "message_id": 9,
        "date": 1_700_000_000,
        "chat": {"id": chat, "type": "private" if chat > 0 else "supergroup"},
        "from": {"id": 5, "is_bot": False, "first_name": "Siti"},
        "text": text,
    }
    return Update.de_json({"update_id": update_id, "message": body}, None)


class FakeBot:
    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []

    async def send_message(self, chat_id: int, text: str, **_: Any) -> None:
        self.sent.append((chat_id, text))


def context(bot: FakeBot) -> Any:
    return SimpleNamespace(error=RuntimeError("database gone"), bot=bot)


async def test_in_polling_mode_a_failure_gets_the_customer_a_kind_answer() -> None:
    bot = FakeBot()
    with pytest.raises(ApplicationHandlerStop):  # no other handler gets the failed update
        await ErrorHandler(lambda: "Mohon maaf, kami coba lagi.")(message("halo"), context(bot))
    assert bot.sent == [(5, "Mohon maaf, kami coba lagi.")]


async def test_a_failure_in_a_group_gets_no_answer_there() -> None:
    bot = FakeBot()
    with pytest.raises(ApplicationHandlerStop):
        await ErrorHandler(lambda: "sorry")(message("/cases", chat=-1001), context(bot))
    assert bot.sent == []


async def test_in_webhook_mode_a_failure_is_marked_for_a_5xx_and_nothing_is_sent() -> None:
    bot, failed = FakeBot(), FailedUpdates()
    update, other = message("halo"), message("halo", update_id=2)
    with pytest.raises(ApplicationHandlerStop):
        await ErrorHandler(lambda: "sorry", failed)(update, context(bot))
    assert bot.sent == []
    assert not failed.pop(other)  # the same text in another update did not fail
    assert failed.pop(update)
    assert not failed.pop(update)  # forgotten once read


async def test_a_customer_turn_is_taken_counted_and_ends_the_update_there() -> None:
    seen: list[Incoming] = []

    async def turn(incoming: Incoming) -> TurnResult:
        seen.append(incoming)
        return TurnResult(Outcome.HANDLED)

    handler = CustomerUpdates(turn)
    update = message("modem mati")
    found = handler.check_update(update)
    assert isinstance(found, Incoming) and found.text == "modem mati"
    assert handler.check_update(message("modem mati", chat=-1001)) is None
    with pytest.raises(ApplicationHandlerStop):
        await handler.handle_update(update, None, found, context(FakeBot()))  # type: ignore[arg-type]
    assert [i.update_id for i in seen] == [1]


async def test_a_failing_turn_reaches_the_error_handler() -> None:
    async def turn(incoming: Incoming) -> TurnResult:
        raise ValueError("a bug")

    handler = CustomerUpdates(turn)
    update = message("halo")
    with pytest.raises(ValueError, match="a bug"):
        await handler.handle_update(
            update,
            None,  # type: ignore[arg-type]
            handler.check_update(update),
            context(FakeBot()),
        )
