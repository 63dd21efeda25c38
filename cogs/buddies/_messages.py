"""Buddies' part of the Discord messenger: the offer and "did you talk?" (by DM, else in the thread)."""

from __future__ import annotations

import logging

import discord

from bot.services import buddies
from bot.texts import buddies as texts
from cogs._introductions import TO_MEMBERS
from cogs._sender import DiscordSender
from cogs._text import mention
from cogs.buddies._cog import followup_view, offer_view
from cogs.buddies._render import followup_text, offer_text

log = logging.getLogger(__name__)


class BuddyMessages(DiscordSender):
    async def offer_buddy(self, offer: buddies.Offer) -> bool:
        return await self.introducer.dm(offer.user_id, offer_text(offer), offer_view(offer.buddy_id))

    async def ask_buddy_followup(self, followup: buddies.FollowUp) -> bool:
        """By DM; with DMs closed, in their thread (pinging only them)."""
        if await self.introducer.dm(
            followup.user_id, followup_text(followup), followup_view(followup.buddy_id)
        ):
            return True
        return await self._in_thread(
            followup.thread_id,
            texts.FOLLOWUP_IN_THREAD.format(who=mention(followup.user_id)),
            followup_view(followup.buddy_id),
        )

    async def tell_buddy(self, user_id: int, text: str, thread_id: int | None) -> bool:
        """By DM; with DMs closed, in their thread (pinging only them)."""
        if await self.introducer.dm(user_id, text):
            return True
        return await self._in_thread(thread_id, texts.IN_THREAD.format(who=mention(user_id), text=text))

    async def _in_thread(self, thread_id: int | None, text: str, view: discord.ui.View | None = None) -> bool:
        thread = self.bot.get_channel(thread_id or 0)
        if not isinstance(thread, discord.Thread):
            return False
        try:
            await thread.send(text, view=view or discord.utils.MISSING, allowed_mentions=TO_MEMBERS)
        except discord.HTTPException as exc:
            log.info("could not reach buddies in thread %s: %s", thread_id, exc)
            return False
        return True
