"""What pairing looks like in Discord: proposals for review, introductions, follow-ups, notices."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.services import languages, outbox, pairing
from bot.services.time_zones import zone_name
from bot.texts import onboarding as onboarding_texts
from bot.texts import pairing as texts
from cogs._introductions import Introducer, IntroductionPlan, suggested_times_text
from cogs._text import member_text, mention
from cogs.pairing._cog import FEEDBACK, REVIEW, ReviewAction
from db.enums import ChatTaskKind, OrganizingPath

if TYPE_CHECKING:
    from bot.bot import GroundworkBot


def _shared(left: tuple[str, ...], right: tuple[str, ...]) -> list[str]:
    return [item for item in left if item in right]


def distance_text(p: pairing.Pairing) -> str:
    """The review card's distance: km between two towns, else the area both are in."""
    if p.distance_km is not None:
        return texts.DISTANCE_KM.format(km=p.distance_km)
    common = p.common_area
    if common is None:
        return texts.DISTANCE_UNKNOWN
    level = texts.AREA_LEVELS.get(common.level, common.level)
    if common.name is None:
        return texts.DISTANCE_UNKNOWN_SAME.format(level=level)
    area = member_text(common.name, limit=100)
    if common.name_level == common.level:
        return texts.DISTANCE_UNKNOWN_BOTH_IN.format(area=area)
    return texts.DISTANCE_UNKNOWN_SAME_IN.format(level=level, area=area)


def review_embed(p: pairing.Pairing) -> discord.Embed:
    shared_languages = [
        languages.LANGUAGES.get(code, (code, code))[1]
        for code in _shared(p.member.languages, p.mentor.languages)
    ]
    shared_paths = [
        onboarding_texts.PATH_LABELS[OrganizingPath(x)] for x in _shared(p.member.paths, p.mentor.paths)
    ]
    body = texts.REVIEW_BODY.format(
        member=mention(p.member.user_id),
        member_area=member_text(p.member.area or texts.UNKNOWN_AREA, limit=100),
        mentor=mention(p.mentor.user_id),
        mentor_area=member_text(p.mentor.area or texts.UNKNOWN_AREA, limit=100),
        distance=distance_text(p),
        timezones=texts.REVIEW_TIMEZONES.format(
            member=zone_name(p.member.timezone) if p.member.timezone else texts.REVIEW_UNKNOWN_TIMEZONE,
            mentor=zone_name(p.mentor.timezone) if p.mentor.timezone else texts.REVIEW_UNKNOWN_TIMEZONE,
            gap=p.utc_gap_hours,
        ),
        languages=", ".join(shared_languages) or texts.REVIEW_NOTHING_SHARED,
        paths=", ".join(shared_paths) or texts.REVIEW_NOTHING_SHARED,
    )
    return discord.Embed(title=texts.REVIEW_TITLE, description=body, colour=discord.Colour.blurple())


def review_view(mentorship_id: int) -> discord.ui.View:
    return REVIEW.view(
        mentorship_id,
        (
            (ReviewAction.APPROVE, texts.REVIEW_APPROVE, discord.ButtonStyle.success),
            (ReviewAction.REJECT, texts.REVIEW_REJECT, discord.ButtonStyle.danger),
            (ReviewAction.ANOTHER, texts.REVIEW_ANOTHER, discord.ButtonStyle.secondary),
        ),
    )


def feedback_view(mentorship_id: int) -> discord.ui.View:
    return FEEDBACK.view(
        mentorship_id,
        (
            (pairing.Feedback.GOING_WELL, texts.FOLLOWUP_GOING_WELL, discord.ButtonStyle.success),
            (pairing.Feedback.NOT_MET, texts.FOLLOWUP_NOT_MET, discord.ButtonStyle.secondary),
            (pairing.Feedback.NOT_A_FIT, texts.FOLLOWUP_NOT_A_FIT, discord.ButtonStyle.danger),
        ),
    )


