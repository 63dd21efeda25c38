"""Members joining and leaving: the bookkeeping every other feature relies on."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot.services import members as member_service

if TYPE_CHECKING:
    from bot.bot import GroundworkBot

log = logging.getLogger(__name__)


class Members(commands.Cog):
    """Keeps track of who is in the server; announces new members to the other cogs."""

    def __init__(self, bot: GroundworkBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_member_join(self, member: discord.Member) -> None:
        if member.bot:
            return
        now = self.bot.clock()
        async with self.bot.sessions() as session, session.begin():
            outcome = await member_service.record_join(
                session=session,
                guild_id=member.guild.id,
                user_id=member.id,
                now=now,
                defaults=self.bot.settings.guild_defaults,
            )
        # The Onboarding cog welcomes them.
        self.bot.dispatch("member_registered", member, outcome)

    @commands.Cog.listener()
    async def on_raw_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        async with self.bot.sessions() as session, session.begin():
            await member_service.record_leave(
                session=session, guild_id=payload.guild_id, user_id=payload.user.id, now=self.bot.clock()
            )


async def setup(bot: GroundworkBot) -> None:
    """Load the Members cog."""
    await bot.add_cog(Members(bot))
