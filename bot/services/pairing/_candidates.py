"""From the database to the matching engine: who waits, who can mentor, and at what cost."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.matching import Mentor, Seeker
from bot.services.pairing._history import earlier_mentees, excluded_organizers
from bot.services.pairing._people import OPEN
from bot.services.pairing._queue import waiting_condition
from db.enums import LocalePrecision, MemberStatus, OrganizerStatus
from db.models import Locale, Member, Mentorship, Organizer

SECONDS_PER_DAY = 86_400.0


@lru_cache(maxsize=2048)
def _zone(timezone: str) -> ZoneInfo | None:
    """The zone, kept: ZoneInfo's own cache holds a few, and a batch over members in hundreds of
    zones read each zone's file again for every member (a third of a batch's read)."""
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def utc_offset_hours(timezone: str | None, now: datetime) -> float:
    zone = _zone(timezone) if timezone else None
    if zone is None:
        return 0.0
    offset = now.astimezone(zone).utcoffset()
    return offset.total_seconds() / 3600 if offset is not None else 0.0


@dataclass(frozen=True, slots=True)
class _Where:
    """The engine's view of where someone lives: a point for a town only (an area's stored
    point is its biggest town, never a place to measure from), and the areas they are in."""

    latitude: float | None = None
    longitude: float | None = None
    district: str | None = None
    region: str | None = None
    country: str | None = None


def _where(locale: Locale | None) -> _Where:
    if locale is None:
        return _Where()
    town = locale.precision == LocalePrecision.CITY
    return _Where(
        locale.latitude if town else None,
        locale.longitude if town else None,
        locale.district_code,
        locale.region_code,
        locale.country_code,
    )


async def seekers(session: AsyncSession, members: list[Member], now: datetime) -> list[Seeker]:
    """The engine's view of waiting members (their exclusions included)."""
    if not members:
        return []
    locales = {
        locale.id: locale
        for locale in (
            await session.execute(
                select(Locale).where(Locale.id.in_({m.locale_id for m in members if m.locale_id}))
            )
        ).scalars()
    }
    excluded = await excluded_organizers(session, [m.id for m in members])
    result = []
    for member in members:
        where = _where(locales.get(member.locale_id or -1))
        waited = (now - (member.mentor_requested_at or now)).total_seconds() / SECONDS_PER_DAY
        result.append(
            Seeker(
                member_id=member.id,
                latitude=where.latitude,
                longitude=where.longitude,
                district=where.district,
                region=where.region,
                country=where.country,
                utc_offset_hours=utc_offset_hours(member.timezone, now),
                languages=frozenset(member.languages),
                paths=frozenset(member.paths),
                waiting_days=max(0.0, waited),
                excluded_organizer_ids=frozenset(excluded.get(member.id, set())),
            )
        )
    return result


async def waiting_seekers(session: AsyncSession, guild_id: int, now: datetime) -> list[Seeker]:
    """`seekers` of everyone waiting in the guild, longest waiting first (ties by member id), read
    as plain columns in one query with their places (no member rows: a batch reads thousands),
    and their exclusions in another."""
    waiting = waiting_condition(guild_id)
    rows = (
        await session.execute(
            select(
                Member.id,
                Member.timezone,
                Member.languages,
                Member.paths,
                Member.mentor_requested_at,
                Locale.precision,
                Locale.latitude,
                Locale.longitude,
                Locale.district_code,
                Locale.region_code,
                Locale.country_code,
            )
            .outerjoin(Locale, Member.locale_id == Locale.id)
            .where(*waiting)
            .order_by(Member.mentor_requested_at, Member.id)
        )
    ).all()
    if not rows:
        return []
    excluded = await excluded_organizers(session, select(Member.id).where(*waiting))
    result = []
    offsets: dict[str | None, float] = {}  # thousands waiting, a few hundred time zones
    for row in rows:
        if row.timezone not in offsets:
            offsets[row.timezone] = utc_offset_hours(row.timezone, now)
        town = row.precision == LocalePrecision.CITY
        waited = (now - (row.mentor_requested_at or now)).total_seconds() / SECONDS_PER_DAY
        result.append(
            Seeker(
                member_id=row.id,
                latitude=row.latitude if town else None,
                longitude=row.longitude if town else None,
                district=row.district_code,
                region=row.region_code,
                country=row.country_code,
                utc_offset_hours=offsets[row.timezone],
                languages=frozenset(row.languages or ()),
                paths=frozenset(row.paths or ()),
                waiting_days=max(0.0, waited),
                excluded_organizer_ids=frozenset(excluded.get(row.id, set())),
            )
        )
    return result


