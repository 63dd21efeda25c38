"""Local circles in Discord: proposals for moderators, the circle's channel or private thread,
joining and leaving, /circle for members and /circles list for moderators."""

from __future__ import annotations

import enum
import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.errors import GroundworkError
from bot.services import circles, outbox, paging
from bot.texts import commands as command_texts
from bot.texts import local as texts
from cogs._checks import require_moderator
from cogs._interactions import reply
from cogs._introductions import TO_MEMBERS, Introducer
from cogs._pager import pages_of
from cogs._persistent import Clicked, Persistent
from cogs._text import mention
from cogs._ticks import Ticks
from cogs.local._render import channel_name, circle_name, circle_starter
from cogs.local._spaces import Spaces
from cogs.outbox import Handler
from db.enums import ChatTaskKind

if TYPE_CHECKING:
    from bot.bot import GroundworkBot

log = logging.getLogger(__name__)

SWEEP_JOB = "local:circles"


class ReviewAction(enum.StrEnum):
    """Moderators' buttons on a proposed circle."""

    APPROVE = "approve"
    REJECT = "reject"


class OfferAnswer(enum.StrEnum):
    """ "A circle meets near you: join it?"."""

    JOIN = "join"
    NO = "no"


class LeaveAnswer(enum.StrEnum):
    """/circle's one button: leave my circle."""

    LEAVE = "leave"


def review_view(circle_id: int) -> discord.ui.View:
    return REVIEW.view(
        circle_id,
        (
            (ReviewAction.APPROVE, texts.CIRCLE_APPROVE, discord.ButtonStyle.success),
            (ReviewAction.REJECT, texts.CIRCLE_REJECT, discord.ButtonStyle.secondary),
        ),
    )


def circle_offer_view(membership_id: int) -> discord.ui.View:
    return OFFER.view(
        membership_id,
        (
            (OfferAnswer.JOIN, texts.CIRCLE_OFFER_JOIN, discord.ButtonStyle.success),
            (OfferAnswer.NO, texts.CIRCLE_OFFER_NO, discord.ButtonStyle.secondary),
        ),
    )


def _where(space: circles.Space) -> str:
    return f" · <#{space.channel_id}>" if space.channel_id else ""


def _my_circle(mine: circles.MyCircle) -> str:
    if mine.status == circles.CircleMemberStatus.PROPOSED:
        return texts.CIRCLE_SHOW_PROPOSED
    if mine.status == circles.CircleMemberStatus.OFFERED:
        return texts.CIRCLE_SHOW_OFFERED.format(name=circle_name(mine.space.name))
    return texts.CIRCLE_SHOW.format(
        name=circle_name(mine.space.name),
        size=mine.size,
        where=_where(mine.space),
        organizer=texts.CIRCLE_SHOW_ORGANIZER if mine.has_organizer else "",
        since=discord.utils.format_dt(mine.since, "D") if mine.since else "—",
    )


