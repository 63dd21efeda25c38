"""The check-in services against the real database: claims, deliveries, answers, preferences, trends."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from bot.errors import GroundworkError, NotAllowedError
from bot.services import checkins
from bot.services.checkins import AlertKind, CheckInClosedError, Delivery, DeliveryStatus
from db.engine import SessionMaker
from db.enums import CheckInKind, CheckInStatus, MemberStatus, ReadinessDimension
from db.models import AuditEntry, Member, ReadinessAnswer, ReadinessCheckIn
from tests.integration.test_checkins_support import (
    GUILD,
    START,
    add_guild,
    add_member,
    add_mentor,
    member_row,
    rows_of,
    scheduled_due,
)

GRACE = timedelta(hours=12)


async def claim(sessions: SessionMaker, now: object, limit: int = 50) -> checkins.Claim:
    async with sessions() as session, session.begin():
        return await checkins.claim_due(session=session, now=now, worker="w", limit=limit, grace=GRACE)  # type: ignore[arg-type]


async def deliver(
    sessions: SessionMaker, checkin_id: int, status: DeliveryStatus, now: object
) -> list[checkins.Alert]:
    async with sessions() as session, session.begin():
        return await checkins.record_delivery(
            session=session,
            checkin_id=checkin_id,
            worker="w",
            delivery=Delivery(status, channel_id=77, message_id=checkin_id),
            now=now,  # type: ignore[arg-type]
        )


async def test_onboarding_schedules_the_first_check_in_one_cadence_later_at_the_local_hour(
    sessions: SessionMaker,
) -> None:
    member_id = await add_member(sessions, 10, timezone="America/Chicago")
    due = await scheduled_due(sessions, member_id)
    assert due is not None
    local = due.astimezone(checkins._schedule.zone("America/Chicago"))
    assert local.date() == date(2026, 12, 9) and local.hour == 18
    async with sessions() as session, session.begin():  # idempotent: the listener may fire twice
        assert await checkins.ensure_scheduled(session=session, member_id=member_id, now=START) is None
    assert len(await rows_of(sessions, member_id)) == 1


async def test_one_pending_check_in_per_member_is_enforced_by_the_database(sessions: SessionMaker) -> None:
    member_id = await add_member(sessions, 10)
    with pytest.raises(IntegrityError):
        async with sessions() as session, session.begin():
            session.add(ReadinessCheckIn(member_id=member_id, kind=CheckInKind.SCHEDULED, due_at=START))
    async with sessions() as session, session.begin():  # an extra on-demand one is fine
        session.add(ReadinessCheckIn(member_id=member_id, kind=CheckInKind.ON_DEMAND, due_at=START))


async def test_claims_take_due_rows_once_oldest_first_in_batches(sessions: SessionMaker) -> None:
    await add_guild(sessions, quiet_hours_start=0, quiet_hours_end=0)
    members = [await add_member(sessions, 100 + n) for n in range(5)]
    async with sessions() as session, session.begin():
        for n, member_id in enumerate(members):
            await session.execute(
                update(ReadinessCheckIn)
                .where(ReadinessCheckIn.member_id == member_id)
                .where(ReadinessCheckIn.status == CheckInStatus.SCHEDULED)
                .values(due_at=START + timedelta(minutes=n))
            )
    now = START + timedelta(minutes=3, seconds=30)
    first = await claim(sessions, now, limit=2)
    second = await claim(sessions, now, limit=10)
    third = await claim(sessions, now, limit=10)
    assert [item.member_id for item in first.due] == members[:2]
    assert [item.member_id for item in second.due] == members[2:4]
    assert third.claimed == 0  # the fifth is not due yet
    item = first.due[0]
    assert (item.guild_id, item.user_id, item.kind, item.attempts) == (GUILD, 100, CheckInKind.SCHEDULED, 1)
    assert item.previous == dict.fromkeys(checkins.DIMENSIONS, 3)


async def test_claims_settle_what_must_not_be_sent(sessions: SessionMaker) -> None:
    now = START + timedelta(days=20)
    left, closed, paused, paused_until, late, quiet, fine = [
        await add_member(sessions, 200 + n, timezone="Asia/Tokyo" if n == 5 else "Europe/London")
        for n in range(7)
    ]
    async with sessions() as session, session.begin():
        for member_id in (left, closed, paused, paused_until, fine):
            await session.execute(
                update(ReadinessCheckIn)
                .where(
                    ReadinessCheckIn.member_id == member_id,
                    ReadinessCheckIn.status == CheckInStatus.SCHEDULED,
                )
                .values(due_at=now - timedelta(minutes=5))
            )
        await session.execute(
            update(ReadinessCheckIn)
            .where(
                ReadinessCheckIn.member_id.in_([late, quiet]),
                ReadinessCheckIn.status == CheckInStatus.SCHEDULED,
            )
            .values(due_at=now - timedelta(hours=13))
        )
        rows = {m.id: m for m in (await session.execute(select(Member))).scalars()}
        rows[left].status = MemberStatus.LEFT
        rows[closed].dms_closed_at = START
        rows[paused].checkins_paused = True
        rows[paused_until].checkins_paused = True
        rows[paused_until].checkins_paused_until = now + timedelta(days=3)
    # 12:00 UTC is 21:00 in Tokyo: fine; make Tokyo quiet from 20:00 so "quiet" is in its quiet hours.
    await add_guild(sessions, quiet_hours_start=20, quiet_hours_end=7)
    result = await claim(sessions, now)
    assert [item.member_id for item in result.due] == [fine]
    assert (result.claimed, result.cancelled, result.rescheduled) == (7, 3, 3)
    statuses = {m: [r.status for r in await rows_of(sessions, m)] for m in (left, closed, paused)}
    assert statuses == {
        left: [CheckInStatus.CANCELLED],
        closed: [CheckInStatus.UNDELIVERABLE],
        paused: [CheckInStatus.CANCELLED],
    }
    moved_until = await scheduled_due(sessions, paused_until)
    assert moved_until is not None and moved_until.date() == (now + timedelta(days=3)).date()
    for member_id in (late, quiet):
        due = await scheduled_due(sessions, member_id)
        assert due is not None and now < due < now + timedelta(days=1, hours=1)
    # A pause whose date has passed ends by itself.
    async with sessions() as session, session.begin():
        await session.execute(
            update(ReadinessCheckIn)
            .where(
                ReadinessCheckIn.member_id == paused_until, ReadinessCheckIn.status == CheckInStatus.SCHEDULED
            )
            .values(due_at=now + timedelta(days=4))
        )
    later = await claim(sessions, now + timedelta(days=4))
    assert [item.member_id for item in later.due] == [paused_until]
    assert not (await member_row(sessions, paused_until)).checkins_paused


async def test_a_sent_check_in_schedules_the_next_and_closes_the_unanswered_one_as_missed(
    sessions: SessionMaker,
) -> None:
    await add_guild(sessions, quiet_hours_start=0, quiet_hours_end=0)
    member_id = await add_member(sessions, 10)
    alerts: list[checkins.Alert] = []
    sent_ids = []
    for _ in range(3):
        due = await scheduled_due(sessions, member_id)
        assert due is not None
        [item] = (await claim(sessions, due + timedelta(minutes=1))).due
        alerts += await deliver(sessions, item.checkin_id, DeliveryStatus.SENT, due + timedelta(minutes=1))
        sent_ids.append(item.checkin_id)
        next_due = await scheduled_due(sessions, member_id)
        assert next_due is not None and timedelta(days=13) < next_due - due < timedelta(days=15)
    rows = {r.id: r for r in await rows_of(sessions, member_id)}
    assert [rows[i].status for i in sent_ids] == [
        CheckInStatus.MISSED,
        CheckInStatus.MISSED,
        CheckInStatus.SENT,
    ]
    assert rows[sent_ids[2]].channel_id == 77 and rows[sent_ids[2]].message_id == sent_ids[2]
    [alert] = alerts
    assert alert.kind == AlertKind.MISSED and alert.missed == 2 and alert.mentor_user_id is None
    assert (await member_row(sessions, member_id)).missed_checkins == 2
    async with sessions() as session:
        assert (await session.execute(select(AuditEntry.action))).scalars().all() == ["checkin.missed"]
    # The DM channel is remembered: the next send needs no new DM channel.
    due = await scheduled_due(sessions, member_id)
    [item] = (await claim(sessions, due + timedelta(minutes=1))).due  # type: ignore[operator]
    assert item.dm_channel_id == 77


async def test_closed_dms_stop_everything_and_raise_a_notice(sessions: SessionMaker) -> None:
    await add_guild(sessions, quiet_hours_start=0, quiet_hours_end=0, alerts_channel_id=55)
    member_id = await add_member(sessions, 10)
    due = await scheduled_due(sessions, member_id)
    [item] = (await claim(sessions, due)).due
    [alert] = await deliver(sessions, item.checkin_id, DeliveryStatus.CLOSED, due)
    assert (alert.kind, alert.alerts_channel_id, alert.member_user_id) == (AlertKind.DMS_CLOSED, 55, 10)
    assert [r.status for r in await rows_of(sessions, member_id)] == [CheckInStatus.UNDELIVERABLE]
    assert (await member_row(sessions, member_id)).dms_closed_at is not None
    async with sessions() as session, session.begin():
        assert await checkins.members_without_schedule(session=session) == []  # not rescheduled at start-up


async def test_transient_failures_back_off_and_give_up_without_losing_the_rhythm(
    sessions: SessionMaker,
) -> None:
    await add_guild(sessions, quiet_hours_start=0, quiet_hours_end=0)
    member_id = await add_member(sessions, 10)
    now = await scheduled_due(sessions, member_id)
    assert now is not None
    waits = []
    for _ in range(checkins.MAX_ATTEMPTS):
        [item] = (await claim(sessions, now)).due
        await deliver(sessions, item.checkin_id, DeliveryStatus.RETRY, now)
        retry_at = await scheduled_due(sessions, member_id)
        assert retry_at is not None
        waits.append(retry_at - now)
        now = retry_at
    assert waits[0] == timedelta(minutes=1) and waits == sorted(waits)
    rows = await rows_of(sessions, member_id)
    assert rows[0].status == CheckInStatus.CANCELLED and rows[0].attempts == checkins.MAX_ATTEMPTS
    next_due = await scheduled_due(sessions, member_id)
    assert next_due is not None and next_due - START > timedelta(days=20)  # the next regular one


async def test_answers_are_stored_per_dimension_and_done_needs_all_six(sessions: SessionMaker) -> None:
    await add_guild(sessions, quiet_hours_start=0, quiet_hours_end=0)
    member_id = await add_member(sessions, 10, scores=4, paths=("coalitions",))
    await add_mentor(sessions, member_id, 11)
    due = await scheduled_due(sessions, member_id)
    [item] = (await claim(sessions, due)).due
    await deliver(sessions, item.checkin_id, DeliveryStatus.SENT, due)
    now = START + timedelta(days=15)

    async def score(dimension: str, value: int) -> checkins.CheckInState:
        async with sessions() as session, session.begin():
            return await checkins.record_score(
                session=session,
                checkin_id=item.checkin_id,
                user_id=10,
                dimension=dimension,
                score=value,
                now=now,
            )

    assert (await score("time", 1)).scores == {"time": 1}
    assert (await score("time", 4)).scores == {"time": 4}  # changing an answer replaces it
    with pytest.raises(GroundworkError):
        await score("time", 6)
    with pytest.raises(GroundworkError):
        await score("charisma", 3)
    with pytest.raises(GroundworkError):  # someone else's check-in
        async with sessions() as session, session.begin():
            await checkins.record_score(
                session=session, checkin_id=item.checkin_id, user_id=99, dimension="time", score=3, now=now
            )
    async with sessions() as session, session.begin():
        early = await checkins.complete(session=session, checkin_id=item.checkin_id, user_id=10, now=now)
    assert early.state.status == CheckInStatus.SENT and len(early.state.missing) == 5
    for dimension in ("resources", "speaking_confidence", "political_informedness", "articulation"):
        await score(dimension, 4)
    await score("local_awareness", 2)
    async with sessions() as session, session.begin():
        await checkins.record_note(
            session=session, checkin_id=item.checkin_id, user_id=10, note="  met the tenants  ", now=now
        )
        done = await checkins.complete(session=session, checkin_id=item.checkin_id, user_id=10, now=now)
    assert done.state.status == CheckInStatus.ANSWERED and done.state.note == "met the tenants"
    assert done.drops == (checkins.Drop(ReadinessDimension.LOCAL_AWARENESS, 4, 2),)
    assert done.suggestion.dimension == ReadinessDimension.LOCAL_AWARENESS
    assert done.mentor_user_id == 11
    [alert] = done.alerts
    assert alert.kind == AlertKind.DROP and alert.mentor_user_id == 11
    async with sessions() as session:
        answers = (
            (
                await session.execute(
                    select(ReadinessAnswer).where(ReadinessAnswer.checkin_id == item.checkin_id)
                )
            )
            .scalars()
            .all()
        )
        assert len(answers) == 6 and all(a.answered_at == now for a in answers)
    with pytest.raises(CheckInClosedError) as closed:
        await score("time", 3)
    assert closed.value.status == CheckInStatus.ANSWERED


async def test_skip_resets_the_missed_count(sessions: SessionMaker) -> None:
    await add_guild(sessions, quiet_hours_start=0, quiet_hours_end=0)
    member_id = await add_member(sessions, 10)
    async with sessions() as session, session.begin():
        member = await session.get(Member, member_id)
        assert member is not None
        member.missed_checkins = 1
    due = await scheduled_due(sessions, member_id)
    [item] = (await claim(sessions, due)).due
    await deliver(sessions, item.checkin_id, DeliveryStatus.SENT, due)
    async with sessions() as session, session.begin():
        next_due = await checkins.skip(session=session, checkin_id=item.checkin_id, user_id=10, now=due)  # type: ignore[arg-type]
    assert next_due == await scheduled_due(sessions, member_id)
    assert (await member_row(sessions, member_id)).missed_checkins == 0


async def test_cadence_pause_resume_and_now(sessions: SessionMaker) -> None:
    member_id = await add_member(sessions, 10)
    now = START + timedelta(days=2)
    async with sessions() as session, session.begin():
        plan = await checkins.set_cadence(
            session=session, guild_id=GUILD, user_id=10, cadence_days=7, local_hour=9, now=now
        )
    assert (plan.cadence_days, plan.local_hour) == (7, 9)
    assert plan.next_due is not None and plan.next_due.date() == date(2026, 12, 2) and plan.next_due.hour == 9
    with pytest.raises(GroundworkError):
        async with sessions() as session, session.begin():
            await checkins.set_cadence(
                session=session, guild_id=GUILD, user_id=10, cadence_days=10, local_hour=None, now=now
            )

    async with sessions() as session, session.begin():
        paused = await checkins.pause(session=session, guild_id=GUILD, user_id=10, until=None, now=now)
    assert paused.paused and paused.next_due is None
    async with sessions() as session, session.begin():
        resumed = (await checkins.resume(session=session, guild_id=GUILD, user_id=10, now=now)).schedule
    assert not resumed.paused and resumed.next_due == plan.next_due

    async with sessions() as session, session.begin():
        until = await checkins.pause(
            session=session, guild_id=GUILD, user_id=10, until=date(2027, 1, 20), now=now
        )
    assert until.next_due is not None and until.next_due.date() == date(2027, 1, 20)
    for bad in (date(2026, 11, 27), date(2028, 1, 1)):
        with pytest.raises(GroundworkError):
            async with sessions() as session, session.begin():
                await checkins.pause(session=session, guild_id=GUILD, user_id=10, until=bad, now=now)

    async with sessions() as session, session.begin():
        fresh = await checkins.start_now(session=session, guild_id=GUILD, user_id=10, now=now, worker="now")
    assert fresh.due is not None and fresh.due.kind == CheckInKind.ON_DEMAND
    await deliver(sessions, fresh.due.checkin_id, DeliveryStatus.SENT, now)
    async with sessions() as session, session.begin():
        again = await checkins.start_now(session=session, guild_id=GUILD, user_id=10, now=now, worker="now")
    assert again.due is None and again.open_message_id == fresh.due.checkin_id
    assert await scheduled_due(sessions, member_id) == until.next_due  # an extra one leaves the schedule


async def test_history_for_the_member_and_their_mentor_only(sessions: SessionMaker) -> None:
    member_id = await add_member(sessions, 10, scores=2)
    await add_mentor(sessions, member_id, 11)
    await add_member(sessions, 12)
    async with sessions() as session, session.begin():
        from tests.integration.test_checkins_support import answered

        for week in range(1, 4):
            await answered(
                session, member_id, dict.fromkeys(checkins.DIMENSIONS, 2 + week), START + timedelta(weeks=week),
                kind=CheckInKind.SCHEDULED,
            )  # fmt: skip
    async with sessions() as session:
        own = await checkins.history(session=session, guild_id=GUILD, viewer_user_id=10)
        seen = await checkins.history(session=session, guild_id=GUILD, viewer_user_id=11, member_user_id=10)
        assert [p.scores["time"] for p in own.points] == [2, 3, 4, 5] and own.own
        assert seen.points == own.points and not seen.own and seen.user_id == 10
        assert own.gaps == []
        short = await checkins.history(session=session, guild_id=GUILD, viewer_user_id=10, limit=2)
        assert [p.scores["time"] for p in short.points] == [4, 5]
        with pytest.raises(NotAllowedError):
            await checkins.history(session=session, guild_id=GUILD, viewer_user_id=12, member_user_id=10)


async def test_skipped_and_missed_check_ins_between_answers_are_the_trends_gaps(
    sessions: SessionMaker,
) -> None:
    member_id = await add_member(sessions, 10, scores=2)
    async with sessions() as session, session.begin():
        from tests.integration.test_checkins_support import answered

        await answered(
            session,
            member_id,
            dict.fromkeys(checkins.DIMENSIONS, 3),
            START + timedelta(weeks=1),
            kind=CheckInKind.SCHEDULED,
        )
        for week, status in ((2, CheckInStatus.SKIPPED), (3, CheckInStatus.MISSED)):
            session.add(
                ReadinessCheckIn(
                    member_id=member_id,
                    kind=CheckInKind.SCHEDULED,
                    status=status,
                    due_at=START + timedelta(weeks=week),
                )
            )
        await answered(
            session,
            member_id,
            dict.fromkeys(checkins.DIMENSIONS, 4),
            START + timedelta(weeks=4),
            kind=CheckInKind.SCHEDULED,
        )
    async with sessions() as session:
        trend = await checkins.history(session=session, guild_id=GUILD, viewer_user_id=10)
    assert trend.gaps == [START + timedelta(weeks=2), START + timedelta(weeks=3)]
    assert (trend.skipped, trend.missed) == (1, 1)


async def test_the_same_weakest_dimension_again_gets_a_new_step(sessions: SessionMaker) -> None:
    await add_guild(sessions, quiet_hours_start=0, quiet_hours_end=0)
    member_id = await add_member(sessions, 10, scores=4, paths=("coalitions",))
    low_local = {**dict.fromkeys(checkins.DIMENSIONS, 4), ReadinessDimension.LOCAL_AWARENESS: 2}
    async with sessions() as session, session.begin():
        from tests.integration.test_checkins_support import answered

        await answered(session, member_id, low_local, START + timedelta(days=3), kind=CheckInKind.SCHEDULED)
    due = await scheduled_due(sessions, member_id)
    [item] = (await claim(sessions, due)).due
    await deliver(sessions, item.checkin_id, DeliveryStatus.SENT, due)
    now = START + timedelta(days=15)
    async with sessions() as session, session.begin():
        for dimension, value in low_local.items():
            await checkins.record_score(
                session=session,
                checkin_id=item.checkin_id,
                user_id=10,
                dimension=dimension,
                score=value,
                now=now,
            )
        done = await checkins.complete(session=session, checkin_id=item.checkin_id, user_id=10, now=now)
    # Local awareness at 2 was suggested last time too: this time it is its next step.
    assert done.suggestion.dimension == ReadinessDimension.LOCAL_AWARENESS
    assert done.suggestion.level == checkins.StepLevel.START and done.suggestion.variant == 1
