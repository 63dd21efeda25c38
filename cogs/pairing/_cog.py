"""Mentors for members who are alone in their area: /mentor, /organizer, /pairing, and the jobs."""

from __future__ import annotations

import enum
import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.errors import GroundworkError
from bot.services import outbox, pairing, waiting
from bot.services.onboarding import Completion
from bot.texts import commands as command_texts
from bot.texts import pairing as texts
from cogs._checks import moderator_only, require_moderator
from cogs._interactions import GroundworkView, reply, snowflake
from cogs._persistent import Clicked, Persistent
from cogs._ticks import Ticks
from cogs.pairing._waiting import batch_every, wait_text
from db.enums import ChatTaskKind, Platform

if TYPE_CHECKING:
    from bot.bot import GroundworkBot

log = logging.getLogger(__name__)

FOLLOWUP_JOB = "pairing:followups"
BATCH_JOB = "pairing:batch"
WAIT_JOB = "pairing:wait-updates"
WAIT_JOB_HOURS = 1.0  # how often waiting members are looked at (each hears at most daily)


class ReviewAction(enum.StrEnum):
    """A moderator's buttons on a proposal."""

    APPROVE = "approve"
    REJECT = "reject"
    ANOTHER = "another"


class MentorRequestAnswer(enum.StrEnum):
    """ "Yes, I'd like a mentor", offered to members who are alone in their area."""

    YES = "yes"


def when(moment: Any) -> str:
    return discord.utils.format_dt(moment, "D") if moment else "—"


def mentor_offer_view(guild_id: int) -> discord.ui.View:
    view = GroundworkView(timeout=None)
    view.add_item(
        MENTOR_REQUEST.button(guild_id, label=texts.ASK_FOR_MENTOR_BUTTON, style=discord.ButtonStyle.success)
    )
    return view


