"""The database engine: the URL the operator gives, the async driver the app needs."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiosqlite
from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.ext.asyncio import AsyncSession as AsyncSession

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}


def async_url(url: str) -> str:
    """`sqlite:///x.db` or `postgresql://u@h/db` (or `postgres://`) with the async driver."""
    parsed = make_url(url.replace("postgres://", "postgresql://", 1))
    backend = parsed.get_backend_name()
    if backend not in _DRIVERS:
        raise ValueError(f"unsupported database {backend!r}")
    return parsed.set(drivername=_DRIVERS[backend]).render_as_string(hide_password=False)


def default_url(state_dir: Path) -> str:
    return f"sqlite:///{state_dir / 'prima.db'}"


def create_engine(url: str, **options: Any) -> AsyncEngine:
    """An engine for `url`. SQLite gets WAL, foreign keys and a busy timeout."""
    full = async_url(url)
    if full.startswith("sqlite"):
        database = make_url(full).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        # One connection: SQLite has one writer anyway, and waiting for the pool is a fair
        # asyncio queue where SQLite's own busy handler would sleep and retry.
        options.setdefault("pool_size", 1)
        options.setdefault("max_overflow", 0)
        options.setdefault("pool_timeout", 120)
        location = str(database or ":memory:")

        async def connect() -> aiosqlite.Connection:
            return await _InlineSQLite.open(location, busy_seconds=30)

        engine = create_async_engine(full, async_creator=connect, **options)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
        return engine
    options.setdefault("pool_pre_ping", True)
    return create_async_engine(full, **options)


class _InlineSQLite(aiosqlite.Connection):
    """aiosqlite, with statements run on the event loop's thread instead of its worker's.

    aiosqlite hands every call (execute, fetch, cursor, commit: ≈ 70 per turn) to a worker
    thread and back; on a small virtual machine each hand-over costs more than the SQLite
    work itself, and under load it was the bot's largest cost. A statement on a local
    SQLite file takes microseconds, so it runs in place. What can wait still goes to the
    worker thread, so a wait never blocks the event loop: for another process's lock,
    `BEGIN IMMEDIATE` (every transaction starts with it, so the writes that follow hold
    the lock already) and PRAGMAs; for the disk, COMMIT (which may checkpoint the WAL).
    """

    @classmethod
    async def open(cls, location: str, *, busy_seconds: float) -> _InlineSQLite:
        def connector() -> sqlite3.Connection:
            # Used from the loop's thread and the worker, one call at a time (the pool has
            # one connection and each call completes before the next).
            return sqlite3.connect(location, timeout=busy_seconds, check_same_thread=False)

        connection = cls(connector, iter_chunk_size=64)
        connection._thread.daemon = True
        await connection
        return connection

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        if _may_wait(fn, args, self._conn):
            return await super()._execute(fn, *args, **kwargs)  # type: ignore[no-untyped-call]
        return fn(*args, **kwargs)


def _may_wait(fn: Callable[..., Any], args: tuple[Any, ...], db: sqlite3.Connection) -> bool:
    """Whether a call may wait: for another connection's lock (a transaction's BEGIN, a
    PRAGMA) or for the disk (a COMMIT may checkpoint the WAL into the database file and
    sync it; so may closing the connection). Those run on aiosqlite's worker thread;
    closing a cursor does not wait, and runs in place."""
    if fn == db.commit or fn == db.close:
        return True
    if not args or not isinstance(args[0], str):
        return False
    return args[0].lstrip()[:6].upper() in ("BEGIN ", "PRAGMA", "COMMIT")


def _sqlite_pragmas(dbapi_connection: Any, _: Any) -> None:
    # The driver's own implicit BEGIN is off: we emit BEGIN IMMEDIATE ourselves (below).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # WAL with synchronous=NORMAL: safe from corruption, one fsync per checkpoint, not commit.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    # A transaction that reads and then writes must hold the write lock from the start, or
    # SQLite fails it with "database is locked" instead of waiting (busy_timeout).
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


async def migrate(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the schema up to `revision` with Alembic, on the app's own connection."""

    def upgrade(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with engine.begin() as connection:
        await connection.run_sync(upgrade)
    logger.info("database schema at %s", revision)


async def current_revision(engine: AsyncEngine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    def read(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async with engine.connect() as connection:
        return await connection.run_sync(read)
