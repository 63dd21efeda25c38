"""Growing the organizer pool: mentees whose readiness has risen go on to mentor others.

The rule: a mentee in an active mentorship, not an organizer (pending, active or paused), whose
last two answered check-ins average at least the guild's `organizer_readiness` and who has
logged local activity, is suggested to their mentor once (a row per member; after a "not yet",
a "no thanks" or a moderator's "not now", again only after `RESUGGEST_AFTER`). Then three people
each take one step, in order: the mentor endorses, the member says yes, a moderator confirms,
and the member becomes an active organizer with one place. Each step is applied once: a click on
a step already taken changes nothing (`Step.changed` is False), and only the right person's
click counts (the mentor, the member; the adapter checks the moderator).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, ScalarSelect, Select, delete, distinct, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from bot.errors import NotAllowedError, NotFoundError
from bot.services import pairing
from bot.services.audit import record
from bot.texts import organizer_pool as texts
from db.enums import (
    CheckInKind,
    CheckInStatus,
    MemberStatus,
    MentorshipStatus,
    OrganizerStatus,
)
from db.enums import OrganizerSuggestionStatus as Status
from db.models import (
    ActivityEntry,
    GuildSettings,
    Member,
    Mentorship,
    Organizer,
    OrganizerSuggestion,
    ReadinessAnswer,
    ReadinessCheckIn,
)

CHECKINS_NEEDED = 2
RESUGGEST_AFTER = timedelta(days=90)
STARTING_CAPACITY = 1
DEFAULT_THRESHOLD = 4.0
SWEEP_CHUNK = 200
SAID_NO = (Status.NOT_YET, Status.DECLINED, Status.NOT_NOW)
# Organizers already: confirmed, paused, or waiting for a moderator.
ORGANIZING = (OrganizerStatus.PENDING, OrganizerStatus.ACTIVE, OrganizerStatus.PAUSED)
MENTORING = (OrganizerStatus.ACTIVE, OrganizerStatus.PAUSED)


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A mentee suggested to their mentor: what the mentor's DM says."""

    suggestion_id: int
    guild_id: int
    member_user_id: int
    mentor_user_id: int
    readiness: float


@dataclass(frozen=True, slots=True)
class Step:
    """A suggestion after someone's click: where it stands and whom to tell."""

    suggestion_id: int
    guild_id: int
    member_user_id: int
    mentor_user_id: int | None
    status: Status
    readiness: float
    changed: bool  # False: this step had already been taken (or the suggestion moved on)
    review_channel_id: int | None = None


def _rated_checkins(member_id: InstrumentedAttribute[int] | int) -> list[ColumnElement[bool]]:
    """The member's answered check-ins that count for the rule (onboarding's self-rating is
    where they began, not a rise)."""
    return [
        ReadinessCheckIn.member_id == member_id,
        ReadinessCheckIn.status == CheckInStatus.ANSWERED,
        ReadinessCheckIn.kind != CheckInKind.BASELINE,
    ]


def _rated(member_id: InstrumentedAttribute[int]) -> ScalarSelect[int]:
    """How many of them a member has (correlated to `member_id`)."""
    return select(func.count(ReadinessCheckIn.id)).where(*_rated_checkins(member_id)).scalar_subquery()


async def readiness_average(*, session: AsyncSession, member_id: int) -> float | None:
    """The average of every score on the member's last two answered check-ins (onboarding's
    baseline not counted); None with fewer."""
    last = (
        select(ReadinessCheckIn.id)
        .where(*_rated_checkins(member_id))
        .order_by(ReadinessCheckIn.answered_at.desc(), ReadinessCheckIn.id.desc())
        .limit(CHECKINS_NEEDED)
    )
    ids = list((await session.scalars(last)).all())
    if len(ids) < CHECKINS_NEEDED:
        return None
    average = await session.scalar(
        select(func.avg(ReadinessAnswer.score)).where(ReadinessAnswer.checkin_id.in_(ids))
    )
    return float(average) if average is not None else None


async def _mentor_of(session: AsyncSession, member_id: int) -> Member | None:
    """The mentor of the member's active mentorship."""
    return (
        await session.execute(
            select(Member)
            .join(Mentorship, Mentorship.mentor_id == Member.id)
            .where(Mentorship.member_id == member_id, Mentorship.status == MentorshipStatus.ACTIVE)
        )
    ).scalar_one_or_none()


def _organizer_row(
    member_id: InstrumentedAttribute[int] | int, statuses: tuple[OrganizerStatus, ...]
) -> Select[int]:
    """The member's organizer row, if its status is one of `statuses`."""
    return select(Organizer.id).where(Organizer.member_id == member_id, Organizer.status.in_(statuses))


async def _organizes(session: AsyncSession, member_id: int, statuses: tuple[OrganizerStatus, ...]) -> bool:
    return await session.scalar(_organizer_row(member_id, statuses)) is not None


