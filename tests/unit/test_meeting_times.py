"""Two times for an introduction (issue 18 item 5): in both members' waking hours, early evening on
weekdays where there is one, on two different days, the same for the same inputs, and a fallback
when no hour is waking for everyone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.services.meeting_times import EVENING, NOTICE, WAKING, second_time, suggest_times, tier, zones_of

THURSDAY = datetime(2026, 12, 3, 13, 0, tzinfo=UTC)
ZONES = (
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "Australia/Sydney",
    "Pacific/Auckland",
    "America/Sao_Paulo",
    "Africa/Lagos",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
)


def _local(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone))


def test_neighbours_in_one_zone_get_weekday_early_evenings_on_two_days() -> None:
    first, second = suggest_times(("Europe/London", "Europe/London"), THURSDAY)
    for moment in (first, second):
        local = _local(moment, "Europe/London")
        assert EVENING[0] <= local.hour < EVENING[1] and local.weekday() < 5
        assert moment.minute == 0 and moment.tzinfo is not None
    assert first >= THURSDAY + NOTICE
    assert _local(first, "Europe/London").date() != _local(second, "Europe/London").date()
    assert (
        _local(first, "Europe/London").strftime("%a"),
        _local(second, "Europe/London").strftime("%a"),
    ) == (
        "Fri",
        "Mon",  # the weekend is skipped: the next two weekdays
    )


def test_new_york_and_berlin_meet_in_berlins_evening_and_new_yorks_afternoon() -> None:
    first, second = suggest_times(("America/New_York", "Europe/Berlin"), THURSDAY)
    for moment in (first, second):
        berlin, new_york = _local(moment, "Europe/Berlin"), _local(moment, "America/New_York")
        assert EVENING[0] <= berlin.hour < EVENING[1]
        assert WAKING[0] <= new_york.hour < WAKING[1]
        assert berlin.weekday() < 5 and new_york.weekday() < 5


def test_zones_far_apart_still_get_waking_hours_for_both() -> None:
    for pair in (("Pacific/Auckland", "Europe/London"), ("America/Los_Angeles", "Asia/Kolkata")):
        first, second = suggest_times(pair, THURSDAY)
        assert second - first >= timedelta(hours=20)
        for moment in (first, second):
            assert all(WAKING[0] <= _local(moment, zone).hour < WAKING[1] for zone in pair)
        assert all(_local(first, zone).date() != _local(second, zone).date() for zone in pair)


def test_with_no_common_waking_hour_the_least_bad_hour_is_chosen() -> None:
    # Waking hours of 9 to 12 cannot overlap for zones 12 hours apart: fall back to the hour
    # that keeps both nearest to them, still on two different days.
    pair = ("Europe/London", "Pacific/Auckland")
    first, second = suggest_times(pair, THURSDAY, evening=(10, 11), waking=(9, 12))
    zones = zones_of(pair)
    assert tier(first, zones, evening=(10, 11), waking=(9, 12))[0] == 4
    assert first < second
    every_hour = [THURSDAY + NOTICE + timedelta(hours=h) for h in range(48)]
    least = min(tier(slot, zones, evening=(10, 11), waking=(9, 12))[1] for slot in every_hour)
    assert tier(first, zones, evening=(10, 11), waking=(9, 12))[1] == least


def test_unknown_zones_do_not_constrain_and_nobody_known_means_utc() -> None:
    alone = suggest_times(("Asia/Kolkata", None), THURSDAY)
    assert alone == suggest_times(("Asia/Kolkata", "Not/AZone"), THURSDAY)
    assert all(EVENING[0] <= _local(t, "Asia/Kolkata").hour < EVENING[1] for t in alone)
    nobody = suggest_times((None, None), THURSDAY)
    assert all(EVENING[0] <= t.hour < EVENING[1] for t in nobody)


def test_the_same_decision_gives_the_same_times() -> None:
    pair = ("America/Sao_Paulo", "Africa/Lagos")
    assert suggest_times(pair, THURSDAY) == suggest_times(pair, THURSDAY)
    first, second = suggest_times(pair, THURSDAY)
    assert second_time(pair, first) == second


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(ZONES),
    st.sampled_from(ZONES),
    st.integers(0, 24 * 14),
)
def test_any_two_zones_get_two_waking_times_on_different_days(one: str, other: str, hours: int) -> None:
    after = THURSDAY + timedelta(hours=hours)
    first, second = suggest_times((one, other), after)
    assert after + NOTICE <= first < second
    for moment in (first, second):
        assert all(WAKING[0] <= _local(moment, zone).hour < WAKING[1] for zone in (one, other))
    assert all(_local(first, zone).date() != _local(second, zone).date() for zone in (one, other))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(ZONES), min_size=1, max_size=3),
    st.integers(min_value=0, max_value=24 * 14),
)
def test_the_first_time_is_the_earliest_of_the_best_tier_over_the_whole_search(
    names: list[str], hours: int
) -> None:
    after = THURSDAY + timedelta(hours=hours)
    zones = zones_of(names)
    start = (after + NOTICE).replace(minute=0, second=0, microsecond=0)
    every = [start + timedelta(hours=h) for h in range(14 * 24)]
    first, _ = suggest_times(names, after)
    assert first == min(every, key=lambda slot: tier(slot, zones))
