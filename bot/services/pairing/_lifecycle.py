"""A mentorship after the introduction: follow-ups, feedback, and ending it."""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import GroundworkError, NotAllowedError
from bot.services import identities, outbox
from bot.services.audit import record
from bot.services.contacts import record_met
from bot.services.meeting_times import suggest_times
from bot.services.pairing._history import event
from bot.services.pairing._people import OPEN, is_open
from bot.services.pairing._proposals import Pairing, pairing_view
from bot.texts import pairing as texts
from db.enums import (
    ChatTaskKind,
    HumanContactKind,
    MemberStatus,
    MentorshipEndReason,
    MentorshipStatus,
    OrganizerStatus,
    Platform,
)
from db.models import GuildSettings, Member, Mentorship, MentorshipEvent, Organizer


class Feedback(enum.StrEnum):
    """How a mentorship is going, as each side says."""

    GOING_WELL = "going_well"
    NOT_MET = "not_met"
    NOT_A_FIT = "not_a_fit"


@dataclass(frozen=True, slots=True)
class FollowUp:
    """A mentorship whose two people are to be asked how it is going."""

    mentorship_id: int
    guild_id: int
    member_user_id: int
    mentor_user_id: int


@dataclass(frozen=True, slots=True)
class MentorNudge:
    """A mentee said they have not met their mentor yet: a word to the mentor, with two times."""

    mentorship_id: int
    guild_id: int
    mentor_user_id: int
    member_user_id: int
    suggested_times: tuple[datetime, datetime]  # UTC, in both their waking hours


NOT_MET_EVENT = f"feedback:{Feedback.NOT_MET}"


@dataclass(frozen=True, slots=True)
class Ended:
    """A mentorship that ended, and who should hear about it."""

    mentorship_id: int
    guild_id: int
    member_user_id: int
    mentor_user_id: int
    reason: MentorshipEndReason
    requeued: bool  # the member is back on the list for a mentor


async def _users(session: AsyncSession, mentorship: Mentorship) -> tuple[int, int]:
    member = await session.get(Member, mentorship.member_id)
    mentor = await session.get(Member, mentorship.mentor_id)
    return (member.user_id if member else 0), (mentor.user_id if mentor else 0)


async def record_introduction(
    *, session: AsyncSession, mentorship_id: int, thread_id: int | None, delivered: bool, now: datetime
) -> None:
    """The two were introduced (in `thread_id`, or by DM): the first follow-up is scheduled and,
    when the introduction reached someone (`delivered`), it is a human contact for both."""
    mentorship = await session.get(Mentorship, mentorship_id)
    if mentorship is None or mentorship.status != MentorshipStatus.ACTIVE:
        return
    guild = await session.get(GuildSettings, mentorship.guild_id)
    mentorship.thread_id = thread_id
    mentorship.introduced_at = now
    mentorship.followup_due_at = now + timedelta(days=guild.followup_days if guild else 14)
    session.add(event(mentorship_id, "introduced", None, now, note="thread" if thread_id else "dm"))
    if delivered:
        await record_met(
            session=session,
            guild_id=mentorship.guild_id,
            pair=(mentorship.member_id, mentorship.mentor_id),
            kind=HumanContactKind.MENTOR_INTRODUCTION,
            subject_id=mentorship.id,
            at=now,
        )


async def introduction_due(*, session: AsyncSession, mentorship_id: int, now: datetime) -> Pairing | None:
    """The pairing to introduce, or None when there is nothing left to do (ended, or introduced)."""
    mentorship = await session.get(Mentorship, mentorship_id, with_for_update=True)
    if mentorship is None or mentorship.status != MentorshipStatus.ACTIVE or mentorship.introduced_at:
        return None
    view = await pairing_view(session, mentorship, now)
    # From the approval, not from this attempt: a retried introduction suggests the same times.
    times = suggest_times((view.member.timezone, view.mentor.timezone), mentorship.decided_at or now)
    return replace(view, suggested_times=times)


async def thread_taken(*, session: AsyncSession, thread_id: int) -> bool:
    """Whether a mentorship already has `thread_id` as its introduction thread."""
    found = await session.execute(select(Mentorship.id).where(Mentorship.thread_id == thread_id).limit(1))
    return found.first() is not None


