"""Onboarding's part of the Discord messenger: the welcome (by DM, else a private thread in the
onboarding channel) and the reminder of an unfinished conversation."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord

from bot.ports import Welcomed
from bot.services.onboarding import PausedConversation
from bot.texts import onboarding as texts
from bot.texts import welcome as welcome_texts
from cogs._sender import DiscordSender
from cogs.onboarding._cog import DMS_CLOSED, welcome_view
from cogs.send_budget import Urgency

if TYPE_CHECKING:
    from bot.bot import GroundworkBot

log = logging.getLogger(__name__)

# Welcome DMs sent at once. A crowd joining together (an import, a link shared widely) would
# otherwise hit Discord's global limit all at the same moment and retry all at the same moment,
# until discord.py gives up on some of them and their welcome is lost.
WELCOMES_AT_ONCE = 4
WELCOME_TRIES = 4  # a busy Discord: tries 0.5, 1 and 2 s apart
WELCOME_BACKOFF = 0.5


class OnboardingMessages(DiscordSender):
    def __init__(self, bot: GroundworkBot) -> None:
        super().__init__(bot)
        self.welcoming = asyncio.Semaphore(WELCOMES_AT_ONCE)

    async def welcome(self, guild_id: int, user_id: int, *, returning: bool) -> Welcomed:
        guild = self.bot.get_guild(guild_id)
        if guild is None:
            return Welcomed.NOWHERE
        try:
            member = guild.get_member(user_id) or await guild.fetch_member(user_id)
        except discord.NotFound:  # gone again already
            return Welcomed.NOWHERE
        guild_name = discord.utils.escape_markdown(guild.name)
        if returning:
            content, view = welcome_texts.WELCOME_BACK_DM.format(guild_name=guild_name), None
        else:
            content, view = welcome_texts.WELCOME_DM.format(guild_name=guild_name), welcome_view(guild_id)
        for attempt in range(WELCOME_TRIES):
            try:
                async with self.welcoming:
                    # Opening the DM is a request of its own the first time.
                    await self.bot.send_budget.turn(Urgency.NOW, 1 if member.dm_channel else 2)
                    await member.send(content, view=view or discord.utils.MISSING)
            except discord.Forbidden as exc:
                if exc.code != DMS_CLOSED:
                    raise
                if view is not None and await self._welcome_in_thread(member, content):
                    return Welcomed.THREAD
                return Welcomed.NOWHERE
            except discord.HTTPException as exc:
                # Discord is busy (a 429 discord.py gave up on, a 5xx): a newcomer's only
                # welcome is worth waiting for, so try again a little later.
                if (exc.status != 429 and exc.status < 500) or attempt == WELCOME_TRIES - 1:
                    raise
                log.info("welcome for %s delayed (%s), trying again", user_id, exc.status)
                await asyncio.sleep(WELCOME_BACKOFF * 2**attempt)
            else:
                return Welcomed.DM
        return Welcomed.NOWHERE  # not reached: the last attempt returns or raises

    async def _welcome_in_thread(self, member: discord.Member, content: str) -> bool:
        """DMs closed: a private thread in the onboarding channel, if the guild has one."""
        async with self.bot.sessions() as session, session.begin():
            settings = await self.bot.guild_settings(session, member.guild.id)
        channel = member.guild.get_channel(settings.onboarding_channel_id or 0)
        if not isinstance(channel, discord.TextChannel):
            return False
        try:
            thread = await channel.create_thread(
                name=texts.FALLBACK_THREAD_NAME.format(name=member.display_name)[:100],
                type=discord.ChannelType.private_thread,
                invitable=False,
                reason="groundwork: onboarding for a member whose DMs are closed",
            )
            await thread.add_user(member)
            await thread.send(
                texts.DMS_CLOSED_THREAD.format(mention=member.mention) + "\n\n" + content,
                view=welcome_view(member.guild.id),
                allowed_mentions=discord.AllowedMentions(users=[member]),
            )
        except discord.HTTPException as exc:
            log.warning("could not open an onboarding thread in %s for %s: %s", channel.id, member.id, exc)
            return False
        return True

    async def remind_onboarding(self, paused: PausedConversation, *, expired: bool) -> bool:
        guild = self.bot.get_guild(paused.guild_id)
        if guild is None:
            return True
        template = texts.EXPIRED if expired else texts.REMINDER
        view = None if expired else welcome_view(paused.guild_id, texts.CONTINUE_BUTTON)
        content = template.format(guild_name=discord.utils.escape_markdown(guild.name))
        try:
            user = self.bot.get_user(paused.user_id) or await self.bot.fetch_user(paused.user_id)
            await user.send(content, view=view or discord.utils.MISSING)
        except discord.Forbidden:
            return False
        except discord.HTTPException as exc:
            log.warning("could not remind user %s: %s", paused.user_id, exc)
        return True
