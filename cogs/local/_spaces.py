"""Where a circle lives in Discord: a private text channel in the guild's circles category, or,
when no category is set, a private thread in the introductions channel (the same way members
are introduced). Members are let in and out as they join and leave."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

import discord

from bot.services import circles, outbox
from cogs._introductions import THREAD_NAME_LIMIT, TO_MEMBERS, Introducer
from cogs._retry import retry_later

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
        except discord.HTTPException as exc:
            if retry_later(exc):
                raise
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
        except discord.HTTPException as exc:
            if retry_later(exc):
                raise
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
            except discord.HTTPException as exc:
                if retry_later(exc):
                    raise
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

    async def let_in(self, space: discord.TextChannel | discord.Thread, user_ids: Sequence[int]) -> bool:
        """Everyone who is to be in a circle's channel or thread is (again: a retry adds nobody
        twice); False when Discord refused. A server error raises."""
        try:
            for user_id in user_ids:
                if isinstance(space, discord.Thread):
                    await space.add_user(discord.Object(id=user_id))
                elif space.overwrites_for(discord.Object(id=user_id)).view_channel is not True:
                    member = await self._guild_member(space.guild, user_id)
                    await space.set_permissions(member, overwrite=MEMBER_ACCESS, reason=REASON)
        except discord.HTTPException as exc:
            if retry_later(exc):
                raise
            log.warning("could not let everyone into %s: %s", space.id, exc)
            return False
        return True

    async def welcome(self, space: discord.TextChannel | discord.Thread, text: str, *, check: bool) -> None:
        """The circle's first post, once: with `check`, not when the bot already posted there."""
        try:
            if check and await self.introducer.posted(space):
                return
            await space.send(text, allowed_mentions=TO_MEMBERS)
        except discord.HTTPException as exc:
            if retry_later(exc):
                raise
            log.warning("could not welcome a circle in %s: %s", space.id, exc)

    async def _guild_member(self, guild: discord.Guild, user_id: int) -> discord.Member:
        return guild.get_member(user_id) or await guild.fetch_member(user_id)

    async def let_out(self, space: discord.TextChannel | discord.Thread, user_id: int) -> None:
        """Someone who left is no longer in the circle's thread or channel (again: harmless). A
        refusal is logged; a server error raises."""
        try:
            if isinstance(space, discord.Thread):
                await space.remove_user(discord.Object(id=user_id))
            else:
                member = await self._guild_member(space.guild, user_id)
                await space.set_permissions(member, overwrite=None, reason=REASON)
        except discord.HTTPException as exc:
            if retry_later(exc):
                raise
            log.info("could not let %s out of %s: %s", user_id, space.id, exc)

    async def post_once(
        self,
        task: outbox.Task,
        space: discord.TextChannel | discord.Thread,
        content: str,
        mentions: discord.AllowedMentions,
        *,
        look_back: bool,
    ) -> None:
        """`content` posted by this task once: not when an earlier attempt recorded posting it
        (the message is the task's progress) or, with `look_back` (for words that name their
        moment, which a dead attempt may have posted before it could say so), when the bot's
        latest messages there hold it already. A refusal is logged; a server error raises."""
        if task.result_id is not None:
            return
        try:
            if look_back and task.attempts > 1 and await self.introducer.posted(space, content):
                return
            message = await space.send(content, allowed_mentions=mentions)
        except discord.HTTPException as exc:
            if retry_later(exc):
                raise
            log.info("could not post in %s: %s", space.id, exc)
            return
        async with self.bot.sessions() as session, session.begin():
            await outbox.progress(
                session=session, task_id=task.task_id, worker=self.bot.outbox.worker, result_id=message.id
            )

    async def archive(self, space: discord.TextChannel | discord.Thread) -> None:
        """A closed circle's thread is archived and locked; a channel is kept for the moderators."""
        if not isinstance(space, discord.Thread) or (space.archived and space.locked):
            return
        try:
            await space.edit(archived=True, locked=True, reason=REASON)
        except discord.HTTPException as exc:
            if retry_later(exc):
                raise
            log.info("could not archive %s: %s", space.id, exc)
