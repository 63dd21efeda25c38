"""Growing the organizer pool: mentees whose readiness has risen go on to mentor others."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.organizer_pool._cog import OrganizerPool
from cogs.organizer_pool._messages import OrganizerPoolMessages

if TYPE_CHECKING:
    from bot.bot import GroundworkBot

__all__ = ["OrganizerPool", "OrganizerPoolMessages"]


async def setup(bot: GroundworkBot) -> None:
    await bot.add_cog(OrganizerPool(bot))
