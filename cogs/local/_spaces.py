"""Where a circle lives in Discord: a private text channel in the guild's circles category, or,
when no category is set, a private thread in the introductions channel (the same way members
are introduced). Members are let in and out as they join and leave."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

import discord

from bot.services import circles
from bot.texts import local as texts
from cogs._introductions import TO_MEMBERS, Introducer

if TYPE_CHECKING:
    from bot.bot import GroundworkBot

log = logging.getLogger(__name__)

REASON = "groundwork: a local circle"
MEMBER_ACCESS = discord.PermissionOverwrite(view_channel=True, send_messages=True, read_message_history=True)


def _member(user_id: int) -> discord.Object:
    return discord.Object(id=user_id, type=discord.Member)


class Spaces:
    """Opens, fills, empties and closes circles' channels and threads."""

    def __init__(self, bot: GroundworkBot, introducer: Introducer) -> None:
        self.bot = bot
        self.introducer = introducer

    async def create(
        self, decision: circles.Decision, *, channel: str, user_ids: Sequence[int], text: str
    ) -> tuple[int, bool] | None:
        """(channel or thread id, is a thread), or None when neither could be made."""
        guild = self.bot.get_guild(decision.space.guild_id)
        category = guild.get_channel(decision.category_id or 0) if guild else None
        if guild is not None and isinstance(category, discord.CategoryChannel):
            overwrites: dict[discord.Role | discord.Member | discord.Object, discord.PermissionOverwrite] = {
                guild.default_role: discord.PermissionOverwrite(view_channel=False),
                guild.me: MEMBER_ACCESS,
            }
            overwrites.update({_member(user_id): MEMBER_ACCESS for user_id in user_ids})
            try:
                created = await guild.create_text_channel(
                    channel, category=category, overwrites=overwrites, reason=REASON
                )
                await created.send(text, allowed_mentions=TO_MEMBERS)
            except discord.HTTPException as exc:
                log.warning("could not open a channel for circle %s: %s", decision.space.circle_id, exc)
            else:
                return created.id, False
        thread_id = await self.introducer.private_thread(
            decision.introductions_channel_id,
            name=lambda _names: decision.space.name,
            user_ids=user_ids,
            text=text,
            reason=REASON,
        )
        return None if thread_id is None else (thread_id, True)

    async def _channel(self, space: circles.Space) -> discord.TextChannel | discord.Thread | None:
        if space.channel_id is None:
            return None
        channel = self.bot.get_channel(space.channel_id)
        if channel is None:
            try:
                channel = await self.bot.fetch_channel(space.channel_id)
            except discord.HTTPException:
                return None
        return channel if isinstance(channel, discord.TextChannel | discord.Thread) else None

    async def _guild_member(self, guild: discord.Guild, user_id: int) -> discord.Member:
        return guild.get_member(user_id) or await guild.fetch_member(user_id)

    async def add(self, space: circles.Space, user_id: int) -> bool:
        channel = await self._channel(space)
        try:
            if isinstance(channel, discord.Thread):
                await channel.add_user(discord.Object(id=user_id))
            elif isinstance(channel, discord.TextChannel):
                member = await self._guild_member(channel.guild, user_id)
                await channel.set_permissions(member, overwrite=MEMBER_ACCESS, reason=REASON)
            else:
                return False
        except discord.HTTPException as exc:
            log.warning("could not add %s to circle %s: %s", user_id, space.circle_id, exc)
            return False
        return True

    async def remove(self, space: circles.Space, user_id: int) -> None:
        channel = await self._channel(space)
        try:
            if isinstance(channel, discord.Thread):
                await channel.remove_user(discord.Object(id=user_id))
            elif isinstance(channel, discord.TextChannel):
                member = await self._guild_member(channel.guild, user_id)
                await channel.set_permissions(member, overwrite=None, reason=REASON)
        except discord.HTTPException as exc:
            log.info("could not remove %s from circle %s: %s", user_id, space.circle_id, exc)

    async def post(self, space: circles.Space, content: str, mentions: discord.AllowedMentions) -> None:
        channel = await self._channel(space)
        if channel is None:
            return
        try:
            await channel.send(content, allowed_mentions=mentions)
        except discord.HTTPException as exc:
            log.info("could not post in circle %s: %s", space.circle_id, exc)

    async def close(self, space: circles.Space) -> None:
        """A last word; a thread is archived and locked, a channel is kept for the moderators."""
        await self.post(space, texts.CIRCLE_CLOSED_NOTICE, discord.AllowedMentions.none())
        channel = await self._channel(space)
        if isinstance(channel, discord.Thread):
            try:
                await channel.edit(archived=True, locked=True, reason=REASON)
            except discord.HTTPException as exc:
                log.info("could not archive circle %s: %s", space.circle_id, exc)
