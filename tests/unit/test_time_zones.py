"""Time zones named as people say them, with the local time."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.services.time_zones import zone_name, zone_with_time

NOON = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


def test_zones_read_as_people_say_them() -> None:
    assert zone_name("America/Chicago") == "Central Time (Chicago)"
    assert zone_name("America/Kentucky/Louisville") == "Eastern Time (Louisville)"
    assert zone_name("Europe/London") == "British Time (London)"
    assert zone_name("UTC") == "Coordinated Universal Time (UTC)"


def test_an_unknown_zone_is_shown_as_it_is() -> None:
    assert zone_name("Mars/Olympus_Mons") == "Mars/Olympus_Mons"


def test_with_the_local_time() -> None:
    assert zone_with_time("America/Chicago", NOON) == "Central Time (Chicago), 06:00 now"
