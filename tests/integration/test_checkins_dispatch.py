"""The dispatcher against the real database with a recording messenger: pacing, failures, crashes, races."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.services.checkins import MAX_LOOKUPS, Delivery, DeliveryStatus, DueCheckIn, claim_rows
from db.engine import SessionMaker, create_engine, create_session_maker
from db.enums import CheckInKind, CheckInStatus, MemberStatus
from db.models import Member, ReadinessCheckIn
from tests.integration.test_checkins_support import (
    GUILD,
    START,
    Clock,
    RecordingMessenger,
    add_guild,
    dispatcher,
    rows_of,
)


async def due_members(sessions: SessionMaker, count: int, *, first_user: int = 10_000) -> list[int]:
    """`count` active members, each with a check-in due at START (bulk inserts: fast for hundreds)."""
    await add_guild(sessions, quiet_hours_start=0, quiet_hours_end=0)
    async with sessions() as session, session.begin():
        ids = (
            (
                await session.execute(
                    insert(Member).returning(Member.id),
                    [
                        {
                            "guild_id": GUILD,
                            "user_id": first_user + n,
                            "status": MemberStatus.ACTIVE,
                            "timezone": "Europe/London",
                            "languages": [],
                            "paths": [],
                            "onboarded_at": START - timedelta(days=14),
                        }
                        for n in range(count)
                    ],
                )
            )
            .scalars()
            .all()
        )
        await session.execute(
            insert(ReadinessCheckIn),
            [{"member_id": member_id, "kind": CheckInKind.SCHEDULED, "due_at": START} for member_id in ids],
        )
    return sorted(ids)


async def statuses(sessions: SessionMaker) -> dict[CheckInStatus, int]:
    async with sessions() as session:
        rows = await session.execute(
            select(ReadinessCheckIn.status, func.count()).group_by(ReadinessCheckIn.status)
        )
        return {CheckInStatus(status): int(count) for status, count in rows.all()}


async def test_every_due_check_in_is_sent_once_at_the_configured_pace(sessions: SessionMaker) -> None:
    await due_members(sessions, 30)
    clock = Clock(START + timedelta(minutes=1))
    messenger = RecordingMessenger()
    started = time.perf_counter()
    report = await dispatcher(sessions, clock, messenger, rate=100, batch_size=7).run()
    elapsed = time.perf_counter() - started
    assert (report.claimed, report.sent) == (30, 30)
    assert len(messenger.sent) == 30 and messenger.duplicates() == []
    assert elapsed >= 29 / 100  # 30 starts, 10 ms apart
    assert (await statuses(sessions))[CheckInStatus.SENT] == 30
    # ...and each has its next one scheduled.
    assert (await statuses(sessions))[CheckInStatus.SCHEDULED] == 30
    assert (await dispatcher(sessions, clock, messenger).run()).claimed == 0


async def test_a_slow_or_broken_member_does_not_hold_up_the_others(sessions: SessionMaker) -> None:
    members = await due_members(sessions, 6)
    clock = Clock(START + timedelta(minutes=1))
    messenger = RecordingMessenger()
    slow_user, broken_user, refused_user = 10_000, 10_001, 10_002
    finished: list[int] = []
    others_sent = asyncio.Event()

    async def deliver(item: DueCheckIn) -> Delivery:
        if item.user_id == slow_user:
            # Finishes only once the three others were sent: had they waited for it, it would
            # time out instead (no wall-clock margin for a busy machine to eat).
            await asyncio.wait_for(others_sent.wait(), 5)
        if item.user_id == broken_user:
            raise RuntimeError("a bug while rendering")
        if item.user_id == refused_user:
            return Delivery(DeliveryStatus.FAILED, detail="404/10013")
        finished.append(item.user_id)
        if len(finished) == 3:
            others_sent.set()
        messenger.sent.append(item)
        return Delivery(DeliveryStatus.SENT, channel_id=1, message_id=item.checkin_id)

    messenger.deliver = deliver  # type: ignore[method-assign]
    report = await dispatcher(sessions, clock, messenger, rate=1000).run()
    assert finished[-1] == slow_user  # the slow one finished last; the others did not wait for it
    assert (report.sent, report.unknown, report.failed) == (4, 1, 1)
    [broken] = await rows_of(sessions, members[1])
    assert broken.status == CheckInStatus.SENDING  # unknown: settled later from the DM history
    refused = await rows_of(sessions, members[2])
    assert [r.status for r in refused] == [CheckInStatus.CANCELLED, CheckInStatus.SCHEDULED]


async def test_claims_left_by_a_dead_dispatcher_are_checked_before_sending_again(
    sessions: SessionMaker,
) -> None:
    members = await due_members(sessions, 3)
    clock = Clock(START + timedelta(minutes=1))
    async with sessions() as session, session.begin():
        await session.execute(
            update(ReadinessCheckIn)
            .where(ReadinessCheckIn.member_id.in_(members[:2]))
            .values(status=CheckInStatus.SENDING, claimed_at=START, claimed_by="dead:1", attempts=1)
        )
    ids = {r.member_id: r.id for m in members for r in await rows_of(sessions, m)}
    messenger = RecordingMessenger(already_sent={ids[members[0]]})
    # Not stale yet: nobody touches them.
    report = await dispatcher(sessions, clock, messenger).run()
    assert report.sent == 1 and messenger.history_checks == []
    clock.advance(minutes=30)
    report = await dispatcher(sessions, clock, messenger).run()
    assert report.recovered == 1 and report.sent == 2  # the recovered one, and the one never sent
    assert sorted(messenger.history_checks) == sorted([ids[members[0]], ids[members[1]]])
    assert [item.member_id for item in messenger.sent].count(members[0]) == 0  # not sent twice
    assert [item.member_id for item in messenger.sent].count(members[1]) == 1
    assert (await statuses(sessions)).get(CheckInStatus.SENDING, 0) == 0


async def test_a_check_in_that_keeps_crashing_is_given_up_after_a_few_attempts(
    sessions: SessionMaker,
) -> None:
    [member] = await due_members(sessions, 1)
    clock = Clock(START + timedelta(minutes=1))
    messenger = RecordingMessenger()

    async def crash(item: DueCheckIn) -> Delivery:
        raise RuntimeError("always")

    messenger.deliver = crash  # type: ignore[method-assign]
    for _ in range(8):
        await dispatcher(sessions, clock, messenger).run()
        clock.advance(minutes=20)
    rows = await rows_of(sessions, member)
    # Each round claims it twice (stale recovery, then the queue): given up after MAX_ATTEMPTS claims.
    assert rows[0].status == CheckInStatus.CANCELLED and len(messenger.history_checks) == 3
    assert rows[1].status == CheckInStatus.SCHEDULED and rows[1].due_at > START + timedelta(days=10)


async def race(engine_url: str, count: int, dispatchers: int) -> None:
    """`dispatchers` dispatchers, each on its own engine (like separate processes), on the same rows."""
    engines: list[AsyncEngine] = [create_engine(engine_url) for _ in range(dispatchers)]
    try:
        makers = [create_session_maker(engine) for engine in engines]
        await due_members(makers[0], count)
        clock = Clock(START + timedelta(minutes=1))
        messengers = [RecordingMessenger() for _ in range(dispatchers)]
        reports = await asyncio.gather(
            *(
                dispatcher(maker, clock, messenger, worker=f"process-{n}", rate=5000, batch_size=5).run()
                for n, (maker, messenger) in enumerate(zip(makers, messengers, strict=True))
            )
        )
        sent = [item.checkin_id for messenger in messengers for item in messenger.sent]
        assert len(sent) == count and len(set(sent)) == count  # each exactly once, none lost
        assert sum(report.sent for report in reports) == count
        assert all(report.sent > 0 for report in reports), [report.sent for report in reports]
        counts = await statuses(makers[0])
        assert counts[CheckInStatus.SENT] == count and counts[CheckInStatus.SCHEDULED] == count
        assert CheckInStatus.SENDING not in counts
    finally:
        for engine in engines:
            await engine.dispose()


@pytest.mark.postgres_only
async def test_a_claim_skips_rows_another_open_claim_holds(database_url: str, engine: AsyncEngine) -> None:
    """Deterministic: while one process's claim is uncommitted, a second claims other rows at once."""
    second_engine = create_engine(database_url)
    try:
        first, second = create_session_maker(engine), create_session_maker(second_engine)
        await due_members(first, 20)
        now = START + timedelta(minutes=1)
        async with first() as holder, holder.begin():
            held = await claim_rows(holder, now=now, worker="first", limit=10)
            async with second() as other, other.begin():
                taken = await asyncio.wait_for(claim_rows(other, now=now, worker="second", limit=10), 2)
        assert len(held) == len(taken) == 10
        assert not {row.checkin_id for row in held} & {row.checkin_id for row in taken}
    finally:
        await second_engine.dispose()


