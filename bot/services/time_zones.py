"""Time zones as people say them: "Central Time (Chicago)", not "America/Chicago".

Names come from the Unicode CLDR through Babel (the same names phones and calendars use); the
city is the zone's own exemplar city, so two zones with one name stay apart ("Eastern Time
(New York)", "Eastern Time (Louisville)").
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import get_timezone_location, get_timezone_name

from bot.texts import onboarding as texts

UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/GMT", "GMT", "Universal", "Zulu"})


@lru_cache(maxsize=1024)
def zone_name(zone: str) -> str:
    """ "Central Time (Chicago)"; the identifier itself for a zone the data does not know."""
    if zone in UTC_NAMES:
        return texts.TIMEZONE_UTC
    try:
        info = ZoneInfo(zone)
        name = get_timezone_name(info, width="long", locale="en")
        city = get_timezone_location(info, locale="en", return_city=True)
    except (ZoneInfoNotFoundError, ValueError, LookupError):
        return zone
    return f"{name} ({city})" if city and city not in name else name


def local_time(zone: str, now: datetime) -> str:
    """The time in `zone` at `now` (the bot's clock), as "14:05"."""
    try:
        return now.astimezone(ZoneInfo(zone)).strftime("%H:%M")
    except (ZoneInfoNotFoundError, ValueError):
        return now.strftime("%H:%M")


def zone_with_time(zone: str, now: datetime) -> str:
    """ "Central Time (Chicago), 14:05 now"."""
    return texts.TIMEZONE_WITH_TIME.format(zone=zone_name(zone), time=local_time(zone, now))
