"""When check-ins fall due: local hour, cadence, quiet hours, spreading, time zones and DST."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.services.checkins._schedule import (
    SPREAD_SECONDS,
    Preferences,
    due_after,
    in_quiet_hours,
    is_quiet,
    next_slot_after,
    send_hour,
    slot_on,
    spread_offset,
    zone,
)

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def prefs(
    timezone: str = "Europe/London",
    hour: int = 18,
    cadence: int = 14,
    quiet: tuple[int, int] = (22, 8),
    offset: int = 0,
) -> Preferences:
    return Preferences(timezone, hour, cadence, quiet[0], quiet[1], offset)


@pytest.mark.parametrize(
    ("hour", "start", "end", "quiet"),
    [
        (22, 22, 8, True),
        (23, 22, 8, True),
        (0, 22, 8, True),
        (7, 22, 8, True),
        (8, 22, 8, False),
        (21, 22, 8, False),
        (13, 12, 14, True),
        (14, 12, 14, False),
        (11, 12, 14, False),
        (5, 3, 3, False),  # start == end: no quiet hours
    ],
)
def test_quiet_hours_may_wrap_past_midnight(hour: int, start: int, end: int, quiet: bool) -> None:
    assert in_quiet_hours(hour, start, end) is quiet


def test_a_slot_is_at_the_preferred_local_hour_plus_the_members_offset() -> None:
    slot = slot_on(date(2026, 12, 9), prefs("America/Chicago", offset=25 * 60 + 7))
    local = slot.astimezone(ZoneInfo("America/Chicago"))
    assert (local.date(), local.hour, local.minute, local.second) == (date(2026, 12, 9), 18, 25, 7)
    assert slot.tzinfo is not None and slot.utcoffset() == timedelta(0)


def test_a_preferred_hour_inside_quiet_hours_moves_to_their_end() -> None:
    assert send_hour(prefs(hour=23)) == 8
    assert send_hour(prefs(hour=3, quiet=(0, 6))) == 6
    assert send_hour(prefs(hour=21)) == 21
    local = slot_on(date(2026, 12, 9), prefs("Asia/Tokyo", hour=2)).astimezone(ZoneInfo("Asia/Tokyo"))
    assert local.hour == 8


def test_due_after_is_one_cadence_later_on_the_members_calendar() -> None:
    base = datetime(2026, 11, 25, 23, 30, tzinfo=UTC)  # already 26 November in Tokyo
    due = due_after(base, prefs("Asia/Tokyo", cadence=7), now=base)
    assert due.astimezone(ZoneInfo("Asia/Tokyo")).date() == date(2026, 12, 3)
    due = due_after(base, prefs("America/Los_Angeles", cadence=30), now=base)
    assert due.astimezone(ZoneInfo("America/Los_Angeles")).date() == date(2026, 12, 25)


def test_due_after_never_returns_the_past() -> None:
    base = NOW - timedelta(days=100)
    due = due_after(base, prefs(), now=NOW)
    assert NOW < due <= NOW + timedelta(days=1, hours=1)
    assert due.astimezone(ZoneInfo("Europe/London")).hour == 18


def test_next_slot_after_is_today_if_still_ahead_else_tomorrow() -> None:
    morning = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert next_slot_after(morning, prefs()).date() == date(2026, 12, 1)
    evening = datetime(2026, 12, 1, 19, 0, tzinfo=UTC)
    assert next_slot_after(evening, prefs()).date() == date(2026, 12, 2)


def test_daylight_saving_changes_keep_the_local_hour() -> None:
    # Europe/London springs forward on 29 March 2026 and falls back on 25 October 2026.
    p = prefs(cadence=7)
    before = slot_on(date(2026, 3, 22), p)
    after = due_after(before, p, now=before)
    assert after - before == timedelta(days=7) - timedelta(hours=1)
    assert after.astimezone(ZoneInfo("Europe/London")).hour == 18
    autumn = due_after(slot_on(date(2026, 10, 20), p), p, now=NOW - timedelta(days=60))
    assert autumn.astimezone(ZoneInfo("Europe/London")).hour == 18


def test_no_slot_ever_falls_in_quiet_hours() -> None:
    zones = [
        "UTC",
        "Europe/London",
        "Asia/Kolkata",
        "America/St_Johns",
        "Pacific/Chatham",
        "Australia/Lord_Howe",
    ]
    for member_id in range(1, 400):
        p = prefs(zones[member_id % len(zones)], hour=member_id % 24, offset=spread_offset(member_id))
        for cadence_base in (NOW, NOW + timedelta(days=member_id % 37, hours=member_id % 11)):
            due = due_after(cadence_base, p, now=NOW)
            assert not is_quiet(due, p), (member_id, due)


def test_the_spread_is_stable_and_covers_the_hour_evenly() -> None:
    assert spread_offset(42) == spread_offset(42)
    offsets = [spread_offset(member_id) for member_id in range(1, 10_001)]
    assert all(0 <= offset < SPREAD_SECONDS for offset in offsets)
    per_ten_minutes = Counter(offset // 600 for offset in offsets)
    assert len(per_ten_minutes) == 6
    assert max(per_ten_minutes.values()) < 1.15 * 10_000 / 6  # no crowded corner of the hour
    # 10,000 members of one time zone and hour: at most a handful start in any one second.
    assert max(Counter(offsets).values()) <= 10


def test_an_unknown_time_zone_falls_back_to_utc() -> None:
    assert zone("Not/AZone").key == "UTC"
    assert zone(None).key == "UTC"
    assert slot_on(date(2026, 12, 9), prefs("Mars/Olympus")).hour == 18
