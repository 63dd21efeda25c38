"""SQLite connections that run on the event loop, for SQLAlchemy's aiosqlite dialect.

aiosqlite runs every call (cursor, execute, fetch, close, commit) in a thread of its own and
wakes the event loop for each result: about four thread hand-offs per statement, each
costing more than the statement itself on an embedded database (a member's onboarding made
about 190 of them, 50 ms). Here the same calls run directly on the loop thread: an indexed
statement on a local file takes microseconds, which is cheaper than waking a thread.

Two layers do it. `Connection` is the driver connection SQLAlchemy's dialect is given (through
`async_creator`, shaped like aiosqlite's). `InlineDBAPI` is the DB-API module the dialect
uses instead of its aiosqlite adapter (through `module=`): its cursors and commits call
sqlite3 directly instead of handing each call to the event loop and back, so a statement
needs no greenlet switch, and a unit of work that already holds its connection and its
transaction can run without a greenlet at all (see db.session).

What would block the loop is waiting for the write lock. Connections open with no busy
timeout; when the lock is held (by another engine in this process, or another process such
as `groundwork db upgrade`) the statement is retried after an asyncio sleep, so the loop keeps
serving Discord meanwhile. Within one engine the pool holds a single connection, so units of
work queue in order for it instead of polling for the lock (see db.engine).

Statements that take long (a moderator's overview of a very large server) still run on the
loop; any statement over `SLOW_STATEMENT_SECONDS` is logged so it can be found.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import sqlite3
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.engine import URL
from sqlalchemy.util.concurrency import await_, in_greenlet

log = logging.getLogger(__name__)

T = TypeVar("T")

LOCK_WAIT_SECONDS = 10.0  # as long as a busy timeout would wait
SLOW_STATEMENT_SECONDS = 0.1
_FIRST_BACKOFF, _MAX_BACKOFF = 0.001, 0.05


def _is_locked(error: sqlite3.OperationalError) -> bool:
    return getattr(error, "sqlite_errorcode", None) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or (
        "database is locked" in str(error)
    )


async def _when_unlocked(call: Callable[..., T], *args: Any) -> T:
    """Run `call` now; while the database is locked by someone else, retry after a sleep."""
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    backoff = _FIRST_BACKOFF
    while True:
        try:
            return call(*args)
        except sqlite3.OperationalError as error:
            if not _is_locked(error) or time.monotonic() >= deadline:
                raise
        await asyncio.sleep(backoff)
        backoff = min(backoff * 2, _MAX_BACKOFF)


def _now_or_when_unlocked(call: Callable[..., T], *args: Any) -> T:
    """Run `call` now; if the database is locked, wait for it (inside SQLAlchemy's greenlet)."""
    try:
        return call(*args)
    except sqlite3.OperationalError as error:
        if not _is_locked(error):
            raise
    return await_(_when_unlocked(call, *args))


async def _nothing() -> None:
    return None


def _timed(call: Callable[..., T], sql: str, parameters: Any) -> T:
    if in_greenlet():
        # AsyncConnection.execute insists that a statement awaits at least once (its check
        # that the driver is asynchronous); one switch to the loop and back satisfies it.
        await_(_nothing())
    started = time.perf_counter()
    result = _now_or_when_unlocked(call, sql, parameters)
    elapsed = time.perf_counter() - started
    if elapsed > SLOW_STATEMENT_SECONDS:
        log.warning("slow SQLite statement (%.0f ms): %.200s", elapsed * 1000, sql)
    return result


# Statements SQLite refuses inside a transaction, or that manage one themselves.
_OUTSIDE_TRANSACTION = ("PRAGMA", "VACUUM", "BEGIN", "COMMIT", "END", "ROLLBACK")


def _needs_transaction(sql: str) -> bool:
    return not sql.lstrip()[:8].upper().startswith(_OUTSIDE_TRANSACTION)


class Cursor:
    """aiosqlite's cursor, run inline: what SQLAlchemy's server-side (streaming) cursors use."""

    __slots__ = ("_connection", "_cursor")

    def __init__(self, connection: Connection, cursor: sqlite3.Cursor) -> None:
        self._connection = connection
        self._cursor = cursor

    async def __aenter__(self) -> Cursor:
        return self

    async def __aexit__(self, *_: object) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    async def execute(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> Cursor:
        await self._connection.begin(sql)
        await _when_unlocked(self._cursor.execute, sql, parameters)
        return self

    async def executemany(self, sql: str, parameters: Sequence[Any]) -> Cursor:
        await self._connection.begin(sql)
        await _when_unlocked(self._cursor.executemany, sql, parameters)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(self._cursor.arraysize if size is None else size)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def nextset(self) -> None:
        return None

    async def close(self) -> None:
        self._cursor.close()


class Connection:
    """The driver connection: sqlite3, shaped like aiosqlite's connection where SQLAlchemy's
    dialect expects it to be.

    As the DB-API expects, a transaction is always open: the first statement after a commit
    or a rollback begins one. It begins IMMEDIATE, taking the write lock up front: a deferred
    transaction that read before another one committed could not write afterwards ("database
    is locked" at once), so units of work that read then write would fail instead of queueing.
    SAVEPOINTs (session.begin_nested) nest inside it.
    """

    # SQLAlchemy's adapter reads `_connection` (None once closed), as aiosqlite names it.
    __slots__ = ("_connection", "_sqlite")

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._sqlite = connection
        self._connection: sqlite3.Connection | None = connection

    @property
    def isolation_level(self) -> str | None:
        return self._sqlite.isolation_level

    def cursor(self) -> Cursor:
        return Cursor(self, self._sqlite.cursor())

    def begin_inline(self, sql: str) -> None:
        """Begin the transaction `sql` runs in, unless one is open or `sql` must run outside
        (waiting for the write lock inside SQLAlchemy's greenlet if another writer holds it)."""
        if not self._sqlite.in_transaction and _needs_transaction(sql):
            _now_or_when_unlocked(self._sqlite.execute, "BEGIN IMMEDIATE")

    async def begin(self, sql: str) -> None:
        """As `begin_inline`, from a coroutine: the write lock is waited for on the loop."""
        if not self._sqlite.in_transaction and _needs_transaction(sql):
            await _when_unlocked(self._sqlite.execute, "BEGIN IMMEDIATE")

    def try_begin(self) -> bool:
        """Begin a transaction now, unless one is open; False if another writer holds the lock."""
        if not self._sqlite.in_transaction:
            try:
                self._sqlite.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as error:
                if not _is_locked(error):
                    raise
                return False
        return True

    async def commit(self) -> None:
        await _when_unlocked(self._sqlite.commit)

    async def rollback(self) -> None:
        self._sqlite.rollback()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._sqlite.create_function(*args, **kwargs)

    async def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        self._connection = None
        self._sqlite.close()


class _InlineCursor(AsyncAdapt_aiosqlite_cursor):
    """SQLAlchemy's cursor adapter, calling the sqlite3 cursor directly (no await, no switch)."""

    __slots__ = ()
    _awaitable_cursor_close = False  # closing a sqlite3 cursor is a plain call

    def _make_new_cursor(self, connection: Any) -> Any:
        return connection._sqlite.cursor()

    def _aenter_cursor(self, cursor: Any) -> Any:
        return cursor

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        cursor = cast(sqlite3.Cursor, self._cursor)
        try:
            cast(Connection, self._connection).begin_inline(operation)
            _timed(cursor.execute, operation, () if parameters is None else parameters)
            if cursor.description:
                self._rows = collections.deque(cursor.fetchall())
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    def executemany(self, operation: Any, seq_of_parameters: Any) -> Any:
        cursor = cast(sqlite3.Cursor, self._cursor)
        try:
            cast(Connection, self._connection).begin_inline(operation)
            _timed(cursor.executemany, operation, seq_of_parameters)
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    def nextset(self) -> None:
        return None

    def setinputsizes(self, *inputsizes: Any) -> None:
        return None


class _InlineConnection(AsyncAdapt_aiosqlite_connection):
    """SQLAlchemy's connection adapter, committing and rolling back directly."""

    __slots__ = ()
    _cursor_cls = _InlineCursor

    def commit(self) -> None:
        driver = cast(Connection, self._connection)
        if driver._connection:
            try:
                _now_or_when_unlocked(driver._sqlite.commit)
            except Exception as error:
                self._handle_exception(error)

    def rollback(self) -> None:
        driver = cast(Connection, self._connection)
        if driver._connection:
            try:
                driver._sqlite.rollback()
            except Exception as error:
                self._handle_exception(error)


class InlineDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """The DB-API module for the aiosqlite dialect: connections from `connector`, run inline."""

    def connect(self, *arg: Any, **kw: Any) -> _InlineConnection:
        creator = kw.pop("async_creator_fn")
        return _InlineConnection(self, await_(creator(*arg, **kw)))


def inline_dbapi() -> InlineDBAPI:
    return InlineDBAPI(aiosqlite, sqlite3)


def driver_connection(dbapi_connection: Any) -> Connection | None:
    """The `Connection` under one of InlineDBAPI's connections (None for any other driver)."""
    if isinstance(dbapi_connection, _InlineConnection):
        return cast(Connection, dbapi_connection._connection)
    return None


_PRAGMAS = ("PRAGMA foreign_keys=ON", "PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL")


def connector(url: URL) -> Callable[[], Any]:
    """An `async_creator` for create_async_engine: opens `url`'s file with the lock wait above."""
    database = url.database or ":memory:"
    uri = url.query.get("uri") in ("true", "1")

    async def connect() -> Connection:
        # No busy timeout (the lock is waited for with asyncio above); sqlite3's own implicit
        # transactions off (Connection begins them); used by the loop's thread only.
        connection = sqlite3.connect(
            database, timeout=0, isolation_level=None, uri=uri, check_same_thread=False
        )
        for pragma in _PRAGMAS:
            await _when_unlocked(connection.execute, pragma)
        return Connection(connection)

    return connect