@pytest.mark.postgres_only
async def test_two_dispatchers_on_postgresql_send_each_check_in_once(
    database_url: str, engine: AsyncEngine
) -> None:
    """FOR UPDATE SKIP LOCKED: two processes claiming the same due rows at once never share one."""
    await race(database_url, count=600, dispatchers=3)


async def test_concurrent_dispatchers_send_each_check_in_once(database_url: str, engine: AsyncEngine) -> None:
    """The same race on whichever database the tests run on (SQLite: BEGIN IMMEDIATE serializes claims)."""
    await race(database_url, count=120, dispatchers=3)


async def _left_sending(sessions: SessionMaker, member_id: int) -> int:
    """The member's check-in went out, then its dispatcher died before recording it."""
    async with sessions() as session, session.begin():
        await session.execute(
            update(ReadinessCheckIn)
            .where(ReadinessCheckIn.member_id == member_id)
            .values(status=CheckInStatus.SENDING, claimed_at=START, claimed_by="dead:1", attempts=1)
        )
    [row] = await rows_of(sessions, member_id)
    return row.id


@pytest.mark.parametrize("raise_on_read", [False, True], ids=["unknown", "raises"])
async def test_a_history_that_cannot_be_read_is_read_again_later_and_nothing_is_sent_twice(
    sessions: SessionMaker, raise_on_read: bool
) -> None:
    [member] = await due_members(sessions, 1)
    checkin_id = await _left_sending(sessions, member)
    failures = MAX_LOOKUPS - 1  # one short of giving up
    messenger = RecordingMessenger(
        already_sent={checkin_id}, unreadable=failures, raise_on_read=raise_on_read
    )
    clock = Clock(START + timedelta(minutes=30))
    for round_ in range(1, failures + 1):
        report = await dispatcher(sessions, clock, messenger).run()
        assert (report.lookups_failed, report.sent, report.given_up) == (1, 0, 0)
        [row] = await rows_of(sessions, member)
        assert (row.status, row.lookups, row.claimed_by) == (CheckInStatus.SENDING, round_, None)
        assert row.lookup_after is not None and row.lookup_after > clock.now
        # Before the next try is due, nobody reads the history again, and nothing is sent.
        report = await dispatcher(sessions, clock, messenger).run()
        assert len(messenger.history_checks) == round_ and report.claimed == 0
        clock.now = row.lookup_after
    report = await dispatcher(sessions, clock, messenger).run()
    assert report.recovered == 1 and messenger.sent == []
    assert len(messenger.history_checks) == MAX_LOOKUPS
    sent, following = await rows_of(sessions, member)
    # Its first recovery counts as a claim; reading the history again does not.
    assert (sent.status, sent.message_id, sent.attempts) == (CheckInStatus.SENT, checkin_id, 2)
    assert following.status == CheckInStatus.SCHEDULED and following.due_at > START + timedelta(days=1)
    assert (await dispatcher(sessions, clock, messenger).run()).sent == 0


