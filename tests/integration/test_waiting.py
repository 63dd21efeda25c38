"""Where a member stands on the list for a mentor, and how long that is likely to take."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.services import pairing, waiting
from bot.services.gazetteer import Gazetteer
from db.engine import SessionMaker
from db.models import GuildSettings, Member, Mentorship
from tests.integration.test_pairing_service import GUILD, NOW, _member, _organizer, gazetteer

__all__ = ["gazetteer"]

DAY = timedelta(days=1)


async def _member_id(sessions: SessionMaker, user_id: int) -> int:
    async with sessions() as session:
        found = (await session.execute(select(Member.id).where(Member.user_id == user_id))).scalar_one()
    return int(found)


async def _wait(sessions: SessionMaker, user_id: int) -> waiting.MentorWait | None:
    async with sessions() as session:
        return await waiting.mentor_wait(
            session=session,
            guild_id=GUILD,
            member_id=await _member_id(sessions, user_id),
            now=NOW,
            batch_every=DAY,
        )


async def _request(sessions: SessionMaker, user_id: int, minutes_ago: int) -> None:
    async with sessions() as session, session.begin():
        await pairing.request_mentor(
            session=session, guild_id=GUILD, user_id=user_id, now=NOW - timedelta(minutes=minutes_ago)
        )


def test_the_expected_wait() -> None:
    assert waiting.expected_wait(1, 1, 0.0, batch_every=DAY) == DAY  # a place is free: the next batch
    assert waiting.expected_wait(3, 1, 2.0, batch_every=DAY) == DAY + timedelta(weeks=1)
    assert waiting.expected_wait(2, 0, 0.0, batch_every=DAY) is None  # nothing to go on
    wait = waiting.MentorWait(2, 2, 0, 0.0, None)
    assert not wait.within(timedelta(days=7))
    assert waiting.MentorWait(1, 1, 1, 0.0, DAY).within(timedelta(days=7))


async def test_position_free_places_and_pace(sessions: SessionMaker, gazetteer: Gazetteer) -> None:
    await _organizer(sessions, gazetteer, 100, "Manchester", capacity=1)
    for user_id, town in ((1, "Leeds"), (2, "York"), (3, "Hull")):
        await _member(sessions, gazetteer, user_id, town)
    await _request(sessions, 2, minutes_ago=30)  # asked first
    await _request(sessions, 1, minutes_ago=20)
    await _request(sessions, 3, minutes_ago=10)
    first, second, third = [await _wait(sessions, user_id) for user_id in (2, 1, 3)]
    assert first is not None and second is not None and third is not None
    assert (first.position, second.position, third.position) == (1, 2, 3)
    assert first.waiting == 3 and first.free_places == 1
    assert first.expected == DAY  # the free place
    assert second.expected is None  # no mentorship begun lately: nothing to go on
    assert await _wait(sessions, 100) is None  # the organizer does not wait

    # The first is proposed the free place, and it begins: one mentorship in four weeks.
    async with sessions() as session, session.begin():
        await pairing.propose_for(session=session, guild_id=GUILD, user_id=2, now=NOW)
        await session.execute(update(Mentorship).values(introduced_at=NOW - timedelta(days=3)))
    second, third = await _wait(sessions, 1), await _wait(sessions, 3)
    assert second is not None and third is not None
    assert (second.position, third.position, second.waiting) == (1, 2, 2)  # the first was proposed
    assert second.free_places == 0 and second.begun_per_week == pytest.approx(0.25)
    assert second.expected == DAY + timedelta(weeks=4)


async def test_the_wait_target_is_a_guild_setting(sessions: SessionMaker, gazetteer: Gazetteer) -> None:
    await _member(sessions, gazetteer, 1, "Leeds")
    async with sessions() as session, session.begin():
        assert await waiting.wait_target(session, GUILD) == timedelta(days=7)
        settings = await session.get(GuildSettings, GUILD)
        assert settings is not None
        settings.wait_target_days = 3
    async with sessions() as session:
        assert await waiting.wait_target(session, GUILD) == timedelta(days=3)


async def test_everyones_wait_at_once_is_each_members_wait(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    await _organizer(sessions, gazetteer, 100, "Manchester", capacity=1)
    for user_id, town in ((1, "Leeds"), (2, "York"), (3, "Hull"), (4, "Bradford")):
        await _member(sessions, gazetteer, user_id, town)
    await _request(sessions, 2, minutes_ago=30)
    await _request(sessions, 1, minutes_ago=20)
    await _request(sessions, 3, minutes_ago=20)  # the same minute as 1: the member id decides
    async with sessions() as session:
        everyone = await waiting.mentor_waits(session=session, guild_id=GUILD, now=NOW, batch_every=DAY)
    each = {await _member_id(sessions, u): await _wait(sessions, u) for u in (1, 2, 3, 4)}
    assert everyone == {member_id: wait for member_id, wait in each.items() if wait is not None}
    assert len(everyone) == 3  # 4 does not wait
