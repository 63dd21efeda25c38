"""Practice partners in Discord: /practice, the introduction, and "did it happen?" a day later."""

from __future__ import annotations

import enum
import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.services import outbox, practice
from bot.texts import commands as command_texts
from bot.texts import local as texts
from bot.texts import onboarding as onboarding_texts
from cogs._interactions import reply
from cogs._introductions import Introducer, IntroductionPlan
from cogs._persistent import Clicked, Persistent
from cogs._ticks import Ticks
from cogs.local._render import practice_introduction
from db.enums import ChatTaskKind, OrganizingPath, Platform

if TYPE_CHECKING:
    from bot.bot import GroundworkBot

log = logging.getLogger(__name__)

FOLLOWUP_JOB = "local:practice_followups"
PATH_CHOICES = [
    app_commands.Choice(name=onboarding_texts.PATH_LABELS[path], value=path.value) for path in OrganizingPath
]


class StopAnswer(enum.StrEnum):
    """The one button under "I'll look for a partner": stop looking."""

    STOP = "stop"


class FollowUpAnswer(enum.StrEnum):
    """ "Did your practice call happen?"."""

    YES = "yes"
    NO = "no"


def stop_view(request_id: int) -> discord.ui.View:
    return STOP.view(request_id, ((StopAnswer.STOP, texts.PRACTICE_STOP, discord.ButtonStyle.secondary),))


def followup_view(request_id: int) -> discord.ui.View:
    return FOLLOW_UP.view(
        request_id,
        (
            (FollowUpAnswer.YES, texts.PRACTICE_FOLLOWUP_YES, discord.ButtonStyle.success),
            (FollowUpAnswer.NO, texts.PRACTICE_FOLLOWUP_NO, discord.ButtonStyle.secondary),
        ),
    )


class Practice(commands.Cog):
    """Pairs members who want to practise speaking, one call at a time."""

    def __init__(self, bot: GroundworkBot) -> None:
        self.bot = bot
        self.introducer = Introducer(bot)
        self.ticks = Ticks(bot)

    async def cog_load(self) -> None:
        self.bot.outbox.register(ChatTaskKind.PRACTICE_INTRODUCTION, self.introduce_task)
        self.ticks.every(FOLLOWUP_JOB, self.followups, seconds=self.bot.settings.scheduler.tick_seconds)

    async def cog_unload(self) -> None:
        self.ticks.stop()

    @app_commands.command(name="practice", description=command_texts.PRACTICE)
    @app_commands.describe(path=command_texts.PRACTICE__PATH)
    @app_commands.choices(path=PATH_CHOICES)
    @app_commands.guild_only()
    async def practice_command(
        self, interaction: discord.Interaction[Any], path: app_commands.Choice[str] | None = None
    ) -> None:
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        async with self.bot.sessions() as session, session.begin():
            result = await practice.request(
                session=session,
                guild_id=interaction.guild_id,
                user_id=interaction.user.id,
                path=path.value if path else None,
                now=self.bot.clock(),
            )
        if result.match is not None:
            await reply(interaction, texts.PRACTICE_PAIRED)
            await self.introduce(result.match)
        elif result.already_waiting and result.waiting_since is not None:
            since = discord.utils.format_dt(result.waiting_since, "R")
            await reply(
                interaction,
                texts.PRACTICE_ALREADY_WAITING.format(since=since),
                view=stop_view(result.request_id),
            )
        else:
            await reply(interaction, texts.PRACTICE_WAITING, view=stop_view(result.request_id))

    async def introduce(self, match: practice.Match) -> None:
        """Right after the pairing committed: run its introduction task now (the outbox's tick
        retries it if this fails or the process dies)."""
        await self.bot.outbox.run_now(ChatTaskKind.PRACTICE_INTRODUCTION, match.pairing_id)

    async def introduce_task(self, task: outbox.Task) -> None:
        """The outbox's handler for practice partners: a private thread with both, or a DM to
        each (`Introducer.introduce`); nothing for a pairing already introduced or whose member left."""
        async with self.bot.sessions() as session, session.begin():
            match = await practice.introduction_due(session=session, pairing_id=task.subject_id)
            if match is None:
                await outbox.done(session=session, task_id=task.task_id, now=self.bot.clock())
                return
        text = practice_introduction(match)
        first, second = match.sides
        done = await self.introducer.introduce(
            task,
            IntroductionPlan(
                channel_id=match.introductions_channel_id,
                pair=(first.user_id, second.user_id),
                thread_name=lambda one, other: texts.PRACTICE_THREAD_NAME.format(first=one, second=other),
                text=text,
                dm_text=lambda _other: texts.PRACTICE_INTRO_DM.format(introduction=text),
                reason="groundwork: practice partners",
                thread_taken=practice.thread_taken,
            ),
        )
        async with self.bot.sessions() as session, session.begin():
            await practice.record_thread(
                session=session,
                pairing_id=match.pairing_id,
                thread_id=done.thread_id,
                delivered=done.delivered,
                now=self.bot.clock(),
            )
            await outbox.done(session=session, task_id=task.task_id, now=self.bot.clock())

    async def on_stop(self, interaction: discord.Interaction[Any], clicked: Clicked[StopAnswer]) -> None:
        """No longer waiting for a partner."""
        async with self.bot.sessions() as session, session.begin():
            await practice.cancel(session=session, request_id=clicked.id, user_id=interaction.user.id)
        await interaction.response.edit_message(content=texts.PRACTICE_STOPPED, view=None)

    async def followups(self) -> None:
        """Ask both members of each due pairing whether their call happened."""
        async with self.bot.sessions() as session, session.begin():
            due = await practice.due_followups(
                session=session, now=self.bot.clock(), platform=Platform.DISCORD
            )
        for followup in due:
            await self.bot.messenger.ask_practice_followup(followup)

    async def on_followup(
        self, interaction: discord.Interaction[Any], clicked: Clicked[FollowUpAnswer]
    ) -> None:
        """ "Did your practice call happen?" answered."""
        happened = clicked.answer == FollowUpAnswer.YES
        async with self.bot.sessions() as session, session.begin():
            await practice.answer_followup(
                session=session,
                request_id=clicked.id,
                user_id=interaction.user.id,
                happened=happened,
                now=self.bot.clock(),
            )
        text = texts.PRACTICE_THANKS_YES if happened else texts.PRACTICE_THANKS_NO
        await interaction.response.edit_message(content=text, view=None)

    @commands.Cog.listener()
    async def on_raw_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        async with self.bot.sessions() as session, session.begin():
            await practice.member_left(session=session, guild_id=payload.guild_id, user_id=payload.user.id)


# "Stop looking for a partner" and "did your practice call happen?".
STOP = Persistent("gw:pp:c", owner=Practice, answers=StopAnswer, handler=Practice.on_stop)
FOLLOW_UP = Persistent("gw:pp:f", owner=Practice, answers=FollowUpAnswer, handler=Practice.on_followup)
ITEMS = (STOP.item, FOLLOW_UP.item)
