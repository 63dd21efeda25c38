"""Welcome calls: group onboarding an organizer hosts every week for a time-zone band (issue 17)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.welcome_calls._cog import ITEMS, WelcomeCalls
from cogs.welcome_calls._messages import WelcomeCallMessages

if TYPE_CHECKING:
    from bot.bot import GroundworkBot

__all__ = ["WelcomeCallMessages", "WelcomeCalls"]


async def setup(bot: GroundworkBot) -> None:
    bot.add_dynamic_items(*ITEMS)
    await bot.add_cog(WelcomeCalls(bot))


async def teardown(bot: GroundworkBot) -> None:
    bot.remove_dynamic_items(*ITEMS)
