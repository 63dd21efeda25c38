"""Readiness check-ins (the dispatcher job, the DM form, /checkin)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.checkins._cog import CheckIns
from cogs.checkins._messenger import CheckInMessages

if TYPE_CHECKING:
    from bot.bot import GroundworkBot

__all__ = ["CheckInMessages", "CheckIns"]


async def setup(bot: GroundworkBot) -> None:
    """Load the CheckIns cog."""
    await bot.add_cog(CheckIns(bot))
