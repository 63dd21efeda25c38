"""Who lives near whom: distances between members, distance bands, isolation.

A member's point is their locale's coordinates. Only members whose locale is a town
(city precision) have a distance to others; members who gave only a region or a country
are "near" the members of the same region or country, and are counted that way.
A member is **isolated** when no other active member is near them: within the guild's
radius for a town, in the same region or country for the less precise ones.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.geo import great_circle_km
from db.enums import LocalePrecision, LocaleSharing, MemberStatus
from db.models import GuildSettings, Locale, Member

KM_PER_DEGREE_LATITUDE = 111.2
DISTANCE_BANDS_KM = (10, 25, 50, 100, 250)
DEFAULT_RADIUS_KM = 50.0


@dataclass(frozen=True, slots=True)
class Neighbour:
    """Another active member near someone, with what may be said about them."""

    member_id: int
    user_id: int
    distance_km: float | None  # None: near only by region or country
    locale_sharing: LocaleSharing
    organizer_contact_ok: bool


@dataclass(frozen=True, slots=True)
class NearbySummary:
    """What /nearby and the end of onboarding tell a member."""

    radius_km: float
    within_radius: int
    bands: tuple[tuple[int, int], ...]  # (up to km, members within), cumulative
    same_region: int
    same_country: int
    named: tuple[Neighbour, ...]  # near members who agreed others may see their town
    isolated: bool


NOBODY = NearbySummary(DEFAULT_RADIUS_KM, 0, (), 0, 0, (), isolated=True)

# What is read of another member: never more than this.
_OTHER_COLUMNS = (Member.id, Member.user_id, Member.locale_sharing, Member.organizer_contact_ok)


async def guild_radius_km(session: AsyncSession, guild_id: int) -> float:
    """How far "near" reaches in this guild."""
    settings = await session.get(GuildSettings, guild_id)
    return settings.radius_km if settings is not None else DEFAULT_RADIUS_KM


async def _member_and_locale(session: AsyncSession, member_id: int) -> tuple[Member, Locale | None]:
    row = (
        await session.execute(
            select(Member, Locale)
            .outerjoin(Locale, Member.locale_id == Locale.id)
            .where(Member.id == member_id)
        )
    ).one()
    return row[0], row[1]


def _others(member: Member) -> Any:
    """Active members of the same guild other than `member`, with their locale."""
    return (
        select(*_OTHER_COLUMNS, Locale.latitude, Locale.longitude)
        .join(Locale, Member.locale_id == Locale.id)
        .where(
            Member.guild_id == member.guild_id, Member.id != member.id, Member.status == MemberStatus.ACTIVE
        )
    )


def _neighbour(row: Any, distance: float | None) -> Neighbour:
    return Neighbour(
        member_id=row[0],
        user_id=row[1],
        distance_km=distance,
        locale_sharing=LocaleSharing(row[2]),
        organizer_contact_ok=row[3],
    )


def _bounding_box(locale: Locale, radius_km: float) -> tuple[float, float, float, float]:
    dlat = radius_km / KM_PER_DEGREE_LATITUDE
    cos_lat = max(math.cos(math.radians(locale.latitude)), 0.01)
    dlon = min(180.0, radius_km / (KM_PER_DEGREE_LATITUDE * cos_lat))
    return locale.latitude - dlat, locale.latitude + dlat, locale.longitude - dlon, locale.longitude + dlon


async def _within(session: AsyncSession, member: Member, locale: Locale, radius_km: float) -> list[Neighbour]:
    """Active town-precision members within `radius_km`, nearest first (a bounding box in SQL,
    then the exact great-circle distance)."""
    south, north, west, east = _bounding_box(locale, radius_km)
    query = _others(member).where(
        Locale.precision == LocalePrecision.CITY, Locale.latitude.between(south, north)
    )
    if west >= -180 and east <= 180:
        query = query.where(Locale.longitude.between(west, east))
    found = []
    for row in (await session.execute(query)).all():
        distance = great_circle_km(locale.latitude, locale.longitude, row[4], row[5])
        if distance <= radius_km:
            found.append(_neighbour(row, distance))
    found.sort(key=lambda n: n.distance_km or 0.0)
    return found


async def _same_area(session: AsyncSession, member: Member, locale: Locale) -> list[Neighbour]:
    """For a member who gave only a region or country: the active members there."""
    query = _others(member).where(Locale.country_code == locale.country_code)
    if locale.precision == LocalePrecision.REGION:
        query = query.where(Locale.region_code == locale.region_code)
    return [_neighbour(row, None) for row in (await session.execute(query)).all()]


async def _area_counts(session: AsyncSession, member: Member, locale: Locale) -> tuple[int, int]:
    """Active members (other than `member`) in the same region, and in the same country."""
    same_region = func.coalesce(func.sum(case((Locale.region_code == locale.region_code, 1), else_=0)), 0)
    row = (
        await session.execute(
            select(same_region, func.count())
            .select_from(Member)
            .join(Locale, Member.locale_id == Locale.id)
            .where(
                Member.guild_id == member.guild_id,
                Member.id != member.id,
                Member.status == MemberStatus.ACTIVE,
                Locale.country_code == locale.country_code,
            )
        )
    ).one()
    return int(row[0]), int(row[1])


async def _near(session: AsyncSession, member: Member, locale: Locale, radius_km: float) -> list[Neighbour]:
    if locale.precision == LocalePrecision.CITY:
        return await _within(session, member, locale, radius_km)
    return await _same_area(session, member, locale)


async def _survey(
    session: AsyncSession, member: Member, locale: Locale, radius: float
) -> tuple[list[Neighbour], NearbySummary]:
    """Everything about who is near one member."""
    same_region, same_country = await _area_counts(session, member, locale)
    bands: list[tuple[int, int]] = []
    if locale.precision == LocalePrecision.CITY:
        widest = await _within(session, member, locale, float(max(DISTANCE_BANDS_KM[-1], radius)))
        near = [n for n in widest if (n.distance_km or 0.0) <= radius]
        bands = [
            (band, sum(1 for n in widest if (n.distance_km or 0.0) <= band)) for band in DISTANCE_BANDS_KM
        ]
    else:
        near = await _same_area(session, member, locale)
    summary = NearbySummary(
        radius_km=radius,
        within_radius=len(near),
        bands=tuple(bands),
        same_region=same_region,
        same_country=same_country,
        named=tuple(n for n in near if n.locale_sharing == LocaleSharing.TOWN and n.distance_km is not None),
        isolated=not near,
    )
    return near, summary


async def neighbours(*, session: AsyncSession, member_id: int, radius_km: float) -> list[Neighbour]:
    """Active members near `member_id`, nearest first (see the module docstring for "near")."""
    member, locale = await _member_and_locale(session, member_id)
    return [] if locale is None else await _near(session, member, locale, radius_km)


async def summarize(*, session: AsyncSession, member_id: int) -> NearbySummary:
    """Counts by distance band, same region and country, and the members who may be named."""
    member, locale = await _member_and_locale(session, member_id)
    radius = await guild_radius_km(session, member.guild_id)
    if locale is None:
        return NearbySummary(radius, 0, (), 0, 0, (), isolated=True)
    return (await _survey(session, member, locale, radius))[1]


async def _update_isolation(session: AsyncSession, member: Member, near: list[Neighbour]) -> bool:
    member.is_isolated = member.status == MemberStatus.ACTIVE and not near
    if near and member.status == MemberStatus.ACTIVE:
        await session.execute(
            update(Member)
            .where(Member.id.in_([n.member_id for n in near]), Member.is_isolated.is_(True))
            .values(is_isolated=False)
            .execution_options(synchronize_session=False)
        )
    return member.is_isolated


async def refresh_isolation(*, session: AsyncSession, member_id: int) -> bool:
    """Recompute whether `member_id` is isolated, and un-isolate the neighbours they now have.

    Returns whether the member is isolated.
    """
    member, locale = await _member_and_locale(session, member_id)
    radius = await guild_radius_km(session, member.guild_id)
    near = [] if locale is None else await _near(session, member, locale, radius)
    return await _update_isolation(session, member, near)


async def settle(
    *, session: AsyncSession, member: Member, locale: Locale | None, radius_km: float
) -> NearbySummary:
    """After a member arrived or moved: their isolation, their neighbours', and what is near them."""
    if locale is None:
        member.is_isolated = member.status == MemberStatus.ACTIVE
        return NearbySummary(radius_km, 0, (), 0, 0, (), isolated=True)
    near, summary = await _survey(session, member, locale, radius_km)
    await _update_isolation(session, member, near)
    return summary
