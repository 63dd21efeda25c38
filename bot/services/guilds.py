"""Guild settings: every guild starts from the configured defaults."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import GuildDefaults
from db.models import GuildSettings


async def ensure_guild(*, session: AsyncSession, guild_id: int, defaults: GuildDefaults) -> GuildSettings:
    """The guild's settings row, created from `defaults` the first time the guild is seen."""
    settings = await session.get(GuildSettings, guild_id)
    if settings is None:
        settings = GuildSettings(guild_id=guild_id, **defaults.model_dump())
        session.add(settings)
        await session.flush()
    return settings
