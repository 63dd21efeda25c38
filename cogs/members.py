"""Members joining and leaving: the welcome DM and the bookkeeping."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot.services import members as member_service
from bot.texts import welcome as texts

if TYPE_CHECKING:
    from bot.bot import GroundworkBot

log = logging.getLogger(__name__)

DMS_CLOSED = 50007


class Members(commands.Cog):
    """Greets new members and keeps track of who is in the server."""

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
        template = texts.WELCOME_BACK_DM if outcome.onboarded else texts.WELCOME_DM
        content = template.format(guild_name=discord.utils.escape_markdown(member.guild.name))
        try:
            await member.send(content)
        except discord.Forbidden as exc:
            if exc.code != DMS_CLOSED:
                raise
            log.info("member %s of guild %s does not accept DMs", member.id, member.guild.id)
            async with self.bot.sessions() as session, session.begin():
                await member_service.mark_dms_closed(
                    session=session, guild_id=member.guild.id, user_id=member.id, now=now
                )

    @commands.Cog.listener()
    async def on_raw_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        async with self.bot.sessions() as session, session.begin():
            await member_service.record_leave(
                session=session, guild_id=payload.guild_id, user_id=payload.user.id, now=self.bot.clock()
            )


async def setup(bot: GroundworkBot) -> None:
    """Load the Members cog."""
    await bot.add_cog(Members(bot))
