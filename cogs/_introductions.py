"""Introducing members to each other, the same way for every feature (mentors, neighbours,
practice partners, circles): a private thread in the guild's introductions channel with all of
them added, or, when a thread is impossible, a DM to each; and a word to the moderators when
nothing worked."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import discord

if TYPE_CHECKING:
    from bot.bot import GroundworkBot

log = logging.getLogger(__name__)

# The people introduced are pinged (so the thread shows up for them); nobody else ever is.
TO_MEMBERS = discord.AllowedMentions(users=True, everyone=False, roles=False)
THREAD_NAME_LIMIT = 100


@dataclass(frozen=True, slots=True)
class Introduced:
    thread_id: int | None  # None: introduced by DM, or not at all
    delivered: bool  # a thread, or at least one DM, reached someone


class Introducer:
    """Opens introduction threads and sends DMs for one bot."""

    def __init__(self, bot: GroundworkBot) -> None:
        self.bot = bot

    def display_names(self, guild: discord.Guild, user_ids: Sequence[int]) -> list[str]:
        return [
            member.display_name if (member := guild.get_member(user_id)) else str(user_id)
            for user_id in user_ids
        ]

    async def dm(self, user_id: int, content: str, view: discord.ui.View | None = None) -> bool:
        """A DM with no pings; False when Discord refused it (DMs closed, user gone)."""
        try:
            user = self.bot.get_user(user_id) or await self.bot.fetch_user(user_id)
            await user.send(
                content, view=view or discord.utils.MISSING, allowed_mentions=discord.AllowedMentions.none()
            )
        except discord.HTTPException as exc:
            log.info("could not DM user %s: %s", user_id, exc)
            return False
        return True

    async def private_thread(
        self,
        channel_id: int | None,
        *,
        name: Callable[[list[str]], str],
        user_ids: Sequence[int],
        text: str,
        reason: str,
    ) -> int | None:
        """A private thread in `channel_id` with everyone added and `text` posted; None when
        the channel is missing or Discord refused."""
        channel = self.bot.get_channel(channel_id or 0)
        if not isinstance(channel, discord.TextChannel):
            return None
        try:
            thread = await channel.create_thread(
                name=name(self.display_names(channel.guild, user_ids))[:THREAD_NAME_LIMIT],
                type=discord.ChannelType.private_thread,
                invitable=False,
                reason=reason,
            )
            for user_id in user_ids:
                await thread.add_user(discord.Object(id=user_id))
            await thread.send(text, allowed_mentions=TO_MEMBERS)
        except discord.HTTPException as exc:
            log.warning("could not open a private thread in %s (%s): %s", channel_id, reason, exc)
            return None
        return thread.id

    async def introduce(
        self,
        channel_id: int | None,
        pair: tuple[int, int],
        *,
        name: Callable[[str, str], str],
        text: str,
        dm_text: Callable[[int], str],
        reason: str,
    ) -> Introduced:
        """Two members in a private thread (named `name(first's name, second's name)`), or else
        a DM to each: `dm_text(the other's user id)`."""
        thread_id = await self.private_thread(
            channel_id, name=lambda names: name(*names), user_ids=pair, text=text, reason=reason
        )
        if thread_id is not None:
            return Introduced(thread_id, True)
        first, second = pair
        delivered = [await self.dm(first, dm_text(second)), await self.dm(second, dm_text(first))]
        return Introduced(None, any(delivered))

    async def post_for_review(
        self, channel_id: int | None, *, embed: discord.Embed, view: discord.ui.View, what: str
    ) -> int | None:
        """A proposal with its buttons in the review channel; the message id, or None."""
        channel = self.bot.get_channel(channel_id or 0)
        if not isinstance(channel, discord.TextChannel):
            log.warning("no review channel: %s waits", what)
            return None
        try:
            message = await channel.send(
                embed=embed, view=view, allowed_mentions=discord.AllowedMentions.none()
            )
        except discord.HTTPException as exc:
            log.warning("could not post %s for review: %s", what, exc)
            return None
        return message.id

    async def moderators_channel(self, guild_id: int) -> discord.TextChannel | None:
        """The alerts channel, else the review channel."""
        async with self.bot.sessions() as session, session.begin():
            settings = await self.bot.guild_settings(session, guild_id)
            channel_id = settings.alerts_channel_id or settings.review_channel_id
        channel = self.bot.get_channel(channel_id or 0)
        return channel if isinstance(channel, discord.TextChannel) else None

    async def tell_moderators(self, guild_id: int, content: str) -> None:
        channel = await self.moderators_channel(guild_id)
        if channel is None:
            return
        try:
            await channel.send(content, allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException as exc:
            log.warning("could not tell the moderators of %s: %s", guild_id, exc)