async def suggest_for(*, session: AsyncSession, member_id: int, now: datetime) -> Suggestion | None:
    """The member suggested to their mentor, if the rule says so now (and never twice)."""
    member = await session.get(Member, member_id)
    if member is None or member.status != MemberStatus.ACTIVE:
        return None
    mentor = await _mentor_of(session, member_id)
    if mentor is None or await _organizes(session, member_id, ORGANIZING):
        return None
    row = (
        await session.execute(
            select(OrganizerSuggestion).where(OrganizerSuggestion.member_id == member_id).with_for_update()
        )
    ).scalar_one_or_none()
    if row is not None and not (row.status in SAID_NO and _last_step(row) <= now - RESUGGEST_AFTER):
        return None
    logged = await session.scalar(
        select(ActivityEntry.id).where(ActivityEntry.member_id == member_id).limit(1)
    )
    if logged is None:
        return None
    average = await readiness_average(session=session, member_id=member_id)
    threshold = await session.scalar(
        select(GuildSettings.organizer_readiness).where(GuildSettings.guild_id == member.guild_id)
    )
    if average is None or average < (threshold if threshold is not None else DEFAULT_THRESHOLD):
        return None
    if row is None:
        row = OrganizerSuggestion(guild_id=member.guild_id, member_id=member_id)
        session.add(row)
    row.mentor_member_id, row.status, row.readiness, row.suggested_at = (
        mentor.id,
        Status.SUGGESTED,
        average,
        now,
    )
    row.endorsed_at = row.answered_at = row.decided_at = row.decided_by = row.review_message_id = None
    await session.flush()
    await record(
        session=session,
        now=now,
        guild_id=member.guild_id,
        actor_id=None,
        target_user_id=member.user_id,
        action="organizer_pool.suggested",
        details={"readiness": round(average, 2)},
    )
    return Suggestion(row.id, member.guild_id, member.user_id, mentor.user_id, average)


@dataclass(frozen=True, slots=True)
class Swept:
    """One chunk of a guild's daily sweep: who was suggested, and where the next chunk starts."""

    suggestions: tuple[Suggestion, ...]
    last_member_id: int | None  # None: nobody left to look at


async def sweep(
    *, session: AsyncSession, guild_id: int, now: datetime, after: int = 0, chunk: int = SWEEP_CHUNK
) -> Swept:
    """The daily look at a guild's mentees, `chunk` at a time by member id from `after`: the rule
    for each who was never suggested or said no long enough ago (activity logged after their last
    check-in counts; a check-in is not needed to notice it)."""
    member_ids = list(
        await session.scalars(
            select(Mentorship.member_id)
            .outerjoin(OrganizerSuggestion, OrganizerSuggestion.member_id == Mentorship.member_id)
            .where(
                Mentorship.guild_id == guild_id,
                Mentorship.status == MentorshipStatus.ACTIVE,
                Mentorship.member_id > after,
                or_(OrganizerSuggestion.id.is_(None), OrganizerSuggestion.status.in_(SAID_NO)),
                # The rule needs logged activity, enough check-ins and no organizer yet: the
                # others are not looked at one by one.
                select(ActivityEntry.id).where(ActivityEntry.member_id == Mentorship.member_id).exists(),
                _rated(Mentorship.member_id) >= CHECKINS_NEEDED,
                ~_organizer_row(Mentorship.member_id, ORGANIZING).exists(),
            )
            .order_by(Mentorship.member_id)
            .limit(chunk)
        )
    )
    suggestions = [
        await suggest_for(session=session, member_id=member_id, now=now) for member_id in member_ids
    ]
    return Swept(
        tuple(suggestion for suggestion in suggestions if suggestion is not None),
        member_ids[-1] if member_ids else None,
    )


async def withdraw(*, session: AsyncSession, suggestion_id: int) -> None:
    """A suggestion the mentor could not be told of (DMs closed) is taken back, so that a later
    check-in suggests the member again; one the mentor already answered stays."""
    await session.execute(
        delete(OrganizerSuggestion).where(
            OrganizerSuggestion.id == suggestion_id, OrganizerSuggestion.status == Status.SUGGESTED
        )
    )


async def member_not_reached(*, session: AsyncSession, suggestion_id: int) -> None:
    """The endorsed member could not be asked (DMs closed): the mentor may endorse them again."""
    row = await session.get(OrganizerSuggestion, suggestion_id)
    if row is not None and row.status == Status.ENDORSED:
        row.status, row.endorsed_at = Status.SUGGESTED, None


def _last_step(row: OrganizerSuggestion) -> datetime:
    return max(t for t in (row.suggested_at, row.endorsed_at, row.answered_at, row.decided_at) if t)


async def _locked(session: AsyncSession, suggestion_id: int) -> OrganizerSuggestion:
    row = (
        await session.execute(
            select(OrganizerSuggestion).where(OrganizerSuggestion.id == suggestion_id).with_for_update()
        )
    ).scalar_one_or_none()
    if row is None:
        raise NotFoundError(texts.GONE)
    return row


