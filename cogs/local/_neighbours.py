"""Neighbours in Discord: the offer after onboarding, asking each neighbour, the introduction."""

from __future__ import annotations

import enum
import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.services import circles, neighbours, newcomers, outbox
from bot.services.onboarding import Completion
from bot.texts import commands as command_texts
from bot.texts import local as texts
from cogs._interactions import reply
from cogs._introductions import Introducer, IntroductionPlan
from cogs._persistent import Clicked, Persistent
from cogs._text import mention
from cogs._ticks import Ticks
from cogs.local._render import neighbour_introduction
from db.enums import Answer, ChatTaskKind, IntroductionStatus, OfferStatus, Platform

if TYPE_CHECKING:
    from bot.bot import GroundworkBot

log = logging.getLogger(__name__)

INTRODUCED = "neighbours_introduced"  # event: (guild_id), a circle may now be possible
ASK_JOB = "neighbours:asks"  # the next neighbours, for asks left unanswered (hourly)


class OfferAnswer(enum.StrEnum):
    """ "N members live near you: want to meet them?"."""

    YES = "yes"
    LATER = "later"
    NEVER = "never"


class AskAnswer(enum.StrEnum):
    """A neighbour asked whether they'd like to meet a newcomer."""

    YES = "yes"
    NO = "no"
    NEVER = "never"


OFFER_STATUS = {
    OfferAnswer.YES: OfferStatus.ACCEPTED,
    OfferAnswer.LATER: OfferStatus.NOT_NOW,
    OfferAnswer.NEVER: OfferStatus.MUTED,
}


def offer_view(offer_id: int) -> discord.ui.View:
    return OFFER.view(
        offer_id,
        (
            (OfferAnswer.YES, texts.OFFER_YES, discord.ButtonStyle.success),
            (OfferAnswer.LATER, texts.OFFER_LATER, discord.ButtonStyle.secondary),
            (OfferAnswer.NEVER, texts.OFFER_NEVER, discord.ButtonStyle.secondary),
        ),
    )


def ask_view(introduction_id: int) -> discord.ui.View:
    return ASK.view(
        introduction_id,
        (
            (AskAnswer.YES, texts.ASK_YES, discord.ButtonStyle.success),
            (AskAnswer.NO, texts.ASK_NO, discord.ButtonStyle.secondary),
            (AskAnswer.NEVER, texts.ASK_NEVER, discord.ButtonStyle.secondary),
        ),
    )