class Pairing(commands.Cog):
    """Pairs isolated members with experienced organizers, and looks after the pairs."""

    mentor = app_commands.Group(name="mentor", description=command_texts.MENTOR, guild_only=True)
    pairing_group = app_commands.Group(
        name="pairing",
        description=command_texts.PAIRING,
        guild_only=True,
        default_permissions=discord.Permissions(manage_guild=True),
    )

    def __init__(self, bot: GroundworkBot) -> None:
        self.bot = bot
        self.mentorships = bot.mentorships
        self.presenter = bot.mentorships.presenter
        self.ticks = Ticks(bot)

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*ITEMS)
        self.bot.outbox.register(ChatTaskKind.INTRODUCTION, self.presenter.introduce_task)
        self.bot.outbox.register(ChatTaskKind.MENTOR_NUDGE, self.nudge_task)
        self.ticks.every(FOLLOWUP_JOB, self.followups, seconds=self.bot.settings.scheduler.tick_seconds)
        self.ticks.every(BATCH_JOB, self.batch_all, hours=self.bot.settings.scheduler.pairing_batch_hours)
        self.ticks.every(WAIT_JOB, self.wait_updates, hours=WAIT_JOB_HOURS)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*ITEMS)
        self.ticks.stop()

    # -- members ----------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_member_onboarded(self, completion: Completion) -> None:
        """Offer a mentor to a member who turned out to be alone in their area."""
        if completion.isolated and completion.organizer_status is None:  # organizers are not newcomers
            await self.bot.messenger.offer_mentor(completion)

    @mentor.command(name="request", description=command_texts.MENTOR_REQUEST)
    async def mentor_request(self, interaction: discord.Interaction[Any]) -> None:
        assert interaction.guild_id is not None
        await self._request(interaction, interaction.guild_id)

    async def on_mentor_request(
        self, interaction: discord.Interaction[Any], clicked: Clicked[MentorRequestAnswer]
    ) -> None:
        await self._request(interaction, clicked.id)

    async def _request(self, interaction: discord.Interaction[Any], guild_id: int) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        now = self.bot.clock()
        async with self.bot.sessions() as session, session.begin():
            await pairing.request_mentor(
                session=session, guild_id=guild_id, user_id=interaction.user.id, now=now
            )
            proposal = await pairing.propose_for(
                session=session, guild_id=guild_id, user_id=interaction.user.id, now=now
            )
            standing = None
            if proposal is None:  # where they stand, and what they can do meanwhile
                standing = await waiting.tell_standing(
                    session=session,
                    guild_id=guild_id,
                    user_id=interaction.user.id,
                    now=now,
                    batch_every=batch_every(self.bot),
                    news=waiting.WaitNews.REQUESTED,
                )
        if proposal is not None:
            text = texts.REQUESTED_PROPOSED
        else:
            text = wait_text(standing) if standing is not None else texts.REQUESTED
        await reply(interaction, text)
        if proposal is not None:
            await self.presenter.publish(proposal)

    @mentor.command(name="show", description=command_texts.MENTOR_SHOW)
    async def mentor_show(self, interaction: discord.Interaction[Any]) -> None:
        assert interaction.guild_id is not None
        standing = None
        async with self.bot.sessions() as session, session.begin():
            view = await pairing.current_mentor(
                session=session, guild_id=interaction.guild_id, user_id=interaction.user.id
            )
            if view.mentor_user_id is None and view.waiting_since is not None:
                standing = await waiting.tell_standing(
                    session=session,
                    guild_id=interaction.guild_id,
                    user_id=interaction.user.id,
                    now=self.bot.clock(),
                    batch_every=batch_every(self.bot),
                    news=waiting.WaitNews.SHOWN,
                )
        if view.mentor_user_id is not None and not view.proposed:
            text = texts.MENTOR_IS.format(mentor=f"<@{view.mentor_user_id}>", since=when(view.since))
        elif view.proposed:
            text = texts.ALREADY_PROPOSED
        elif standing is not None:
            text = wait_text(standing)
        elif view.waiting_since is not None:
            text = texts.MENTOR_WAITING.format(since=when(view.waiting_since))
        else:
            text = texts.NO_MENTOR
        await reply(interaction, text)

    # -- moderators -------------------------------------------------------------------

    @pairing_group.command(name="run", description=command_texts.PAIRING_RUN)
    @moderator_only()
    async def pairing_run(self, interaction: discord.Interaction[Any]) -> None:
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        created, waiting = await self.mentorships.batch(interaction.guild_id)
        await reply(interaction, texts.PAIRING_RUN.format(count=created, waiting=waiting))

    @pairing_group.command(name="pair", description=command_texts.PAIRING_PAIR)
    @moderator_only()
    async def pairing_pair(
        self, interaction: discord.Interaction[Any], member: discord.Member, mentor: discord.Member
    ) -> None:
        await self.mentorships.pair_by_hand(interaction, member, mentor)

    @pairing_group.command(name="end", description=command_texts.PAIRING_END)
    @moderator_only()
    async def pairing_end(self, interaction: discord.Interaction[Any], member: discord.Member) -> None:
        await self.mentorships.end_by_moderator(interaction, member)

    async def on_review(self, interaction: discord.Interaction[Any], clicked: Clicked[ReviewAction]) -> None:
        """A moderator's button on a proposal: approve, reject, or pick another organizer."""
        mentorship_id, action = clicked.id, clicked.answer
        async with self.bot.sessions() as session:
            guild_id = await pairing.guild_of_mentorship(session=session, mentorship_id=mentorship_id)
        if guild_id is None:
            raise GroundworkError(texts.PROPOSAL_GONE.format(status=texts.PROPOSAL_DELETED))
        # A moderator of this proposal's server, in that server: not another server's moderator.
        await require_moderator(interaction, guild_id)
        await interaction.response.defer()
        now = self.bot.clock()
        replacement = standing = None
        async with self.bot.sessions() as session, session.begin():
            if action == ReviewAction.ANOTHER:
                decided, replacement = await pairing.pick_another(
                    session=session, mentorship_id=mentorship_id, actor_id=interaction.user.id, now=now
                )
            else:
                decided = await pairing.decide(
                    session=session,
                    mentorship_id=mentorship_id,
                    actor_id=interaction.user.id,
                    approve=action == ReviewAction.APPROVE,
                    now=now,
                )
            if action != ReviewAction.APPROVE and replacement is None:  # back on the list: say where
                standing = await waiting.tell_standing(
                    session=session,
                    guild_id=decided.guild_id,
                    user_id=decided.member.user_id,
                    now=now,
                    batch_every=batch_every(self.bot),
                    news=waiting.WaitNews.NOT_CONFIRMED,
                )
        outcome = {
            ReviewAction.APPROVE: texts.REVIEW_APPROVED,
            ReviewAction.REJECT: texts.REVIEW_REJECTED,
            ReviewAction.ANOTHER: texts.REVIEW_REPLACED,
        }[action].format(moderator=interaction.user.mention)
        if action == ReviewAction.ANOTHER and replacement is None:
            outcome += "\n" + texts.REVIEW_NONE_LEFT
        await interaction.edit_original_response(
            content=outcome, view=None, allowed_mentions=discord.AllowedMentions.none()
        )
        if action == ReviewAction.APPROVE:
            await self.presenter.introduce(decided)
        elif replacement is not None:
            await self.presenter.publish(replacement)
        if standing is not None:
            await self.bot.messenger.tell_wait(standing)

    # -- the life of a mentorship ---------------------------------------------------

    async def followups(self) -> None:
        """Ask both sides of each due mentorship how it is going."""
        async with self.bot.sessions() as session, session.begin():
            due = await pairing.due_followups(
                session=session, now=self.bot.clock(), platform=Platform.DISCORD
            )
        for followup in due:
            await self.bot.messenger.ask_how_it_goes(followup)

    async def on_feedback(
        self, interaction: discord.Interaction[Any], clicked: Clicked[pairing.Feedback]
    ) -> None:
        """An answer to "how is it going?"."""
        mentorship_id, answer = clicked.id, clicked.answer
        now = self.bot.clock()
        async with self.bot.sessions() as session, session.begin():
            ended = await pairing.record_feedback(
                session=session,
                mentorship_id=mentorship_id,
                user_id=interaction.user.id,
                answer=answer,
                now=now,
            )
            nudging = answer == pairing.Feedback.NOT_MET and await outbox.waiting(
                session=session, kind=ChatTaskKind.MENTOR_NUDGE, subject_id=mentorship_id
            )
        text = {
            pairing.Feedback.GOING_WELL: texts.FOLLOWUP_THANKS,
            pairing.Feedback.NOT_MET: texts.FOLLOWUP_NOT_MET_NUDGED
            if nudging
            else texts.FOLLOWUP_NOT_MET_TIP,
            pairing.Feedback.NOT_A_FIT: texts.ENDED_NOT_A_FIT,
        }[answer]
        await interaction.response.edit_message(content=text, view=None)
        if nudging:  # the mentee said it: their mentor hears it too (the tick retries a failure)
            await self.bot.outbox.run_now(ChatTaskKind.MENTOR_NUDGE, mentorship_id)
        if ended is not None:
            other = (
                ended.mentor_user_id if interaction.user.id == ended.member_user_id else ended.member_user_id
            )
            await self.bot.messenger.tell_partner_ended(other, interaction.user.id)
            await self.mentorships.repropose(ended)

    async def nudge_task(self, task: outbox.Task) -> bool:
        """The outbox's handler for a mentor's nudge: a DM with two times. Nothing once the
        mentorship ended; a retry sends nothing already sent; closed DMs settle the step."""
        async with self.bot.sessions() as session, session.begin():
            nudge = await pairing.nudge_due(
                session=session, mentorship_id=task.subject_id, now=self.bot.clock()
            )
            if nudge is None:
                await outbox.done(session=session, task_id=task.task_id, now=self.bot.clock())
                return True
        sent = await self.bot.messenger.nudge_mentor(nudge, retry=task.attempts > 1)
        async with self.bot.sessions() as session, session.begin():
            await outbox.done(session=session, task_id=task.task_id, now=self.bot.clock())
        return sent

    @commands.Cog.listener()
    async def on_groundwork_data_deleted(self, ended: list[pairing.Ended], organizer_notice: str) -> None:
        """A member's data was deleted (their request, retention, a deleted account): mentees of a
        deleted organizer hear it and get a new mentor; organizers of a deleted mentee are told why."""
        for mentorship in ended:
            if mentorship.requeued:  # the deleted member was the organizer
                await self.bot.messenger.tell(mentorship.member_user_id, texts.MENTOR_LEFT)
                await self.mentorships.repropose(mentorship)
            else:
                await self.bot.messenger.tell(mentorship.mentor_user_id, organizer_notice)

    @commands.Cog.listener()
    async def on_raw_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        """An organizer or a mentee left: their mentorships end; mentees get a new mentor."""
        async with self.bot.sessions() as session, session.begin():
            ended = await pairing.member_left(
                session=session, guild_id=payload.guild_id, user_id=payload.user.id, now=self.bot.clock()
            )
        await self.mentorships.after_ending([mentorship for mentorship in ended if mentorship.requeued])

    # -- waiting ----------------------------------------------------------------------

    async def wait_updates(self) -> None:
        """Members waiting for a mentor hear again when their wait moved (or every two weeks)."""
        for guild in self.bot.guilds:
            try:
                async with self.bot.sessions() as session, session.begin():
                    updates = await waiting.due_updates(
                        session=session,
                        guild_id=guild.id,
                        now=self.bot.clock(),
                        batch_every=batch_every(self.bot),
                    )
                for update in updates:
                    await self.bot.messenger.tell_wait(update)
            except Exception:
                log.exception("wait updates failed for guild %s", guild.id)

    # -- batches ----------------------------------------------------------------------

    async def batch_all(self) -> None:
        for guild in self.bot.guilds:
            try:
                await self.mentorships.batch(guild.id)
            except Exception:
                log.exception("pairing batch failed for guild %s", guild.id)


# Proposals in the review channel, "how is it going?" and the offer of a mentor: they keep working after a restart.
REVIEW = Persistent("gw:pr", owner=Pairing, answers=ReviewAction, handler=Pairing.on_review)
FEEDBACK = Persistent("gw:fb", owner=Pairing, answers=pairing.Feedback, handler=Pairing.on_feedback)
MENTOR_REQUEST = Persistent(
    "gw:mr", owner=Pairing, answers=MentorRequestAnswer, handler=Pairing.on_mentor_request, ids=snowflake
)
ITEMS = (REVIEW.item, FEEDBACK.item, MENTOR_REQUEST.item)
