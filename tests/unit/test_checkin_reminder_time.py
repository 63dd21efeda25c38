"""When the one reminder of an unanswered check-in goes out: the member's waking hours, in their
time zone, two days before the check-in counts as missed, never right after it came, never at night."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from bot.services.checkins._schedule import (
    REMIND_NOT_AFTER,
    REMIND_NOT_BEFORE,
    Preferences,
    is_quiet,
    reminder_at,
    waking_on_or_after,
)

SENT = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)
ZONES = (
    "Europe/London",
    "America/Los_Angeles",
    "Asia/Kolkata",
    "Pacific/Auckland",
    "America/Santiago",
    "UTC",
)


def prefs(
    timezone: str = "Europe/London", hour: int = 18, quiet: tuple[int, int] = (22, 8), offset: int = 0
) -> Preferences:
    return Preferences(timezone, hour, 14, quiet[0], quiet[1], offset)


def local(moment: datetime, timezone: str) -> datetime:
    return moment.astimezone(ZoneInfo(timezone))


def test_two_days_before_it_closes_at_the_members_own_check_in_hour() -> None:
    closes = SENT + timedelta(days=14)
    at = reminder_at(sent_at=SENT, closes_at=closes, prefs=prefs())
    assert at == datetime(2026, 12, 7, 18, 0, tzinfo=UTC)


def test_in_the_members_time_zone_not_the_servers() -> None:
    sent = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # 18:00 in Los Angeles
    at = reminder_at(sent_at=sent, closes_at=sent + timedelta(days=7), prefs=prefs("America/Los_Angeles"))
    assert at is not None and local(at, "America/Los_Angeles").hour == 18
    assert local(at, "America/Los_Angeles").date().isoformat() == "2026-11-29"


def test_a_preferred_hour_in_the_quiet_hours_becomes_the_morning() -> None:
    at = reminder_at(sent_at=SENT, closes_at=SENT + timedelta(days=7), prefs=prefs(hour=23))
    assert at is not None and local(at, "Europe/London").hour == 8


def test_never_within_a_day_of_the_check_in_itself() -> None:
    # /checkin now two and a half days before the regular one: the reminder waits a day, then the morning.
    sent = datetime(2026, 11, 25, 23, 30, tzinfo=UTC)
    at = reminder_at(sent_at=sent, closes_at=sent + timedelta(days=2, hours=12), prefs=prefs())
    assert at == datetime(2026, 11, 27, 8, 0, tzinfo=UTC)


def test_none_when_no_waking_moment_is_left_before_it_closes() -> None:
    assert reminder_at(sent_at=SENT, closes_at=SENT + timedelta(hours=20), prefs=prefs()) is None
    # Open a day and 13 hours: two days before is before it came, so a day after it came (18:00, awake).
    at = reminder_at(sent_at=SENT, closes_at=SENT + timedelta(days=1, hours=13), prefs=prefs())
    assert at == SENT + timedelta(days=1)


def test_waking_on_or_after_moves_the_night_to_the_morning_and_keeps_the_day() -> None:
    night = datetime(2026, 11, 25, 23, 15, tzinfo=UTC)
    assert waking_on_or_after(night, prefs()) == datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
    early = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
    assert waking_on_or_after(early, prefs(offset=600)) == datetime(2026, 11, 26, 8, 10, tzinfo=UTC)
    day = datetime(2026, 11, 26, 13, 0, tzinfo=UTC)
    assert waking_on_or_after(day, prefs()) == day
    assert waking_on_or_after(night, prefs(quiet=(0, 0))) == night  # no quiet hours


@given(
    sent=st.datetimes(
        min_value=datetime(2026, 1, 1),  # noqa: DTZ001 (hypothesis takes naive bounds)
        max_value=datetime(2028, 12, 31),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
    open_for=st.timedeltas(min_value=timedelta(hours=1), max_value=timedelta(days=40)),
    timezone=st.sampled_from(ZONES),
    hour=st.integers(0, 23),
    quiet_start=st.integers(0, 23),
    quiet_end=st.integers(0, 23),
    offset=st.integers(0, 3599),
)
def test_the_reminder_is_in_waking_hours_and_while_the_check_in_is_open(
    sent: datetime,
    open_for: timedelta,
    timezone: str,
    hour: int,
    quiet_start: int,
    quiet_end: int,
    offset: int,
) -> None:
    member = prefs(timezone, hour, (quiet_start, quiet_end), offset)
    closes = sent + open_for
    at = reminder_at(sent_at=sent, closes_at=closes, prefs=member)
    if at is None:
        # Nothing fits: then no waking moment a day after it came is early enough.
        assert waking_on_or_after(sent + REMIND_NOT_BEFORE, member) > closes - REMIND_NOT_AFTER
        return
    assert not is_quiet(at, member)
    assert sent + REMIND_NOT_BEFORE <= at <= closes - REMIND_NOT_AFTER
    # Never later than the planned two days before, unless a day after it was sent comes later.
    assert at <= max(
        closes - timedelta(days=1), waking_on_or_after(sent + REMIND_NOT_BEFORE, member)
    ) + timedelta(days=1)
