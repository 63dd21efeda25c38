"""What the circle services return, and the lookups they share."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.audit import record
from bot.services.circles._cluster import nearest_within
from bot.services.geo import EARTH_RADIUS_KM, unit_vectors
from db.enums import CircleMemberStatus, CircleRole, LocalePrecision, MemberStatus, OrganizerStatus
from db.models import Circle, CircleMember, Locale, Member, Organizer

# A member's place in a circle that still counts: they are in it, or are asked or proposed.
STANDING = (CircleMemberStatus.PROPOSED, CircleMemberStatus.OFFERED, CircleMemberStatus.JOINED)
ANYWHERE_KM = math.pi * EARTH_RADIUS_KM  # half way round the globe: no limit


@dataclass(frozen=True, slots=True)
class NearestOrganizer:
    member_id: int
    user_id: int
    distance_km: float


@dataclass(frozen=True, slots=True)
class Proposal:
    """A new circle for moderators to review."""

    circle_id: int
    guild_id: int
    name: str
    member_user_ids: tuple[int, ...]
    organizer: NearestOrganizer | None
    radius_km: float
    review_channel_id: int | None


@dataclass(frozen=True, slots=True)
class Offer:
    """A member who lives near an open circle, to be asked whether they would like to join."""

    membership_id: int
    guild_id: int
    user_id: int
    circle_name: str
    size: int


@dataclass(frozen=True, slots=True)
class Sweep:
    proposals: tuple[Proposal, ...]
    offers: tuple[Offer, ...]


@dataclass(frozen=True, slots=True)
class Space:
    """Where a circle lives in Discord, and who is to be in it."""

    circle_id: int
    guild_id: int
    name: str
    channel_id: int | None
    is_thread: bool


@dataclass(frozen=True, slots=True)
class Decision:
    """A moderator's decision on a proposal; for an opened circle, everything to open it with."""

    space: Space
    opened: bool
    member_user_ids: tuple[int, ...]
    organizer_user_id: int | None
    paths: tuple[str, ...]  # the members' chosen paths, most chosen first
    category_id: int | None
    introductions_channel_id: int | None


@dataclass(frozen=True, slots=True)
class Joined:
    space: Space
    user_id: int
    membership_id: int


@dataclass(frozen=True, slots=True)
class Left:
    space: Space
    user_id: int
    closed: bool  # nobody who lives there is left: the circle closed
    membership_id: int


@dataclass(frozen=True, slots=True)
class MyCircle:
    """What /circle shows a member."""

    space: Space
    status: CircleMemberStatus
    size: int
    has_organizer: bool
    since: datetime | None


@dataclass(frozen=True, slots=True)
class Summary:
    """One line of the moderators' list of circles."""

    space: Space
    status: str
    size: int
    activity_30_days: int
    has_organizer: bool


def space_of(circle: Circle) -> Space:
    return Space(circle.id, circle.guild_id, circle.name, circle.channel_id, circle.is_thread)


async def joined_count(session: AsyncSession, circle_id: int) -> int:
    """How many members who live in the area are in the circle (organizers invited from outside not counted)."""
    count = await session.scalar(
        select(func.count())
        .select_from(CircleMember)
        .where(
            CircleMember.circle_id == circle_id,
            CircleMember.status == CircleMemberStatus.JOINED,
            CircleMember.role == CircleRole.MEMBER,
        )
    )
    return int(count or 0)


async def nearest_organizers(
    session: AsyncSession, guild_id: int, points: list[tuple[float, float]]
) -> list[NearestOrganizer | None]:
    """For each (lat, lon), the confirmed, active organizer who lives nearest, at any distance
    (among organizers who gave a town: an area has no point to measure from)."""
    rows = (
        await session.execute(
            select(Member.id, Member.user_id, Locale.latitude, Locale.longitude)
            .join(Organizer, Organizer.member_id == Member.id)
            .join(Locale, Member.locale_id == Locale.id)
            .where(
                Member.guild_id == guild_id,
                Member.status == MemberStatus.ACTIVE,
                Organizer.status == OrganizerStatus.ACTIVE,
                Locale.precision == LocalePrecision.CITY,
            )
            .order_by(Member.id)
        )
    ).all()
    where = unit_vectors([(lat, lon) for _, _, lat, lon in rows])
    index, km = nearest_within(unit_vectors(points), where, ANYWHERE_KM)
    return [
        NearestOrganizer(rows[i][0], rows[i][1], float(d)) if i >= 0 else None
        for i, d in zip(index.tolist(), km.tolist(), strict=True)
    ]


async def add_offer(
    session: AsyncSession, circle: Circle, member_id: int, user_id: int, distance_km: float, now: datetime
) -> Offer:
    """Ask a member who lives near an open circle whether they would like to join it."""
    row = CircleMember(
        circle_id=circle.id,
        member_id=member_id,
        role=CircleRole.MEMBER,
        status=CircleMemberStatus.OFFERED,
        distance_km=distance_km,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    await record(
        session=session,
        now=now,
        guild_id=circle.guild_id,
        actor_id=None,
        target_user_id=user_id,
        action="circle.offered",
        details={"circle": circle.id},
    )
    return Offer(row.id, circle.guild_id, user_id, circle.name, await joined_count(session, circle.id))
