"""The session every unit of work runs in: SQLAlchemy's AsyncSession, without its idle round trips.

A unit of work is `async with sessions() as session, session.begin(): ...`. AsyncSession runs
each step of that in a greenlet of its own, and closes the session in a task of its own,
shielded from cancellation: that costs a greenlet (a stack mapped and unmapped) and two turns
of the event loop per unit, about a fifth of a short unit's time on SQLite, even where a step
touches no connection. Two steps never do:

- beginning the session's transaction (SQLAlchemy connects lazily, at the first statement);
- closing a session whose transaction has already ended (committed or rolled back by
  `session.begin()`): it holds no connection, so there is nothing to give back to the pool.

Those two run inline here. Everything that can reach the database (statements, commit,
rollback, closing a session still in a transaction, savepoints) goes through AsyncSession
unchanged.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, AsyncSessionTransaction


class UnitOfWorkTransaction(AsyncSessionTransaction):
    """`session.begin()`: the ORM transaction starts without a greenlet (no I/O happens)."""

    async def start(self, is_ctxmanager: bool = False) -> AsyncSessionTransaction:
        if self.nested:  # a SAVEPOINT is a statement
            return await super().start(is_ctxmanager)
        self.sync_transaction = self._assign_proxied(self.session.sync_session.begin())
        if is_ctxmanager:
            self.sync_transaction.__enter__()
        return self


class UnitOfWorkSession(AsyncSession):
    """An AsyncSession that begins and, once its transaction is over, closes inline."""

    def begin(self) -> AsyncSessionTransaction:
        return UnitOfWorkTransaction(self)

    async def __aexit__(self, type_: Any, value: Any, traceback: Any) -> None:
        if self.sync_session.in_transaction():
            # Still holding a connection (no `begin()` block, or an error before it ended):
            # close it as AsyncSession does, shielded from cancellation.
            await super().__aexit__(type_, value, traceback)
            return
        self.sync_session.close()  # no connection held: forgets loaded objects, no I/O
