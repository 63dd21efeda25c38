"""The session every unit of work runs in: SQLAlchemy's AsyncSession, without its idle round trips.

A unit of work is `async with sessions() as session, session.begin(): ...`. AsyncSession runs
each step of that in a greenlet of its own (a stack mapped and unmapped every time), and
closes the session in a task of its own, shielded from cancellation, which costs two turns of
the event loop. On SQLite, where a statement takes microseconds, that was most of a short
unit's time. Here:

- beginning the session's transaction runs inline (SQLAlchemy connects lazily, at the first
  statement, so there is nothing to wait for);
- on SQLite, a session whose transaction has ended (committed or rolled back by
  `session.begin()`) holds no connection, so it is closed inline, with one turn of the loop
  left to whoever waits for the connection (else a task that runs units back to back could
  take it again and again before a woken waiter runs);
- on SQLite (db.sqlite_driver runs the driver on the loop), a unit's statements and its
  commit run inline too, once the unit holds the database's one connection and the write
  lock. Taking them is the only step that can wait (for another unit, or another process):
  a unit that would have to wait takes the usual way, where the wait happens on the loop.

Everything else (PostgreSQL, a unit that must wait for the connection, savepoints, flushes,
`get`, streaming) goes through AsyncSession unchanged.
"""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import Select
from sqlalchemy.engine import CursorResult, Result
from sqlalchemy.exc import MissingGreenlet
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, AsyncSessionTransaction
from sqlalchemy.orm import SessionTransaction
from sqlalchemy.pool import QueuePool

from db.sqlite_driver import DBAPI, driver_connection

# Execution options that make a result read rows as it is iterated, not at once: those take
# AsyncSession's usual way, which refuses or buffers them as it should.
_STREAMING = ("stream_results", "yield_per", "max_row_buffer")


class UnitOfWorkTransaction(AsyncSessionTransaction):
    """`session.begin()`: starts without a greenlet; on SQLite, commits inline."""

    session: UnitOfWorkSession

    async def start(self, is_ctxmanager: bool = False) -> AsyncSessionTransaction:
        if self.nested:  # a SAVEPOINT is a statement
            return await super().start(is_ctxmanager)
        self.sync_transaction = self.session.sync_session.begin()
        if is_ctxmanager:
            self.sync_transaction.__enter__()
        return self

    async def __aexit__(self, type_: Any, value: Any, traceback: Any) -> None:
        if self.session.runs_inline():
            transaction = self.sync_transaction
            assert transaction is not None  # set by start()
            transaction.__exit__(type_, value, traceback)
            return
        await super().__aexit__(type_, value, traceback)


class UnitOfWorkSession(AsyncSession):
    """An AsyncSession that begins, closes and, on SQLite, executes inline (see the module)."""

    def __init__(self, bind: Any = None, **kwargs: Any) -> None:
        super().__init__(bind, **kwargs)
        # The pool whose connection statements may run inline on, and the transaction that
        # holds that connection with the write lock taken.
        self._inline_pool: QueuePool | None = None
        if isinstance(bind, AsyncEngine) and isinstance(bind.sync_engine.dialect.dbapi, DBAPI):
            pool = bind.sync_engine.pool
            self._inline_pool = pool if isinstance(pool, QueuePool) else None
        self._locked_for: SessionTransaction | None = None

    def begin(self) -> AsyncSessionTransaction:
        return UnitOfWorkTransaction(self)

    def runs_inline(self) -> bool:
        """Whether this unit holds its connection with the write lock: then nothing it does
        can wait, and it needs no greenlet."""
        return self._locked_for is not None and self._locked_for is self.sync_session.get_transaction()

    def _lock_inline(self) -> bool:
        """Take the connection and the write lock for inline statements, if that needs no
        waiting; False: go through AsyncSession (which waits on the loop)."""
        if self.runs_inline():
            return True
        if self._inline_pool is None or self._inline_pool.checkedin() == 0:
            return False  # no connection idle (another unit has it): wait for it the usual way
        try:
            connection = self.sync_session.connection()
        except MissingGreenlet:  # the idle connection must be reopened: the usual way too
            return False
        driver = driver_connection(connection.connection.dbapi_connection)
        if driver is None or not driver.try_begin():  # another process holds the write lock
            return False
        self._locked_for = self.sync_session.get_transaction()
        return True

    async def execute(
        self,
        statement: Any,
        params: Any = None,
        *,
        execution_options: Any = None,
        bind_arguments: Any = None,
        **kw: Any,
    ) -> Any:
        options = {} if execution_options is None else execution_options
        if any(option in options for option in _STREAMING) or not self._lock_inline():
            return await super().execute(
                statement, params, execution_options=options, bind_arguments=bind_arguments, **kw
            )
        result: Result[Any] = self.sync_session.execute(
            statement, params=params, execution_options=options, bind_arguments=bind_arguments, **kw
        )
        if isinstance(result, CursorResult) or not isinstance(statement, Select):
            return result  # the driver read its rows already: nothing left to fetch
        # An ORM query builds its objects (and runs eager loads) as it is read: read it all
        # now, within the unit, as AsyncSession does.
        return result.freeze()()

    async def scalar(self, statement: Any, params: Any = None, **kw: Any) -> Any:
        # AsyncSession.scalar runs in a greenlet of its own; through `execute` it runs inline.
        return (await self.execute(statement, params, **kw)).scalar()

    async def __aexit__(self, type_: Any, value: Any, traceback: Any) -> None:
        if self._inline_pool is None or (self.sync_session.in_transaction() and not self.runs_inline()):
            # PostgreSQL, or still holding a connection it cannot close inline (no `begin()`
            # block, or an error before it ended): close as AsyncSession does, shielded from
            # cancellation, in a task of its own.
            await super().__aexit__(type_, value, traceback)
            return
        self.sync_session.close()  # nothing to wait for: the rollback, if any, runs inline
        # Let a unit that was woken for the connection take it before this task, which never
        # yielded, starts another unit and takes it back: no unit waits forever behind a busy one.
        await asyncio.sleep(0)
