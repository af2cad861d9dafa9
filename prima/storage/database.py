"""The database engine: the URL the operator gives, the async driver the app needs."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
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
    # No ping before each checkout: it cost a round trip and a transaction per session (0.9
    # of 2.3 transactions per update, `python -m bench.webhook`). A connection the server
    # dropped fails on first use instead; SQLAlchemy then discards the pool's connections and
    # every writer retries (a turn up to 3 times, delivery marks with backoff, the loops on
    # their next pass): tests/e2e/test_instances.py restarts PostgreSQL under two bots.
    options.setdefault("pool_pre_ping", False)
    return create_async_engine(full, **options)


class _InlineSQLite(aiosqlite.Connection):
    """aiosqlite, with every call run on the event loop's thread unless it has to wait.

    aiosqlite hands every call (execute, fetch, cursor, commit: ≈ 70 per turn) to a worker
    thread and back; on a small virtual machine each hand-over costs more than the SQLite
    work itself, and it was the bot's largest cost under load (with the GIL, a hand-over can
    wait milliseconds for the other thread, while the transaction holds the one connection).
    A statement on a local SQLite file takes microseconds, so it runs in place. Nothing on
    the loop's thread may wait, though:

    - for another connection's write lock: the connection's busy timeout is 0, and every
      transaction starts with `BEGIN IMMEDIATE` (so the writes that follow hold the lock
      already). A BEGIN that finds the lock taken is tried again on the worker thread, which
      waits up to the busy timeout;
    - for the disk: with WAL and `synchronous=NORMAL` a COMMIT only appends to the WAL, and
      the sync comes with a checkpoint. Checkpoints are taken off this connection
      (`wal_autocheckpoint=0`) and run on a thread of their own (`_Checkpointer`);
    - PRAGMAs (connection set-up) and closing the connection run on the worker thread.
    """

    busy_ms: int
    _checkpointer: _Checkpointer | None

    @classmethod
    async def open(cls, location: str, *, busy_seconds: float) -> _InlineSQLite:
        def connector() -> sqlite3.Connection:
            # Used from the loop's thread and the worker, one call at a time (the pool has
            # one connection and each call completes before the next).
            return sqlite3.connect(location, timeout=busy_seconds, check_same_thread=False)

        connection = cls(connector, iter_chunk_size=64)
        connection.busy_ms = int(busy_seconds * 1000)
        connection._checkpointer = None if location == ":memory:" else _Checkpointer(location)
        connection._thread.daemon = True
        await connection
        if connection._checkpointer is not None:
            connection._checkpointer.start()
        return connection

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        if fn == self._conn.close or _runs(args, "PRAGMA"):
            return await super()._execute(fn, *args, **kwargs)  # type: ignore[no-untyped-call]
        try:
            return fn(*args, **kwargs)
        except sqlite3.OperationalError as exc:
            if not (_runs(args, "BEGIN ") and _is_busy(exc)):
                raise
        # Another connection holds the write lock: wait for it off the loop.
        return await super()._execute(self._waiting, fn, *args, **kwargs)  # type: ignore[no-untyped-call]

    def _waiting(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """`fn` with SQLite's busy handler on (on the worker thread)."""
        self._conn.execute(f"PRAGMA busy_timeout={self.busy_ms}")
        try:
            return fn(*args, **kwargs)
        finally:
            self._conn.execute("PRAGMA busy_timeout=0")

    async def close(self) -> None:
        try:
            await super().close()
        finally:
            if self._checkpointer is not None:
                await asyncio.to_thread(self._checkpointer.stop)


class _Checkpointer(threading.Thread):
    """Copies the WAL into the database file every `interval` seconds, on its own thread
    and connection, so that no COMMIT on the event loop's thread has to (a checkpoint syncs
    the disk). PASSIVE: it never waits for, nor blocks, the app's readers and writers."""

    def __init__(self, location: str, interval: float = 1.0) -> None:
        super().__init__(name="sqlite-checkpointer", daemon=True)
        self.location, self.interval = location, interval
        self._stopping = threading.Event()

    def run(self) -> None:
        connection = sqlite3.connect(self.location, timeout=0)
        try:
            while not self._stopping.wait(self.interval):
                try:
                    connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error as exc:  # tried again next time
                    logger.warning("SQLite checkpoint failed: %s", exc)
        finally:
            connection.close()

    def stop(self) -> None:
        self._stopping.set()
        if self.is_alive():
            self.join()


def _runs(args: tuple[Any, ...], word: str) -> bool:
    """Whether the call runs an SQL statement that starts with `word`."""
    return bool(args) and isinstance(args[0], str) and args[0].lstrip()[: len(word)].upper() == word


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    return getattr(exc, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_BUSY


def _sqlite_pragmas(dbapi_connection: Any, _: Any) -> None:
    # The driver's own implicit BEGIN is off: we emit BEGIN IMMEDIATE ourselves (below).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # WAL with synchronous=NORMAL: safe from corruption, one sync per checkpoint, not commit.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # Checkpoints run on their own thread (_Checkpointer), so no COMMIT waits for the disk;
    # statements never wait for a lock on the loop's thread (see _InlineSQLite).
    cursor.execute("PRAGMA wal_autocheckpoint=0")
    cursor.execute("PRAGMA busy_timeout=0")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    # A transaction that reads and then writes must hold the write lock from the start, or
    # SQLite fails it with "database is locked" instead of waiting (busy timeout).
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
