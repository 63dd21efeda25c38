"""What every part of the Discord messenger (cogs/messenger.py) shares: the bot and its Introducer."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from cogs._introductions import Introducer

if TYPE_CHECKING:
    from bot.bot import GroundworkBot

log = logging.getLogger(__name__)


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

    async def warn_moderators(self, guild_id: int, text: str) -> bool:
        channel = await self.introducer.moderators_channel(guild_id)
        guild = self.bot.get_guild(guild_id)
        if channel is None and guild is not None:
            channel = guild.system_channel
        if channel is not None:
            try:
                await channel.send(text, allowed_mentions=discord.AllowedMentions.none())
            except discord.HTTPException as exc:
                log.warning("could not warn the moderators of %s in %s: %s", guild_id, channel.id, exc)
            else:
                return True
        owner_id = guild.owner_id if guild is not None else None
        return owner_id is not None and await self.introducer.dm(owner_id, text)
