"""Pairing isolated members with experienced organizers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.pairing._cog import Pairing
from cogs.pairing._mentorships import Mentorships
from cogs.pairing._messages import PairingMessages
from cogs.pairing._organizers import Organizers
from cogs.pairing._waiting import batch_every

if TYPE_CHECKING:
    from bot.bot import GroundworkBot

__all__ = ["Mentorships", "Organizers", "Pairing", "PairingMessages", "batch_every"]


async def setup(bot: GroundworkBot) -> None:
    """Load the Pairing and Organizers cogs."""
    await bot.add_cog(Pairing(bot))
    await bot.add_cog(Organizers(bot))
