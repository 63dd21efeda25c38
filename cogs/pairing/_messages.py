"""Pairing's part of the Discord messenger: the offer of a mentor, proposals for review,
"how is it going?" and the end of a mentorship."""

from __future__ import annotations

import logging

import discord

from bot.services import pairing
from bot.services.onboarding import Completion
from bot.services.waiting import WaitUpdate
from bot.texts import pairing as texts
from cogs._introductions import when
from cogs._retry import retry_later
from cogs._sender import DiscordSender
from cogs._text import mention
from cogs.onboarding import isolated_text
from cogs.pairing._cog import mentor_offer_view
from cogs.pairing._organizers import organizer_review_embed, organizer_review_view
from cogs.pairing._presenter import feedback_view, review_embed, review_view
from cogs.pairing._waiting import wait_text

log = logging.getLogger(__name__)


class PairingMessages(DiscordSender):
    async def offer_mentor(self, completion: Completion) -> bool:
        return await self.introducer.dm(
            completion.user_id, isolated_text(completion.nearby), mentor_offer_view(completion.guild_id)
        )

    async def post_proposal(self, proposal: pairing.Pairing) -> int | None:
        return await self.introducer.post_for_review(
            proposal.review_channel_id,
            embed=review_embed(proposal),
            view=review_view(proposal.mentorship_id),
            what=f"proposal {proposal.mentorship_id} of guild {proposal.guild_id} (see /pairing)",
        )

    async def ask_how_it_goes(self, followup: pairing.FollowUp) -> None:
        for user_id, other in (
            (followup.member_user_id, followup.mentor_user_id),
            (followup.mentor_user_id, followup.member_user_id),
        ):
            await self.introducer.dm(
                user_id, texts.FOLLOWUP.format(other=mention(other)), feedback_view(followup.mentorship_id)
            )

    async def tell_mentorship_ended(self, ended: pairing.Ended, *, by_moderator: bool) -> None:
        """Both sides, each in their own words; only the mentee when their mentor left."""
        if ended.reason == pairing.MentorshipEndReason.ORGANIZER_LEFT:
            await self.tell(ended.member_user_id, texts.MENTOR_LEFT)
            return
        template = texts.ENDED_BY_MODERATOR if by_moderator else texts.ENDED_NOTICE_OTHER
        for user_id, other in (
            (ended.member_user_id, ended.mentor_user_id),
            (ended.mentor_user_id, ended.member_user_id),
        ):
            await self.tell(user_id, template.format(other=mention(other)))

    async def tell_partner_ended(self, user_id: int, ended_by_user_id: int) -> None:
        await self.tell(user_id, texts.ENDED_NOTICE_OTHER.format(other=mention(ended_by_user_id)))

    async def nudge_mentor(self, nudge: pairing.MentorNudge, *, retry: bool) -> bool:
        first, second = nudge.suggested_times
        text = texts.MENTOR_NUDGE.format(
            member=mention(nudge.member_user_id), first=when(first), second=when(second)
        )
        return await self.introducer.dm_once(nudge.mentor_user_id, text, check=retry)

    async def post_organizer_review(self, review: pairing.OrganizerReview, *, retry: bool) -> int | None:
        channel = self.bot.get_channel(review.review_channel_id or 0)
        if not isinstance(channel, discord.TextChannel):
            return None
        content = texts.ORGANIZER_REVIEW_CONTENT.format(member=mention(review.user_id))
        if retry and (found := await self.introducer.find_posted(channel, content)) is not None:
            return found
        try:
            message = await channel.send(
                content,
                embed=organizer_review_embed(review),
                view=organizer_review_view(review.member_id),
                allowed_mentions=discord.AllowedMentions.none(),
            )
        except discord.HTTPException as exc:
            if retry_later(exc):
                raise
            log.warning("could not post organizer %s for review: %s", review.member_id, exc)
            return None
        return message.id

    async def tell_wait(self, update: WaitUpdate) -> bool:
        return await self.tell(update.user_id, wait_text(update))