async def _user_id(session: AsyncSession, member_id: int | None) -> int | None:
    if member_id is None:
        return None
    return await session.scalar(select(Member.user_id).where(Member.id == member_id))


async def _step(session: AsyncSession, row: OrganizerSuggestion, *, changed: bool) -> Step:
    member_user_id = await _user_id(session, row.member_id)
    assert member_user_id is not None  # the row goes with the member
    return Step(
        suggestion_id=row.id,
        guild_id=row.guild_id,
        member_user_id=member_user_id,
        mentor_user_id=await _user_id(session, row.mentor_member_id),
        status=row.status,
        readiness=row.readiness,
        changed=changed,
    )


async def endorse(
    *, session: AsyncSession, suggestion_id: int, user_id: int, endorse: bool, now: datetime
) -> Step:
    """The mentor's Endorse or Not yet; only their mentor's click counts."""
    row = await _locked(session, suggestion_id)
    step = await _step(session, row, changed=False)
    if step.mentor_user_id != user_id:
        raise NotAllowedError(texts.NOT_YOUR_MENTEE)
    if row.status != Status.SUGGESTED:
        return step
    row.status, row.endorsed_at = (Status.ENDORSED if endorse else Status.NOT_YET), now
    await _audit(session, row, step, actor_id=user_id, now=now)
    return await _step(session, row, changed=True)


async def answer(
    *, session: AsyncSession, suggestion_id: int, user_id: int, yes: bool, now: datetime
) -> Step:
    """The member's Yes or No thanks, once their mentor endorsed them; only theirs counts."""
    row = await _locked(session, suggestion_id)
    step = await _step(session, row, changed=False)
    if step.member_user_id != user_id:
        raise NotAllowedError(texts.NOT_FOR_YOU)
    if row.status != Status.ENDORSED:
        return step
    row.status, row.answered_at = (Status.ACCEPTED if yes else Status.DECLINED), now
    await _audit(session, row, step, actor_id=user_id, now=now)
    review = await session.scalar(
        select(GuildSettings.review_channel_id).where(GuildSettings.guild_id == row.guild_id)
    )
    return replace(await _step(session, row, changed=True), review_channel_id=review if yes else None)


async def remember_review_message(*, session: AsyncSession, suggestion_id: int, message_id: int) -> None:
    row = await session.get(OrganizerSuggestion, suggestion_id)
    if row is not None:
        row.review_message_id = message_id


async def guild_of(*, session: AsyncSession, suggestion_id: int) -> int | None:
    """The guild a suggestion belongs to (whose moderators may decide it)."""
    return await session.scalar(
        select(OrganizerSuggestion.guild_id).where(OrganizerSuggestion.id == suggestion_id)
    )


async def decide(
    *, session: AsyncSession, suggestion_id: int, actor_id: int, confirm: bool, now: datetime
) -> Step:
    """A moderator's Confirm (an active organizer with one place) or Not now, once the member said
    yes. The caller checks that `actor_id` is a moderator of the suggestion's guild. A member who is
    already an organizer stays as they are."""
    row = await _locked(session, suggestion_id)
    step = await _step(session, row, changed=False)
    if row.status != Status.ACCEPTED:
        return step
    if confirm:
        member = await session.get(Member, row.member_id)
        assert member is not None
        if not await _organizes(session, member.id, MENTORING):
            change = await pairing.add_organizer(
                session=session,
                guild_id=row.guild_id,
                user_id=step.member_user_id,
                capacity=STARTING_CAPACITY,
                languages=[],
                actor_id=actor_id,
                now=now,
            )
            if change.status == OrganizerStatus.PENDING:
                await pairing.confirm_organizer(
                    session=session,
                    guild_id=row.guild_id,
                    user_id=step.member_user_id,
                    actor_id=actor_id,
                    now=now,
                )
    row.status = Status.CONFIRMED if confirm else Status.NOT_NOW
    row.decided_at, row.decided_by = now, actor_id
    await _audit(session, row, step, actor_id=actor_id, now=now)
    return await _step(session, row, changed=True)


async def _audit(
    session: AsyncSession, row: OrganizerSuggestion, step: Step, *, actor_id: int, now: datetime
) -> None:
    await record(
        session=session,
        now=now,
        guild_id=row.guild_id,
        actor_id=actor_id,
        target_user_id=step.member_user_id,
        action=f"organizer_pool.{row.status}",
    )


async def went_on_to_mentor(*, session: AsyncSession, guild_id: int) -> int:
    """How many of the guild's members who were someone's mentee are now organizers (active or
    paused), however they became one."""
    count = await session.scalar(
        select(func.count(distinct(Mentorship.member_id)))
        .join(Organizer, Organizer.member_id == Mentorship.member_id)
        .where(
            Mentorship.guild_id == guild_id,
            Mentorship.status.in_((MentorshipStatus.ACTIVE, MentorshipStatus.ENDED)),
            Organizer.status.in_(MENTORING),
        )
    )
    return int(count or 0)
