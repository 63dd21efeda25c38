"""Onboarding by locale (the DM conversation, its buttons, selects and modals)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.onboarding._cog import CONTROLS, Onboarding
from cogs.onboarding._completion import isolated_text
from cogs.onboarding._messages import OnboardingMessages
from cogs.onboarding._render import answers_embed, render_step

if TYPE_CHECKING:
    from bot.bot import GroundworkBot

__all__ = ["CONTROLS", "Onboarding", "OnboardingMessages", "answers_embed", "isolated_text", "render_step"]


async def setup(bot: GroundworkBot) -> None:
    """Load the Onboarding cog."""
    await bot.add_cog(Onboarding(bot))
