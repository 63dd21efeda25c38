"""Members per region, for a map that shows areas and never a person's position."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.gazetteer import Place
from bot.services.moderation._map_layout import MIN_LABELLED
from db.enums import MemberStatus
from db.models import Locale, Member

__all__ = ["MIN_LABELLED", "AreaLookup", "AreaPoint", "members_by_area"]


class AreaLookup(Protocol):
    def place_by_key(self, key: str) -> Place | None: ...


@dataclass(frozen=True, slots=True)
class AreaPoint:
    """One region (or a country, for members who gave only that) with how many members live there."""

    label: str
    latitude: float
    longitude: float
    count: int


async def members_by_area(*, session: AsyncSession, guild_id: int, places: AreaLookup) -> list[AreaPoint]:
    """Counts per region, placed at the region's reference point (its main city), not at anyone's town."""
    rows = await session.execute(
        select(Locale.country_code, Locale.region_code, func.count())
        .join(Member, Member.locale_id == Locale.id)
        .where(Member.guild_id == guild_id, Member.status == MemberStatus.ACTIVE)
        .group_by(Locale.country_code, Locale.region_code)
    )
    points: dict[str, AreaPoint] = {}
    for country, region, count in rows.all():
        place = (places.place_by_key(f"region:{region}") if region else None) or places.place_by_key(
            f"country:{country}"
        )
        if place is None:
            continue
        previous = points.get(place.key)
        total = count + (previous.count if previous else 0)
        points[place.key] = AreaPoint(place.label, place.latitude, place.longitude, total)
    return sorted(points.values(), key=lambda point: -point.count)
