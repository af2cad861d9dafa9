"""The database and its migrations on real databases (SQLite and PostgreSQL): the schema, how
SQLite runs statements and checkpoints, and two dispatchers sharing the outbox."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import event, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from prima.storage.database import async_url, create_engine, current_revision, migrate, sessions
from prima.storage.models import Base
from prima.storage.outbox import OutboxRecords
from prima.storage.unit_of_work import Transactions, UnitOfWork

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    await migrate(engine)
    yield engine
    await engine.dispose()


def test_urls_get_the_async_driver() -> None:
    assert async_url("sqlite:///x/prima.db") == "sqlite+aiosqlite:///x/prima.db"
    assert async_url("postgres://u:p@h/db") == "postgresql+asyncpg://u:p@h/db"
    assert async_url("postgresql://u@h:5433/db") == "postgresql+asyncpg://u@h:5433/db"
    with pytest.raises(ValueError, match="unsupported"):
        async_url("mysql://h/db")


async def test_the_database_answers_a_ping(engine: AsyncEngine) -> None:
    """What the webhook's readiness asks (an outage: tests/e2e/test_webhook.py)."""
    assert await Transactions(sessions(engine)).ping()


async def test_the_migrations_build_exactly_the_models(engine: AsyncEngine) -> None:
    assert await current_revision(engine) is not None

    def differences(connection: Connection) -> list[object]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))

    async with engine.connect() as connection:
        assert await connection.run_sync(differences) == []
    await migrate(engine)  # running again is harmless


async def test_two_dispatchers_never_claim_the_same_message(engine: AsyncEngine) -> None:
    async with sessions(engine)() as session, session.begin():
        customer, _ = await UnitOfWork(session).customers.customer_and_state(
            13, 13, None, "id", NOW
        )
        for number in range(40):
            await OutboxRecords(session).queue_outbound(
                customer, f"m{number}", [], case_id=None, now=NOW, lease=None
            )

    async def claim() -> list[int]:
        taken: list[int] = []
        for _ in range(10):
            async with sessions(engine)() as session, session.begin():
                batch = await OutboxRecords(session).claim_due(NOW, timedelta(minutes=1), limit=3)
                taken += [m.id for m in batch]
            await asyncio.sleep(0)
        return taken

    first, second = await asyncio.gather(claim(), claim())
    assert not set(first) & set(second)
    assert len(first) + len(second) == 40
    async with sessions(engine)() as session, session.begin():
        later = NOW + timedelta(minutes=2)  # leases expired: claimable again
        assert len(await OutboxRecords(session).claim_due(later, timedelta(minutes=1), 100)) == 40


async def test_sqlite_statements_run_in_place_and_lock_waits_do_not_block_the_loop(
    tmp_path: Path,
) -> None:
    """SQLite runs statements, BEGIN and COMMIT on the event loop's thread (no hand-over per
    call), but a transaction that has to wait for another process's write lock waits off
    the loop."""
    path = tmp_path / "inline.db"
    engine = create_engine(f"sqlite:///{path}")
    await migrate(engine)
    threads: list[int] = []

    @event.listens_for(engine.sync_engine, "connect")
    def record_thread(dbapi_connection: Any, _: Any) -> None:
        raw = dbapi_connection.driver_connection._conn
        raw.create_function("whose_thread", 0, lambda: threads.append(threading.get_ident()))

    traced: list[tuple[str, int]] = []

    @event.listens_for(engine.sync_engine, "connect")
    def trace(dbapi_connection: Any, _: Any) -> None:
        raw = dbapi_connection.driver_connection._conn
        raw.set_trace_callback(lambda sql: traced.append((sql, threading.get_ident())))

    await engine.dispose()  # new connections get the function
    async with sessions(engine)() as session, session.begin():
        await session.execute(text("SELECT whose_thread()"))
        await UnitOfWork(session).conversations.claim_update(4241, NOW)
    assert threads == [threading.get_ident()]
    transaction = traced[traced.index(("BEGIN IMMEDIATE", threading.get_ident())) :]
    assert [sql.split()[0] for sql, _ in transaction] == ["BEGIN", "SELECT", "INSERT", "COMMIT"]
    assert {thread for _, thread in transaction} == {threading.get_ident()}

    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    async def write() -> bool:
        async with sessions(engine)() as session, session.begin():
            return await UnitOfWork(session).conversations.claim_update(4242, NOW)

    ticker = asyncio.create_task(tick())
    writer = asyncio.create_task(write())
    await asyncio.sleep(0.5)
    assert not writer.done()  # waiting for the lock ...
    assert ticks >= 20  # ... while the loop goes on
    other.execute("COMMIT")
    other.close()
    assert await asyncio.wait_for(writer, 10)
    ticker.cancel()
    await engine.dispose()


async def test_sqlite_wal_is_checkpointed_off_the_connection(tmp_path: Path) -> None:
    """The app's connection never checkpoints (its COMMIT must not sync the disk on the
    event loop's thread); the checkpointer thread copies the WAL into the database file."""
    path = tmp_path / "wal.db"
    engine = create_engine(f"sqlite:///{path}")
    await migrate(engine)
    async with engine.connect() as connection:
        assert (await connection.exec_driver_sql("PRAGMA wal_autocheckpoint")).scalar() == 0
    before = path.stat().st_size
    async with sessions(engine)() as session, session.begin():
        uow = UnitOfWork(session)
        customer, _ = await uow.customers.customer_and_state(77, 77, "Siti", "id", NOW)
        for number in range(300):
            await uow.conversations.record_inbound(
                customer.id, "text", "x" * 4000, update_id=number, message_id=None, now=NOW
            )
    for _ in range(50):  # the checkpointer runs every second
        if path.stat().st_size > before + 1_000_000:
            break
        await asyncio.sleep(0.1)
    assert path.stat().st_size > before + 1_000_000
    await engine.dispose()
    assert not any(t.name == "sqlite-checkpointer" for t in threading.enumerate())
