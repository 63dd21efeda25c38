"""Peer buddies in Discord: the sweep that offers them, the answers, the introduction in a private
thread, "did you talk?" a week later, and /buddy."""

from __future__ import annotations

import enum
import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.services import buddies, outbox
from bot.texts import buddies as texts
from bot.texts import commands as command_texts
from cogs._interactions import reply
from cogs._introductions import Introducer, IntroductionPlan
from cogs._persistent import Clicked, Persistent
from cogs._text import mention
from cogs._ticks import Ticks
from cogs.buddies._render import introduction
from db.enums import BuddyFollowUp, BuddyStatus, ChatTaskKind, Platform

if TYPE_CHECKING:
    from bot.bot import GroundworkBot

log = logging.getLogger(__name__)

SWEEP_JOB = "buddies:sweep"
FOLLOWUP_JOB = "buddies:followups"
RESWEEPS = 2  # sweeps again after offers that could not reach their member


class OfferAnswer(enum.StrEnum):
    """ "Want me to introduce you as buddies?"."""

    YES = "yes"
    NO = "no"
    NEVER = "never"


class FollowUpAnswer(enum.StrEnum):
    """ "Did you manage to talk?"."""

    TALKED = "talked"
    NOT_YET = "not_yet"
    NOT_A_FIT = "not_a_fit"


def offer_view(buddy_id: int) -> discord.ui.View:
    return OFFER.view(
        buddy_id,
        (
            (OfferAnswer.YES, texts.YES, discord.ButtonStyle.success),
            (OfferAnswer.NO, texts.NO, discord.ButtonStyle.secondary),
            (OfferAnswer.NEVER, texts.NEVER, discord.ButtonStyle.secondary),
        ),
    )


def followup_view(buddy_id: int) -> discord.ui.View:
    return FOLLOW_UP.view(
        buddy_id,
        (
            (FollowUpAnswer.TALKED, texts.TALKED, discord.ButtonStyle.success),
            (FollowUpAnswer.NOT_YET, texts.NOT_YET, discord.ButtonStyle.secondary),
            (FollowUpAnswer.NOT_A_FIT, texts.NOT_A_FIT, discord.ButtonStyle.secondary),
        ),
    )


FOLLOWUP_THANKS = {
    FollowUpAnswer.TALKED: texts.THANKS_TALKED,
    FollowUpAnswer.NOT_YET: texts.THANKS_NOT_YET,
    FollowUpAnswer.NOT_A_FIT: texts.THANKS_NOT_A_FIT,
}


