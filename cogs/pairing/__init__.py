"""Pairing isolated members with experienced organizers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.pairing._cog import Pairing

if TYPE_CHECKING:
    from bot.bot import GroundworkBot

__all__ = ["Pairing"]


async def setup(bot: GroundworkBot) -> None:
    """Load the Pairing cog."""
    await bot.add_cog(Pairing(bot))
