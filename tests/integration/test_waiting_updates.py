"""Honest waiting (issue 17 items 5 and 6): a waiting member is told where they stand, hears again
when it changes (once, and not after they are proposed a mentor, across restarts), and moderators
see what would reach everyone within the wait target."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import pairing, privacy, waiting
from bot.services.gazetteer import Gazetteer
from bot.services.waiting import Meanwhile
from db.engine import SessionMaker
from db.enums import BuddyStatus, CircleStatus, WaitBucket
from db.models import BuddyGroup, BuddyMember, BuddyOptOut, Circle, Member, WaitNotice
from tests.integration.test_pairing_service import GUILD, NOW, _member, _organizer, gazetteer

__all__ = ["gazetteer"]

DAY = timedelta(days=1)
LEEDS, YORK, HULL = 1, 2, 3


async def _told(
    session: AsyncSession, user_id: int, news: waiting.WaitNews = waiting.WaitNews.SHOWN
) -> waiting.WaitUpdate | None:
    return await waiting.tell_standing(
        session=session, guild_id=GUILD, user_id=user_id, now=NOW, batch_every=DAY, news=news
    )


async def _ask(sessions: SessionMaker, user_id: int, minutes_ago: int) -> waiting.WaitUpdate | None:
    """The member asks (as /mentor request does when nobody is proposed at once) and is told."""
    when = NOW - timedelta(minutes=minutes_ago)
    async with sessions() as session, session.begin():
        await pairing.request_mentor(session=session, guild_id=GUILD, user_id=user_id, now=when)
        return await _told(session, user_id, waiting.WaitNews.REQUESTED)


async def _due(sessions: SessionMaker, after: timedelta) -> dict[int, waiting.WaitUpdate]:
    async with sessions() as session, session.begin():
        updates = await waiting.due_updates(session=session, guild_id=GUILD, now=NOW + after, batch_every=DAY)
    return {update.user_id: update for update in updates}


async def _three_waiting(sessions: SessionMaker, gazetteer: Gazetteer) -> list[waiting.WaitUpdate]:
    await _organizer(sessions, gazetteer, 100, "Manchester", capacity=1)
    for user_id, town in ((LEEDS, "Leeds"), (YORK, "York, England"), (HULL, "Hull, England")):
        await _member(sessions, gazetteer, user_id, town)
    told = [
        await _ask(sessions, user_id, minutes_ago)
        for user_id, minutes_ago in ((LEEDS, 30), (YORK, 20), (HULL, 10))
    ]
    assert all(update is not None for update in told)
    return [update for update in told if update is not None]


async def test_a_member_is_told_where_they_stand(sessions: SessionMaker, gazetteer: Gazetteer) -> None:
    first, second, third = await _three_waiting(sessions, gazetteer)
    assert (first.wait.position, second.wait.position, third.wait.position) == (1, 2, 3)
    assert first.bucket == WaitBucket.ROOM and first.wait.expected == DAY  # the free place
    assert second.bucket == third.bucket == WaitBucket.UNKNOWN  # no free place, none begun lately
    assert first.news == waiting.WaitNews.REQUESTED
    # Alone in their towns, in no circle: practice partners and the log meanwhile.
    assert first.meanwhile == (waiting.Meanwhile.PRACTICE, waiting.Meanwhile.LOG)
    async with sessions() as session:
        notices = (await session.execute(select(WaitNotice).order_by(WaitNotice.position))).scalars().all()
    assert [(n.position, n.bucket) for n in notices] == [
        (1, WaitBucket.ROOM),
        (2, WaitBucket.UNKNOWN),
        (3, WaitBucket.UNKNOWN),
    ]
    # Not waiting: the organizer, and nobody unknown.
    async with sessions() as session, session.begin():
        for user_id in (100, 999):
            assert await _told(session, user_id) is None


async def test_they_hear_again_once_when_their_wait_changes(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    await _three_waiting(sessions, gazetteer)
    assert await _due(sessions, timedelta(hours=2)) == {}  # just told
    assert await _due(sessions, 2 * DAY) == {}  # nothing changed

    # A second organizer with two places: York and Hull now have a free place.
    await _organizer(sessions, gazetteer, 101, "Sheffield", capacity=2)
    changed = await _due(sessions, 2 * DAY)
    assert set(changed) == {YORK, HULL}
    assert all(u.news == waiting.WaitNews.CHANGED and u.bucket == WaitBucket.ROOM for u in changed.values())
    assert (changed[YORK].wait.position, changed[HULL].wait.position) == (2, 3)
    # Told: a second run (another process, or after a restart) sends nothing again.
    assert await _due(sessions, 2 * DAY + timedelta(hours=1)) == {}
    assert await _due(sessions, 5 * DAY) == {}

    # Hull is proposed a mentor: no more updates for them; the others hear after two weeks.
    async with sessions() as session, session.begin():
        assert await pairing.propose_for(session=session, guild_id=GUILD, user_id=HULL, now=NOW + 5 * DAY)
    later = await _due(sessions, 17 * DAY)
    assert set(later) == {LEEDS, YORK}
    assert later[LEEDS].news == waiting.WaitNews.STILL_WAITING  # told at NOW, 17 days ago
    assert await _due(sessions, 17 * DAY + timedelta(hours=3)) == {}


async def test_a_member_never_told_hears_once_and_not_in_quiet_hours(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    await _member(sessions, gazetteer, LEEDS, "Leeds")
    async with sessions() as session, session.begin():  # asked before honest waiting existed
        await pairing.request_mentor(session=session, guild_id=GUILD, user_id=LEEDS, now=NOW - 3 * DAY)
    # 23:00 in Leeds: inside the guild's quiet hours (22-8).
    assert await _due(sessions, timedelta(hours=11)) == {}
    morning = await _due(sessions, timedelta(hours=21))  # 09:00 in Leeds
    assert morning[LEEDS].news == waiting.WaitNews.STILL_WAITING
    assert morning[LEEDS].bucket == WaitBucket.UNKNOWN
    assert await _due(sessions, timedelta(hours=22)) == {}


async def test_a_rejected_proposal_puts_them_back_on_the_list(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    await _organizer(sessions, gazetteer, 100, "Manchester", capacity=1)
    await _member(sessions, gazetteer, LEEDS, "Leeds")
    async with sessions() as session, session.begin():
        await pairing.request_mentor(session=session, guild_id=GUILD, user_id=LEEDS, now=NOW)
        proposal = await pairing.propose_for(session=session, guild_id=GUILD, user_id=LEEDS, now=NOW)
        assert proposal is not None
        assert await _told(session, LEEDS) is None  # proposed: not waiting
    async with sessions() as session, session.begin():
        await pairing.decide(
            session=session, mentorship_id=proposal.mentorship_id, actor_id=9, approve=False, now=NOW
        )
        back = await _told(session, LEEDS, waiting.WaitNews.NOT_CONFIRMED)
    assert back is not None and back.wait.position == 1 and back.bucket == WaitBucket.ROOM


async def test_the_capacity_plan(sessions: SessionMaker, gazetteer: Gazetteer) -> None:
    async with sessions() as session:
        empty = await waiting.capacity_plan(session=session, guild_id=GUILD, now=NOW, batch_every=DAY)
    assert (empty.waiting, empty.free_places, empty.organizers_needed, empty.capacity) == (0, 0, 0, 2)
    await _organizer(sessions, gazetteer, 100, "Manchester", capacity=3)
    await _organizer(sessions, gazetteer, 101, "Sheffield", capacity=3)
    towns = (
        "Leeds",
        "York, England",
        "Hull, England",
        "Bradford",
        "Wakefield",
        "Harrogate",
        "Lincoln",
        "Scarborough",
    )
    for user_id, town in enumerate(towns, start=1):
        await _member(sessions, gazetteer, user_id, town)
        async with sessions() as session, session.begin():
            await pairing.request_mentor(
                session=session, guild_id=GUILD, user_id=user_id, now=NOW - timedelta(minutes=user_id)
            )
    async with sessions() as session:
        plan = await waiting.capacity_plan(session=session, guild_id=GUILD, now=NOW, batch_every=DAY)
    assert (plan.waiting, plan.free_places, plan.begun_per_week) == (8, 6, 0.0)
    assert plan.last_expected is None  # the last two have no place and there is no pace
    assert plan.target == timedelta(days=7) and plan.capacity == 3
    assert plan.organizers_needed == 1  # one more organizer of 3 places takes the last two


async def test_deleting_a_member_removes_their_notice(sessions: SessionMaker, gazetteer: Gazetteer) -> None:
    await _member(sessions, gazetteer, LEEDS, "Leeds")
    await _ask(sessions, LEEDS, 0)
    async with sessions() as session, session.begin():
        member = (await session.execute(select(Member).where(Member.user_id == LEEDS))).scalar_one()
        await session.delete(member)
    async with sessions() as session:
        assert (await session.execute(select(WaitNotice))).scalars().all() == []


async def test_the_privacy_export_shows_what_they_were_told(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    await _member(sessions, gazetteer, LEEDS, "Leeds")
    async with sessions() as session:
        assert (await privacy.everything_about(session=session, guild_id=GUILD, user_id=LEEDS))[
            "mentor_wait_notice"
        ] is None
    await _ask(sessions, LEEDS, 0)
    async with sessions() as session:
        exported = await privacy.everything_about(session=session, guild_id=GUILD, user_id=LEEDS)
    assert exported["mentor_wait_notice"] == {"wait": "unknown", "position": 1, "told_at": NOW.isoformat()}


async def _meanwhile(sessions: SessionMaker, user_id: int) -> tuple[waiting.Meanwhile, ...]:
    async with sessions() as session, session.begin():
        update = await _told(session, user_id)
    assert update is not None
    return update.meanwhile


async def test_what_they_can_do_meanwhile(sessions: SessionMaker, gazetteer: Gazetteer) -> None:
    await _member(sessions, gazetteer, LEEDS, "Leeds")
    await _ask(sessions, LEEDS, 0)
    # Alone, no free place: a buddy may come if the wait runs long; practice and the log now.
    assert await _meanwhile(sessions, LEEDS) == (Meanwhile.BUDDY_LATER, Meanwhile.PRACTICE, Meanwhile.LOG)
    async with sessions() as session, session.begin():
        member = (await session.execute(select(Member).where(Member.user_id == LEEDS))).scalar_one()
        member.neighbour_offers_muted = True
        session.add(
            Circle(
                guild_id=GUILD,
                name="Leeds",
                status=CircleStatus.OPEN,
                latitude=53.8,
                longitude=-1.55,
                radius_km=50,
            )
        )
        group = BuddyGroup(guild_id=GUILD, status=BuddyStatus.OFFERED, offer_expires_at=NOW + DAY)
        session.add(group)
        await session.flush()
        session.add(BuddyMember(group_id=group.id, member_id=member.id))
        member_id = member.id
    assert await _meanwhile(sessions, LEEDS) == (
        Meanwhile.NEAR_CIRCLE,
        Meanwhile.BUDDY,
        Meanwhile.NEIGHBOURS,
        Meanwhile.PRACTICE,
        Meanwhile.LOG,
    )
    async with sessions() as session, session.begin():
        await session.execute(update(BuddyGroup).values(status=BuddyStatus.DECLINED))
        session.add(BuddyOptOut(member_id=member_id, at=NOW))
    assert await _meanwhile(sessions, LEEDS) == (
        Meanwhile.NEAR_CIRCLE,
        Meanwhile.NEIGHBOURS,
        Meanwhile.PRACTICE,
        Meanwhile.LOG,
    )
