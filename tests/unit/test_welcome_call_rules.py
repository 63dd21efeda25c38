"""Welcome calls' rules without a database: reading a band, who fits it, when the next call is,
which reminder is due, how long someone was in the call, where one more call would help, how long a
member who leaves invitations unanswered rests, and who gets a call's seats first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.services.welcome_calls import (
    Band,
    BandError,
    Reminder,
    Seeker,
    best_band,
    deferred,
    fits,
    next_start,
    parse_band,
    parse_time,
    presence_in,
    reminder_due,
    rest_after,
    resting_until,
    seat_order,
)
from db.enums import CallAnswer

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # a Wednesday
HOUR = timedelta(hours=1)


@pytest.mark.parametrize(
    ("text", "band"),
    [
        ("UTC-8..-5", Band(-480, -300)),
        ("-5..-8", Band(-480, -300)),
        ("+1..+3", Band(60, 180)),
        ("utc0..2", Band(0, 120)),
        ("UTC+5:30..+6", Band(330, 360)),
        ("-3 to 0", Band(-180, 0)),
    ],
)
def test_a_band_is_read_in_any_common_spelling(text: str, band: Band) -> None:
    assert parse_band(text) == band


@pytest.mark.parametrize("text", ["", "Europe", "UTC-8", "-15..-13", "+1..+15", "1..2..3"])
def test_an_unreadable_band_is_refused(text: str) -> None:
    with pytest.raises(BandError):
        parse_band(text)


def test_labels_and_times() -> None:
    assert Band(-480, -300).label == "UTC-8..-5"
    assert Band(330, 360).label == "UTC+5:30..+6"
    assert parse_time("18:30") == 18 * 60 + 30
    assert parse_time("7") == 7 * 60
    for bad in ("25:00", "18:75", "evening"):
        with pytest.raises(BandError):
            parse_time(bad)


def test_a_member_fits_only_the_band_of_where_they_live() -> None:
    band = Band(-480, -300)
    assert fits(band, "America/New_York", NOW)  # UTC-5 in November
    assert fits(band, "America/Los_Angeles", NOW)  # UTC-8
    assert not fits(band, "Europe/Berlin", NOW)
    assert not fits(band, None, NOW)  # no zone: never invited
    assert not fits(band, "Not/AZone", NOW)
    # Summer time moves New York to UTC-4: out of a UTC-8..-5 band then.
    assert not fits(band, "America/New_York", datetime(2026, 7, 1, tzinfo=UTC))


def test_the_next_start_is_the_weekday_and_time_in_the_hosts_zone() -> None:
    # Thursday 18:00 in New York (UTC-5): 23:00 UTC the next day.
    assert next_start(3, 18 * 60, "America/New_York", NOW) == datetime(2026, 11, 26, 23, 0, tzinfo=UTC)
    # Wednesday 06:00 New York has passed today (11:00 UTC < 12:00): a week later.
    assert next_start(2, 6 * 60, "America/New_York", NOW) == datetime(2026, 12, 2, 11, 0, tzinfo=UTC)
    # Across the change of clocks: 18:00 local stays 18:00 local.
    spring = datetime(2027, 3, 17, 12, 0, tzinfo=UTC)  # New York on summer time since the 14th
    assert next_start(3, 18 * 60, "America/New_York", spring) == datetime(2027, 3, 18, 22, 0, tzinfo=UTC)


def test_reminders_fall_due_a_day_and_an_hour_before() -> None:
    start = NOW + timedelta(days=3)
    assert reminder_due(start, start - 25 * HOUR, day_sent=False, hour_sent=False) is None
    assert reminder_due(start, start - 23 * HOUR, day_sent=False, hour_sent=False) == Reminder.DAY
    assert reminder_due(start, start - 23 * HOUR, day_sent=True, hour_sent=False) is None
    assert reminder_due(start, start - 2 * HOUR, day_sent=True, hour_sent=False) is None
    assert reminder_due(start, start - HOUR / 2, day_sent=True, hour_sent=False) == Reminder.HOUR
    # Invited late: only the hour's, never both at once.
    assert reminder_due(start, start - HOUR / 2, day_sent=False, hour_sent=False) == Reminder.HOUR
    assert reminder_due(start, start - HOUR / 2, day_sent=True, hour_sent=True) is None
    assert reminder_due(start, start + HOUR / 2, day_sent=False, hour_sent=False) is None


def test_presence_counts_only_time_inside_the_call() -> None:
    start, end = NOW, NOW + HOUR
    minutes = timedelta(minutes=1)
    assert presence_in([(start - 10 * minutes, start + 5 * minutes)], start, end) == 5 * minutes
    assert presence_in([(start + 50 * minutes, None)], start, end) == 10 * minutes
    assert (
        presence_in(
            [(start + 5 * minutes, start + 10 * minutes), (start + 20 * minutes, start + 30 * minutes)],
            start,
            end,
        )
        == 15 * minutes
    )
    assert presence_in([(end, end + HOUR)], start, end) == timedelta(0)


def test_one_more_call_goes_where_most_are_left_out() -> None:
    offsets = [-300, -360, -480, 60, 60]
    band, count = best_band(offsets)
    assert band == Band(-480, -300) and count == 3
    assert best_band([]) == (None, 0)
    assert best_band([60]) == (Band(-60, 120), 1)  # centred on the one left out


def test_the_rest_after_unanswered_invitations_doubles_up_to_eight_weeks() -> None:
    week = timedelta(weeks=1)
    assert [rest_after(n) for n in range(6)] == [timedelta(0), week, 2 * week, 4 * week, 8 * week, 8 * week]


def test_only_unanswered_invitations_in_a_row_rest_a_member() -> None:
    day = timedelta(days=1)
    pending, cant, yes = CallAnswer.PENDING, CallAnswer.CANT_MAKE_IT, CallAnswer.INTERESTED
    assert resting_until([]) is None
    # Newest first: two unanswered in a row rest two weeks from the latest one's start.
    assert resting_until([(NOW, pending, False), (NOW - 7 * day, pending, False)]) == NOW + 14 * day
    # A plain "can't make it" is an answer: it breaks the run, and rests nobody by itself.
    assert resting_until([(NOW, pending, False), (NOW - 7 * day, cant, False)]) == NOW + 7 * day
    assert resting_until([(NOW, cant, False), (NOW - 7 * day, pending, False)]) is None
    assert resting_until([(NOW, yes, False)]) is None
    assert resting_until([(NOW, pending, True)]) is None  # came without a word: not silent


def test_seats_go_to_newcomers_nobody_met_newest_first_then_the_longest_waiting() -> None:
    day = timedelta(days=1)
    waiting = [
        Seeker(1, NOW - 60 * day, NOW - 60 * day, False, False),  # waiting long, never met anyone
        Seeker(2, NOW - 30 * day, NOW - 90 * day, True, True),  # came to a call, still on the list
        Seeker(3, NOW - 2 * day, NOW - 2 * day, False, False),  # a newcomer
        Seeker(4, NOW - 5 * day, NOW - 5 * day, False, False),  # a newcomer, a few days in
        Seeker(5, NOW - 1 * day, NOW - 1 * day, True, False),  # new, but met a buddy already
        Seeker(6, NOW - 40 * day, NOW - 40 * day, True, False),  # met a neighbour, no organizer yet
    ]
    # 5 is in their first month: first of the rest; then 1, who has waited two months (LONG_WAIT),
    # then 6, past their first month and waiting less than that.
    assert seat_order(waiting, NOW, 7 * day) == [3, 4, 5, 1, 6, 2]


def test_while_seats_are_short_the_first_month_goes_first_then_the_long_waiting() -> None:
    day = timedelta(days=1)
    waiting = [
        Seeker(1, NOW - 45 * day, NOW - 45 * day, True, False),  # past their first month
        Seeker(2, NOW - 20 * day, NOW - 20 * day, True, False),  # in their first month
        Seeker(3, NOW - 70 * day, NOW - 70 * day, True, False),  # waiting over two months
        Seeker(4, NOW - 29 * day, NOW - 29 * day, True, False),  # their first month nearly over
        Seeker(5, NOW - 35 * day, NOW - 35 * day, True, True),  # met an organizer already
    ]
    assert [deferred(seeker, NOW) for seeker in waiting] == [True, False, False, False, True]
    # The first month, the one whose month ends soonest first (4 cannot wait for next week's
    # call, 2 still can); then the one waiting over two months, then the others.
    assert seat_order(waiting, NOW, 7 * day) == [4, 2, 3, 1, 5]


def test_members_who_left_their_last_invitation_unanswered_come_after_everyone_else() -> None:
    day = timedelta(days=1)
    waiting = [
        Seeker(
            1, NOW - 60 * day, NOW - 60 * day, False, False, ignored=True
        ),  # waited longest, never answers
        Seeker(2, NOW - 30 * day, NOW - 30 * day, True, False),  # met a buddy, answers
        Seeker(3, NOW - 2 * day, NOW - 2 * day, False, False, ignored=True),  # a newcomer who did not answer
        Seeker(4, NOW - 5 * day, NOW - 5 * day, False, False),  # a newcomer
        Seeker(5, NOW - 40 * day, NOW - 40 * day, True, True),  # came to a call already
    ]
    # Among those who did not answer, the same order: 3 is in their first month, 1 is not.
    assert seat_order(waiting, NOW, 7 * day) == [4, 2, 5, 3, 1]
