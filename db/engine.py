"""The async engine and the one session factory the bot uses."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

SessionMaker = async_sessionmaker[AsyncSession]


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


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
    return engine


def create_session_maker(engine: AsyncEngine) -> SessionMaker:
    """The bot's session factory: one session per unit of work, nothing expired on commit."""
    return async_sessionmaker(engine, expire_on_commit=False)
