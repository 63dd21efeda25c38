"""Stored locales: one row per gazetteer place that a member lives in."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
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
    locale = Locale(
        key=place.key,
        precision=LocalePrecision(place.precision),
        name=place.name,
        region_code=place.region_code,
        region_name=place.region_name,
        country_code=place.country_code,
        country_name=place.country_name,
        latitude=place.latitude,
        longitude=place.longitude,
        timezone=place.timezone,
    )
    try:
        async with session.begin_nested():
            session.add(locale)
            await session.flush()
    except IntegrityError:
        return (await session.execute(query)).scalar_one()
    return locale
