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
from functools import cache
from typing import Any, Protocol, cast

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Select,
    String,
    Table,
    bindparam,
    case,
    func,
    select,
    type_coerce,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.geo import great_circle_km_from
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
    isolated: bool = False  # whether they were alone until now; never shown


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


class Whereabouts(Protocol):
    """Where someone lives, as far as nearness goes: a stored Locale or a gazetteer Place."""

    @property
    def precision(self) -> str: ...
    @property
    def latitude(self) -> float: ...
    @property
    def longitude(self) -> float: ...
    @property
    def region_code(self) -> str | None: ...
    @property
    def country_code(self) -> str: ...


_MEMBERS, _LOCALES = cast(Table, Member.__table__), cast(Table, Locale.__table__)


@dataclass(frozen=True, slots=True)
class _Queries:
    """Nearness is asked at every onboarding and every move: its statements, built once."""

    in_box: Select[Any]  # towns in a latitude and longitude box
    in_latitudes: Select[Any]  # towns in a band of latitude (a box across the antimeridian)
    in_country: Select[Any]
    in_region: Select[Any]
    area_counts: Select[Any]


def _in_guild(dialect: str) -> tuple[ColumnElement[bool], ...]:
    """Active members of the guild other than the one asking."""
    conditions: tuple[ColumnElement[bool], ...] = (
        _MEMBERS.c.guild_id == bindparam("guild_id"),
        _MEMBERS.c.status == MemberStatus.ACTIVE,
    )
    if dialect == "sqlite":
        # Told these are true of most members, SQLite starts from the place indexes (a few
        # rows) instead of walking every active member of the guild: 0.1 ms instead of 4 ms
        # at 10,000 members. PostgreSQL's statistics tell it as much on their own.
        conditions = tuple(func.likely(condition, type_=Boolean) for condition in conditions)
    return (*conditions, _MEMBERS.c.id != bindparam("member_id"))


@cache
def _queries(dialect: str) -> _Queries:
    # What is read of another member is never more than these columns.
    others = (
        select(
            _MEMBERS.c.id,
            _MEMBERS.c.user_id,
            # As stored: _neighbour makes it a LocaleSharing, only for the rows it keeps.
            type_coerce(_MEMBERS.c.locale_sharing, String()),
            _MEMBERS.c.organizer_contact_ok,
            _MEMBERS.c.is_isolated,
            _LOCALES.c.latitude,
            _LOCALES.c.longitude,
        )
        .join(_LOCALES, _MEMBERS.c.locale_id == _LOCALES.c.id)
        .where(*_in_guild(dialect))
    )
    in_latitudes = others.where(
        _LOCALES.c.precision == LocalePrecision.CITY,
        _LOCALES.c.latitude.between(bindparam("south"), bindparam("north")),
    )
    in_country = others.where(_LOCALES.c.country_code == bindparam("country_code"))
    same_region = case((_LOCALES.c.region_code == bindparam("region_code"), 1), else_=0)
    return _Queries(
        in_box=in_latitudes.where(_LOCALES.c.longitude.between(bindparam("west"), bindparam("east"))),
        in_latitudes=in_latitudes,
        in_country=in_country,
        in_region=in_country.where(_LOCALES.c.region_code == bindparam("region_code")),
        area_counts=select(func.coalesce(func.sum(same_region), 0), func.count())
        .select_from(_MEMBERS)
        .join(_LOCALES, _MEMBERS.c.locale_id == _LOCALES.c.id)
        .where(*_in_guild(dialect), _LOCALES.c.country_code == bindparam("country_code")),
    )


def _queries_for(session: AsyncSession) -> _Queries:
    return _queries(session.get_bind().dialect.name)


_NOT_ISOLATED = (
    update(_MEMBERS)
    .where(_MEMBERS.c.id.in_(bindparam("member_ids", expanding=True)), _MEMBERS.c.is_isolated.is_(True))
    .values(is_isolated=False)
)


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


def _neighbour(row: Any, distance: float | None) -> Neighbour:
    return Neighbour(
        member_id=row[0],
        user_id=row[1],
        distance_km=distance,
        locale_sharing=LocaleSharing(row[2]),
        organizer_contact_ok=row[3],
        isolated=row[4],
    )


def _bounding_box(where: Whereabouts, radius_km: float) -> tuple[float, float, float, float]:
    dlat = radius_km / KM_PER_DEGREE_LATITUDE
    cos_lat = max(math.cos(math.radians(where.latitude)), 0.01)
    dlon = min(180.0, radius_km / (KM_PER_DEGREE_LATITUDE * cos_lat))
    return where.latitude - dlat, where.latitude + dlat, where.longitude - dlon, where.longitude + dlon


