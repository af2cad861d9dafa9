"""The bot's handler groups in a real PTB Application (against the fake Bot API): which
handler takes an update, that it is counted once, and that a failure ends it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from prometheus_client import REGISTRY
from telegram import Update
from telegram.ext import Application, ApplicationBuilder

from bench.fakes.telegram import TOKEN, FakeTelegram
from bot.handlers import ErrorHandler, FailedUpdates, install
from prima.core.roster import Roster
from prima.core.staff import StaffInput
from prima.core.turn import Incoming, Outcome, TurnResult

SUPERVISOR = 77


@dataclass
class Desks:
    """The desks as the handlers see them: no staff group; `answer` is what `handle` gives
    (None: not the desks' after all), or raises it."""

    answer: Any = None
    seen: list[StaffInput] = field(default_factory=list)
    roster: Roster = field(default_factory=lambda: Roster(None, ()))
    staff: None = None

    async def handle(self, found: StaffInput) -> Any:
        self.seen.append(found)
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


class Sender:
    async def send(self, chat_id: int, text: str, buttons: list[list[list[str]]]) -> int:
        return 1

    async def copy(
        self, chat_id: int, from_chat_id: int, message_id: int, reply_to: int | None
    ) -> int:
        return 1


@dataclass
class Turns:
    fail: bool = False
    seen: list[Incoming] = field(default_factory=list)

    async def __call__(self, incoming: Incoming) -> TurnResult:
        self.seen.append(incoming)
        if self.fail:
            raise ValueError("a bug in the turn")
        return TurnResult(Outcome.HANDLED)


@pytest.fixture
async def application(telegram: FakeTelegram) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    app = ApplicationBuilder().token(TOKEN).base_url(telegram.base_url).updater(None).build()
    async with app:
        yield app


def private(update_id: int, text: str, user: int = SUPERVISOR) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_700_000_000,
            "chat": {"id": user, "type": "private"},
            "from": {"id": user, "is_bot": False, "first_name": "Sari"},
            "text": text,
        },
    }


def counted(outcome: str) -> float:
    value = REGISTRY.get_sample_value(
        "prima_updates_total", {"kind": "message", "outcome": outcome}
    )
    return value or 0.0


async def test_a_failing_desk_command_ends_there_and_is_never_a_customer_turn(
    application: Application,  # type: ignore[type-arg]
) -> None:
    desks, turns, failed = Desks(answer=RuntimeError("database gone")), Turns(), FailedUpdates()
    install(
        application,
        turn=turns,
        desks=desks,  # type: ignore[arg-type]
        sender=Sender(),
        group=None,
        errors=ErrorHandler(lambda: "maaf", failed),
    )
    update = Update.de_json(private(1, "/cases"), application.bot)
    errors, ignored = counted("error"), counted("ignored")
    await application.process_update(update)
    assert len(desks.seen) == 1
    assert turns.seen == []  # not handed on to the customers' group
    assert failed.pop(update)  # the webhook answers 5xx for it
    assert (counted("error"), counted("ignored")) == (errors + 1, ignored)


async def test_a_desk_command_no_desk_takes_is_the_customers(
    application: Application,  # type: ignore[type-arg]
) -> None:
    desks, turns = Desks(answer=None), Turns()
    install(
        application,
        turn=turns,
        desks=desks,  # type: ignore[arg-type]
        sender=Sender(),
        group=None,
        errors=ErrorHandler(lambda: "maaf", FailedUpdates()),
    )
    handled = counted(Outcome.HANDLED.value)
    await application.process_update(Update.de_json(private(2, "/take PRM-AB23"), application.bot))
    assert len(desks.seen) == 1 and [i.text for i in turns.seen] == ["/take PRM-AB23"]
    assert counted(Outcome.HANDLED.value) == handled + 1


async def test_a_failing_turn_is_counted_once_and_apologised_for_once(
    application: Application,  # type: ignore[type-arg]
    telegram: FakeTelegram,
) -> None:
    turns = Turns(fail=True)
    install(
        application,
        turn=turns,
        desks=Desks(),  # type: ignore[arg-type]
        sender=Sender(),
        group=None,
        errors=ErrorHandler(lambda: "Mohon maaf, coba lagi sebentar."),
    )
    errors, ignored = counted("error"), counted("ignored")
    await application.process_update(
        Update.de_json(private(3, "modem mati", user=5005), application.bot)
    )
    assert len(turns.seen) == 1
    assert (counted("error"), counted("ignored")) == (errors + 1, ignored)
    assert [m.text for m in telegram.sent[5005]] == ["Mohon maaf, coba lagi sebentar."]
