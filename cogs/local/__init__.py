"""Local life: neighbours introduced to each other, local circles, practice partners, the activity log."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.local import _activity, _circles, _neighbours, _practice
from cogs.local._activity import ActivityLog
from cogs.local._circles import Circles, circles_pages
from cogs.local._messages import LocalMessages
from cogs.local._neighbours import Neighbours
from cogs.local._practice import Practice

if TYPE_CHECKING:
    from bot.bot import GroundworkBot

__all__ = ["ActivityLog", "Circles", "LocalMessages", "Neighbours", "Practice", "circles_pages"]

ITEMS = (*_neighbours.ITEMS, *_circles.ITEMS, *_practice.ITEMS, *_activity.ITEMS)


async def setup(bot: GroundworkBot) -> None:
    """Load the local cogs and their buttons."""
    bot.add_dynamic_items(*ITEMS)
    for cog in (Neighbours(bot), Circles(bot), Practice(bot), ActivityLog(bot)):
        await bot.add_cog(cog)


async def teardown(bot: GroundworkBot) -> None:
    bot.remove_dynamic_items(*ITEMS)
