"""Honest waiting's pure rules: the rough wait, when a member hears again, the quiet hours, what
would clear the list, and how a member reads their wait."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.services import waiting
from bot.services.waiting import MentorWait, Told, WaitNews
from cogs.pairing._waiting import about, wait_text
from db.enums import WaitBucket

DAY, WEEK = timedelta(days=1), timedelta(weeks=1)
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def test_the_rough_wait() -> None:
    assert waiting.bucket_of(MentorWait(1, 3, 1, 0.0, DAY)) == WaitBucket.ROOM
    assert waiting.bucket_of(MentorWait(3, 3, 1, 2.0, DAY + WEEK)) == WaitBucket.WEEKS
    assert waiting.bucket_of(MentorWait(2, 3, 1, 7.0, 2 * DAY)) == WaitBucket.WEEK
    assert waiting.bucket_of(MentorWait(2, 3, 0, 0.0, None)) == WaitBucket.UNKNOWN


def test_when_a_member_hears_again() -> None:
    told = Told(WaitBucket.UNKNOWN, NOW)
    assert waiting.update_due(None, WaitBucket.UNKNOWN, NOW) == WaitNews.STILL_WAITING  # never told
    assert waiting.update_due(told, WaitBucket.ROOM, NOW + timedelta(hours=23)) is None  # not twice a day
    assert waiting.update_due(told, WaitBucket.ROOM, NOW + DAY) == WaitNews.CHANGED
    assert waiting.update_due(told, WaitBucket.UNKNOWN, NOW + 13 * DAY) is None  # unchanged
    assert waiting.update_due(told, WaitBucket.UNKNOWN, NOW + 14 * DAY) == WaitNews.STILL_WAITING


def test_quiet_hours_and_the_local_hour() -> None:
    assert waiting.in_quiet_hours(23, 22, 8) and waiting.in_quiet_hours(7, 22, 8)
    assert not waiting.in_quiet_hours(8, 22, 8) and not waiting.in_quiet_hours(12, 22, 8)
    assert waiting.in_quiet_hours(13, 12, 14) and not waiting.in_quiet_hours(3, 5, 5)
    assert waiting.local_hour("America/Los_Angeles", NOW) == 4  # 12:00 UTC, PST
    assert waiting.local_hour("Asia/Kolkata", NOW) == 17  # +5:30
    assert waiting.local_hour(None, NOW) == 12


def test_organizers_needed_to_reach_everyone_in_time() -> None:
    def needed(
        waiting_: int, free: int, pace: float, capacity: int = 2, target: timedelta = WEEK
    ) -> int | None:
        return waiting.organizers_needed(
            waiting_, free, pace, capacity=capacity, target=target, batch_every=DAY
        )

    assert needed(3, 3, 0.0) == 0  # a place for everyone
    assert needed(10, 0, 0.0) == 5  # no pace: every one of them needs a place now
    assert needed(10, 2, 0.0, capacity=3) == 3  # 8 more places: three organizers of 3
    # 1 begun a week: within 6 days after the next batch 6/7 of a place opens, not a whole one.
    assert needed(10, 0, 1.0) == 5
    assert needed(10, 0, 7.0) == 2  # 6 places open in time; 4 more are needed: two organizers
    assert needed(10, 0, 70.0) == 0  # the pace alone clears the list
    assert needed(10, 0, 1.0, target=timedelta(hours=12)) is None  # the batch is slower than the target
    for waiting_, free, pace in ((17, 3, 1.5), (40, 0, 3.2), (5, 1, 0.4)):
        count = needed(waiting_, free, pace)
        assert count is not None
        reach = waiting.expected_wait(waiting_, free + 2 * count, pace, batch_every=DAY)
        assert reach is not None and reach <= WEEK  # enough...
        if count:  # ...and the smallest number that is
            short = waiting.expected_wait(waiting_, free + 2 * (count - 1), pace, batch_every=DAY)
            assert short is None or short > WEEK


def test_the_typical_capacity() -> None:
    assert waiting.typical_capacity([]) == 2
    assert waiting.typical_capacity([3, 1, 5]) == 3
    assert waiting.typical_capacity([1, 3]) == 1  # the lower middle: no more places than usual
    assert waiting.typical_capacity([0, 0, 4]) == 4  # organizers taking nobody don't count


def test_a_wait_as_a_member_reads_it() -> None:
    assert about(timedelta(hours=20)) == "a day"
    assert about(timedelta(days=4, hours=1)) == "5 days"
    assert about(timedelta(days=15)) == "2 weeks"
    assert about(timedelta(days=100)) == "3 months"
    update = waiting.WaitUpdate(
        guild_id=1,
        user_id=2,
        news=WaitNews.CHANGED,
        wait=MentorWait(3, 5, 0, 1.0, DAY + timedelta(weeks=3)),
        bucket=WaitBucket.WEEKS,
        waiting_since=NOW,
        meanwhile=(waiting.Meanwhile.NEAR_CIRCLE, waiting.Meanwhile.PRACTICE, waiting.Meanwhile.LOG),
    )
    text = wait_text(update)
    assert "You're number 3 on the list" in text and "about 3 weeks" in text
    assert "circle meets near you" in text and "`/practice`" in text and "`/log add`" in text
    first = wait_text(
        waiting.WaitUpdate(1, 2, WaitNews.REQUESTED, MentorWait(1, 1, 1, 0.0, DAY), WaitBucket.ROOM, NOW, ())
    )
    assert "You're next on the list, and a mentor has room now: you'll hear from me within a day." in first
    unknown = wait_text(
        waiting.WaitUpdate(1, 2, WaitNews.SHOWN, MentorWait(2, 2, 0, 0.0, None), WaitBucket.UNKNOWN, NOW, ())
    )
    assert "I can't say yet how long: there's no free place right now" in unknown
    assert "<t:" in unknown  # since when, as a Discord date
