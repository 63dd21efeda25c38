"""Looking people up for pairing: members, organizers, their open mentorships and capacity."""

from __future__ import annotations

from typing import NoReturn

from sqlalchemy import ColumnElement, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import GroundworkError, NotFoundError
from bot.services.members import get_member
from bot.services.pairing._history import excluded_organizers
from bot.texts import pairing as texts
from db.enums import MemberStatus, MentorshipStatus, OrganizerStatus
from db.models import Member, Mentorship, Organizer

OPEN = (MentorshipStatus.PROPOSED, MentorshipStatus.ACTIVE)


def is_open() -> ColumnElement[bool]:
    """The mentorship is proposed or active, with those values written into the statement.

    SQLite uses a partial index only for a query whose condition is the index's own, never
    for a bound parameter: a member's open mentorship looked up by `status IN (?, ?)` is
    searched among every open mentorship of the guild instead of found by
    `uq_mentorships_one_open_per_member` (a batch's 2,000 waiting members counted in 400 ms).
    """
    return Mentorship.status.in_([literal(status.value, literal_execute=True) for status in OPEN])


async def pairable_member(
    session: AsyncSession, guild_id: int, user_id: int, *, self_: bool = False
) -> Member:
    """An onboarded member still in the server, to pair or make an organizer; the refusal is worded
    for the member themself (`self_`) or for whoever named them."""
    member = await get_member(session=session, guild_id=guild_id, user_id=user_id)
    if member is None or member.status in (MemberStatus.LEFT, MemberStatus.DELETED):
        if member is not None and not self_:
            raise NotFoundError(texts.MEMBER_GONE)
        _not_onboarded(user_id, self_=self_)
    if member.status != MemberStatus.ACTIVE:
        _not_onboarded(user_id, self_=self_)
    return member


def _not_onboarded(user_id: int, *, self_: bool) -> NoReturn:
    if self_:
        raise GroundworkError(texts.NOT_ONBOARDED_SELF)
    raise GroundworkError(texts.NOT_A_MEMBER, who=user_id)


async def organizer_of(session: AsyncSession, member: Member) -> Organizer | None:
    return (
        await session.execute(select(Organizer).where(Organizer.member_id == member.id))
    ).scalar_one_or_none()


async def open_mentorship(session: AsyncSession, member_id: int) -> Mentorship | None:
    """The member's proposed or active mentorship, if any."""
    return (
        await session.execute(select(Mentorship).where(Mentorship.member_id == member_id, is_open()))
    ).scalar_one_or_none()


async def taken_places(session: AsyncSession, mentor_member_id: int) -> int:
    """How many of an organizer's places are taken (proposed or active mentorships)."""
    count = await session.scalar(
        select(func.count())
        .select_from(Mentorship)
        .where(Mentorship.mentor_id == mentor_member_id, Mentorship.status.in_(OPEN))
    )
    return int(count or 0)


async def check_can_mentor(session: AsyncSession, mentor: Member) -> Organizer:
    """The organizer row of `mentor`, who must be confirmed, not paused and have a free place."""
    organizer = await organizer_of(session, mentor)
    who = mentor.user_id
    if organizer is None or organizer.status == OrganizerStatus.REMOVED:
        raise GroundworkError(texts.NOT_AN_ORGANIZER, who=who)
    if organizer.status == OrganizerStatus.PENDING:
        raise GroundworkError(texts.ORGANIZER_NOT_CONFIRMED, who=who)
    if organizer.status == OrganizerStatus.PAUSED:
        raise GroundworkError(texts.ORGANIZER_PAUSED, who=who)
    taken = await taken_places(session, mentor.id)
    if taken >= organizer.capacity:
        full = texts.ORGANIZER_FULL.format(who="{who}", active=taken, capacity=organizer.capacity)
        raise GroundworkError(full, who=who)
    return organizer


async def excluded_pair(session: AsyncSession, member_id: int, mentor_id: int) -> bool:
    """Whether these two were paired and it did not fit (or a moderator rejected the pairing)."""
    return mentor_id in (await excluded_organizers(session, [member_id])).get(member_id, set())
