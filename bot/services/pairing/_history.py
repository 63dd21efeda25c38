"""What earlier pairings say about new ones: who must never be proposed again, who was paired before."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import MentorshipEndReason, MentorshipStatus
from db.models import Member, Mentorship, MentorshipEvent


async def excluded_organizers(
    session: AsyncSession, member_ids: Iterable[int] | Select[Any]
) -> dict[int, set[int]]:
    """Per member, the organizers (member ids) they must not be proposed to again: pairings that
    ended as "not a good fit", and proposals a moderator rejected. `member_ids` may be a query
    of member ids (a batch's thousands of waiting members, not sent as parameters)."""
    ids: list[int] | Select[Any] = member_ids if isinstance(member_ids, Select) else list(member_ids)
    if not isinstance(ids, Select) and not ids:
        return {}
    rows = await session.execute(
        select(Mentorship.member_id, Mentorship.mentor_id).where(
            Mentorship.member_id.in_(ids),
            or_(
                Mentorship.status == MentorshipStatus.REJECTED,
                Mentorship.end_reason == MentorshipEndReason.NOT_A_FIT,
            ),
        )
    )
    excluded: dict[int, set[int]] = defaultdict(set)
    for member_id, mentor_id in rows.all():
        excluded[member_id].add(mentor_id)
    return excluded


async def earlier_mentees(session: AsyncSession, mentor_ids: Iterable[int]) -> dict[int, set[int]]:
    """Per organizer, the members they mentored before (ended mentorships)."""
    ids = list(mentor_ids)
    if not ids:
        return {}
    rows = await session.execute(
        select(Mentorship.mentor_id, Mentorship.member_id).where(
            Mentorship.mentor_id.in_(ids), Mentorship.status == MentorshipStatus.ENDED
        )
    )
    earlier: dict[int, set[int]] = defaultdict(set)
    for mentor_id, member_id in rows.all():
        earlier[mentor_id].add(member_id)
    return earlier


def event(
    mentorship_id: int, name: str, actor_id: int | None, now: datetime, note: str | None = None
) -> MentorshipEvent:
    """One line of a mentorship's history."""
    return MentorshipEvent(mentorship_id=mentorship_id, event=name, actor_id=actor_id, at=now, note=note)


async def mentorships_of(
    session: AsyncSession, member_id: int, *, statuses: Iterable[MentorshipStatus] | None = None
) -> tuple[list[Mentorship], dict[int, int]]:
    """A member's mentorships on either side (optionally only those in `statuses`), and the user
    id of every member row they name."""
    query = select(Mentorship).where(
        or_(Mentorship.member_id == member_id, Mentorship.mentor_id == member_id)
    )
    if statuses is not None:
        query = query.where(Mentorship.status.in_(list(statuses)))
    rows = list((await session.execute(query)).scalars())
    named = {row.member_id for row in rows} | {row.mentor_id for row in rows}
    users: dict[int, int] = {}
    if named:
        rows_of_users = await session.execute(select(Member.id, Member.user_id).where(Member.id.in_(named)))
        users = {int(member_id): int(user_id) for member_id, user_id in rows_of_users.all()}
    return rows, users
