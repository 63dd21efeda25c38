"""How a member's whereabouts may be shown to moderators: only as precisely as they consented."""

from __future__ import annotations

from db.enums import LocaleSharing
from db.models import Locale, Member


def consented_area(member: Member, locale: Locale | None) -> str:
    """The town, the region, or only the country, per the member's choice."""
    if locale is None:
        return "unknown"
    if member.locale_sharing == LocaleSharing.TOWN and locale.precision == "city":
        return f"{locale.name}, {locale.region_name or ''}, {locale.country_name}".replace(", ,", ",")
    if member.locale_sharing in (LocaleSharing.TOWN, LocaleSharing.REGION) and locale.region_name:
        return f"{locale.region_name}, {locale.country_name}"
    return locale.country_name


def consented_precision(member: Member, locale: Locale | None) -> str:
    """ "town", "region" or "country": the precision the moderator may see."""
    if locale is None:
        return "unknown"
    if member.locale_sharing == LocaleSharing.TOWN and locale.precision == "city":
        return "town"
    if member.locale_sharing in (LocaleSharing.TOWN, LocaleSharing.REGION) and locale.region_name:
        return "region"
    return "country"
