"""Practice partners through the service layer: pairing by time zone, the suggested time,
"did it happen?" once a day after, and what a partner learns of the other."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.errors import GroundworkError, NotAllowedError
from bot.services import practice
from db.engine import SessionMaker
from db.enums import ActivityKind, PracticeStatus
from db.models import ActivityEntry, PracticeRequest
from tests.integration.test_local_support import GUILD, NOW, leave_server, onboard

LEEDS, LYON, TOKYO, SECRET = 1, 2, 3, 4


async def _ask(sessions: SessionMaker, user_id: int, path: str | None = None) -> practice.Requested:
    async with sessions() as session, session.begin():
        return await practice.request(session=session, guild_id=GUILD, user_id=user_id, path=path, now=NOW)


def test_the_suggested_time_is_in_both_evenings() -> None:
    at = practice.suggest_slot("Europe/London", "Europe/Paris", NOW)
    assert at >= NOW + timedelta(hours=12)
    for zone in ("Europe/London", "Europe/Paris"):
        assert 18 <= at.astimezone(ZoneInfo(zone)).hour < 21


def test_with_no_shared_evening_the_time_falls_in_both_daytimes() -> None:
    at = practice.suggest_slot("America/New_York", "Europe/Berlin", NOW)
    hours = [at.astimezone(ZoneInfo(z)).hour for z in ("America/New_York", "Europe/Berlin")]
    assert all(9 <= h < 21 for h in hours)
    # Half-hour zones and unknown zones work too.
    assert practice.suggest_slot("Asia/Kolkata", None, NOW).tzinfo is not None
    assert practice.suggest_slot("Not/AZone", "UTC", datetime(2026, 1, 1, tzinfo=UTC)).minute == 0


async def test_two_members_in_close_time_zones_are_paired_and_far_ones_wait(sessions: SessionMaker) -> None:
    await onboard(sessions, LEEDS, "Leeds", paths=["run_for_office"])
    await onboard(sessions, TOKYO, "Tokyo")
    await onboard(sessions, LYON, "Lyon", sharing="region")
    first = await _ask(sessions, LEEDS)
    assert first.match is None and not first.already_waiting
    assert (await _ask(sessions, TOKYO)).match is None  # 9 hours away from Leeds
    again = await _ask(sessions, LEEDS)
    assert again.already_waiting and again.request_id == first.request_id
    paired = await _ask(sessions, LYON, "discussion_group")
    match = paired.match
    assert match is not None
    assert [s.user_id for s in match.sides] == [LEEDS, LYON]
    assert [s.path for s in match.sides] == ["run_for_office", "discussion_group"]
    assert match.sides[0].timezone == "Europe/London"
    assert match.sides[0].local_start == match.suggested_at.astimezone(ZoneInfo("Europe/London"))


async def test_a_partner_never_learns_the_time_zone_of_a_member_who_shares_nothing(
    sessions: SessionMaker,
) -> None:
    await onboard(sessions, SECRET, "Leeds", sharing="nothing")
    await onboard(sessions, LYON, "Lyon")
    await _ask(sessions, SECRET)
    match = (await _ask(sessions, LYON)).match
    assert match is not None
    secret = next(s for s in match.sides if s.user_id == SECRET)
    assert secret.timezone is None and secret.local_start is None


async def test_both_are_asked_a_day_after_and_a_yes_counts_as_activity(sessions: SessionMaker) -> None:
    await onboard(sessions, LEEDS, "Leeds")
    await onboard(sessions, LYON, "Lyon")
    await _ask(sessions, LEEDS)
    match = (await _ask(sessions, LYON)).match
    assert match is not None
    async with sessions() as session, session.begin():
        assert await practice.due_followups(session=session, now=match.suggested_at) == []
    later = match.suggested_at + timedelta(days=1)
    async with sessions() as session, session.begin():
        due = await practice.due_followups(session=session, now=later)
    assert {(f.user_id, f.partner_user_id) for f in due} == {(LEEDS, LYON), (LYON, LEEDS)}
    async with sessions() as session, session.begin():
        assert await practice.due_followups(session=session, now=later) == []  # asked once
    by_user = {f.user_id: f for f in due}
    with pytest.raises(NotAllowedError):
        async with sessions() as session, session.begin():
            await practice.answer_followup(
                session=session, request_id=by_user[LEEDS].request_id, user_id=LYON, happened=True, now=later
            )
    for user_id, happened in ((LEEDS, True), (LYON, False)):
        async with sessions() as session, session.begin():
            await practice.answer_followup(
                session=session,
                request_id=by_user[user_id].request_id,
                user_id=user_id,
                happened=happened,
                now=later,
            )
    with pytest.raises(GroundworkError):
        async with sessions() as session, session.begin():
            await practice.answer_followup(
                session=session, request_id=by_user[LEEDS].request_id, user_id=LEEDS, happened=True, now=later
            )
    async with sessions() as session:
        entries = (await session.execute(select(ActivityEntry.kind, ActivityEntry.source))).all()
    assert entries == [(ActivityKind.PRACTICE_CALL, "practice")]


async def test_stopping_and_leaving_take_a_member_off_the_list(sessions: SessionMaker) -> None:
    await onboard(sessions, LEEDS, "Leeds")
    await onboard(sessions, LYON, "Lyon")
    waiting = await _ask(sessions, LEEDS)
    with pytest.raises(NotAllowedError):
        async with sessions() as session, session.begin():
            await practice.cancel(session=session, request_id=waiting.request_id, user_id=LYON)
    async with sessions() as session, session.begin():
        await practice.cancel(session=session, request_id=waiting.request_id, user_id=LEEDS)
    assert (await _ask(sessions, LYON)).match is None
    await leave_server(sessions, LYON)
    async with sessions() as session:
        statuses = (
            await session.execute(select(PracticeRequest.status).order_by(PracticeRequest.id))
        ).scalars()
        assert list(statuses) == [PracticeStatus.CANCELLED, PracticeStatus.CANCELLED]


async def test_only_onboarded_members_may_ask(sessions: SessionMaker) -> None:
    await onboard(sessions, LEEDS, "Leeds")
    with pytest.raises(GroundworkError):
        await _ask(sessions, 999)