async def _towns_within(
    session: AsyncSession, guild_id: int, member_id: int, where: Whereabouts, radius_km: float
) -> list[tuple[Any, float]]:
    """Active town-precision members within `radius_km` and their distance, nearest first (a
    bounding box in SQL, then the exact great-circle distance)."""
    south, north, west, east = _bounding_box(where, radius_km)
    params = {"guild_id": guild_id, "member_id": member_id, "south": south, "north": north}
    if west >= -180 and east <= 180:
        rows = await session.execute(_queries_for(session).in_box, {**params, "west": west, "east": east})
    else:  # the box crosses the antimeridian: any longitude, the distance decides
        rows = await session.execute(_queries_for(session).in_latitudes, params)
    candidates = rows.all()
    if not candidates:
        return []
    distances = great_circle_km_from(
        where.latitude, where.longitude, [row[5] for row in candidates], [row[6] for row in candidates]
    ).tolist()
    found = [(row, d) for row, d in zip(candidates, distances, strict=True) if d <= radius_km]
    found.sort(key=lambda pair: pair[1])
    return found


async def _within(
    session: AsyncSession, guild_id: int, member_id: int, where: Whereabouts, radius_km: float
) -> list[Neighbour]:
    """Active town-precision members within `radius_km`, nearest first."""
    found = await _towns_within(session, guild_id, member_id, where, radius_km)
    return [_neighbour(row, distance) for row, distance in found]


async def _same_area(
    session: AsyncSession, guild_id: int, member_id: int, where: Whereabouts
) -> list[Neighbour]:
    """For a member who gave only a region or country: the active members there."""
    params = {"guild_id": guild_id, "member_id": member_id, "country_code": where.country_code}
    if where.precision == LocalePrecision.REGION:
        rows = await session.execute(
            _queries_for(session).in_region, {**params, "region_code": where.region_code}
        )
    else:
        rows = await session.execute(_queries_for(session).in_country, params)
    return [_neighbour(row, None) for row in rows.all()]


async def _area_counts(
    session: AsyncSession, guild_id: int, member_id: int, where: Whereabouts
) -> tuple[int, int]:
    """Active members (other than `member_id`) in the same region, and in the same country."""
    row = (
        await session.execute(
            _queries_for(session).area_counts,
            {
                "guild_id": guild_id,
                "member_id": member_id,
                "country_code": where.country_code,
                "region_code": where.region_code,
            },
        )
    ).one()
    return int(row[0]), int(row[1])


async def _near(
    session: AsyncSession, guild_id: int, member_id: int, where: Whereabouts, radius_km: float
) -> list[Neighbour]:
    if where.precision == LocalePrecision.CITY:
        return await _within(session, guild_id, member_id, where, radius_km)
    return await _same_area(session, guild_id, member_id, where)


async def _survey(
    session: AsyncSession, guild_id: int, member_id: int, where: Whereabouts, radius: float
) -> tuple[list[Neighbour], NearbySummary]:
    """Everything about who is near one member."""
    same_region, same_country = await _area_counts(session, guild_id, member_id, where)
    bands: list[tuple[int, int]] = []
    if where.precision == LocalePrecision.CITY:
        widest = await _within(session, guild_id, member_id, where, float(max(DISTANCE_BANDS_KM[-1], radius)))
        near = [n for n in widest if (n.distance_km or 0.0) <= radius]
        bands = [
            (band, sum(1 for n in widest if (n.distance_km or 0.0) <= band)) for band in DISTANCE_BANDS_KM
        ]
    else:
        near = await _same_area(session, guild_id, member_id, where)
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
    return [] if locale is None else await _near(session, member.guild_id, member.id, locale, radius_km)


async def summarize(*, session: AsyncSession, member_id: int) -> NearbySummary:
    """Counts by distance band, same region and country, and the members who may be named."""
    member, locale = await _member_and_locale(session, member_id)
    radius = await guild_radius_km(session, member.guild_id)
    if locale is None:
        return NearbySummary(radius, 0, (), 0, 0, (), isolated=True)
    return (await _survey(session, member.guild_id, member.id, locale, radius))[1]


async def _not_isolated(session: AsyncSession, near: list[Neighbour]) -> None:
    """Neighbours who were alone are no longer (most were not: then nothing is written)."""
    alone = [n.member_id for n in near if n.isolated]
    if alone:
        await session.execute(_NOT_ISOLATED, {"member_ids": alone})


async def refresh_isolation(*, session: AsyncSession, member_id: int) -> bool:
    """Recompute whether `member_id` is isolated, and un-isolate the neighbours they now have.

    Returns whether the member is isolated.
    """
    member, locale = await _member_and_locale(session, member_id)
    radius = await guild_radius_km(session, member.guild_id)
    near = [] if locale is None else await _near(session, member.guild_id, member.id, locale, radius)
    member.is_isolated = member.status == MemberStatus.ACTIVE and not near
    if member.status == MemberStatus.ACTIVE:
        await _not_isolated(session, near)
    return member.is_isolated


async def settle(
    *, session: AsyncSession, guild_id: int, member_id: int, where: Whereabouts | None, radius_km: float
) -> NearbySummary:
    """After an active member arrived or moved: what is near them, and their neighbours are no
    longer isolated. Whether the member is isolated is the summary's `isolated`."""
    if where is None:
        return NearbySummary(radius_km, 0, (), 0, 0, (), isolated=True)
    if session.new or session.dirty or session.deleted:
        await session.flush()  # the statements below read the database, not pending objects
    near, summary = await _survey(session, guild_id, member_id, where, radius_km)
    await _not_isolated(session, near)
    return summary
