"""Conversation records on real databases (SQLite and PostgreSQL): updates claimed once, the
conversation state saved and read back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event

from prima.core.complaint import Category
from prima.core.conversation import Draft, State, Step
from prima.storage.database import create_engine, migrate, sessions
from prima.storage.unit_of_work import Transactions

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


@pytest.fixture
async def transactions(database_url: str) -> AsyncIterator[Transactions]:
    engine = create_engine(database_url)
    await migrate(engine)
    yield Transactions(sessions(engine))
    await engine.dispose()


async def test_an_update_is_claimed_once(transactions: Transactions) -> None:
    async with transactions() as uow:
        assert await uow.conversations.claim_update(77, NOW)
        assert not await uow.conversations.claim_update(77, NOW)
    async with transactions() as uow:
        assert not await uow.conversations.claim_update(77, NOW)


async def test_the_conversation_state_round_trips(transactions: Transactions) -> None:
    state = State(
        step=Step.COLLECTING,
        draft=Draft(Category.MECHANICAL, 0.8, "complaint_mechanical", answers={"item": "AC"}),
    )
    async with transactions() as uow:
        customer, _ = await uow.customers.customer_and_state(12, 12, None, "id", NOW)
        await uow.conversations.save(customer.id, state, NOW)
    async with transactions.reads() as uow:
        loaded, turns = await uow.conversations.state(customer.id)
    assert (loaded, turns) == (state, 1)


async def test_a_turn_saves_the_state_into_the_row_read_with_its_customer(
    transactions: Transactions,
) -> None:
    """The customers' and the conversations' records share the rows a unit of work read:
    saving the state after `customer_and_state` is one UPDATE, with no second read."""
    async with transactions() as uow:
        customer, _ = await uow.customers.customer_and_state(14, 14, None, "id", NOW)
        await uow.conversations.save(customer.id, State(step=Step.CLARIFYING), NOW)
    async with transactions() as uow:
        _, state = await uow.customers.customer_and_state(14, 14, None, "id", NOW)
        assert state.step is Step.CLARIFYING
        statements: list[str] = []

        def record(_: Any, __: Any, statement: str, *___: Any) -> None:
            statements.append(statement.split()[0])

        engine = uow.session.get_bind()
        event.listen(engine, "before_cursor_execute", record)
        try:
            await uow.conversations.save(customer.id, State(step=Step.COLLECTING), NOW)
        finally:
            event.remove(engine, "before_cursor_execute", record)
        assert statements == ["UPDATE"]
    async with transactions.reads() as uow:
        loaded, turns = await uow.conversations.state(customer.id)
    assert (loaded.step, turns) == (Step.COLLECTING, 2)
