"""Stored locales: one row per gazetteer place that a member lives in."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.gazetteer import Place
from db.enums import LocalePrecision, LocaleSharing
from db.models import Locale
from db.upsert import insert_unless_exists


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
    await insert_unless_exists(session, Locale, values, unique=["key"])
    return (await session.execute(query)).scalar_one()


def shared_area(locale: Locale | None, sharing: LocaleSharing) -> str | None:
    """Where a member lives, as other members may see it: their town only when they share it,
    their region (or country) when they share only that, nothing when they share nothing."""
    if locale is None or sharing == LocaleSharing.NOTHING:
        return None
    if sharing == LocaleSharing.TOWN and locale.precision == LocalePrecision.CITY:
        return f"{locale.name}, {locale.country_name}"
    return f"{locale.region_name}, {locale.country_name}" if locale.region_name else locale.country_name