class Circles(commands.Cog):
    """Grows neighbours who said yes into local circles, with moderators' approval."""

    def __init__(self, bot: GroundworkBot) -> None:
        self.bot = bot
        self.introducer = Introducer(bot)
        self.spaces = Spaces(bot, self.introducer)
        self.ticks = Ticks(bot)

    async def cog_load(self) -> None:
        self.bot.outbox.register_all(self.outbox_handlers())
        self.ticks.every(SWEEP_JOB, self.sweep_all, hours=self.bot.settings.scheduler.pairing_batch_hours)

    async def cog_unload(self) -> None:
        self.ticks.stop()

    # -- growing circles --------------------------------------------------------------

    @commands.Cog.listener()
    async def on_neighbours_introduced(self, guild_id: int) -> None:
        await self.sweep(guild_id)

    async def sweep(self, guild_id: int) -> circles.Sweep:
        """Propose new circles in one guild, and offer open ones to those who live near them."""
        async with self.bot.sessions() as session, session.begin():
            found = await circles.sweep(session=session, guild_id=guild_id, now=self.bot.clock())
        for proposal in found.proposals:
            await self.publish(proposal)
        for offer in found.offers:
            await self.bot.messenger.offer_circle(offer)
        return found

    async def sweep_all(self) -> None:
        for guild in self.bot.guilds:
            try:
                await self.sweep(guild.id)
            except Exception:
                log.exception("circle sweep failed for guild %s", guild.id)

    async def publish(self, proposal: circles.Proposal) -> None:
        message_id = await self.bot.messenger.post_circle_proposal(proposal)
        if message_id is None:
            return
        async with self.bot.sessions() as session, session.begin():
            await circles.remember_review_message(
                session=session, circle_id=proposal.circle_id, message_id=message_id
            )

    async def on_review(self, interaction: discord.Interaction[Any], clicked: Clicked[ReviewAction]) -> None:
        """A moderator opens or rejects a proposed circle."""
        circle_id = clicked.id
        async with self.bot.sessions() as session:
            guild_id = await circles.circle_guild(session=session, circle_id=circle_id)
        await require_moderator(interaction, guild_id)
        await interaction.response.defer()
        async with self.bot.sessions() as session, session.begin():
            decision = await circles.decide(
                session=session,
                circle_id=circle_id,
                actor_id=interaction.user.id,
                approve=clicked.answer == ReviewAction.APPROVE,
                now=self.bot.clock(),
            )
        outcome = texts.CIRCLE_APPROVED if decision.opened else texts.CIRCLE_REJECTED
        await interaction.edit_original_response(
            content=outcome.format(moderator=interaction.user.mention),
            view=None,
            allowed_mentions=discord.AllowedMentions.none(),
        )
        if decision.opened:
            await self.open(decision)

    async def open(self, decision: circles.Decision) -> None:
        """Right after the approval committed: open the circle's space now (the outbox's tick
        retries it if this fails or the process dies)."""
        await self.bot.outbox.run_now(ChatTaskKind.CIRCLE_SPACE, decision.space.circle_id)

    def outbox_handlers(self) -> dict[ChatTaskKind, Handler]:
        return {
            ChatTaskKind.CIRCLE_SPACE: self.open_task,
            ChatTaskKind.CIRCLE_JOIN: self.join_task,
            ChatTaskKind.CIRCLE_LEAVE: self.leave_task,
            ChatTaskKind.CIRCLE_CLOSE: self.close_task,
        }

    async def open_task(self, task: outbox.Task) -> bool:
        """The outbox's handler for an opened circle: its channel (in the circles category) or
        private thread, with everyone in it and the welcome posted. Idempotent: nothing for a
        circle no longer open; a retry continues the channel an earlier attempt made (recorded as
        soon as it exists, or adopted after a crash), lets nobody in twice and posts the welcome
        once. Discord's 5xx raise, so the step is retried."""
        async with self.bot.sessions() as session, session.begin():
            decision = await circles.opening_due(session=session, circle_id=task.subject_id)
            if decision is None:
                await outbox.done(session=session, task_id=task.task_id, now=self.bot.clock())
                return True
        people = [*decision.member_user_ids]
        if decision.organizer_user_id is not None and decision.organizer_user_id not in people:
            people.append(decision.organizer_user_id)
        space = await self._space(task, decision, people)
        if space is None:
            async with self.bot.sessions() as session, session.begin():
                settled = await outbox.done(session=session, task_id=task.task_id, now=self.bot.clock())
            if settled:
                await self.bot.messenger.tell_moderators(
                    decision.space.guild_id,
                    texts.CIRCLE_NO_SPACE.format(name=circle_name(decision.space.name)),
                )
            return False
        await self.spaces.let_in(space, people)
        await self.spaces.welcome(space, circle_starter(decision), check=task.attempts > 1)
        async with self.bot.sessions() as session, session.begin():
            await outbox.done(session=session, task_id=task.task_id, now=self.bot.clock())
        return True

    async def _space(
        self, task: outbox.Task, decision: circles.Decision, people: list[int]
    ) -> discord.TextChannel | discord.Thread | None:
        """The circle's channel or thread: made by an earlier attempt, or new (recorded at once)."""
        name = channel_name(decision.space.name)
        space = await self.spaces.existing(decision.space.channel_id or task.result_id)
        if space is None and task.resumed:
            space = await self.spaces.adopt(decision, name=name)
        if space is None:
            space = await self.spaces.open_channel(decision, name=name, user_ids=people)
        if space is None:
            space = await self.spaces.open_thread(decision)
        if space is None:
            return None
        async with self.bot.sessions() as session, session.begin():
            await circles.record_space(
                session=session,
                circle_id=decision.space.circle_id,
                channel_id=space.id,
                is_thread=isinstance(space, discord.Thread),
            )
            await outbox.progress(
                session=session, task_id=task.task_id, worker=self.bot.outbox.worker, result_id=space.id
            )
        return space

    # -- members ----------------------------------------------------------------------

    async def on_offer(self, interaction: discord.Interaction[Any], clicked: Clicked[OfferAnswer]) -> None:
        """Join the circle nearby, or not."""
        membership_id = clicked.id
        async with self.bot.sessions() as session, session.begin():
            joined = await circles.answer_offer(
                session=session,
                membership_id=membership_id,
                user_id=interaction.user.id,
                join=clicked.answer == OfferAnswer.JOIN,
                now=self.bot.clock(),
            )
        if joined is None:
            await interaction.response.edit_message(content=texts.CIRCLE_OFFER_DECLINED, view=None)
            return
        where = (
            texts.CIRCLE_JOINED_WHERE.format(link=f"<#{joined.space.channel_id}>")
            if joined.space.channel_id
            else ""
        )
        await interaction.response.edit_message(
            content=texts.CIRCLE_JOINED.format(name=circle_name(joined.space.name), where=where), view=None
        )
        await self.bot.outbox.run_now(ChatTaskKind.CIRCLE_JOIN, joined.membership_id)

    async def join_task(self, task: outbox.Task) -> bool:
        """The outbox's handler for a member who joined: let in (a thread member, or allowed in
        the channel) and welcomed once. Nothing when they left since or the circle has no space
        yet (its opening lets in everyone who joined by then)."""
        async with self.bot.sessions() as session:
            joined = await circles.joining_due(session=session, membership_id=task.subject_id)
        if joined is None or joined.space.channel_id is None:
            await self._settle(task)
            return True
        space = await self.spaces.existing(joined.space.channel_id)
        let_in = space is not None and await self.spaces.let_in(space, [joined.user_id])
        if space is not None and let_in:
            welcome = texts.CIRCLE_WELCOME_NEW.format(who=mention(joined.user_id))
            await self.spaces.post_once(task, space, welcome, TO_MEMBERS, look_back=True)
        await self._settle(task)
        return let_in

    @app_commands.command(name="circle", description=command_texts.CIRCLE)
    @app_commands.guild_only()
    async def circle(self, interaction: discord.Interaction[Any]) -> None:
        assert interaction.guild_id is not None
        async with self.bot.sessions() as session:
            mine = await circles.circles_of(
                session=session, guild_id=interaction.guild_id, user_id=interaction.user.id
            )
        if not mine:
            await reply(interaction, texts.CIRCLE_NONE)
            return
        joined = next((m for m in mine if m.status == circles.CircleMemberStatus.JOINED), None)
        view = (
            LEAVE.view(
                joined.space.circle_id,
                ((LeaveAnswer.LEAVE, texts.CIRCLE_LEAVE, discord.ButtonStyle.secondary),),
            )
            if joined
            else discord.utils.MISSING
        )
        await reply(interaction, "\n\n".join(_my_circle(m) for m in mine), view=view)

    async def on_leave(self, interaction: discord.Interaction[Any], clicked: Clicked[LeaveAnswer]) -> None:
        """Leave one's circle (the button under /circle)."""
        assert interaction.guild_id is not None
        circle_id = clicked.id
        async with self.bot.sessions() as session, session.begin():
            left = await circles.leave(
                session=session,
                guild_id=interaction.guild_id,
                user_id=interaction.user.id,
                now=self.bot.clock(),
                circle_id=circle_id,
            )
        if not left:
            raise GroundworkError(texts.CIRCLE_GONE)
        await interaction.response.edit_message(
            content=texts.CIRCLE_LEFT.format(name=circle_name(left[0].space.name)), view=None
        )
        await self.after_leaving(left)

    async def after_leaving(self, left: list[circles.Left]) -> None:
        """Right after the leaving committed: let them out, and close a circle that closed."""
        for gone in left:
            await self.bot.outbox.run_now(ChatTaskKind.CIRCLE_LEAVE, gone.membership_id)
            if gone.closed:
                await self.bot.outbox.run_now(ChatTaskKind.CIRCLE_CLOSE, gone.space.circle_id)

    async def leave_task(self, task: outbox.Task) -> bool:
        """The outbox's handler for a member who left: out of the thread (or the channel), and a
        word to the others once, unless the circle closed (then `close_task` has the last word)."""
        async with self.bot.sessions() as session:
            gone = await circles.leaving_due(session=session, membership_id=task.subject_id)
        space = await self.spaces.existing(gone.space.channel_id if gone else None)
        if gone is not None and space is not None:
            await self.spaces.let_out(space, gone.user_id)
            if not gone.closed:
                await self.spaces.post_once(
                    task, space, texts.CIRCLE_LEFT_NOTICE, discord.AllowedMentions.none(), look_back=False
                )
        return await self._settle(task)

    async def close_task(self, task: outbox.Task) -> bool:
        """The outbox's handler for a circle everyone left: its last word once, a thread archived
        and locked (a channel is kept for the moderators), and the moderators told once."""
        async with self.bot.sessions() as session:
            closed = await circles.closing_due(session=session, circle_id=task.subject_id)
        if closed is None:
            return await self._settle(task)
        space = await self.spaces.existing(closed.channel_id)
        if space is not None:
            await self.spaces.post_once(
                task, space, texts.CIRCLE_CLOSED_NOTICE, discord.AllowedMentions.none(), look_back=True
            )
            await self.spaces.archive(space)
        if await self._settle(task):
            await self.bot.messenger.tell_moderators(
                closed.guild_id, texts.CIRCLE_CLOSED_MODS.format(name=circle_name(closed.name))
            )
        return True

    async def _settle(self, task: outbox.Task) -> bool:
        """The step is over (done, or no longer needed); False when it was settled already."""
        async with self.bot.sessions() as session, session.begin():
            return await outbox.done(session=session, task_id=task.task_id, now=self.bot.clock())

    @commands.Cog.listener()
    async def on_raw_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        async with self.bot.sessions() as session, session.begin():
            left = await circles.leave(
                session=session, guild_id=payload.guild_id, user_id=payload.user.id, now=self.bot.clock()
            )
        await self.after_leaving(left)


