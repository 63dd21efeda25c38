"""Two concrete times for two (or three) members to meet, in everyone's waking hours.

An introduction (mentor, neighbour, practice partner, buddies) suggests two times on different
days so nobody has to start the back-and-forth. Each is a whole hour at least `NOTICE` after the
decision, the best one found in the next `SEARCH_DAYS` days by these tiers, best first:

1. early evening (a start from 18:00 to 20:00) on a weekday, for everyone;
2. early evening for everyone, any day;
3. waking hours (a start from 08:00 to 21:00) on a weekday, for everyone;
4. waking hours for everyone, any day;
5. no hour is waking for everyone (zones too far apart for the hours asked): the hour that keeps
   everyone least far outside their waking hours.

Within a tier the hour nearest everyone's evening wins (2 pm in New York is 8 pm in Berlin),
then the earliest.

The second time is the best one on a later day (a different local date for everyone, at least
20 hours after the first). A member whose zone is unknown or invalid does not constrain the
choice; when nobody's zone is known, UTC stands in. Times are returned in UTC; the adapter
renders them (on Discord: a timestamp that each reader sees on their own clock). The result
depends only on its inputs, so a retried introduction suggests the same times.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

EVENING = (18, 21)  # local start hours [from, to)
WAKING = (8, 22)
NOTICE = timedelta(hours=12)
SEARCH_DAYS = 14
SECOND_AFTER = timedelta(hours=20)
WEEKEND = (5, 6)  # Saturday, Sunday
_PERFECT = (0, 0, 0)  # a weekday evening for everyone: the best tier


def zones_of(timezones: Sequence[str | None]) -> list[ZoneInfo]:
    """The valid zones among `timezones`; UTC when there is none."""
    zones = []
    for name in timezones:
        if not name:
            continue
        try:
            zones.append(ZoneInfo(name))
        except (ZoneInfoNotFoundError, ValueError):
            continue
    return zones or [ZoneInfo("UTC")]


def _outside(hour: int, window: tuple[int, int]) -> int:
    """Hours from `hour` to the nearest start hour inside `window` (0 inside)."""
    low, high = window
    if low <= hour < high:
        return 0
    return min((low - hour) % 24, (hour - (high - 1)) % 24)


def tier(
    slot: datetime,
    zones: Sequence[ZoneInfo],
    *,
    evening: tuple[int, int] = EVENING,
    waking: tuple[int, int] = WAKING,
) -> tuple[int, int, int]:
    """How good `slot` is for everyone, lower is better: (tier 0-4, hours outside waking hours,
    hours away from the evening), so within a tier the hour nearest everyone's evening wins."""
    local = [slot.astimezone(zone) for zone in zones]
    weekday = all(moment.weekday() not in WEEKEND for moment in local)
    from_evening = sum(_outside(moment.hour, evening) for moment in local)
    if from_evening == 0:
        return (0 if weekday else 1), 0, 0
    outside = sum(_outside(moment.hour, waking) for moment in local)
    if outside == 0:
        return (2 if weekday else 3), 0, from_evening
    return 4, outside, from_evening


def _candidates(after: datetime) -> Iterator[datetime]:
    """The whole hours after `after` for `SEARCH_DAYS`, in order, made as the search asks (it
    mostly stops at the first weekday evening)."""
    start = after.astimezone(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    return (start + timedelta(hours=hour) for hour in range(SEARCH_DAYS * 24))


def _best(
    slots: Iterable[datetime], zones: Sequence[ZoneInfo], evening: tuple[int, int], waking: tuple[int, int]
) -> datetime:
    """The earliest slot of the best tier (slots are in time order): the first one in everyone's
    weekday evening ends the search, as nothing can beat it."""
    best: tuple[tuple[int, int, int], datetime] | None = None
    for slot in slots:
        key = tier(slot, zones, evening=evening, waking=waking)
        if key == _PERFECT:
            return slot
        if best is None or key < best[0]:
            best = key, slot
    if best is None:
        raise ValueError("no slot to choose from")
    return best[1]


def suggest_times(
    timezones: Sequence[str | None],
    after: datetime,
    *,
    evening: tuple[int, int] = EVENING,
    waking: tuple[int, int] = WAKING,
) -> tuple[datetime, datetime]:
    """Two times (UTC) on different days for the members in `timezones`, from `after` + NOTICE."""
    zones = zones_of(timezones)
    first = _best(_candidates(after + NOTICE - timedelta(hours=1)), zones, evening, waking)
    return first, second_time(timezones, first, evening=evening, waking=waking)


def second_time(
    timezones: Sequence[str | None],
    first: datetime,
    *,
    evening: tuple[int, int] = EVENING,
    waking: tuple[int, int] = WAKING,
) -> datetime:
    """The best time after `first` on another day for everyone (another local date in every zone)."""
    zones = zones_of(timezones)
    days = [first.astimezone(zone).date() for zone in zones]
    later = (
        slot
        for slot in _candidates(first + SECOND_AFTER - timedelta(hours=1))
        if all(slot.astimezone(zone).date() != day for zone, day in zip(zones, days, strict=True))
    )
    return _best(later, zones, evening, waking)
