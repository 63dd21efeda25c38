"""How a member's whereabouts may be shown to moderators: only as precisely as they consented."""

from __future__ import annotations

from bot.services.locales import visible_precision
from db.models import Locale, Member


def consented_area(member: Member, locale: Locale | None) -> str:
    """The town, the region, or only the country, per the member's choice."""
    if locale is None:
        return "unknown"
    precision = visible_precision(locale, member.locale_sharing)
    if precision == "town":
        return ", ".join(part for part in (locale.name, locale.region_name, locale.country_name) if part)
    return f"{locale.region_name}, {locale.country_name}" if precision == "region" else locale.country_name


def consented_precision(member: Member, locale: Locale | None) -> str:
    """ "town", "region" or "country": the precision the moderator may see."""
    return "unknown" if locale is None else visible_precision(locale, member.locale_sharing)