async def due_followups(
    *, session: AsyncSession, now: datetime, platform: Platform | None = None
) -> list[FollowUp]:
    """Active mentorships (of `platform`'s communities) whose follow-up is due; each is returned
    once and the next one scheduled."""
    rows = (
        (
            await session.execute(
                select(Mentorship)
                .where(
                    Mentorship.status == MentorshipStatus.ACTIVE,
                    Mentorship.followup_due_at <= now,
                    identities.on_platform(Mentorship.guild_id, platform),
                )
                .with_for_update(skip_locked=True)
            )
        )
        .scalars()
        .all()
    )
    due = []
    for mentorship in rows:
        guild = await session.get(GuildSettings, mentorship.guild_id)
        mentorship.followup_due_at = now + timedelta(days=guild.followup_days if guild else 14)
        member_user, mentor_user = await _users(session, mentorship)
        session.add(event(mentorship.id, "followup_asked", None, now))
        due.append(FollowUp(mentorship.id, mentorship.guild_id, member_user, mentor_user))
    return due


async def nudge_due(*, session: AsyncSession, mentorship_id: int, now: datetime) -> MentorNudge | None:
    """The nudge to send the mentor, or None when there is nothing to do (the mentorship ended,
    or someone left). Its times count from the mentee's answer, so a retry suggests the same."""
    mentorship = await session.get(Mentorship, mentorship_id)
    if mentorship is None or mentorship.status != MentorshipStatus.ACTIVE:
        return None
    member = await session.get(Member, mentorship.member_id)
    mentor = await session.get(Member, mentorship.mentor_id)
    if member is None or mentor is None or not member.status == mentor.status == MemberStatus.ACTIVE:
        return None
    answered = await session.scalar(
        select(MentorshipEvent.at)
        .where(
            MentorshipEvent.mentorship_id == mentorship_id,
            MentorshipEvent.event == NOT_MET_EVENT,
            MentorshipEvent.actor_id == member.user_id,
        )
        .order_by(MentorshipEvent.at.desc(), MentorshipEvent.id.desc())
        .limit(1)
    )
    return MentorNudge(
        mentorship_id=mentorship.id,
        guild_id=mentorship.guild_id,
        mentor_user_id=mentor.user_id,
        member_user_id=member.user_id,
        suggested_times=suggest_times((member.timezone, mentor.timezone), answered or now),
    )