def _mentoring(guild_id: int) -> list[ColumnElement[bool]]:
    """Confirmed, unpaused organizers of the guild who are still members."""
    return [
        Member.guild_id == guild_id,
        Member.status == MemberStatus.ACTIVE,
        Organizer.status == OrganizerStatus.ACTIVE,
    ]


async def spare_places(session: AsyncSession, guild_id: int, organizer_ids: Iterable[int]) -> dict[int, int]:
    """The free places of those of `organizer_ids` (member ids) who can mentor now (none: absent)."""
    ids = list(organizer_ids)
    if not ids:
        return {}
    taken = (
        select(func.count())
        .where(Mentorship.mentor_id == Member.id, Mentorship.status.in_(OPEN))
        .scalar_subquery()
    )
    rows = await session.execute(
        select(Member.id, (Organizer.capacity - taken).label("spare"))
        .join(Organizer, Organizer.member_id == Member.id)
        .where(Member.id.in_(ids), *_mentoring(guild_id))
    )
    return {row.id: int(row.spare) for row in rows if row.spare > 0}


async def free_places(session: AsyncSession, guild_id: int) -> int:
    """How many more mentees the guild's organizers can take now, all together."""
    taken = (
        select(func.count())
        .where(Mentorship.mentor_id == Member.id, Mentorship.status.in_(OPEN))
        .scalar_subquery()
    )
    spare = Organizer.capacity - taken
    rows = await session.execute(
        select(spare.label("spare"))
        .select_from(Member)
        .join(Organizer, Organizer.member_id == Member.id)
        .where(*_mentoring(guild_id))
    )
    return sum(max(int(row.spare), 0) for row in rows)


async def mentors(session: AsyncSession, guild_id: int, now: datetime) -> list[Mentor]:
    """Confirmed, unpaused organizers of the guild who are still members, with their free places."""
    taken = (
        select(Mentorship.mentor_id, func.count().label("taken"))
        .where(Mentorship.status.in_(OPEN))
        .group_by(Mentorship.mentor_id)
        .subquery()
    )
    rows = (
        await session.execute(
            select(Member, Organizer, Locale, func.coalesce(taken.c.taken, 0).label("taken"))
            .join(Organizer, Organizer.member_id == Member.id)
            .outerjoin(Locale, Member.locale_id == Locale.id)
            .outerjoin(taken, taken.c.mentor_id == Member.id)
            .where(*_mentoring(guild_id))
        )
    ).all()
    earlier = await earlier_mentees(session, [row.Member.id for row in rows])
    result = []
    for row in rows:
        member, organizer = row.Member, row.Organizer
        spare = organizer.capacity - int(row.taken)
        if spare <= 0:
            continue
        where = _where(row.Locale)
        result.append(
            Mentor(
                member_id=member.id,
                latitude=where.latitude,
                longitude=where.longitude,
                district=where.district,
                region=where.region,
                country=where.country,
                utc_offset_hours=utc_offset_hours(member.timezone, now),
                languages=frozenset(organizer.languages or member.languages),
                paths=frozenset(member.paths),
                spare_capacity=spare,
                previous_mentee_ids=frozenset(earlier.get(member.id, set())),
            )
        )
    return result
