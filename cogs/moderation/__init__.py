"""Moderator tools: the /mod command group."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.moderation._cog import Moderation

if TYPE_CHECKING:
    from bot.bot import GroundworkBot

__all__ = ["Moderation"]


async def setup(bot: GroundworkBot) -> None:
    """Load the Moderation cog."""
    await bot.add_cog(Moderation(bot))
