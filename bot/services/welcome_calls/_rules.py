"""Welcome calls' rules without a database: bands of UTC offsets, who fits one, when the next
call is, which reminder is due, how long someone was in the call, how long a member who leaves
invitations unanswered rests, and where one more call would help."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.errors import GroundworkError
from bot.texts import welcome_calls as texts
from db.enums import CallAnswer, CallOccurrenceStatus

EVERY = timedelta(weeks=1)
DURATION = timedelta(hours=1)
LEAD = timedelta(hours=2)  # the first call is at least this far ahead (an event must start in the future)
REMIND_DAY = timedelta(hours=24)
REMIND_HOUR = timedelta(hours=1)
EARLY = timedelta(minutes=15)  # presence in the channel this long before the start counts from the start
HOST_LIST_WAIT = timedelta(days=2)  # no list from the host by then: closed uncounted, the next one scheduled
MIN_PRESENCE = timedelta(minutes=10)  # in the channel at least this long during the call: they came
DEFAULT_SIZE = 8
OTHERS_FROM = timedelta(days=2)  # seats newcomers did not take go to everyone else from this long before
FIRST_MONTH = timedelta(days=30)  # a newcomer is to meet an experienced organizer within it (`seat_order`)
LONG_WAIT = timedelta(days=60)  # waiting this long, a member goes first again (`deferred`)
ANSWER_WAIT = timedelta(days=2)  # an invitation unanswered this long no longer keeps its seat (`holds_seat`)
MAX_REST = timedelta(weeks=8)  # the longest rest after invitations left unanswered (`rest_after`)
BAND_WIDTH = 180  # minutes: the band /mod attention suggests for one more call
_OPEN = (CallOccurrenceStatus.SCHEDULED, CallOccurrenceStatus.STARTED)


class BandError(GroundworkError):
    """A band, a time or a zone the host wrote that cannot be read."""


@dataclass(frozen=True, slots=True)
class Band:
    """UTC offsets in minutes, both ends included (UTC-8..-5 is -480..-300)."""

    low: int
    high: int

    def fits(self, offset_minutes: int) -> bool:
        return self.low <= offset_minutes <= self.high

    @property
    def label(self) -> str:
        return f"UTC{_offset(self.low)}..{_offset(self.high)}"


def _offset(minutes: int) -> str:
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours}" + (f":{rest:02d}" if rest else "")


_OFFSET = r"([+-]?\d{1,2})(?::(\d{2}))?"
_BAND = re.compile(rf"^\s*(?:utc|gmt)?\s*{_OFFSET}\s*(?:\.\.|to|–|—|/)\s*(?:utc|gmt)?\s*{_OFFSET}\s*$", re.I)


def _minutes(hours: str, minutes: str | None) -> int:
    value = abs(int(hours)) * 60 + int(minutes or 0)
    return -value if hours.startswith("-") else value


def parse_band(text: str) -> Band:
    """`UTC-8..-5`, `-3..0`, `+1..+3`, `UTC+5:30..+6`: a band of UTC offsets (ends in any order)."""
    found = _BAND.match(text)
    if found is None:
        raise BandError(texts.BAD_BAND)
    first, second = _minutes(found[1], found[2]), _minutes(found[3], found[4])
    low, high = min(first, second), max(first, second)
    if low < -12 * 60 or high > 14 * 60:
        raise BandError(texts.BAD_BAND)
    return Band(low, high)


def parse_time(text: str) -> int:
    """`18:30` (or `18.30`, `1830`, `18`): minutes after midnight."""
    found = re.match(r"^\s*(\d{1,2})(?:[:.h]?(\d{2}))?\s*$", text)
    if found is None or int(found[1]) > 23 or int(found[2] or 0) > 59:
        raise BandError(texts.BAD_TIME)
    return int(found[1]) * 60 + int(found[2] or 0)


def zone_of(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise BandError(texts.BAD_ZONE) from None


def offset_minutes(timezone: str | None, at: datetime) -> int | None:
    """A zone's UTC offset at `at`, in minutes; None for no zone or an unknown one."""
    if not timezone:
        return None
    try:
        offset = at.astimezone(ZoneInfo(timezone)).utcoffset()
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return int(offset.total_seconds() // 60) if offset is not None else None


def fits(band: Band, timezone: str | None, at: datetime) -> bool:
    """Whether a member living in `timezone` is in the band at the call's start (never without a zone)."""
    offset = offset_minutes(timezone, at)
    return offset is not None and band.fits(offset)


def next_start(weekday: int, local_minute: int, timezone: str, after: datetime) -> datetime:
    """The first `weekday` at `local_minute` in `timezone` strictly after `after` (UTC)."""
    zone = ZoneInfo(timezone)
    local = after.astimezone(zone)
    for days in range(8):
        day = (local + timedelta(days=days)).date()
        if day.weekday() != weekday:
            continue
        start = datetime.combine(day, time(local_minute // 60, local_minute % 60), zone)
        if start > after:
            return start.astimezone(after.tzinfo)
    raise AssertionError("a weekday comes within eight days")


class EventStatus(enum.StrEnum):
    """What the adapter sets a call's Discord event to."""

    ACTIVE = "active"  # the call started
    COMPLETED = "completed"  # the call ended
    CANCELLED = "cancelled"  # the host called it off


class Reminder(enum.StrEnum):
    DAY = "day"  # 24 h before
    HOUR = "hour"  # 1 h before


def reminder_due(starts_at: datetime, now: datetime, *, day_sent: bool, hour_sent: bool) -> Reminder | None:
    """Which reminder an interested member should get now: the hour's in the last hour before
    the start, the day's in the 24 h before that (not once the hour's is due); none after the start."""
    left = starts_at - now
    if left <= timedelta(0):
        return None
    if left <= REMIND_HOUR:
        return None if hour_sent else Reminder.HOUR
    if left <= REMIND_DAY:
        return None if day_sent else Reminder.DAY
    return None


def presence_in(
    stays: Iterable[tuple[datetime, datetime | None]], starts_at: datetime, ends_at: datetime
) -> timedelta:
    """How long the stays (joined, left or None: still there) overlap the call."""
    total = timedelta(0)
    for joined, left in stays:
        begin, end = max(joined, starts_at), min(left or ends_at, ends_at)
        if end > begin:
            total += end - begin
    return total


def rest_after(unanswered_in_a_row: int) -> timedelta:
    """How long a member rests from invitations after leaving the last one unanswered: `EVERY`,
    doubled for each one before it they also left unanswered (1, 2, 4, 8 weeks at most), so
    members who never answer do not keep the seats of those who would come. A "can't make it"
    is an answer: it rests nobody."""
    if unanswered_in_a_row <= 0:
        return timedelta(0)
    rest: timedelta = EVERY * 2 ** (unanswered_in_a_row - 1)
    return min(rest, MAX_REST)


def rested_until(latest: datetime, unanswered_in_a_row: int) -> datetime:
    """The end of the rest of a member who left `unanswered_in_a_row` invitations unanswered,
    the latest for a call that started at `latest`."""
    return latest + rest_after(unanswered_in_a_row)


def resting_until(history: Sequence[tuple[datetime, CallAnswer, bool]]) -> datetime | None:
    """When a member may be invited again, from their past invitations (the call's start, their
    answer, whether they came), newest first: the unanswered ones in a row rest them from the
    latest one's start (`rest_after`); None when the latest was answered (or there is none)."""
    silent = 0
    for _, answer, attended in history:
        if answer != CallAnswer.PENDING or attended:
            break
        silent += 1
    if not silent:
        return None
    return rested_until(history[0][0], silent)


def best_band(offsets: Sequence[int], width: int = BAND_WIDTH) -> tuple[Band | None, int]:
    """The band of `width` minutes (starting at a whole hour) holding the most offsets; of those,
    the one centred nearest the offsets it holds."""
    best: tuple[Band | None, int] = (None, 0)
    best_off = 0.0
    for low in range(-12 * 60, 14 * 60 + 1, 60):
        held = [offset for offset in offsets if low <= offset <= low + width]
        if not held:
            continue
        off = abs(low + width / 2 - sum(held) / len(held))
        if len(held) > best[1] or (len(held) == best[1] and off < best_off):
            best, best_off = (Band(low, low + width), len(held)), off
    return best
