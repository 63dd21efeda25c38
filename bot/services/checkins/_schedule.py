"""When a check-in falls due: the member's time zone, preferred hour and cadence, never in quiet hours.

Members who share a time zone and a preferred hour are spread over that hour by a stable
per-member offset (0-3599 seconds from a hash of the member id), so a large guild's
check-ins do not all fire in the same second; across time zones they spread over the day.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

SPREAD_SECONDS = 3600
CADENCES = (7, 14, 30)


@dataclass(frozen=True, slots=True)
class Preferences:
    """Everything that decides a member's slots."""

    timezone: str
    local_hour: int
    cadence_days: int
    quiet_start: int
    quiet_end: int
    offset_seconds: int


def spread_offset(member_id: int) -> int:
    """Seconds after the full hour this member's check-ins go out; the same every time."""
    digest = hashlib.blake2b(str(member_id).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % SPREAD_SECONDS


def zone(name: str | None) -> ZoneInfo:
    """The member's time zone; UTC when unknown or invalid."""
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return ZoneInfo("UTC")


def in_quiet_hours(hour: int, start: int, end: int) -> bool:
    """Whether `hour` lies in the quiet window [start, end), which may wrap past midnight."""
    if start == end:
        return False
    if start < end:
        return start <= hour < end
    return hour >= start or hour < end


def send_hour(prefs: Preferences) -> int:
    """The preferred hour, or the end of the quiet hours when the preferred one is quiet."""
    if in_quiet_hours(prefs.local_hour, prefs.quiet_start, prefs.quiet_end):
        return prefs.quiet_end
    return prefs.local_hour


def slot_on(day: date, prefs: Preferences) -> datetime:
    """The member's slot on `day` (their local calendar), in UTC."""
    tz = zone(prefs.timezone)
    local = datetime.combine(day, time(send_hour(prefs)), tzinfo=tz) + timedelta(seconds=prefs.offset_seconds)
    return local.astimezone(UTC)


def next_slot_after(moment: datetime, prefs: Preferences) -> datetime:
    """The first slot strictly after `moment`: today's if it is still ahead, else tomorrow's."""
    day = moment.astimezone(zone(prefs.timezone)).date()
    for ahead in range(3):
        candidate = slot_on(day + timedelta(days=ahead), prefs)
        if candidate > moment:
            return candidate
    raise AssertionError("a slot always exists within three days")  # pragma: no cover


def slot_on_or_after(day: date, prefs: Preferences, *, now: datetime) -> datetime:
    """The slot on `day`, or the next one after `now` when that one has passed."""
    candidate = slot_on(day, prefs)
    return candidate if candidate > now else next_slot_after(now, prefs)


def due_after(base: datetime, prefs: Preferences, *, now: datetime) -> datetime:
    """One cadence after `base` (on the member's calendar); never in the past."""
    day = base.astimezone(zone(prefs.timezone)).date() + timedelta(days=prefs.cadence_days)
    return slot_on_or_after(day, prefs, now=now)


def is_quiet(moment: datetime, prefs: Preferences) -> bool:
    """Whether `moment` falls in the member's quiet hours."""
    hour = moment.astimezone(zone(prefs.timezone)).hour
    return in_quiet_hours(hour, prefs.quiet_start, prefs.quiet_end)


def local_midnight(day: date, timezone: str | None) -> datetime:
    """The start of `day` in the member's time zone, in UTC."""
    return datetime.combine(day, time(0), tzinfo=zone(timezone)).astimezone(UTC)


def local_today(now: datetime, timezone: str | None) -> date:
    return now.astimezone(zone(timezone)).date()


# One reminder before an unanswered check-in counts as missed (when the next one is sent): on
# the member's check-in hour two days before that, never within a day of the check-in itself,
# never in the last two hours before it closes, never in their quiet hours.
REMIND_DAYS_BEFORE = 2
REMIND_NOT_BEFORE = timedelta(days=1)  # after the check-in was sent
REMIND_NOT_AFTER = timedelta(hours=2)  # before it closes


def waking_on_or_after(moment: datetime, prefs: Preferences) -> datetime:
    """`moment`, or, when it falls in the member's quiet hours, the end of those quiet hours
    (spread by the member's offset, like their check-ins)."""
    if not is_quiet(moment, prefs):
        return moment
    tz = zone(prefs.timezone)
    day = moment.astimezone(tz).date()
    for ahead in range(3):
        local = datetime.combine(day + timedelta(days=ahead), time(prefs.quiet_end), tzinfo=tz)
        candidate = (local + timedelta(seconds=prefs.offset_seconds)).astimezone(UTC)
        if candidate > moment and not is_quiet(candidate, prefs):
            return candidate
    raise AssertionError("quiet hours end within three days")  # pragma: no cover


def reminder_at(*, sent_at: datetime, closes_at: datetime, prefs: Preferences) -> datetime | None:
    """When to remind a member of a check-in sent at `sent_at` that counts as missed at
    `closes_at` (their next check-in): their check-in hour REMIND_DAYS_BEFORE days before it
    closes, or the first waking moment a day after it was sent when that comes later. None when
    no waking moment fits before it closes (a check-in sent a day before the next one)."""
    day = closes_at.astimezone(zone(prefs.timezone)).date() - timedelta(days=REMIND_DAYS_BEFORE)
    candidate = waking_on_or_after(slot_on(day, prefs), prefs)
    earliest = sent_at + REMIND_NOT_BEFORE
    if candidate < earliest:
        candidate = waking_on_or_after(earliest, prefs)
    return candidate if candidate <= closes_at - REMIND_NOT_AFTER else None
