"""The durable outbox: chat steps that follow a committed decision (see `cogs._outbox`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs._outbox import Outbox

if TYPE_CHECKING:
    from bot.bot import GroundworkBot

__all__ = ["Outbox"]


async def setup(bot: GroundworkBot) -> None:
    """Load the Outbox cog (before the features that register their handlers with it)."""
    await bot.add_cog(Outbox(bot))
