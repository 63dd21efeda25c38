"""Guild settings: every guild starts from the configured defaults."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import GuildDefaults
from db.base import utcnow
from db.models import GuildSettings
from db.upsert import insert_unless_exists


async def ensure_guild(*, session: AsyncSession, guild_id: int, defaults: GuildDefaults) -> GuildSettings:
    """The guild's settings row, created from `defaults` the first time the guild is seen."""
    settings = await session.get(GuildSettings, guild_id)
    if settings is None:
        # The first events of a new guild arrive together (members joining at once).
        now = utcnow()
        values = {"guild_id": guild_id, **defaults.model_dump(), "created_at": now, "updated_at": now}
        await insert_unless_exists(session, GuildSettings, values, unique=["guild_id"])
        settings = await session.get(GuildSettings, guild_id, populate_existing=True)
        assert settings is not None
    return settings
