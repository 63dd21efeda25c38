"""Readiness check-ins (the dispatcher job, the DM form, /checkin)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.checkins._cog import CheckIns

if TYPE_CHECKING:
    from bot.bot import GroundworkBot

__all__ = ["CheckIns"]


async def setup(bot: GroundworkBot) -> None:
    """Load the CheckIns cog."""
    await bot.add_cog(CheckIns(bot))