# Moderators' review of a proposed circle, the offer to join one, and leaving it.
REVIEW = Persistent("gw:cc:r", owner=Circles, answers=ReviewAction, handler=Circles.on_review)
OFFER = Persistent("gw:cc:o", owner=Circles, answers=OfferAnswer, handler=Circles.on_offer)
LEAVE = Persistent("gw:cc:l", owner=Circles, answers=LeaveAnswer, handler=Circles.on_leave)
ITEMS = (REVIEW.item, OFFER.item, LEAVE.item)


async def circles_pages(bot: GroundworkBot, guild_id: int) -> paging.Pages:
    """The guild's circles for moderators (/mod circles), a line each, as pages: size, activity
    in 30 days, organizer."""
    async with bot.sessions() as session:
        found = await circles.summaries(session=session, guild_id=guild_id, now=bot.clock())
    if not found:
        return paging.Pages((texts.CIRCLES_NONE,), ((texts.CIRCLES_NONE,),))
    lines = [
        texts.CIRCLES_LINE.format(
            name=circle_name(s.space.name),
            status=s.status,
            size=s.size,
            activity=s.activity_30_days,
            organizer=texts.CIRCLES_HAS_ORGANIZER if s.has_organizer else texts.CIRCLES_NO_ORGANIZER,
        )
        + _where(s.space)
        for s in found
    ]
    return pages_of(lines, header=f"**{texts.CIRCLES_TITLE}**")
