"""Local life's part of the Discord messenger: offers and questions by DM, circle proposals, shared log entries."""

from __future__ import annotations

import logging

import discord

from bot.services import activity, circles, neighbours, practice
from bot.texts import local as texts
from cogs._sender import DiscordSender
from cogs._text import mention
from cogs.local._circles import circle_offer_view, review_view
from cogs.local._neighbours import ask_view, offer_view
from cogs.local._practice import followup_view
from cogs.local._render import ask_text, circle_name, circle_review, shared_entry

log = logging.getLogger(__name__)


class LocalMessages(DiscordSender):
    async def offer_neighbours(self, offer: neighbours.Offer) -> bool:
        text = texts.NEIGHBOUR_OFFER.format(count=offer.neighbours, radius=offer.radius_km)
        return await self.introducer.dm(offer.user_id, text, offer_view(offer.offer_id))

    async def ask_neighbour(self, ask: neighbours.Ask) -> bool:
        return await self.introducer.dm(ask.neighbour_user_id, ask_text(ask), ask_view(ask.introduction_id))

    async def offer_circle(self, offer: circles.Offer) -> bool:
        text = texts.CIRCLE_OFFER.format(name=circle_name(offer.circle_name), size=offer.size)
        return await self.introducer.dm(offer.user_id, text, circle_offer_view(offer.membership_id))

    async def post_circle_proposal(self, proposal: circles.Proposal) -> int | None:
        return await self.introducer.post_for_review(
            proposal.review_channel_id,
            embed=circle_review(proposal),
            view=review_view(proposal.circle_id),
            what=f"circle {proposal.circle_id} of guild {proposal.guild_id}",
        )

    async def ask_practice_followup(self, followup: practice.FollowUp) -> bool:
        text = texts.PRACTICE_FOLLOWUP.format(other=mention(followup.partner_user_id))
        return await self.introducer.dm(followup.user_id, text, followup_view(followup.request_id))

    async def share_activity(self, logged: activity.Logged, audience: activity.Audience) -> None:
        """The mentorship thread (else the mentor's DMs) and the circle's channel."""
        text = shared_entry(logged)
        if audience.mentor_thread_id is not None:
            if not await self._post(audience.mentor_thread_id, text) and audience.mentor_user_id is not None:
                await self.introducer.dm(audience.mentor_user_id, text)
        elif audience.mentor_user_id is not None:
            await self.introducer.dm(audience.mentor_user_id, text)
        if audience.circle_channel_id is not None:
            await self._post(audience.circle_channel_id, text)

    async def _post(self, channel_id: int, text: str) -> bool:
        channel = self.bot.get_channel(channel_id)
        if not isinstance(channel, discord.TextChannel | discord.Thread):
            return False
        try:
            await channel.send(text, allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException as exc:
            log.info("could not post a log entry in %s: %s", channel_id, exc)
            return False
        return True