async def _end(
    session: AsyncSession,
    mentorship: Mentorship,
    *,
    reason: MentorshipEndReason,
    actor_id: int | None,
    now: datetime,
    requeue: bool,
) -> Ended:
    result = await session.execute(
        update(Mentorship)
        .where(Mentorship.id == mentorship.id, Mentorship.status.in_(OPEN))
        .values(
            status=MentorshipStatus.ENDED,
            ended_at=now,
            ended_by=actor_id,
            end_reason=reason,
            followup_due_at=None,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise GroundworkError(texts.MENTORSHIP_GONE)
    await session.refresh(mentorship)
    member = await session.get(Member, mentorship.member_id)
    requeued = requeue and member is not None and member.status == MemberStatus.ACTIVE
    if requeued and member is not None:
        member.mentor_requested_at = now
    elif member is not None:  # not put back: off the list (else the next batch pairs them again, first)
        member.mentor_requested_at = None
    member_user, mentor_user = await _users(session, mentorship)
    session.add(event(mentorship.id, f"ended:{reason}", actor_id, now))
    await record(
        session=session,
        now=now,
        guild_id=mentorship.guild_id,
        actor_id=actor_id,
        target_user_id=member_user,
        action="pairing.ended",
        details={
            "mentorship": mentorship.id,
            "mentor": mentor_user,
            "reason": str(reason),
            "requeued": requeued,
        },
    )
    return Ended(mentorship.id, mentorship.guild_id, member_user, mentor_user, reason, requeued)


async def record_feedback(
    *, session: AsyncSession, mentorship_id: int, user_id: int, answer: Feedback, now: datetime
) -> Ended | None:
    """One side's answer to a follow-up. "Not a good fit" ends the mentorship and puts the
    member back on the list, with that organizer excluded from now on."""
    mentorship = await session.get(Mentorship, mentorship_id, with_for_update=True)
    if mentorship is None or mentorship.status != MentorshipStatus.ACTIVE:
        raise GroundworkError(texts.MENTORSHIP_GONE)
    member_user, mentor_user = await _users(session, mentorship)
    if user_id not in (member_user, mentor_user):
        raise NotAllowedError(texts.NOT_YOURS)
    session.add(event(mentorship_id, f"feedback:{answer}", user_id, now))
    if answer == Feedback.NOT_MET and user_id == member_user:
        # The mentor hears it too, after this commits (durably: a chat task).
        await outbox.enqueue(
            session=session,
            guild_id=mentorship.guild_id,
            kind=ChatTaskKind.MENTOR_NUDGE,
            subject_id=mentorship_id,
            now=now,
        )
    if answer != Feedback.NOT_A_FIT:
        return None
    return await _end(
        session, mentorship, reason=MentorshipEndReason.NOT_A_FIT, actor_id=user_id, now=now, requeue=True
    )


async def end_for_member(
    *, session: AsyncSession, guild_id: int, user_id: int, actor_id: int, now: datetime
) -> Ended:
    """A moderator ends a member's current mentorship (`/pairing end`)."""
    member = (
        await session.execute(select(Member).where(Member.guild_id == guild_id, Member.user_id == user_id))
    ).scalar_one_or_none()
    mentorship = None
    if member is not None:
        mentorship = (
            await session.execute(select(Mentorship).where(Mentorship.member_id == member.id, is_open()))
        ).scalar_one_or_none()
    if mentorship is None:
        raise GroundworkError(texts.MENTORSHIP_GONE)
    return await _end(
        session, mentorship, reason=MentorshipEndReason.MODERATOR, actor_id=actor_id, now=now, requeue=False
    )


async def end_all_for(
    *,
    session: AsyncSession,
    member: Member,
    now: datetime,
    as_mentor: MentorshipEndReason,
    as_mentee: MentorshipEndReason,
) -> list[Ended]:
    """End every open mentorship of `member`, on either side; their mentees go back on the list."""
    rows = (
        (
            await session.execute(
                select(Mentorship).where(
                    or_(Mentorship.member_id == member.id, Mentorship.mentor_id == member.id),
                    Mentorship.status.in_(OPEN),
                )
            )
        )
        .scalars()
        .all()
    )
    ended = []
    for mentorship in rows:
        mentoring = mentorship.mentor_id == member.id
        reason = as_mentor if mentoring else as_mentee
        ended.append(
            await _end(session, mentorship, reason=reason, actor_id=None, now=now, requeue=mentoring)
        )
    return ended


async def member_left(*, session: AsyncSession, guild_id: int, user_id: int, now: datetime) -> list[Ended]:
    """Someone left the server: their mentorships end; mentees of a departed organizer go back on the list."""
    member = (
        await session.execute(select(Member).where(Member.guild_id == guild_id, Member.user_id == user_id))
    ).scalar_one_or_none()
    if member is None:
        return []
    organizer = (
        await session.execute(select(Organizer).where(Organizer.member_id == member.id))
    ).scalar_one_or_none()
    if organizer is not None and organizer.status != OrganizerStatus.REMOVED:
        organizer.status = OrganizerStatus.REMOVED
        await record(
            session=session,
            now=now,
            guild_id=guild_id,
            actor_id=None,
            target_user_id=user_id,
            action="organizer.removed",
        )
    return await end_all_for(
        session=session,
        member=member,
        now=now,
        as_mentor=MentorshipEndReason.ORGANIZER_LEFT,
        as_mentee=MentorshipEndReason.MEMBER_LEFT,
    )


async def remove_organizer(
    *, session: AsyncSession, guild_id: int, user_id: int, actor_id: int, now: datetime
) -> list[Ended]:
    """A moderator stops a member being an organizer; their mentees go back on the list."""
    member = (
        await session.execute(select(Member).where(Member.guild_id == guild_id, Member.user_id == user_id))
    ).scalar_one_or_none()
    organizer = (
        None
        if member is None
        else (
            await session.execute(select(Organizer).where(Organizer.member_id == member.id))
        ).scalar_one_or_none()
    )
    if member is None or organizer is None or organizer.status == OrganizerStatus.REMOVED:
        raise GroundworkError(texts.NOT_AN_ORGANIZER, who=user_id)
    organizer.status = OrganizerStatus.REMOVED
    await record(
        session=session,
        now=now,
        guild_id=guild_id,
        actor_id=actor_id,
        target_user_id=user_id,
        action="organizer.removed",
    )
    rows = (
        (
            await session.execute(
                select(Mentorship).where(Mentorship.mentor_id == member.id, Mentorship.status.in_(OPEN))
            )
        )
        .scalars()
        .all()
    )
    return [
        await _end(
            session,
            mentorship,
            reason=MentorshipEndReason.MODERATOR,
            actor_id=actor_id,
            now=now,
            requeue=True,
        )
        for mentorship in rows
    ]
