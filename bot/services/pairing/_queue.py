"""Members who want a mentor: asking, waiting, and seeing who their mentor is."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import GroundworkError
from bot.services.audit import record
from bot.services.pairing._people import is_open, open_mentorship, pairable_member
from bot.texts import pairing as texts
from db.enums import MemberStatus, MentorshipStatus
from db.models import Member, Mentorship


@dataclass(frozen=True, slots=True)
class MentorView:
    """What /mentor show tells a member."""

    mentor_user_id: int | None
    since: datetime | None
    proposed: bool
    waiting_since: datetime | None


async def request_mentor(*, session: AsyncSession, guild_id: int, user_id: int, now: datetime) -> int:
    """Put a member on the list for a mentor; returns their member id."""
    member = await pairable_member(session, guild_id, user_id, self_=True)
    current = await open_mentorship(session, member.id)
    if current is not None:
        if current.status == MentorshipStatus.PROPOSED:
            raise GroundworkError(texts.ALREADY_PROPOSED)
        mentor = await session.get(Member, current.mentor_id)
        raise GroundworkError(texts.ALREADY_HAS_MENTOR, mentor=mentor.user_id if mentor else 0)
    if member.mentor_requested_at is None:
        member.mentor_requested_at = now
        await record(
            session=session,
            now=now,
            guild_id=guild_id,
            actor_id=user_id,
            target_user_id=user_id,
            action="mentor.requested",
        )
    return member.id


async def current_mentor(*, session: AsyncSession, guild_id: int, user_id: int) -> MentorView:
    member = await pairable_member(session, guild_id, user_id, self_=True)
    current = await open_mentorship(session, member.id)
    if current is None:
        return MentorView(None, None, False, member.mentor_requested_at)
    mentor = await session.get(Member, current.mentor_id)
    return MentorView(
        mentor_user_id=mentor.user_id if mentor else None,
        since=current.introduced_at or current.proposed_at,
        proposed=current.status == MentorshipStatus.PROPOSED,
        waiting_since=member.mentor_requested_at,
    )


def waiting_condition(guild_id: int) -> list[ColumnElement[bool]]:
    """Who waits in a guild: active, asked for a mentor, none proposed or active."""
    has_open = select(Mentorship.id).where(Mentorship.member_id == Member.id, is_open()).exists()
    return [
        Member.guild_id == guild_id,
        Member.status == MemberStatus.ACTIVE,
        Member.mentor_requested_at.is_not(None),
        ~has_open,
    ]


async def waiting_members(
    *, session: AsyncSession, guild_id: int, timezones: Iterable[str] | None = None
) -> list[Member]:
    """Active members who asked for a mentor and have none proposed or active, longest waiting
    first; with `timezones`, only those living in one of them."""
    query = select(Member).where(*waiting_condition(guild_id)).order_by(Member.mentor_requested_at)
    if timezones is not None:
        query = query.where(Member.timezone.in_(list(timezones)))
    rows = await session.execute(query)
    return list(rows.scalars())


async def waiting_ids(session: AsyncSession, guild_id: int, *, limit: int | None = None) -> list[int]:
    """The member ids of those waiting in the guild, in list order (who asked first; ties by
    member id, as `queue_position` counts), the first `limit` of them only if given: ids only,
    no member rows (a list of thousands is read in milliseconds)."""
    query = (
        select(Member.id).where(*waiting_condition(guild_id)).order_by(Member.mentor_requested_at, Member.id)
    )
    if limit is not None:
        query = query.limit(limit)
    return list((await session.execute(query)).scalars())


async def still_waiting(session: AsyncSession, guild_id: int, member_ids: Iterable[int]) -> set[int]:
    """Which of `member_ids` wait for a mentor as things stand now."""
    ids = list(member_ids)
    if not ids:
        return set()
    rows = await session.execute(select(Member.id).where(Member.id.in_(ids), *waiting_condition(guild_id)))
    return set(rows.scalars())


async def waiting_count(session: AsyncSession, guild_id: int) -> int:
    """How many members of the guild wait for a mentor."""
    return int(
        (
            await session.execute(
                select(func.count()).select_from(Member).where(*waiting_condition(guild_id))
            )
        ).scalar_one()
    )


async def queue_position(session: AsyncSession, guild_id: int, member_id: int) -> tuple[int, int] | None:
    """Where a waiting member stands on the guild's list (1: next), and how many wait; None when
    they do not wait. Who asked first is first, as the batch proposes."""
    member = await session.get(Member, member_id)
    if member is None or member.mentor_requested_at is None:
        return None
    if not await still_waiting(session, guild_id, [member_id]):
        return None
    ahead = (
        await session.execute(
            select(func.count())
            .select_from(Member)
            .where(
                *waiting_condition(guild_id),
                (Member.mentor_requested_at < member.mentor_requested_at)
                | ((Member.mentor_requested_at == member.mentor_requested_at) & (Member.id < member.id)),
            )
        )
    ).scalar_one()
    return int(ahead) + 1, await waiting_count(session, guild_id)
