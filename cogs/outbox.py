"""The durable outbox: chat steps that follow a committed decision (see `cogs._outbox`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs._outbox import Handler, Outbox, OutboxRunner

if TYPE_CHECKING:
    from bot.bot import GroundworkBot

__all__ = ["Handler", "Outbox", "OutboxRunner"]


async def setup(bot: GroundworkBot) -> None:
    """Load the Outbox cog, which ticks `bot.outbox`."""
    await bot.add_cog(Outbox(bot))
