"""Growing the organizer pool in Discord: the mentor's Endorse, the member's yes, a moderator's Confirm."""

from __future__ import annotations

import enum
import logging
from typing import TYPE_CHECKING, Any

import discord
from discord.ext import commands

from bot.errors import NotFoundError
from bot.services import organizer_pool
from bot.services.checkins import CompletedCheckIn
from bot.texts import organizer_pool as texts
from cogs._checks import require_moderator
from cogs._interactions import reply
from cogs._persistent import Clicked, Persistent
from cogs._text import mention
from cogs._ticks import Ticks
from db.enums import OrganizerSuggestionStatus as Status

if TYPE_CHECKING:
    from bot.bot import GroundworkBot

log = logging.getLogger(__name__)

SWEEP_JOB = "organizer_pool:sweep"
SWEEP_HOURS = 24


class EndorseAnswer(enum.StrEnum):
    """The mentor: could this mentee help others get started?"""

    ENDORSE = "endorse"
    NOT_YET = "not_yet"


class MemberAnswer(enum.StrEnum):
    """The member: would you like to help others get started?"""

    YES = "yes"
    NO = "no"


class ReviewAnswer(enum.StrEnum):
    """A moderator: confirm them as an organizer?"""

    CONFIRM = "confirm"
    NOT_NOW = "not_now"


def endorse_view(suggestion_id: int) -> discord.ui.View:
    return ENDORSE.view(
        suggestion_id,
        (
            (EndorseAnswer.ENDORSE, texts.SUGGEST_ENDORSE, discord.ButtonStyle.success),
            (EndorseAnswer.NOT_YET, texts.SUGGEST_NOT_YET, discord.ButtonStyle.secondary),
        ),
    )


def ask_view(suggestion_id: int) -> discord.ui.View:
    return ASK.view(
        suggestion_id,
        (
            (MemberAnswer.YES, texts.ASK_YES, discord.ButtonStyle.success),
            (MemberAnswer.NO, texts.ASK_NO, discord.ButtonStyle.secondary),
        ),
    )


def review_view(suggestion_id: int) -> discord.ui.View:
    return REVIEW.view(
        suggestion_id,
        (
            (ReviewAnswer.CONFIRM, texts.REVIEW_CONFIRM, discord.ButtonStyle.success),
            (ReviewAnswer.NOT_NOW, texts.REVIEW_NOT_NOW, discord.ButtonStyle.secondary),
        ),
    )