def _about(side: pairing.Side) -> str:
    details = []
    if side.area:
        details.append(member_text(side.area, limit=100))
    if side.paths:
        details.append(", ".join(onboarding_texts.PATH_LABELS[OrganizingPath(x)].lower() for x in side.paths))
    if side.experience_note:
        details.append(f"“{member_text(side.experience_note, limit=300)}”")
    return "; ".join(details) or "—"


def introduction_text(p: pairing.Pairing) -> str:
    member, mentor = mention(p.member.user_id), mention(p.mentor.user_id)
    first_path = p.member.paths[0] if p.member.paths else None
    first_step = texts.FIRST_STEPS.get(OrganizingPath(first_path)) if first_path else None
    about = "\n".join(
        (
            texts.ABOUT_MEMBER.format(member=member, details=_about(p.member)),
            texts.ABOUT_MENTOR.format(mentor=mentor, details=_about(p.mentor)),
        )
    )
    return texts.INTRODUCTION.format(
        member=member,
        mentor=mentor,
        about=about,
        first_step=first_step or texts.DEFAULT_FIRST_STEP,
        times=suggested_times_text(p.suggested_times),
    )


class PairingPresenter:
    """Carries a pairing's decisions out in Discord."""

    def __init__(self, bot: GroundworkBot) -> None:
        self.bot = bot
        self.introducer = Introducer(bot)

    async def publish(self, p: pairing.Pairing) -> None:
        """A new proposal goes to the review channel; an approved one is introduced."""
        if p.status == pairing.MentorshipStatus.ACTIVE:
            await self.introduce(p)
            return
        message_id = await self.bot.messenger.post_proposal(p)
        if message_id is None:
            return
        async with self.bot.sessions() as session, session.begin():
            await pairing.remember_review_message(
                session=session, mentorship_id=p.mentorship_id, message_id=message_id
            )

    async def introduce(self, p: pairing.Pairing) -> None:
        """Right after the approval committed: run its introduction task now (the outbox's tick
        retries it if this fails or the process dies)."""
        await self.bot.outbox.run_now(ChatTaskKind.INTRODUCTION, p.mentorship_id)

    async def introduce_task(self, task: outbox.Task) -> None:
        """The outbox's handler for introductions: a private thread with both of them or, when
        threads are impossible, a DM to each. Idempotent: nothing is done for a mentorship that
        ended or was introduced; a retry continues the thread an earlier attempt made (or, after
        a crash, adopts it) and posts nothing already posted. Discord's 5xx and timeouts raise,
        so the task is retried; the introduction and the task's end commit together."""
        async with self.bot.sessions() as session, session.begin():
            p = await pairing.introduction_due(
                session=session, mentorship_id=task.subject_id, now=self.bot.clock()
            )
            if p is None:
                await outbox.done(session=session, task_id=task.task_id, now=self.bot.clock())
                return
        text = introduction_text(p)
        pair = (p.member.user_id, p.mentor.user_id)
        done = await self.introducer.introduce(
            task,
            IntroductionPlan(
                channel_id=p.introductions_channel_id,
                pair=pair,
                thread_name=lambda member, mentor: texts.THREAD_NAME.format(member=member, mentor=mentor),
                text=text,
                dm_text=lambda other: texts.INTRO_DM.format(other=mention(other), introduction=text),
                reason="groundwork: introducing a member and their mentor",
                thread_taken=pairing.thread_taken,
            ),
        )
        async with self.bot.sessions() as session, session.begin():
            await pairing.record_introduction(
                session=session,
                mentorship_id=p.mentorship_id,
                thread_id=done.thread_id,
                delivered=done.delivered,
                now=self.bot.clock(),
            )
            settled = await outbox.done(session=session, task_id=task.task_id, now=self.bot.clock())
        if not done.delivered and settled:
            await self.bot.messenger.tell_moderators(
                p.guild_id, texts.INTRO_FAILED.format(member=mention(pair[0]), mentor=mention(pair[1]))
            )
