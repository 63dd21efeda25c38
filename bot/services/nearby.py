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

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.geo import great_circle_km
from db.enums import LocalePrecision, LocaleSharing, MemberStatus
from db.models import GuildSettings, Locale, Member

KM_PER_DEGREE_LATITUDE = 111.2
DISTANCE_BANDS_KM = (10, 25, 50, 100, 250)


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


DEFAULT_RADIUS_KM = 50.0


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


def _bounding_box(locale: Locale, radius_km: float) -> tuple[float, float, float, float]:
    dlat = radius_km / KM_PER_DEGREE_LATITUDE
    cos_lat = max(math.cos(math.radians(locale.latitude)), 0.01)
    dlon = min(180.0, radius_km / (KM_PER_DEGREE_LATITUDE * cos_lat))
    return locale.latitude - dlat, locale.latitude + dlat, locale.longitude - dlon, locale.longitude + dlon


async def _others_in_country(
    session: AsyncSession, member: Member, locale: Locale
) -> list[tuple[Member, Locale]]:
    rows = await session.execute(
        select(Member, Locale)
        .join(Locale, Member.locale_id == Locale.id)
        .where(
            Member.guild_id == member.guild_id,
            Member.id != member.id,
            Member.status == MemberStatus.ACTIVE,
            Locale.country_code == locale.country_code,
        )
    )
    return [(row[0], row[1]) for row in rows]


async def _others_within(
    session: AsyncSession, member: Member, locale: Locale, radius_km: float
) -> list[tuple[Member, Locale, float]]:
    """Active town-precision members within `radius_km` (a bounding box first, then the exact distance)."""
    south, north, west, east = _bounding_box(locale, radius_km)
    query = (
        select(Member, Locale)
        .join(Locale, Member.locale_id == Locale.id)
        .where(
            Member.guild_id == member.guild_id,
            Member.id != member.id,
            Member.status == MemberStatus.ACTIVE,
            Locale.precision == LocalePrecision.CITY,
            Locale.latitude.between(south, north),
        )
    )
    if west >= -180 and east <= 180:
        query = query.where(Locale.longitude.between(west, east))
    found = []
    for other, other_locale in (await session.execute(query)).all():
        distance = great_circle_km(
            locale.latitude, locale.longitude, other_locale.latitude, other_locale.longitude
        )
        if distance <= radius_km:
            found.append((other, other_locale, distance))
    return found


def _neighbour(member: Member, distance: float | None) -> Neighbour:
    return Neighbour(
        member_id=member.id,
        user_id=member.user_id,
        distance_km=distance,
        locale_sharing=member.locale_sharing,
        organizer_contact_ok=member.organizer_contact_ok,
    )


async def _survey(
    session: AsyncSession, member: Member, locale: Locale, radius: float
) -> tuple[list[Neighbour], NearbySummary]:
    """Everything about who is near one member, in two queries."""
    in_country = await _others_in_country(session, member, locale)
    same_region = sum(1 for _, other in in_country if other.region_code == locale.region_code)
    bands: list[tuple[int, int]] = []
    if locale.precision == LocalePrecision.CITY:
        widest = await _others_within(session, member, locale, float(max(DISTANCE_BANDS_KM[-1], radius)))
        widest.sort(key=lambda item: item[2])
        near = [_neighbour(other, distance) for other, _, distance in widest if distance <= radius]
        bands = [(band, sum(1 for _, _, d in widest if d <= band)) for band in DISTANCE_BANDS_KM]
    else:
        near = [
            _neighbour(other, None)
            for other, other_locale in in_country
            if locale.precision == LocalePrecision.COUNTRY or other_locale.region_code == locale.region_code
        ]
    summary = NearbySummary(
        radius_km=radius,
        within_radius=len(near),
        bands=tuple(bands),
        same_region=same_region,
        same_country=len(in_country),
        named=tuple(n for n in near if n.locale_sharing == LocaleSharing.TOWN and n.distance_km is not None),
        isolated=not near,
    )
    return near, summary


async def neighbours(*, session: AsyncSession, member_id: int, radius_km: float) -> list[Neighbour]:
    """Active members near `member_id`, nearest first (see the module docstring for "near")."""
    member, locale = await _member_and_locale(session, member_id)
    if locale is None:
        return []
    if locale.precision == LocalePrecision.CITY:
        within = await _others_within(session, member, locale, radius_km)
        within.sort(key=lambda item: item[2])
        return [_neighbour(other, distance) for other, _, distance in within]
    return [
        _neighbour(other, None)
        for other, other_locale in await _others_in_country(session, member, locale)
        if locale.precision == LocalePrecision.COUNTRY or other_locale.region_code == locale.region_code
    ]


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
    member, _ = await _member_and_locale(session, member_id)
    radius = await guild_radius_km(session, member.guild_id)
    return await _update_isolation(
        session, member, await neighbours(session=session, member_id=member_id, radius_km=radius)
    )


async def settle(*, session: AsyncSession, member_id: int) -> NearbySummary:
    """After a member arrived or moved: their isolation, their neighbours', and what is near them."""
    member, locale = await _member_and_locale(session, member_id)
    radius = await guild_radius_km(session, member.guild_id)
    if locale is None:
        member.is_isolated = member.status == MemberStatus.ACTIVE
        return NearbySummary(radius, 0, (), 0, 0, (), isolated=True)
    near, summary = await _survey(session, member, locale, radius)
    await _update_isolation(session, member, near)
    return summary
