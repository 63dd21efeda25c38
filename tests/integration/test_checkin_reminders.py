"""One reminder before an unanswered check-in counts as missed: in the member's waking hours, once,
never after they answered or skipped, restart-safe, one between concurrent dispatchers."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import update

from bot.services import checkins
from bot.services.checkins import DeliveryStatus
from bot.services.checkins._schedule import REMIND_DAYS_BEFORE
from db.engine import SessionMaker
from db.enums import CheckInStatus
from db.models import Member, ReadinessCheckIn
from tests.integration.test_checkins_support import (
    Clock,
    RecordingMessenger,
    add_member,
    dispatcher,
    rows_of,
    scheduled_due,
)

ALICE, BOB, CAROL, DAVE = 7001, 7002, 7003, 7004
LONDON = ZoneInfo("Europe/London")


async def sent_now(
    sessions: SessionMaker, clock: Clock, messenger: RecordingMessenger, *members: int
) -> None:
    """Every member's first check-in falls due and is sent."""
    dues = [await scheduled_due(sessions, member_id) for member_id in members]
    clock.now = max(due for due in dues if due is not None) + timedelta(minutes=1)
    assert (await dispatcher(sessions, clock, messenger).run()).sent == len(members)


async def open_row(sessions: SessionMaker, member_id: int) -> ReadinessCheckIn:
    [row] = [row for row in await rows_of(sessions, member_id) if row.status == CheckInStatus.SENT]
    return row


async def test_one_reminder_in_waking_hours_before_the_check_in_counts_as_missed(
    sessions: SessionMaker,
) -> None:
    alice = await add_member(sessions, ALICE)
    clock, messenger = Clock(), RecordingMessenger()
    await sent_now(sessions, clock, messenger, alice)
    row = await open_row(sessions, alice)
    closes = await scheduled_due(sessions, alice)
    assert row.reminder_due_at is not None and closes is not None and row.reminded_at is None
    # Her check-in hour (18:00 London), two days before the next one comes and this one counts as missed.
    planned = row.reminder_due_at.astimezone(LONDON)
    assert planned.hour == 18
    assert planned.date() == closes.astimezone(LONDON).date() - timedelta(days=REMIND_DAYS_BEFORE)

    clock.now = row.reminder_due_at - timedelta(minutes=10)
    assert (await dispatcher(sessions, clock, messenger).run()).reminded == 0
    clock.now = row.reminder_due_at + timedelta(minutes=1)
    assert (await dispatcher(sessions, clock, messenger).run()).reminded == 1
    [reminder] = messenger.reminders
    assert (reminder.checkin_id, reminder.user_id, reminder.closes_at) == (row.id, ALICE, closes)
    assert reminder.channel_id == row.channel_id and reminder.message_id == row.message_id
    assert not reminder.started

    # Once: the same process later, and a restarted one (another worker), send no second reminder.
    clock.advance(hours=20)
    assert (await dispatcher(sessions, clock, messenger).run()).reminded == 0
    assert (await dispatcher(sessions, clock, messenger, worker="after-restart").run()).reminded == 0
    # The next one comes: this one counts as missed, the new one gets its own reminder later.
    clock.now = closes + timedelta(minutes=1)
    report = await dispatcher(sessions, clock, messenger).run()
    assert (report.sent, report.reminded) == (1, 0)
    first, second = (await rows_of(sessions, alice))[:2]
    assert first.status == CheckInStatus.MISSED and first.reminded_at is not None
    assert second.status == CheckInStatus.SENT and second.reminder_due_at is not None
    assert len(messenger.reminders) == 1


async def test_no_reminder_once_answered_or_skipped_and_a_started_one_says_so(sessions: SessionMaker) -> None:
    alice, bob, carol = [await add_member(sessions, user) for user in (ALICE, BOB, CAROL)]
    clock, messenger = Clock(), RecordingMessenger()
    await sent_now(sessions, clock, messenger, alice, bob, carol)
    alice_row, bob_row, carol_row = [await open_row(sessions, m) for m in (alice, bob, carol)]
    async with sessions() as session, session.begin():
        for dimension in checkins.DIMENSIONS:
            await checkins.record_score(
                session=session,
                checkin_id=alice_row.id,
                user_id=ALICE,
                dimension=dimension,
                score=3,
                now=clock(),
            )
        await checkins.complete(session=session, checkin_id=alice_row.id, user_id=ALICE, now=clock())
        await checkins.skip(session=session, checkin_id=bob_row.id, user_id=BOB, now=clock())
        await checkins.record_score(
            session=session,
            checkin_id=carol_row.id,
            user_id=CAROL,
            dimension=checkins.DIMENSIONS[0],
            score=2,
            now=clock(),
        )
    assert carol_row.reminder_due_at is not None
    clock.now = carol_row.reminder_due_at + timedelta(hours=1)
    assert (await dispatcher(sessions, clock, messenger).run()).reminded == 1
    [reminder] = messenger.reminders
    assert reminder.user_id == CAROL and reminder.started


