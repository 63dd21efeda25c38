"""The async engine and the one session factory the bot uses."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

SessionMaker = async_sessionmaker[AsyncSession]


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the driver, issue BEGIN (see _on_sqlite_begin); this also makes
    # SAVEPOINTs (session.begin_nested) work.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _on_sqlite_begin(connection: Any) -> None:
    # Take the write lock when the transaction starts. A deferred transaction that read
    # before another one committed could not write afterwards ("database is locked" at once,
    # whatever the busy timeout); taking it up front makes concurrent units of work queue.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_engine(url: str | URL, *, echo: bool = False, pool: bool = True) -> AsyncEngine:
    """An engine for SQLite (aiosqlite: foreign keys on, WAL) or PostgreSQL (asyncpg)."""
    parsed = make_url(url)
    kwargs: dict[str, Any] = {"echo": echo}
    if not pool:
        kwargs["poolclass"] = NullPool
    elif parsed.get_backend_name() == "postgresql":
        kwargs["pool_pre_ping"] = True
    engine = create_async_engine(parsed, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _on_sqlite_connect)
        event.listen(engine.sync_engine, "begin", _on_sqlite_begin)
    return engine


def create_session_maker(engine: AsyncEngine) -> SessionMaker:
    """The bot's session factory: one session per unit of work, nothing expired on commit."""
    return async_sessionmaker(engine, expire_on_commit=False)
