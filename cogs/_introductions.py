"""Introducing members to each other, the same way for every feature (mentors, neighbours,
practice partners, circles): a private thread in the guild's introductions channel with all of
them added, or, when a thread is impossible, a DM to each; and a word to the moderators when
nothing worked."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

import discord

from bot.services import outbox
from bot.texts import pairing as texts
from cogs._retry import retry_later
from cogs.send_budget import Urgency

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.bot import GroundworkBot

log = logging.getLogger(__name__)

# The people introduced are pinged (so the thread shows up for them); nobody else ever is.
TO_MEMBERS = discord.AllowedMentions(users=True, everyone=False, roles=False)
THREAD_NAME_LIMIT = 100


HISTORY_LOOKBACK = 20  # messages looked through for what an earlier attempt posted


def when(moment: datetime) -> str:
    """A suggested time as a Discord timestamp: each reader sees it on their own clock."""
    return discord.utils.format_dt(moment, "F")


def suggested_times_text(times: tuple[datetime, datetime] | None) -> str:
    """The two suggested times of an introduction (mentor, neighbour), or nothing."""
    if times is None:
        return ""
    return texts.SUGGESTED_TIMES.format(first=when(times[0]), second=when(times[1]))


class ThreadTaken(Protocol):
    """Whether a feature already introduced someone in this thread (so it is not adopted)."""

    async def __call__(self, *, session: AsyncSession, thread_id: int) -> bool: ...


@dataclass(frozen=True, slots=True)
class IntroductionPlan:
    """One introduction of two members, as a feature words it."""

    channel_id: int | None  # where its private thread is opened
    pair: tuple[int, ...]  # two members (buddies may be three)
    thread_name: Callable[..., str]  # from their display names
    text: str  # posted in the thread, pinging them
    dm_text: Callable[[int], str]  # the DM to one of them when there is no thread, given the (next) other
    reason: str  # for the audit log
    thread_taken: ThreadTaken


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
            await self.bot.send_budget.turn(Urgency.FOLLOW_UP, 1 if user.dm_channel else 2)
            await user.send(
                content, view=view or discord.utils.MISSING, allowed_mentions=discord.AllowedMentions.none()
            )
        except discord.HTTPException as exc:
            log.info("could not DM user %s: %s", user_id, exc)
            return False
        return True

    async def introduce(self, task: outbox.Task, plan: IntroductionPlan) -> Introduced:
        """Carry out one introduction task: a private thread with both of them or, when threads
        are impossible, a DM to each. Idempotent: a retry continues the thread an earlier attempt
        made (recorded as the task's progress as soon as it exists; after a crash, adopted) and
        posts nothing already posted. Discord's 5xx raise, so the task is retried. The caller
        records the outcome and ends the task in one unit of work."""
        thread = await self._thread(task, plan)
        if thread is not None and await self._fill(thread, plan, check=task.attempts > 1):
            return Introduced(thread.id, True)
        people = plan.pair
        sent = [
            await self._dm_once(user_id, plan.dm_text(people[(index + 1) % len(people)]), task)
            for index, user_id in enumerate(people)
        ]
        return Introduced(None, any(sent))

    async def _thread(self, task: outbox.Task, plan: IntroductionPlan) -> discord.Thread | None:
        """The thread of this introduction: made by an earlier attempt, or new; None when the
        channel is missing or Discord refuses threads there (then it is DMs)."""
        channel = self.bot.get_channel(plan.channel_id or 0)
        if not isinstance(channel, discord.TextChannel):
            return None
        if task.result_id is not None:
            made = channel.guild.get_thread(task.result_id)
            if made is None:
                try:
                    fetched = await self.bot.fetch_channel(task.result_id)
                except discord.NotFound:
                    fetched = None
                made = fetched if isinstance(fetched, discord.Thread) else None
            if made is not None:
                return made
        name = plan.thread_name(*self.display_names(channel.guild, plan.pair))[:THREAD_NAME_LIMIT]
        thread = await self._adopt(task, plan, channel, name) if task.resumed else None
        if thread is None:
            try:
                await self.bot.send_budget.turn(Urgency.FOLLOW_UP)
                thread = await channel.create_thread(
                    name=name, type=discord.ChannelType.private_thread, invitable=False, reason=plan.reason
                )
            except discord.HTTPException as exc:
                if retry_later(exc):
                    raise
                log.warning("could not open an introduction thread in %s: %s", channel.id, exc)
                return None
        async with self.bot.sessions() as session, session.begin():
            await outbox.progress(
                session=session, task_id=task.task_id, worker=self.bot.outbox.worker, result_id=thread.id
            )
        return thread

    async def _adopt(
        self, task: outbox.Task, plan: IntroductionPlan, channel: discord.TextChannel, name: str
    ) -> discord.Thread | None:
        """After a crash: the thread a dead attempt opened before it could say so, if any."""
        me = self.bot.user.id if self.bot.user else 0
        candidates = sorted(
            (t for t in channel.threads if t.owner_id == me and t.name == name),
            key=lambda t: t.id,
            reverse=True,
        )
        for thread in candidates:
            async with self.bot.sessions() as session:
                if not await plan.thread_taken(session=session, thread_id=thread.id):
                    log.info(
                        "outbox task %s continues thread %s left by a dead attempt", task.task_id, thread.id
                    )
                    return thread
        return None

    async def _fill(self, thread: discord.Thread, plan: IntroductionPlan, *, check: bool) -> bool:
        """Both added and the introduction posted (once); False when Discord refused (then DMs)."""
        try:
            await self.bot.send_budget.turn(Urgency.FOLLOW_UP, len(plan.pair) + 1)
            for user_id in plan.pair:
                await thread.add_user(discord.Object(id=user_id))
            if not (check and await self.posted(thread)):
                await thread.send(plan.text, allowed_mentions=TO_MEMBERS)
        except discord.HTTPException as exc:
            if retry_later(exc):
                raise
            log.warning("could not introduce in thread %s: %s", thread.id, exc)
            return False
        return True

    async def posted(self, channel: discord.abc.Messageable, content: str | None = None) -> bool:
        """Whether the bot already posted in `channel` (`content`, if given) among its latest messages."""
        return await self.find_posted(channel, content) is not None

    async def find_posted(self, channel: discord.abc.Messageable, content: str | None = None) -> int | None:
        """The id of the bot's latest message in `channel` (saying `content`, if given) among its
        latest messages, or None."""
        me = self.bot.user.id if self.bot.user else 0
        async for message in channel.history(limit=HISTORY_LOOKBACK):
            if message.author.id != me or message.type != discord.MessageType.default:
                continue
            if content is None or message.content == content:
                return message.id
        return None

    async def _dm_once(self, user_id: int, content: str, task: outbox.Task) -> bool:
        return await self.dm_once(user_id, content, check=task.attempts > 1)

    async def dm_once(self, user_id: int, content: str, *, check: bool) -> bool:
        """A DM with no pings, unless (when `check`: a retry) an earlier attempt sent it already;
        False when refused. Discord's 5xx raise, so the step is retried."""
        try:
            await self.bot.send_budget.turn(Urgency.FOLLOW_UP, 2)
            channel = await self.bot.create_dm(discord.Object(id=user_id))
            if check and await self.posted(channel, content):
                return True
            await channel.send(content, allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException as exc:
            if retry_later(exc):
                raise
            log.info("could not DM user %s: %s", user_id, exc)
            return False
        return True

    async def post_for_review(
        self, channel_id: int | None, *, embed: discord.Embed, view: discord.ui.View, what: str
    ) -> int | None:
        """A proposal with its buttons in the review channel; the message id, or None."""
        channel = self.bot.get_channel(channel_id or 0)
        if not isinstance(channel, discord.TextChannel):
            log.warning("no review channel: %s waits", what)
            return None
        try:
            await self.bot.send_budget.turn(Urgency.BULK)
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
            await self.bot.send_budget.turn(Urgency.FOLLOW_UP)
            await channel.send(content, allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException as exc:
            log.warning("could not tell the moderators of %s: %s", guild_id, exc)
