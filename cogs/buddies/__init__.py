"""Peer buddies: isolated members with no mentor in sight, offered to each other (issue 17)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.buddies._cog import ITEMS, Buddies
from cogs.buddies._messages import BuddyMessages

if TYPE_CHECKING:
    from bot.bot import GroundworkBot

__all__ = ["Buddies", "BuddyMessages"]


async def setup(bot: GroundworkBot) -> None:
    bot.add_dynamic_items(*ITEMS)
    await bot.add_cog(Buddies(bot))


async def teardown(bot: GroundworkBot) -> None:
    bot.remove_dynamic_items(*ITEMS)
