"""The async engine and the one session factory the bot uses."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

from db.session import UnitOfWorkSession
from db.sqlite_driver import connector, inline_dbapi

SessionMaker = async_sessionmaker[AsyncSession]


def create_engine(url: str | URL, *, echo: bool = False, pool: bool = True) -> AsyncEngine:
    """An engine for SQLite (on the event loop, see db.sqlite_driver) or PostgreSQL (asyncpg)."""
    parsed = make_url(url)
    sqlite = parsed.get_backend_name() == "sqlite"
    kwargs: dict[str, Any] = {"echo": echo}
    if sqlite:
        kwargs |= {"creator": connector(parsed), "module": inline_dbapi()}
    if not pool:
        kwargs["poolclass"] = NullPool
    elif sqlite:
        # SQLite has one writer, and every transaction here takes the write lock: units of
        # work wait for the one connection in order, on the loop, instead of for the lock.
        kwargs |= {"pool_size": 1, "max_overflow": 0}
    else:
        kwargs["pool_pre_ping"] = True
    return create_async_engine(parsed, **kwargs)


def create_session_maker(engine: AsyncEngine) -> SessionMaker:
    """The bot's session factory: one session per unit of work (see db.session), nothing
    expired on commit."""
    return async_sessionmaker(engine, class_=UnitOfWorkSession, expire_on_commit=False)