class Buddies(commands.Cog):
    """Offers isolated members with no mentor in sight a buddy, and introduces those who agree."""

    def __init__(self, bot: GroundworkBot) -> None:
        self.bot = bot
        self.introducer = Introducer(bot)
        self.ticks = Ticks(bot)

    @property
    def batch_every(self) -> timedelta:
        return timedelta(hours=self.bot.settings.scheduler.pairing_batch_hours)

    async def cog_load(self) -> None:
        self.bot.outbox.register(ChatTaskKind.BUDDY_INTRODUCTION, self.introduce_task)
        self.ticks.every(SWEEP_JOB, self.sweep_all, hours=self.bot.settings.scheduler.pairing_batch_hours)
        self.ticks.every(FOLLOWUP_JOB, self.followups, seconds=self.bot.settings.scheduler.tick_seconds)

    async def cog_unload(self) -> None:
        self.ticks.stop()

    @app_commands.command(name="buddy", description=command_texts.BUDDY)
    @app_commands.describe(offers=command_texts.BUDDY__OFFERS)
    @app_commands.guild_only()
    async def buddy(self, interaction: discord.Interaction[Any], offers: bool | None = None) -> None:
        assert interaction.guild_id is not None
        async with self.bot.sessions() as session, session.begin():
            if offers is not None:
                await buddies.set_offers(
                    session=session,
                    guild_id=interaction.guild_id,
                    user_id=interaction.user.id,
                    on=offers,
                    now=self.bot.clock(),
                )
            mine = await buddies.mine(
                session=session, guild_id=interaction.guild_id, user_id=interaction.user.id
            )
        if offers is not None:
            await reply(interaction, texts.OFFERS_ON if offers else texts.MUTED)
            return
        if mine.status == BuddyStatus.INTRODUCED:
            thread = texts.MINE_THREAD.format(thread=mine.thread_id) if mine.thread_id else ""
            text = texts.MINE_INTRODUCED.format(
                others=", ".join(mention(u) for u in mine.other_user_ids), thread=thread
            )
        elif mine.status == BuddyStatus.OFFERED:
            text = texts.MINE_OFFERED
        else:
            text = texts.MINE_OPTED_OUT if mine.opted_out else texts.MINE_NONE
        await reply(interaction, text)

    async def sweep_all(self) -> None:
        """Every guild's sweep, one unit of work each; then the offers, after the commit."""
        async with self.bot.sessions() as session, session.begin():
            guild_ids = await buddies.guilds_with_isolated(session=session, platform=Platform.DISCORD)
        for guild_id in guild_ids:
            await self.sweep(guild_id)

    async def sweep(self, guild_id: int) -> list[buddies.Offer]:
        """The guild's offers; an offer that cannot reach its member (DMs closed) calls their
        group off, and the others are offered someone else by a sweep at once (a few times at
        most: each leaves out those not reached)."""
        sent: list[buddies.Offer] = []
        for _ in range(RESWEEPS + 1):
            async with self.bot.sessions() as session, session.begin():
                offers = await buddies.sweep(
                    session=session, guild_id=guild_id, now=self.bot.clock(), batch_every=self.batch_every
                )
            unreached = [offer for offer in offers if not await self.bot.messenger.offer_buddy(offer)]
            sent += offers
            if not unreached:
                break
            async with self.bot.sessions() as session, session.begin():
                called_off = [
                    await buddies.not_reached(session=session, buddy_id=offer.buddy_id, now=self.bot.clock())
                    for offer in unreached
                ]
            if not any(called_off):
                break
        return sent

    async def on_offer(self, interaction: discord.Interaction[Any], clicked: Clicked[OfferAnswer]) -> None:
        """Yes / not this time / don't offer me a buddy."""
        await interaction.response.defer()
        async with self.bot.sessions() as session, session.begin():
            answered = await buddies.answer_offer(
                session=session,
                buddy_id=clicked.id,
                user_id=interaction.user.id,
                yes=clicked.answer == OfferAnswer.YES,
                mute=clicked.answer == OfferAnswer.NEVER,
                now=self.bot.clock(),
            )
        if clicked.answer == OfferAnswer.NEVER:
            text = texts.MUTED
        elif clicked.answer == OfferAnswer.NO:
            text = texts.THANKS_NO
        elif answered.introduce:
            text = texts.INTRODUCING
        elif answered.status == BuddyStatus.OFFERED:
            text = texts.THANKS_YES
        else:
            text = texts.CALLED_OFF
        await interaction.edit_original_response(content=text, view=None)
        if answered.introduce:
            await self.bot.outbox.run_now(ChatTaskKind.BUDDY_INTRODUCTION, answered.group_id)

    async def introduce_task(self, task: outbox.Task) -> None:
        """The outbox's handler for buddies: a private thread with all of them (else a DM to
        each), the contact recorded with the introduction."""
        async with self.bot.sessions() as session, session.begin():
            intro = await buddies.introduction_due(
                session=session, group_id=task.subject_id, now=self.bot.clock()
            )
            if intro is None:
                await outbox.done(session=session, task_id=task.task_id, now=self.bot.clock())
                return
        text = introduction(intro)
        done = await self.introducer.introduce(
            task,
            IntroductionPlan(
                channel_id=intro.introductions_channel_id,
                pair=tuple(b.user_id for b in intro.buddies),
                thread_name=lambda *names: texts.THREAD_NAME.format(names=" & ".join(names)),
                text=text,
                dm_text=lambda _other: texts.INTRO_DM.format(introduction=text),
                reason="groundwork: introducing buddies",
                thread_taken=buddies.thread_taken,
            ),
        )
        async with self.bot.sessions() as session, session.begin():
            await buddies.record_introduced(
                session=session,
                group_id=intro.group_id,
                thread_id=done.thread_id,
                delivered=done.delivered,
                now=self.bot.clock(),
            )
            settled = await outbox.done(session=session, task_id=task.task_id, now=self.bot.clock())
        if not done.delivered and settled:  # no thread and every DM closed: nobody knows yet
            await self.bot.messenger.tell_moderators(
                intro.guild_id,
                texts.INTRO_FAILED.format(who=", ".join(mention(b.user_id) for b in intro.buddies)),
            )

    async def followups(self) -> None:
        """ "Did you talk?" to every buddy introduced a week ago."""
        async with self.bot.sessions() as session, session.begin():
            due = await buddies.due_followups(
                session=session, now=self.bot.clock(), platform=Platform.DISCORD
            )
        for followup in due:
            await self.bot.messenger.ask_buddy_followup(followup)

    async def on_followup(
        self, interaction: discord.Interaction[Any], clicked: Clicked[FollowUpAnswer]
    ) -> None:
        async with self.bot.sessions() as session, session.begin():
            answered = await buddies.answer_followup(
                session=session,
                buddy_id=clicked.id,
                user_id=interaction.user.id,
                answer=BuddyFollowUp(clicked.answer.value),
                now=self.bot.clock(),
            )
        await interaction.response.edit_message(content=FOLLOWUP_THANKS[clicked.answer], view=None)
        for user_id in answered.tell_user_ids:
            await self.bot.messenger.tell(user_id, texts.ENDED_FOR_YOU)

    @commands.Cog.listener()
    async def on_raw_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        """A buddy who leaves: a pair ends and the other is told (and offered someone new)."""
        async with self.bot.sessions() as session, session.begin():
            alone = await buddies.member_left(
                session=session, guild_id=payload.guild_id, user_id=payload.user.id, now=self.bot.clock()
            )
            threads = {
                user_id: await buddies.thread_of(session=session, guild_id=payload.guild_id, user_id=user_id)
                for user_id in alone
            }
        for user_id in alone:
            await self.bot.messenger.tell_buddy(user_id, texts.LEFT_FOR_YOU, threads[user_id])


# The offer and "did you talk?": they keep working after a restart.
OFFER = Persistent("gw:bd:o", owner=Buddies, answers=OfferAnswer, handler=Buddies.on_offer)
FOLLOW_UP = Persistent("gw:bd:f", owner=Buddies, answers=FollowUpAnswer, handler=Buddies.on_followup)
ITEMS = (OFFER.item, FOLLOW_UP.item)