class Neighbours(commands.Cog):
    """Offers newcomers to meet the members who live near them, and introduces those who agree."""

    def __init__(self, bot: GroundworkBot) -> None:
        self.bot = bot
        self.introducer = Introducer(bot)
        self.ticks = Ticks(bot)

    async def cog_load(self) -> None:
        self.bot.outbox.register(ChatTaskKind.NEIGHBOUR_INTRODUCTION, self.introduce_task)
        self.ticks.every(ASK_JOB, self.ask_next, hours=1)

    async def cog_unload(self) -> None:
        self.ticks.stop()

    async def ask_next(self) -> None:
        """Neighbours asked a few at a time: the next ones where those asked left it unanswered."""
        async with self.bot.sessions() as session, session.begin():
            asks = await neighbours.asks_due(session=session, now=self.bot.clock(), platform=Platform.DISCORD)
        for ask in asks:
            await self.bot.messenger.ask_neighbour(ask)

    @app_commands.command(name="neighbours", description=command_texts.NEIGHBOURS)
    @app_commands.describe(offers=command_texts.NEIGHBOURS__OFFERS)
    @app_commands.guild_only()
    async def neighbour_offers(self, interaction: discord.Interaction[Any], offers: bool) -> None:
        assert interaction.guild_id is not None
        async with self.bot.sessions() as session, session.begin():
            await neighbours.set_offers(
                session=session,
                guild_id=interaction.guild_id,
                user_id=interaction.user.id,
                on=offers,
                now=self.bot.clock(),
            )
        await reply(interaction, texts.OFFERS_ON if offers else texts.OFFERS_OFF)

    @commands.Cog.listener()
    async def on_member_onboarded(self, completion: Completion) -> None:
        """What the newcomer is offered nearby (`newcomers.offer_nearby`): a circle near them
        first, else their neighbours; nothing when they are isolated."""
        now = self.bot.clock()
        async with self.bot.sessions() as session, session.begin():
            offer = await newcomers.offer_nearby(
                session=session, member_id=completion.member_id, isolated=completion.isolated, now=now
            )
        if isinstance(offer, circles.Offer):
            await self.bot.messenger.offer_circle(offer)
        elif offer is not None:
            await self.bot.messenger.offer_neighbours(offer)

    async def on_offer(self, interaction: discord.Interaction[Any], clicked: Clicked[OfferAnswer]) -> None:
        """Yes / not now / don't ask again, on the offer to meet neighbours."""
        offer_id, answer = clicked.id, clicked.answer
        async with self.bot.sessions() as session, session.begin():
            asks = await neighbours.answer_offer(
                session=session,
                offer_id=offer_id,
                user_id=interaction.user.id,
                answer=OFFER_STATUS[answer],
                now=self.bot.clock(),
            )
        text = {
            OfferAnswer.YES: texts.OFFER_ASKED.format(count=len(asks)) if asks else texts.OFFER_NOBODY_LEFT,
            OfferAnswer.LATER: texts.OFFER_LATER_DONE,
            OfferAnswer.NEVER: texts.OFFER_MUTED,
        }[answer]
        await interaction.response.edit_message(content=text, view=None)
        for ask in asks:
            await self.bot.messenger.ask_neighbour(ask)

    async def on_ask(self, interaction: discord.Interaction[Any], clicked: Clicked[AskAnswer]) -> None:
        """A neighbour's yes / no / don't ask again."""
        introduction_id, answer = clicked.id, clicked.answer
        await interaction.response.defer()
        async with self.bot.sessions() as session, session.begin():
            answered = await neighbours.answer_introduction(
                session=session,
                introduction_id=introduction_id,
                user_id=interaction.user.id,
                answer=Answer.YES if answer == AskAnswer.YES else Answer.NO,
                mute=answer == AskAnswer.NEVER,
                now=self.bot.clock(),
            )
        text = {
            IntroductionStatus.INTRODUCED: texts.ASK_THANKS_YES,
            IntroductionStatus.DECLINED: texts.ASK_MUTED
            if answer == AskAnswer.NEVER
            else texts.ASK_THANKS_NO,
        }.get(answered.status, texts.INTRO_GONE)
        await interaction.edit_original_response(content=text, view=None)
        if answered.introduction_id is not None:
            await self.introduce(answered.introduction_id)
        for ask in answered.asks:  # a no: the next neighbour in their place
            await self.bot.messenger.ask_neighbour(ask)

    async def introduce(self, introduction_id: int) -> None:
        """Right after both said yes: run the introduction task now (the outbox's tick retries it
        if this fails or the process dies)."""
        await self.bot.outbox.run_now(ChatTaskKind.NEIGHBOUR_INTRODUCTION, introduction_id)

    async def introduce_task(self, task: outbox.Task) -> None:
        """The outbox's handler for neighbours: a private thread with both, or a DM to each
        (`Introducer.introduce`). Nothing for an introduction already made or called off; once
        made, a circle may have become possible (`neighbours_introduced`)."""
        async with self.bot.sessions() as session, session.begin():
            intro = await neighbours.introduction_due(session=session, introduction_id=task.subject_id)
            if intro is None:
                await outbox.done(session=session, task_id=task.task_id, now=self.bot.clock())
                return
        text = neighbour_introduction(intro)
        done = await self.introducer.introduce(
            task,
            IntroductionPlan(
                channel_id=intro.introductions_channel_id,
                pair=(intro.requester.user_id, intro.neighbour.user_id),
                thread_name=lambda first, second: texts.NEIGHBOUR_THREAD_NAME.format(
                    first=first, second=second
                ),
                text=text,
                dm_text=lambda other: texts.NEIGHBOUR_INTRO_DM.format(
                    other=mention(other), introduction=text
                ),
                reason="groundwork: introducing two neighbours",
                thread_taken=neighbours.thread_taken,
            ),
        )
        async with self.bot.sessions() as session, session.begin():
            await neighbours.record_introduced(
                session=session,
                introduction_id=intro.introduction_id,
                thread_id=done.thread_id,
                delivered=done.delivered,
                now=self.bot.clock(),
            )
            settled = await outbox.done(session=session, task_id=task.task_id, now=self.bot.clock())
        if settled:
            self.bot.dispatch(INTRODUCED, intro.guild_id)

    @commands.Cog.listener()
    async def on_raw_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        """Whoever leaves mid-introduction: what waits on them is called off."""
        async with self.bot.sessions() as session, session.begin():
            await neighbours.member_left(session=session, guild_id=payload.guild_id, user_id=payload.user.id)


# The offer to meet neighbours and a neighbour's answer: they keep working after a restart.
OFFER = Persistent("gw:nb:o", owner=Neighbours, answers=OfferAnswer, handler=Neighbours.on_offer)
ASK = Persistent("gw:nb:i", owner=Neighbours, answers=AskAnswer, handler=Neighbours.on_ask)
ITEMS = (OFFER.item, ASK.item)
