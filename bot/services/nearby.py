"""Who lives near whom: distances between members, distance bands, isolation.

The rules:

- Only a town (precision city) has a point. A member who gave only a district (county),
  region or country has no distance to anyone: no km figure is ever given for them, and
  they are never counted "within N km" of anyone. Their locale's coordinates (the area's
  biggest town) are never used to measure from.
- An area is **small** when anyone in it is within the guild's radius of anyone else in
  it: 2 x its extent (how far its towns lie from its point) <= the radius. An unknown
  extent (None: stored before it was measured) or an extent of 0 (an area with a single
  town in the dataset, or one whose extent was never measured) is not small.
- A member at district, region or country precision is near another member only when
  that member is *known* to be in the same area (the same district for a district
  member, the same region for a region member, the same country for a country member)
  and the area is small. Symmetrically, a member is near a coarser member whose small
  area they are known to be in (a town or district in that district, region or
  country). Two members who both said "Utah" are therefore both still isolated (nobody
  is known to be within the radius), though each is told one other member lives in Utah.
- Two town members are near when the great-circle distance between their towns is within
  the guild's radius.
- A member is **isolated** when no other active member is near them.
- Counts shown to a coarse member are counts of the members in their area (district,
  region or country: `NearbySummary.same_area`), never bands in km; a town member's
  "within N km" (`within_radius`, `bands`) counts town members only, and the coarse
  members whose small area contains their town are counted apart (`near_areas`).
"""

from __future__ import annotations

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
    or_,
    select,
    type_coerce,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.geo import bounding_box, great_circle_km_from
from db.enums import LocalePrecision, LocaleSharing, MemberStatus
from db.models import GuildSettings, Locale, Member

DISTANCE_BANDS_KM = (10, 25, 50, 100, 250)
DEFAULT_RADIUS_KM = 50.0
NAMED_AT_MOST = 25  # the near members a summary names, nearest first

# Finest first: a place at one of these precisions knows its codes at every later one.
_LEVELS = (LocalePrecision.CITY, LocalePrecision.DISTRICT, LocalePrecision.REGION, LocalePrecision.COUNTRY)


@dataclass(frozen=True, slots=True)
class Neighbour:
    """Another active member near someone, with what may be said about them."""

    member_id: int
    user_id: int
    distance_km: float | None  # None: near by a small area they or we are known to be in
    locale_sharing: LocaleSharing
    organizer_contact_ok: bool
    isolated: bool = False  # whether they were alone until now; never shown


@dataclass(frozen=True, slots=True)
class NearbySummary:
    """What /nearby and the end of onboarding tell a member.

    For a town member (``area_precision`` None): ``within_radius`` and ``bands`` count the
    town members within so many km, and ``near_areas`` the members known only by a small
    area that contains the town, as (area name, count). For a coarse member
    (``area_precision`` "district", "region" or "country", ``area_name`` e.g. "Utah"):
    ``within_radius`` is 0 and ``bands`` empty; ``same_area`` counts the other members
    known to be in that area, and ``near_in_area`` those of them who are near (all of them
    when the area is small, none otherwise).
    """

    radius_km: float
    within_radius: int
    bands: tuple[tuple[int, int], ...]  # (up to km, members within), cumulative
    same_region: int
    same_country: int
    named: tuple[Neighbour, ...]  # the nearest town members who agreed others may see their town
    isolated: bool
    area_precision: str | None = None
    area_name: str | None = None
    same_district: int = 0
    same_area: int = 0
    near_in_area: int = 0
    near_areas: tuple[tuple[str, int], ...] = ()