class OrganizerPool(commands.Cog):
    """Suggests mentees whose readiness has risen to their mentor, and carries the three yeses out."""

    def __init__(self, bot: GroundworkBot) -> None:
        self.bot = bot
        self.ticks = Ticks(bot)

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*ITEMS)
        self.ticks.every(SWEEP_JOB, self.sweep_all, hours=SWEEP_HOURS)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*ITEMS)
        self.ticks.stop()

    async def sweep_all(self) -> None:
        """Once a day, every guild's mentees: activity logged since their last check-in counts too."""
        for guild in self.bot.guilds:
            try:
                await self.sweep(guild.id)
            except Exception:
                log.exception("organizer pool sweep failed for guild %s", guild.id)

    async def sweep(self, guild_id: int) -> int:
        """One guild's mentees, a chunk per unit of work; how many were suggested."""
        after, suggested = 0, 0
        while True:
            async with self.bot.sessions() as session, session.begin():
                swept = await organizer_pool.sweep(
                    session=session, guild_id=guild_id, now=self.bot.clock(), after=after
                )
            for suggestion in swept.suggestions:
                suggested += await self._suggest(suggestion)
            if swept.last_member_id is None:
                return suggested
            after = swept.last_member_id

    async def _suggest(self, suggestion: organizer_pool.Suggestion) -> bool:
        """The mentor's DM; a suggestion they could not be sent is taken back (asked again later)."""
        if await self.bot.messenger.suggest_organizer(suggestion):
            return True
        async with self.bot.sessions() as session, session.begin():
            await organizer_pool.withdraw(session=session, suggestion_id=suggestion.suggestion_id)
        return False

    @commands.Cog.listener()
    async def on_checkin_completed(self, result: CompletedCheckIn) -> None:
        """After an answered check-in: the mentee suggested to their mentor, when the rule says so."""
        async with self.bot.sessions() as session, session.begin():
            suggestion = await organizer_pool.suggest_for(
                session=session, member_id=result.state.member_id, now=self.bot.clock()
            )
        if suggestion is not None:
            await self._suggest(suggestion)

    async def on_endorse(
        self, interaction: discord.Interaction[Any], clicked: Clicked[EndorseAnswer]
    ) -> None:
        """The mentor's Endorse (the member is asked) or Not yet."""
        async with self.bot.sessions() as session, session.begin():
            step = await organizer_pool.endorse(
                session=session,
                suggestion_id=clicked.id,
                user_id=interaction.user.id,
                endorse=clicked.answer == EndorseAnswer.ENDORSE,
                now=self.bot.clock(),
            )
        if not step.changed:
            await reply(interaction, texts.ALREADY)
            return
        text = (
            texts.ENDORSED.format(member=mention(step.member_user_id))
            if step.status == Status.ENDORSED
            else texts.NOT_YET
        )
        await interaction.response.edit_message(content=text, view=None)
        if step.status == Status.ENDORSED and not await self.bot.messenger.ask_to_organize(step):
            async with self.bot.sessions() as session, session.begin():
                await organizer_pool.member_not_reached(session=session, suggestion_id=step.suggestion_id)
            await interaction.edit_original_response(
                content=texts.ASK_UNDELIVERED.format(member=mention(step.member_user_id)),
                view=endorse_view(step.suggestion_id),
            )

    async def on_member_answer(
        self, interaction: discord.Interaction[Any], clicked: Clicked[MemberAnswer]
    ) -> None:
        """The member's yes (a moderator is asked) or no thanks."""
        async with self.bot.sessions() as session, session.begin():
            step = await organizer_pool.answer(
                session=session,
                suggestion_id=clicked.id,
                user_id=interaction.user.id,
                yes=clicked.answer == MemberAnswer.YES,
                now=self.bot.clock(),
            )
        if not step.changed:
            await reply(interaction, texts.ALREADY)
            return
        if step.status != Status.ACCEPTED:
            await interaction.response.edit_message(content=texts.DECLINED, view=None)
            return
        await interaction.response.defer()
        message_id = await self.bot.messenger.post_organizer_candidate(step)
        if message_id is None:
            await self.bot.messenger.warn_moderators(step.guild_id, texts.NO_REVIEW_CHANNEL)
        else:
            async with self.bot.sessions() as session, session.begin():
                await organizer_pool.remember_review_message(
                    session=session, suggestion_id=step.suggestion_id, message_id=message_id
                )
        text = texts.ACCEPTED if message_id is not None else texts.ACCEPTED_NO_REVIEW
        await interaction.edit_original_response(content=text, view=None)

    async def on_review(self, interaction: discord.Interaction[Any], clicked: Clicked[ReviewAnswer]) -> None:
        """A moderator of the suggestion's server confirms them as an organizer, or says not now."""
        async with self.bot.sessions() as session:
            guild_id = await organizer_pool.guild_of(session=session, suggestion_id=clicked.id)
        if guild_id is None:
            raise NotFoundError(texts.GONE)
        await require_moderator(interaction, guild_id)
        await interaction.response.defer()
        async with self.bot.sessions() as session, session.begin():
            step = await organizer_pool.decide(
                session=session,
                suggestion_id=clicked.id,
                actor_id=interaction.user.id,
                confirm=clicked.answer == ReviewAnswer.CONFIRM,
                now=self.bot.clock(),
            )
        if not step.changed:
            await reply(interaction, texts.ALREADY)
            return
        outcome = texts.REVIEW_CONFIRMED if step.status == Status.CONFIRMED else texts.REVIEW_NOT_NOW_DONE
        await interaction.edit_original_response(
            content=outcome.format(moderator=interaction.user.mention),
            embed=None,
            view=None,
            allowed_mentions=discord.AllowedMentions.none(),
        )
        await self.bot.messenger.tell_organizer_decision(step)


# The mentor's, the member's and the moderators' buttons: they keep working after a restart.
ENDORSE = Persistent("gw:op:e", owner=OrganizerPool, answers=EndorseAnswer, handler=OrganizerPool.on_endorse)
ASK = Persistent("gw:op:a", owner=OrganizerPool, answers=MemberAnswer, handler=OrganizerPool.on_member_answer)
REVIEW = Persistent("gw:op:r", owner=OrganizerPool, answers=ReviewAnswer, handler=OrganizerPool.on_review)
ITEMS = (ENDORSE.item, ASK.item, REVIEW.item)