async def test_a_history_that_never_can_be_read_is_given_up_as_not_sent_once(
    sessions: SessionMaker, caplog: pytest.LogCaptureFixture
) -> None:
    [member] = await due_members(sessions, 1)
    checkin_id = await _left_sending(sessions, member)
    messenger = RecordingMessenger(already_sent={checkin_id}, unreadable=10**6)
    clock = Clock(START + timedelta(minutes=30))
    caplog.set_level(logging.INFO, logger="bot.services.checkins")
    given_up = 0
    for _ in range(MAX_LOOKUPS + 3):
        # Two dispatchers at once: the row is still given up once.
        reports = await asyncio.gather(
            dispatcher(sessions, clock, messenger, worker="a").run(),
            dispatcher(sessions, clock, messenger, worker="b").run(),
        )
        given_up += sum(report.given_up for report in reports)
        assert sum(report.sent for report in reports) == 0
        clock.advance(hours=3)
    assert given_up == 1 and messenger.sent == []
    assert len(messenger.history_checks) == MAX_LOOKUPS
    gave_up, following = await rows_of(sessions, member)
    assert (gave_up.status, gave_up.lookups, gave_up.lookup_after) == (
        CheckInStatus.CANCELLED,
        MAX_LOOKUPS,
        None,
    )
    assert following.status == CheckInStatus.SCHEDULED  # the rhythm goes on, one slot later
    lines = [r.getMessage() for r in caplog.records if "given up as not sent" in r.getMessage()]
    assert lines == [
        f"check-in {checkin_id}: its DM history could not be read {MAX_LOOKUPS} times; given up as not sent"
    ]
    assert "10000" not in caplog.text  # the member's user id is not logged
