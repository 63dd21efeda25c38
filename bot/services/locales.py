"""Stored locales: one row per gazetteer place that a member lives in."""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.gazetteer import Place
from db.enums import LocalePrecision, LocaleSharing
from db.models import Locale
from db.upsert import insert_unless_exists

_LOCALES = cast(Table, Locale.__table__)
# Asked at every onboarding and every move: built once.
_LOCALE_ID = select(_LOCALES.c.id).where(_LOCALES.c.key == bindparam("locale_key"))
# The same, as a column of a query that reads other things too (":locale_key" to be given).
STORED_LOCALE_ID = _LOCALE_ID.scalar_subquery()


async def locale_id_for(*, session: AsyncSession, place: Place) -> int:
    """The id of `place`'s locale row, created the first time a member lives there."""
    existing = (await session.execute(_LOCALE_ID, {"locale_key": place.key})).scalar_one_or_none()
    return int(existing) if existing is not None else await create_locale(session=session, place=place)


async def create_locale(*, session: AsyncSession, place: Place) -> int:
    """Store `place` as a locale (the first member to live there); its id."""
    values = {
        "key": place.key,
        "precision": LocalePrecision(place.precision),
        "name": place.name,
        "district_code": place.district_code,
        "district_name": place.district_name,
        "region_code": place.region_code,
        "region_name": place.region_name,
        "country_code": place.country_code,
        "country_name": place.country_name,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "timezone": place.timezone,
        "extent_km": None if place.has_point else place.extent_km,
    }
    created = await insert_unless_exists(session, Locale, values, unique=["key"])
    if created is not None:
        return int(created)
    return int((await session.execute(_LOCALE_ID, {"locale_key": place.key})).scalar_one())  # raced


def visible_precision(locale: Locale, sharing: LocaleSharing) -> str:
    """How precisely a member's place may be shown: "town" only when they share their town and
    it is known, "region" when they share at least that and it is known, else "country"."""
    if sharing == LocaleSharing.TOWN and locale.precision == LocalePrecision.CITY:
        return "town"
    if sharing in (LocaleSharing.TOWN, LocaleSharing.REGION) and locale.region_name:
        return "region"
    return "country"


def shared_area(locale: Locale | None, sharing: LocaleSharing) -> str | None:
    """Where a member lives, as other members may see it: their town only when they share it,
    their region (or country) when they share only that, nothing when they share nothing."""
    if locale is None or sharing == LocaleSharing.NOTHING:
        return None
    precision = visible_precision(locale, sharing)
    if precision == "town":
        return f"{locale.name}, {locale.country_name}"
    return f"{locale.region_name}, {locale.country_name}" if precision == "region" else locale.country_name
