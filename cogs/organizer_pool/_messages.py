"""The organizer pool's part of the Discord messenger: the mentor's suggestion, the member's
question, the moderators' review post and the decision told."""

from __future__ import annotations

import discord

from bot.services import organizer_pool
from bot.texts import organizer_pool as texts
from cogs._sender import DiscordSender
from cogs._text import mention
from cogs.organizer_pool._cog import ask_view, endorse_view, review_view
from db.enums import OrganizerSuggestionStatus as Status


class OrganizerPoolMessages(DiscordSender):
    async def suggest_organizer(self, suggestion: organizer_pool.Suggestion) -> bool:
        text = texts.SUGGEST.format(member=mention(suggestion.member_user_id), readiness=suggestion.readiness)
        return await self.introducer.dm(
            suggestion.mentor_user_id, text, endorse_view(suggestion.suggestion_id)
        )

    async def ask_to_organize(self, step: organizer_pool.Step) -> bool:
        return await self.introducer.dm(step.member_user_id, texts.ASK, ask_view(step.suggestion_id))

    async def post_organizer_candidate(self, step: organizer_pool.Step) -> int | None:
        body = texts.REVIEW_BODY.format(
            member=mention(step.member_user_id),
            mentor=mention(step.mentor_user_id) if step.mentor_user_id else texts.REVIEW_NO_MENTOR,
            readiness=step.readiness,
        )
        return await self.introducer.post_for_review(
            step.review_channel_id,
            embed=discord.Embed(title=texts.REVIEW_TITLE, description=body, colour=discord.Colour.green()),
            view=review_view(step.suggestion_id),
            what=f"organizer suggestion {step.suggestion_id} of guild {step.guild_id}",
        )

    async def tell_organizer_decision(self, step: organizer_pool.Step) -> None:
        """Confirmed: the member and their mentor; not now: the member."""
        if step.status == Status.CONFIRMED:
            await self.tell(step.member_user_id, texts.CONFIRMED_MEMBER)
            if step.mentor_user_id is not None:
                await self.introducer.dm(
                    step.mentor_user_id, texts.CONFIRMED_MENTOR.format(member=mention(step.member_user_id))
                )
        elif step.status == Status.NOT_NOW:
            await self.tell(step.member_user_id, texts.NOT_NOW_MEMBER)