async def test_a_reminder_due_while_the_bot_was_down_waits_for_the_morning(sessions: SessionMaker) -> None:
    dave = await add_member(sessions, DAVE)
    clock, messenger = Clock(), RecordingMessenger()
    await sent_now(sessions, clock, messenger, dave)
    row = await open_row(sessions, dave)
    assert row.reminder_due_at is not None
    # The bot comes back at 23:30 London time, after the planned 18:00: not at night.
    clock.now = row.reminder_due_at.astimezone(LONDON).replace(hour=23, minute=30)
    assert (await dispatcher(sessions, clock, messenger).run()).reminded == 0
    moved = (await open_row(sessions, dave)).reminder_due_at
    assert moved is not None and moved.astimezone(LONDON).hour == 8 and moved > clock.now
    clock.now = moved + timedelta(minutes=1)
    assert (await dispatcher(sessions, clock, messenger).run()).reminded == 1
    assert messenger.reminders[0].checkin_id == row.id


async def test_paused_or_closed_dms_get_no_reminder(sessions: SessionMaker) -> None:
    alice, bob = [await add_member(sessions, user) for user in (ALICE, BOB)]
    clock, messenger = Clock(), RecordingMessenger()
    await sent_now(sessions, clock, messenger, alice, bob)
    due = (await open_row(sessions, alice)).reminder_due_at
    assert due is not None
    async with sessions() as session, session.begin():
        await session.execute(update(Member).where(Member.id == alice).values(checkins_paused=True))
        await session.execute(update(Member).where(Member.id == bob).values(dms_closed_at=clock()))
    clock.now = due + timedelta(hours=2)
    assert (await dispatcher(sessions, clock, messenger).run()).reminded == 0
    assert messenger.reminders == []
    assert (await open_row(sessions, alice)).reminder_due_at is None  # dropped, not retried


async def test_a_refused_send_is_tried_again_later_and_still_only_once(sessions: SessionMaker) -> None:
    alice = await add_member(sessions, ALICE)
    clock, messenger = Clock(), RecordingMessenger()
    await sent_now(sessions, clock, messenger, alice)
    due = (await open_row(sessions, alice)).reminder_due_at
    assert due is not None
    clock.now = due + timedelta(minutes=1)
    messenger.reminder_outcome = DeliveryStatus.RETRY
    assert (await dispatcher(sessions, clock, messenger).run()).reminded == 0
    again = await open_row(sessions, alice)
    assert again.reminded_at is None and again.reminder_due_at == clock.now + timedelta(minutes=30)
    messenger.reminder_outcome = DeliveryStatus.SENT
    assert (await dispatcher(sessions, clock, messenger).run()).reminded == 0  # not yet
    clock.advance(minutes=31)
    assert (await dispatcher(sessions, clock, messenger).run()).reminded == 1
    clock.advance(minutes=31)
    assert (await dispatcher(sessions, clock, messenger).run()).reminded == 0
    assert len(messenger.reminders) == 1


async def test_concurrent_dispatchers_send_each_reminder_once(sessions: SessionMaker) -> None:
    members = [await add_member(sessions, 8000 + n) for n in range(12)]
    clock, messenger = Clock(), RecordingMessenger()
    await sent_now(sessions, clock, messenger, *members)
    dues = [(await open_row(sessions, m)).reminder_due_at for m in members]
    clock.now = max(due for due in dues if due is not None) + timedelta(minutes=1)
    reports = await asyncio.gather(
        *(dispatcher(sessions, clock, messenger, worker=f"w{n}", batch_size=3).run() for n in range(3))
    )
    assert sum(report.reminded for report in reports) == 12
    assert sorted(r.checkin_id for r in messenger.reminders) == sorted(
        {r.checkin_id for r in messenger.reminders}
    )
