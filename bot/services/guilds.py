"""Guild settings: every guild starts from the configured defaults."""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import GuildDefaults
from db.base import clock_now
from db.models import GuildSettings
from db.upsert import insert_unless_exists

_GUILDS = cast(Table, GuildSettings.__table__)
_KNOWN = select(_GUILDS.c.guild_id).where(_GUILDS.c.guild_id == bindparam("guild_id"))


async def _create(session: AsyncSession, guild_id: int, defaults: GuildDefaults) -> None:
    # The first events of a new guild arrive together (members joining at once).
    now = clock_now(session)
    values = {"guild_id": guild_id, **defaults.model_dump(), "created_at": now, "updated_at": now}
    await insert_unless_exists(session, GuildSettings, values, unique=["guild_id"])


async def ensure_guild_row(*, session: AsyncSession, guild_id: int, defaults: GuildDefaults) -> None:
    """Make sure the guild's settings row exists (what a member's rows need), reading nothing else."""
    if (await session.execute(_KNOWN, {"guild_id": guild_id})).first() is None:
        await _create(session, guild_id, defaults)


async def ensure_guild(*, session: AsyncSession, guild_id: int, defaults: GuildDefaults) -> GuildSettings:
    """The guild's settings row, created from `defaults` the first time the guild is seen."""
    settings = await session.get(GuildSettings, guild_id)
    if settings is None:
        await _create(session, guild_id, defaults)
        settings = await session.get(GuildSettings, guild_id, populate_existing=True)
        assert settings is not None
    return settings