class Whereabouts(Protocol):
    """Where someone lives, as far as nearness goes: a stored Locale or a gazetteer Place."""

    @property
    def precision(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def latitude(self) -> float: ...
    @property
    def longitude(self) -> float: ...
    @property
    def district_code(self) -> str | None: ...
    @property
    def region_code(self) -> str | None: ...
    @property
    def country_code(self) -> str: ...
    @property
    def country_name(self) -> str: ...
    @property
    def extent_km(self) -> float | None: ...


def has_point(where: Whereabouts) -> bool:
    """Whether distances can be measured from `where` (a town)."""
    return where.precision == LocalePrecision.CITY


def is_small(where: Whereabouts, radius_km: float) -> bool:
    """Whether `where` is an area small enough that anyone in it is within `radius_km` of
    anyone else in it (see the module docstring). A town is not an area."""
    extent = where.extent_km
    return not has_point(where) and extent is not None and extent > 0 and 2 * extent <= radius_km


def area_name(where: Whereabouts) -> str:
    """The name to say "in ..." with: the district, region or country (or the town)."""
    return where.country_name if where.precision == LocalePrecision.COUNTRY else where.name


def _code_at(where: Whereabouts, level: LocalePrecision) -> str | None:
    if level == LocalePrecision.DISTRICT:
        return where.district_code
    if level == LocalePrecision.REGION:
        return where.region_code
    return where.country_code if level == LocalePrecision.COUNTRY else None


_MEMBERS, _LOCALES = cast(Table, Member.__table__), cast(Table, Locale.__table__)


@dataclass(frozen=True, slots=True)
class _Queries:
    """Nearness is asked at every onboarding and every move: its statements, built once."""

    in_box: Select[Any]  # towns in a latitude and longitude box
    in_latitudes: Select[Any]  # towns in a band of latitude (a box across the antimeridian)
    towns_in_box: Select[Any]  # the same, one row per town: its members counted
    towns_in_latitudes: Select[Any]
    at_towns: Select[Any]  # the members of some towns (``locale_ids``)
    in_country: Select[Any]  # everyone known to be in a country, region or district
    in_region: Select[Any]
    in_district: Select[Any]
    containing: Select[Any]  # members known only by a small area that contains a place
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
            _MEMBERS.c.id.label("member_id"),
            _MEMBERS.c.user_id,
            # As stored: _neighbour makes it a LocaleSharing, only for the rows it keeps.
            type_coerce(_MEMBERS.c.locale_sharing, String()).label("locale_sharing"),
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
    # A None container code compares as NULL: that kind of area is not looked for.
    containing = (
        in_country.add_columns(_LOCALES.c.precision, _LOCALES.c.name, _LOCALES.c.country_name)
        .where(
            _LOCALES.c.extent_km > 0,
            _LOCALES.c.extent_km <= bindparam("half_radius"),
            or_(
                (_LOCALES.c.precision == LocalePrecision.DISTRICT)
                & (_LOCALES.c.district_code == bindparam("container_district")),
                (_LOCALES.c.precision == LocalePrecision.REGION)
                & (_LOCALES.c.region_code == bindparam("container_region")),
                (_LOCALES.c.precision == LocalePrecision.COUNTRY)
                & (_LOCALES.c.country_code == bindparam("container_country")),
            ),
        )
        .order_by(_MEMBERS.c.id)
    )
    by_town = (
        select(
            _LOCALES.c.id.label("locale_id"),
            _LOCALES.c.latitude,
            _LOCALES.c.longitude,
            func.count().label("members"),
            func.coalesce(func.sum(case((_MEMBERS.c.is_isolated.is_(True), 1), else_=0)), 0).label(
                "isolated"
            ),
            func.coalesce(
                func.sum(case((_MEMBERS.c.locale_sharing == LocaleSharing.TOWN, 1), else_=0)), 0
            ).label("shared"),
        )
        .select_from(_MEMBERS)
        .join(_LOCALES, _MEMBERS.c.locale_id == _LOCALES.c.id)
        .where(
            *_in_guild(dialect),
            _LOCALES.c.precision == LocalePrecision.CITY,
            _LOCALES.c.latitude.between(bindparam("south"), bindparam("north")),
        )
        .group_by(_LOCALES.c.id, _LOCALES.c.latitude, _LOCALES.c.longitude)
    )
    same_region = case((_LOCALES.c.region_code == bindparam("region_code"), 1), else_=0)
    same_district = case((_LOCALES.c.district_code == bindparam("district_code"), 1), else_=0)
    return _Queries(
        in_box=in_latitudes.where(_LOCALES.c.longitude.between(bindparam("west"), bindparam("east"))),
        in_latitudes=in_latitudes,
        towns_in_box=by_town.where(_LOCALES.c.longitude.between(bindparam("west"), bindparam("east"))),
        towns_in_latitudes=by_town,
        # Of the members of some towns, those a summary needs one by one: who may be named,
        # and who was alone until now.
        at_towns=others.add_columns(_LOCALES.c.id.label("locale_id"))
        .where(
            _LOCALES.c.id.in_(bindparam("locale_ids", expanding=True)),
            or_(_MEMBERS.c.is_isolated.is_(True), _MEMBERS.c.locale_sharing == LocaleSharing.TOWN),
        )
        .order_by(_MEMBERS.c.id),
        in_country=in_country,
        in_region=in_country.where(_LOCALES.c.region_code == bindparam("region_code")),
        in_district=in_country.where(_LOCALES.c.district_code == bindparam("district_code")),
        containing=containing,
        area_counts=select(
            func.coalesce(func.sum(same_region), 0).label("in_region"),
            func.count().label("in_country"),
            func.coalesce(func.sum(same_district), 0).label("in_district"),
        )
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
    member, locale = (
        await session.execute(
            select(Member, Locale)
            .outerjoin(Locale, Member.locale_id == Locale.id)
            .where(Member.id == member_id)
        )
    ).one()
    return member, locale


def _neighbour(row: Any, distance: float | None) -> Neighbour:
    return Neighbour(
        member_id=row.member_id,
        user_id=row.user_id,
        distance_km=distance,
        locale_sharing=LocaleSharing(row.locale_sharing),
        organizer_contact_ok=row.organizer_contact_ok,
        isolated=row.is_isolated,
    )


async def _in_reach(
    session: AsyncSession,
    queries: tuple[Select[Any], Select[Any]],
    params: dict[str, Any],
    where: Whereabouts,
    radius_km: float,
) -> list[tuple[Any, float]]:
    """The rows of a town query (`queries`: in a latitude and longitude box, or in a band of
    latitude for a box across the antimeridian) within `radius_km` of the town `where`, each with
    its great-circle distance, nearest first."""
    south, north, west, east = bounding_box(where.latitude, where.longitude, radius_km)
    in_box, in_latitudes = queries
    bounds = {**params, "south": south, "north": north}
    if west >= -180 and east <= 180:
        rows = (await session.execute(in_box, {**bounds, "west": west, "east": east})).all()
    else:  # the box crosses the antimeridian: any longitude, the distance decides
        rows = (await session.execute(in_latitudes, bounds)).all()
    if not rows:
        return []
    distances = great_circle_km_from(
        where.latitude, where.longitude, [row.latitude for row in rows], [row.longitude for row in rows]
    ).tolist()
    found = [(row, d) for row, d in zip(rows, distances, strict=True) if d <= radius_km]
    found.sort(key=lambda pair: pair[1])
    return found


async def _towns_within(
    session: AsyncSession, guild_id: int, member_id: int, where: Whereabouts, radius_km: float
) -> list[Neighbour]:
    """Active town members within `radius_km` of the town `where`, nearest first (a bounding
    box in SQL, then the exact great-circle distance)."""
    queries = _queries_for(session)
    found = await _in_reach(
        session,
        (queries.in_box, queries.in_latitudes),
        {"guild_id": guild_id, "member_id": member_id},
        where,
        radius_km,
    )
    return [_neighbour(row, distance) for row, distance in found]


async def _in_area(
    session: AsyncSession, guild_id: int, member_id: int, where: Whereabouts
) -> list[Neighbour]:
    """The active members known to be in the area `where` (a district, region or country)."""
    queries = _queries_for(session)
    params = {"guild_id": guild_id, "member_id": member_id, "country_code": where.country_code}
    if where.precision == LocalePrecision.DISTRICT:
        rows = await session.execute(queries.in_district, {**params, "district_code": where.district_code})
    elif where.precision == LocalePrecision.REGION:
        rows = await session.execute(queries.in_region, {**params, "region_code": where.region_code})
    else:
        rows = await session.execute(queries.in_country, params)
    return [_neighbour(row, None) for row in rows.all()]


async def _containing(
    session: AsyncSession, guild_id: int, member_id: int, where: Whereabouts, radius_km: float
) -> list[tuple[Neighbour, str]]:
    """Active members known only by a small area coarser than `where` that contains it, each
    with that area's name (finest areas first)."""
    if where.precision == LocalePrecision.COUNTRY:
        return []  # nothing is coarser than a country
    coarser = _LEVELS[_LEVELS.index(LocalePrecision(where.precision)) + 1 :]
    params = {
        "guild_id": guild_id,
        "member_id": member_id,
        "country_code": where.country_code,
        "half_radius": radius_km / 2,
        **{
            f"container_{level}": _code_at(where, level) if level in coarser else None
            for level in (LocalePrecision.DISTRICT, LocalePrecision.REGION, LocalePrecision.COUNTRY)
        },
    }
    rows = (await session.execute(_queries_for(session).containing, params)).all()
    # The area's precision and name (a country is named by its country name)
    found = [
        (
            _neighbour(row, None),
            LocalePrecision(row.precision),
            row.country_name if row.precision == "country" else row.name,
        )
        for row in rows
    ]
    found.sort(key=lambda item: _LEVELS.index(item[1]))
    return [(n, name) for n, _, name in found]


async def _area_counts(
    session: AsyncSession, guild_id: int, member_id: int, where: Whereabouts
) -> tuple[int, int, int]:
    """Active members (other than `member_id`) known to be in the same district, the same
    region, and the same country."""
    row = (
        await session.execute(
            _queries_for(session).area_counts,
            {
                "guild_id": guild_id,
                "member_id": member_id,
                "country_code": where.country_code,
                "region_code": where.region_code,
                "district_code": where.district_code,
            },
        )
    ).one()
    return int(row.in_district), int(row.in_region), int(row.in_country)


async def _near(
    session: AsyncSession, guild_id: int, member_id: int, where: Whereabouts, radius_km: float
) -> list[Neighbour]:
    """Everyone near `where` (see the module docstring): towns within the radius, nearest
    first, then those near by a small area."""
    if has_point(where):
        near = await _towns_within(session, guild_id, member_id, where, radius_km)
    elif is_small(where, radius_km):
        near = await _in_area(session, guild_id, member_id, where)
    else:
        near = []
    return near + [n for n, _ in await _containing(session, guild_id, member_id, where, radius_km)]


def _grouped(found: list[tuple[Neighbour, str]]) -> tuple[tuple[str, int], ...]:
    counts: dict[str, int] = {}
    for _, name in found:
        counts[name] = counts.get(name, 0) + 1
    return tuple(counts.items())


@dataclass(frozen=True, slots=True)
class _Town:
    """The active members of the guild in one town near someone, counted."""

    locale_id: int
    distance_km: float
    members: int
    isolated: int  # of them, alone until now
    shared: int  # of them, who agreed others may see their town


async def _towns_counted(
    session: AsyncSession, guild_id: int, member_id: int, where: Whereabouts, radius_km: float
) -> list[_Town]:
    """The towns with active members within `radius_km` of the town `where`, nearest first,
    each with its members counted: one row per town, however many live there."""
    queries = _queries_for(session)
    found = await _in_reach(
        session,
        (queries.towns_in_box, queries.towns_in_latitudes),
        {"guild_id": guild_id, "member_id": member_id},
        where,
        radius_km,
    )
    return [
        _Town(int(row.locale_id), distance, int(row.members), int(row.isolated), int(row.shared))
        for row, distance in found
    ]


async def _named_and_alone(
    session: AsyncSession, guild_id: int, member_id: int, towns: list[_Town]
) -> tuple[list[Neighbour], list[Neighbour]]:
    """Of the members of `towns` (nearest first): the nearest `NAMED_AT_MOST` who may be named,
    and every one who was alone until now. Only the towns that have such members are read."""
    named_towns: list[_Town] = []
    for town in (t for t in towns if t.shared):
        if sum(t.shared for t in named_towns) >= NAMED_AT_MOST:
            break
        named_towns.append(town)
    wanted = {t.locale_id: t.distance_km for t in towns if t.isolated} | {
        t.locale_id: t.distance_km for t in named_towns
    }
    if not wanted:
        return [], []
    rows = await session.execute(
        _queries_for(session).at_towns,
        {"guild_id": guild_id, "member_id": member_id, "locale_ids": list(wanted)},
    )
    found = sorted(
        (_neighbour(row, wanted[row.locale_id]) for row in rows.all()),
        key=lambda n: n.distance_km or 0.0,
    )
    named = [n for n in found if n.locale_sharing == LocaleSharing.TOWN][:NAMED_AT_MOST]
    return named, [n for n in found if n.isolated]


async def _survey(
    session: AsyncSession, guild_id: int, member_id: int, where: Whereabouts, radius: float
) -> tuple[list[Neighbour], NearbySummary]:
    """Everything about who is near one member: the near members who were alone until now,
    and the summary."""
    same_district, same_region, same_country = await _area_counts(session, guild_id, member_id, where)
    bands: list[tuple[int, int]] = []
    within_radius = 0
    named: list[Neighbour] = []
    alone: list[Neighbour] = []
    in_area: list[Neighbour] = []
    if has_point(where):
        widest = await _towns_counted(
            session, guild_id, member_id, where, float(max(DISTANCE_BANDS_KM[-1], radius))
        )
        near_towns = [town for town in widest if town.distance_km <= radius]
        within_radius = sum(town.members for town in near_towns)
        bands = [
            (band, sum(town.members for town in widest if town.distance_km <= band))
            for band in DISTANCE_BANDS_KM
        ]
        named, alone = await _named_and_alone(session, guild_id, member_id, near_towns)
    elif is_small(where, radius):
        in_area = await _in_area(session, guild_id, member_id, where)
    containing = await _containing(session, guild_id, member_id, where, radius)
    coarse = not has_point(where)
    by_level = {
        LocalePrecision.DISTRICT: same_district,
        LocalePrecision.REGION: same_region,
        LocalePrecision.COUNTRY: same_country,
    }
    summary = NearbySummary(
        radius_km=radius,
        within_radius=within_radius,
        bands=tuple(bands),
        same_region=same_region,
        same_country=same_country,
        named=tuple(named),
        isolated=not (within_radius or in_area or containing),
        area_precision=str(LocalePrecision(where.precision)) if coarse else None,
        area_name=area_name(where) if coarse else None,
        same_district=same_district,
        same_area=by_level.get(LocalePrecision(where.precision), 0),
        near_in_area=len(in_area),
        near_areas=_grouped(containing),
    )
    return alone + [n for n in in_area + [n for n, _ in containing] if n.isolated], summary


def _alone(radius_km: float, where: Whereabouts | None) -> NearbySummary:
    """The summary of a member with nobody to be near (or no known place at all)."""
    coarse = where is not None and not has_point(where)
    return NearbySummary(
        radius_km,
        0,
        (),
        0,
        0,
        (),
        isolated=True,
        area_precision=str(LocalePrecision(where.precision)) if where is not None and coarse else None,
        area_name=area_name(where) if where is not None and coarse else None,
    )


async def neighbours(*, session: AsyncSession, member_id: int, radius_km: float) -> list[Neighbour]:
    """Active members near `member_id`, nearest first (see the module docstring for "near")."""
    member, locale = await _member_and_locale(session, member_id)
    return [] if locale is None else await _near(session, member.guild_id, member.id, locale, radius_km)


async def summarize(*, session: AsyncSession, member_id: int) -> NearbySummary:
    """Counts by distance band or by area, and the members who may be named."""
    member, locale = await _member_and_locale(session, member_id)
    radius = await guild_radius_km(session, member.guild_id)
    if locale is None:
        return _alone(radius, None)
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
        return _alone(radius_km, None)
    if session.new or session.dirty or session.deleted:
        await session.flush()  # the statements below read the database, not pending objects
    alone_until_now, summary = await _survey(session, guild_id, member_id, where, radius_km)
    await _not_isolated(session, alone_until_now)
    return summary
