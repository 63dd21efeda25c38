"""SQLite connections that run on the event loop, for SQLAlchemy's aiosqlite dialect.

aiosqlite runs every call (cursor, execute, fetch, close, commit) in a thread of its own and
wakes the event loop for each result: about four thread hand-offs per statement, each
costing more than the statement itself on an embedded database (a member's onboarding made
about 190 of them, 50 ms). Here the same calls run directly on the loop thread: an indexed
statement on a local file takes microseconds, which is cheaper than waking a thread.

This module is a PEP 249 DB-API of its own over sqlite3 (`DBAPI`, passed to the
aiosqlite dialect with `module=`; its connections come from `connector`, passed with
`creator=`). Its cursors and commits call sqlite3 directly, so a statement needs no greenlet
switch, and a unit of work that already holds its connection and its transaction can run
without a greenlet at all (see db.session). It uses SQLAlchemy's public asyncio surface only:
a connection is an `AdaptedConnection`, and whatever must wait is awaited through its
`run_async`.

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
from typing import Any, TypeVar

import greenlet  # type: ignore[import-untyped]  # greenlet ships no type hints
from sqlalchemy.engine import URL, AdaptedConnection

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


async def _nothing() -> None:
    return None


def _in_greenlet() -> bool:
    """Whether this runs in a greenlet under the loop's (SQLAlchemy's, for a statement), not
    inline on the loop itself."""
    return bool(greenlet.getcurrent().parent is not None)


# Statements SQLite refuses inside a transaction, or that manage one themselves.
_OUTSIDE_TRANSACTION = ("PRAGMA", "VACUUM", "BEGIN", "COMMIT", "END", "ROLLBACK")


def _needs_transaction(sql: str) -> bool:
    return not sql.lstrip()[:8].upper().startswith(_OUTSIDE_TRANSACTION)


class Cursor:
    """A DB-API cursor over sqlite3's. Rows are read at once (as SQLAlchemy's asyncio cursors
    do), so nothing is left to fetch once a unit of work ended; a server-side (streaming)
    cursor reads them as asked."""

    __slots__ = ("_connection", "_cursor", "_rows", "_server_side")

    def __init__(self, connection: Connection, cursor: sqlite3.Cursor, server_side: bool) -> None:
        self._connection = connection
        self._cursor = cursor
        self._server_side = server_side
        self._rows: collections.deque[Any] = collections.deque()

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

    def execute(self, operation: str, parameters: Sequence[Any] | dict[str, Any] | None = None) -> Cursor:
        cursor = self._cursor
        self._connection.begin_for(operation)
        self._connection.timed(cursor.execute, operation, () if parameters is None else parameters)
        if not self._server_side and cursor.description:
            self._rows = collections.deque(cursor.fetchall())
        return self

    def executemany(self, operation: str, seq_of_parameters: Sequence[Any]) -> Cursor:
        self._connection.begin_for(operation)
        self._connection.timed(self._cursor.executemany, operation, seq_of_parameters)
        return self

    def fetchone(self) -> Any:
        if self._server_side:
            return self._cursor.fetchone()
        return self._rows.popleft() if self._rows else None

    def fetchmany(self, size: int | None = None) -> list[Any]:
        size = self._cursor.arraysize if size is None else size
        if self._server_side:
            return self._cursor.fetchmany(size)
        rows = self._rows
        return [rows.popleft() for _ in range(min(size, len(rows)))]

    def fetchall(self) -> list[Any]:
        if self._server_side:
            return self._cursor.fetchall()
        rows = list(self._rows)
        self._rows.clear()
        return rows

    def nextset(self) -> None:
        return None

    def setinputsizes(self, *inputsizes: Any) -> None:
        return None

    def setoutputsizes(self, *args: Any) -> None:
        return None

    def close(self) -> None:
        self._rows.clear()
        self._cursor.close()

    async def _async_soft_close(self) -> None:
        """What SQLAlchemy's asyncio extension calls on every cursor of an async DB-API
        (from 2.0.44) once a buffered result is handed back: close the cursor but keep its
        rows. Rows here are read at execute already, so there is nothing to do."""


class Connection(AdaptedConnection):
    """A DB-API connection over sqlite3, for the aiosqlite dialect (its driver connection,
    `driver_connection`, is the sqlite3 connection).

    As the DB-API expects, a transaction is always open: the first statement after a commit
    or a rollback begins one. It begins IMMEDIATE, taking the write lock up front: a deferred
    transaction that read before another one committed could not write afterwards ("database
    is locked" at once), so units of work that read then write would fail instead of queueing.
    SAVEPOINTs (session.begin_nested) nest inside it. With isolation level None (SQLAlchemy's
    AUTOCOMMIT) no transaction is begun.
    """

    __slots__ = ("_isolation_level", "_sqlite")

    def __init__(self, connection: sqlite3.Connection) -> None:
        # What AdaptedConnection.driver_connection gives, and run_async passes on: sqlite3's
        # connection, which AdaptedConnection's hints (an asyncio driver's) do not foresee.
        self._connection = connection  # type: ignore[assignment]
        self._sqlite = connection
        self._isolation_level: str | None = ""

    # -- waiting, which only ever happens inside SQLAlchemy's greenlet ----------------------

    def when_unlocked(self, call: Callable[..., T], *args: Any) -> T:
        """Run `call` now; if the database is locked, wait for it on the loop (through
        `run_async`, inside SQLAlchemy's greenlet)."""
        try:
            return call(*args)
        except sqlite3.OperationalError as error:
            if not _is_locked(error):
                raise
        return self.run_async(lambda _: _when_unlocked(call, *args))

    def timed(self, call: Callable[..., T], sql: str, parameters: Any) -> T:
        if _in_greenlet():
            # AsyncConnection.execute insists that a statement awaits at least once (its check
            # that the driver is asynchronous); one switch to the loop and back satisfies it.
            self.run_async(lambda _: _nothing())
        started = time.perf_counter()
        result = self.when_unlocked(call, sql, parameters)
        elapsed = time.perf_counter() - started
        if elapsed > SLOW_STATEMENT_SECONDS:
            log.warning("slow SQLite statement (%.0f ms): %.200s", elapsed * 1000, sql)
        return result

    # -- transactions -----------------------------------------------------------------------

    def begin_for(self, sql: str) -> None:
        """Begin the transaction `sql` runs in, unless one is open or `sql` must run outside
        (waiting for the write lock if another writer holds it)."""
        if not self._sqlite.in_transaction and self._isolation_level is not None and _needs_transaction(sql):
            self.when_unlocked(self._sqlite.execute, "BEGIN IMMEDIATE")

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

    # -- the DB-API connection --------------------------------------------------------------

    @property
    def isolation_level(self) -> str | None:
        return self._isolation_level

    @isolation_level.setter
    def isolation_level(self, value: str | None) -> None:
        self._isolation_level = value

    def cursor(self, server_side: bool = False) -> Cursor:
        return Cursor(self, self._sqlite.cursor(), server_side)

    def commit(self) -> None:
        self.when_unlocked(self._sqlite.commit)

    def rollback(self) -> None:
        self._sqlite.rollback()

    def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._sqlite.create_function(*args, **kwargs)

    def close(self) -> None:
        self._sqlite.close()

    def terminate(self) -> None:
        self._sqlite.close()


class DBAPI:
    """The DB-API module (PEP 249) for the aiosqlite dialect: sqlite3's errors and types,
    connections from `connect`."""

    paramstyle = "qmark"
    apilevel = "2.0"
    threadsafety = 1
    has_stop = True  # connections can be terminated (the dialect asks)

    Warning = sqlite3.Warning
    Error = sqlite3.Error
    InterfaceError = sqlite3.InterfaceError
    DatabaseError = sqlite3.DatabaseError
    DataError = sqlite3.DataError
    OperationalError = sqlite3.OperationalError
    IntegrityError = sqlite3.IntegrityError
    InternalError = sqlite3.InternalError
    ProgrammingError = sqlite3.ProgrammingError
    NotSupportedError = sqlite3.NotSupportedError
    Binary = sqlite3.Binary
    PARSE_COLNAMES = sqlite3.PARSE_COLNAMES
    PARSE_DECLTYPES = sqlite3.PARSE_DECLTYPES
    sqlite_version = sqlite3.sqlite_version
    sqlite_version_info = sqlite3.sqlite_version_info

    def connect(self, database: str, *, uri: bool = False) -> Connection:
        """A connection to `database`, with the pragmas below; no busy timeout (the lock is
        waited for with asyncio above); sqlite3's own implicit transactions off (Connection
        begins them); used by the loop's thread only."""
        connection = Connection(
            sqlite3.connect(database, timeout=0, isolation_level=None, uri=uri, check_same_thread=False)
        )
        for pragma in _PRAGMAS:
            connection.when_unlocked(connection.driver_connection.execute, pragma)
        return connection


_PRAGMAS = ("PRAGMA foreign_keys=ON", "PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL")


def inline_dbapi() -> DBAPI:
    return DBAPI()


def driver_connection(dbapi_connection: Any) -> Connection | None:
    """The DB-API connection as this module's `Connection` (None for any other driver)."""
    return dbapi_connection if isinstance(dbapi_connection, Connection) else None


def connector(url: URL) -> Callable[[], Connection]:
    """A `creator` for create_async_engine: opens `url`'s file with the lock wait above."""
    database = url.database or ":memory:"
    uri = url.query.get("uri") in ("true", "1")
    dbapi = DBAPI()

    def connect() -> Connection:
        return dbapi.connect(database, uri=uri)

    return connect
