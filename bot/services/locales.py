"""Stored locales: one row per gazetteer place that a member lives in."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.gazetteer import Place
from db.enums import LocalePrecision
from db.models import Locale


async def locale_for(*, session: AsyncSession, place: Place) -> Locale:
    """The locale row of `place`, created the first time a member lives there."""
    query = select(Locale).where(Locale.key == place.key)
    existing = (await session.execute(query)).scalar_one_or_none()
    if existing is not None:
        return existing
    values = {
        "key": place.key,
        "precision": LocalePrecision(place.precision),
        "name": place.name,
        "region_code": place.region_code,
        "region_name": place.region_name,
        "country_code": place.country_code,
        "country_name": place.country_name,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "timezone": place.timezone,
    }
    # Two members from a new town at once: the second insert does nothing, both read the row.
    insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else postgresql_insert
    await session.execute(insert(Locale).values(**values).on_conflict_do_nothing(index_elements=["key"]))
    return (await session.execute(query)).scalar_one()
