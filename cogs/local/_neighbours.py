"""Neighbours in Discord: the offer after onboarding, asking each neighbour, the introduction."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.services import circles, neighbours, outbox
from bot.services.onboarding import Completion
from bot.texts import local as texts
from cogs._interactions import answers_view, reply
from cogs._introductions import Introducer, IntroductionPlan
from cogs._text import mention
from cogs.local._items import AskButton, CircleOfferButton, OfferButton
from cogs.local._render import ask_text, circle_name, neighbour_introduction
from db.enums import Answer, ChatTaskKind, IntroductionStatus, OfferStatus

if TYPE_CHECKING:
    from bot.bot import GroundworkBot

log = logging.getLogger(__name__)

OFFER_ANSWERS = {"yes": OfferStatus.ACCEPTED, "later": OfferStatus.NOT_NOW, "never": OfferStatus.MUTED}
INTRODUCED = "neighbours_introduced"  # event: (guild_id), a circle may now be possible


def offer_view(offer_id: int) -> discord.ui.View:
    return answers_view(
        OfferButton,
        offer_id,
        (
            ("yes", texts.OFFER_YES, discord.ButtonStyle.success),
            ("later", texts.OFFER_LATER, discord.ButtonStyle.secondary),
            ("never", texts.OFFER_NEVER, discord.ButtonStyle.secondary),
        ),
    )


def ask_view(introduction_id: int) -> discord.ui.View:
    return answers_view(
        AskButton,
        introduction_id,
        (
            ("yes", texts.ASK_YES, discord.ButtonStyle.success),
            ("no", texts.ASK_NO, discord.ButtonStyle.secondary),
            ("never", texts.ASK_NEVER, discord.ButtonStyle.secondary),
        ),
    )


def circle_offer_view(membership_id: int) -> discord.ui.View:
    return answers_view(
        CircleOfferButton,
        membership_id,
        (
            ("join", texts.CIRCLE_OFFER_JOIN, discord.ButtonStyle.success),
            ("no", texts.CIRCLE_OFFER_NO, discord.ButtonStyle.secondary),
        ),
    )


async def send_circle_offer(introducer: Introducer, offer: circles.Offer) -> None:
    await introducer.dm(
        offer.user_id,
        texts.CIRCLE_OFFER.format(name=circle_name(offer.circle_name), size=offer.size),
        circle_offer_view(offer.membership_id),
    )


class Neighbours(commands.Cog):
    """Offers newcomers to meet the members who live near them, and introduces those who agree."""

    def __init__(self, bot: GroundworkBot) -> None:
        self.bot = bot
        self.introducer = Introducer(bot)

    async def cog_load(self) -> None:
        self.bot.outbox.register(ChatTaskKind.NEIGHBOUR_INTRODUCTION, self.introduce_task)

    @app_commands.command(
        name="neighbours", description="Whether you'd like to be offered to meet members near you"
    )
    @app_commands.describe(offers="On: I may be offered to meet neighbours. Off: don't ask me.")
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
        """A circle near the newcomer is offered first; otherwise, the neighbours."""
        if completion.isolated:
            return
        now = self.bot.clock()
        async with self.bot.sessions() as session, session.begin():
            circle = await circles.offer_to_newcomer(session=session, member_id=completion.member_id, now=now)
            offer = (
                None
                if circle
                else await neighbours.make_offer(session=session, member_id=completion.member_id, now=now)
            )
        if circle is not None:
            await send_circle_offer(self.introducer, circle)
        elif offer is not None:
            await self.introducer.dm(
                offer.user_id,
                texts.NEIGHBOUR_OFFER.format(count=offer.neighbours, radius=offer.radius_km),
                offer_view(offer.offer_id),
            )

    async def on_offer(self, interaction: discord.Interaction[Any], offer_id: int, answer: str) -> None:
        """Yes / not now / don't ask again, on the offer to meet neighbours."""
        async with self.bot.sessions() as session, session.begin():
            asks = await neighbours.answer_offer(
                session=session,
                offer_id=offer_id,
                user_id=interaction.user.id,
                answer=OFFER_ANSWERS[answer],
                now=self.bot.clock(),
            )
        text = {
            "yes": texts.OFFER_ASKED.format(count=len(asks)) if asks else texts.OFFER_NOBODY_LEFT,
            "later": texts.OFFER_LATER_DONE,
            "never": texts.OFFER_MUTED,
        }[answer]
        await interaction.response.edit_message(content=text, view=None)
        for ask in asks:
            await self.introducer.dm(ask.neighbour_user_id, ask_text(ask), ask_view(ask.introduction_id))

    async def on_ask(self, interaction: discord.Interaction[Any], introduction_id: int, answer: str) -> None:
        """A neighbour's yes / no / don't ask again."""
        await interaction.response.defer()
        async with self.bot.sessions() as session, session.begin():
            answered = await neighbours.answer_introduction(
                session=session,
                introduction_id=introduction_id,
                user_id=interaction.user.id,
                answer=Answer.YES if answer == "yes" else Answer.NO,
                mute=answer == "never",
                now=self.bot.clock(),
            )
        text = {
            IntroductionStatus.INTRODUCED: texts.ASK_THANKS_YES,
            IntroductionStatus.DECLINED: texts.ASK_MUTED if answer == "never" else texts.ASK_THANKS_NO,
        }.get(answered.status, texts.INTRO_GONE)
        await interaction.edit_original_response(content=text, view=None)
        if answered.introduction is not None:
            await self.introduce(answered.introduction)

    async def introduce(self, intro: neighbours.Introduction) -> None:
        """Right after both said yes: run the introduction task now (the outbox's tick retries it
        if this fails or the process dies)."""
        await self.bot.outbox.run_now(ChatTaskKind.NEIGHBOUR_INTRODUCTION, intro.introduction_id)

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
