"""What every part of the Discord messenger (cogs/messenger.py) shares: the bot and its Introducer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs._introductions import Introducer

if TYPE_CHECKING:
    from bot.bot import GroundworkBot


class DiscordSender:
    """The base of each feature's part of the Discord messenger."""

    def __init__(self, bot: GroundworkBot) -> None:
        self.bot = bot
        self.introducer = Introducer(bot)

    async def tell(self, user_id: int, text: str) -> bool:
        """A plain notice to one person (a DM with no pings)."""
        return await self.introducer.dm(user_id, text)

    async def tell_moderators(self, guild_id: int, text: str) -> None:
        await self.introducer.tell_moderators(guild_id, text)
