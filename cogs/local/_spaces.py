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
from cogs._introductions import THREAD_NAME_LIMIT, TO_MEMBERS, Introducer

if TYPE_CHECKING:
    from bot.bot import GroundworkBot

log = logging.getLogger(__name__)

REASON = "groundwork: a local circle"
HISTORY_LOOKBACK = 20
MEMBER_ACCESS = discord.PermissionOverwrite(view_channel=True, send_messages=True, read_message_history=True)


def _member(user_id: int) -> discord.Object:
    return discord.Object(id=user_id, type=discord.Member)


class Spaces:
    """Opens, fills, empties and closes circles' channels and threads."""

    def __init__(self, bot: GroundworkBot, introducer: Introducer) -> None:
        self.bot = bot
        self.introducer = introducer

    async def open_channel(
        self, decision: circles.Decision, *, name: str, user_ids: Sequence[int]
    ) -> discord.TextChannel | None:
        """A private text channel in the circles category, with everyone let in; None when no
        category is set or Discord refused. A server error raises, so the step is retried."""
        guild = self.bot.get_guild(decision.space.guild_id)
        category = guild.get_channel(decision.category_id or 0) if guild else None
        if guild is None or not isinstance(category, discord.CategoryChannel):
            return None
        overwrites: dict[discord.Role | discord.Member | discord.Object, discord.PermissionOverwrite] = {
            guild.default_role: discord.PermissionOverwrite(view_channel=False),
            guild.me: MEMBER_ACCESS,
        }
        overwrites.update({_member(user_id): MEMBER_ACCESS for user_id in user_ids})
        try:
            return await guild.create_text_channel(
                name, category=category, overwrites=overwrites, reason=REASON
            )
        except discord.DiscordServerError:
            raise
        except discord.HTTPException as exc:
            log.warning("could not open a channel for circle %s: %s", decision.space.circle_id, exc)
            return None

    async def open_thread(self, decision: circles.Decision) -> discord.Thread | None:
        """A private thread in the introductions channel; None when there is none or Discord
        refused. A server error raises."""
        channel = self.bot.get_channel(decision.introductions_channel_id or 0)
        if not isinstance(channel, discord.TextChannel):
            return None
        try:
            return await channel.create_thread(
                name=decision.space.name[:THREAD_NAME_LIMIT],
                type=discord.ChannelType.private_thread,
                invitable=False,
                reason=REASON,
            )
        except discord.DiscordServerError:
            raise
        except discord.HTTPException as exc:
            log.warning("could not open a thread for circle %s: %s", decision.space.circle_id, exc)
            return None

    async def existing(self, channel_id: int | None) -> discord.TextChannel | discord.Thread | None:
        """The channel or thread an earlier attempt made, if it is still there (a server error raises)."""
        if channel_id is None:
            return None
        channel = self.bot.get_channel(channel_id)
        if channel is None:
            try:
                channel = await self.bot.fetch_channel(channel_id)
            except discord.DiscordServerError:
                raise
            except discord.HTTPException:
                return None
        return channel if isinstance(channel, discord.TextChannel | discord.Thread) else None

    async def adopt(
        self, decision: circles.Decision, *, name: str
    ) -> discord.TextChannel | discord.Thread | None:
        """After a crash: the channel or thread a dead attempt made before it could say so, if any
        (ours, named for this circle, and no circle's yet)."""
        me = self.bot.user.id if self.bot.user else 0
        guild = self.bot.get_guild(decision.space.guild_id)
        category = guild.get_channel(decision.category_id or 0) if guild else None
        intros = self.bot.get_channel(decision.introductions_channel_id or 0)
        candidates: list[discord.TextChannel | discord.Thread] = []
        if isinstance(category, discord.CategoryChannel):
            candidates += [c for c in category.text_channels if c.name == name]
        if isinstance(intros, discord.TextChannel):
            thread_name = decision.space.name[:THREAD_NAME_LIMIT]
            candidates += [t for t in intros.threads if t.owner_id == me and t.name == thread_name]
        for candidate in sorted(candidates, key=lambda c: c.id, reverse=True):
            async with self.bot.sessions() as session:
                if not await circles.space_taken(session=session, channel_id=candidate.id):
                    log.info(
                        "circle %s continues %s left by a dead attempt",
                        decision.space.circle_id,
                        candidate.id,
                    )
                    return candidate
        return None

    async def let_in(self, space: discord.TextChannel | discord.Thread, user_ids: Sequence[int]) -> None:
        """Everyone who is to be in a circle's channel or thread is (again: a retry adds nobody twice)."""
        try:
            for user_id in user_ids:
                if isinstance(space, discord.Thread):
                    await space.add_user(discord.Object(id=user_id))
                elif space.overwrites_for(discord.Object(id=user_id)).view_channel is not True:
                    member = await self._guild_member(space.guild, user_id)
                    await space.set_permissions(member, overwrite=MEMBER_ACCESS, reason=REASON)
        except discord.DiscordServerError:
            raise
        except discord.HTTPException as exc:
            log.warning("could not let everyone into %s: %s", space.id, exc)

    async def welcome(self, space: discord.TextChannel | discord.Thread, text: str, *, check: bool) -> None:
        """The circle's first post, once: with `check`, not when the bot already posted there."""
        try:
            if check:
                me = self.bot.user.id if self.bot.user else 0
                async for message in space.history(limit=HISTORY_LOOKBACK):
                    if message.author.id == me and message.type == discord.MessageType.default:
                        return
            await space.send(text, allowed_mentions=TO_MEMBERS)
        except discord.DiscordServerError:
            raise
        except discord.HTTPException as exc:
            log.warning("could not welcome a circle in %s: %s", space.id, exc)

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
