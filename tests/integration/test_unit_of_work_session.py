"""The unit-of-work session (db.session), on either database: it still gives every connection
back, commits, rolls back and survives cancellation as AsyncSession does. What it runs inline
on SQLite is tested in test_sqlite_driver."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import GuildDefaults
from bot.services.guilds import ensure_guild
from db.engine import SessionMaker
from db.models import GuildSettings
from db.session import UnitOfWorkSession
from tests.support.database import checked_out


async def _radius(sessions: SessionMaker, guild_id: int) -> float | None:
    async with sessions() as session:
        return await session.scalar(select(GuildSettings.radius_km).where(GuildSettings.guild_id == guild_id))


async def test_the_bot_s_sessions_are_units_of_work(sessions: SessionMaker) -> None:
    async with sessions() as session:
        assert isinstance(session, UnitOfWorkSession)


async def test_a_unit_commits_gives_its_connection_back_and_forgets_its_objects(
    engine: AsyncEngine, sessions: SessionMaker
) -> None:
    async with sessions() as session, session.begin():
        settings = await ensure_guild(session=session, guild_id=1, defaults=GuildDefaults())
        settings.radius_km = 25.0
        assert checked_out(engine) == 1
    assert checked_out(engine) == 0
    assert settings not in session  # closed: loaded objects are detached
    assert await _radius(sessions, 1) == 25.0


async def test_an_error_rolls_the_unit_back_and_gives_its_connection_back(
    engine: AsyncEngine, sessions: SessionMaker
) -> None:
    with pytest.raises(RuntimeError):
        async with sessions() as session, session.begin():
            await ensure_guild(session=session, guild_id=2, defaults=GuildDefaults())
            raise RuntimeError("boom")
    assert checked_out(engine) == 0
    assert await _radius(sessions, 2) is None


async def test_a_session_left_in_its_transaction_is_closed_and_rolled_back(
    engine: AsyncEngine, sessions: SessionMaker
) -> None:
    async with sessions() as session:  # no begin() block: autobegun, never committed
        await ensure_guild(session=session, guild_id=3, defaults=GuildDefaults())
        assert session.in_transaction()
    assert checked_out(engine) == 0
    assert await _radius(sessions, 3) is None


async def test_a_savepoint_rolls_back_alone(sessions: SessionMaker) -> None:
    async with sessions() as session, session.begin():
        await ensure_guild(session=session, guild_id=4, defaults=GuildDefaults())
        with pytest.raises(RuntimeError):
            async with session.begin_nested():
                await ensure_guild(session=session, guild_id=5, defaults=GuildDefaults())
                raise RuntimeError("undo the second guild only")
    assert await _radius(sessions, 4) is not None
    assert await _radius(sessions, 5) is None


async def test_a_cancelled_unit_rolls_back_and_gives_its_connection_back(
    engine: AsyncEngine, sessions: SessionMaker
) -> None:
    inside = asyncio.Event()

    async def unit() -> None:
        async with sessions() as session, session.begin():
            await ensure_guild(session=session, guild_id=6, defaults=GuildDefaults())
            inside.set()
            await asyncio.sleep(60)

    task = asyncio.create_task(unit())
    await inside.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert checked_out(engine) == 0
    assert await _radius(sessions, 6) is None
