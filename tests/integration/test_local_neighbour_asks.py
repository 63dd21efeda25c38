"""Neighbours asked a handful at a time (bot/services/neighbours.py, `ASK_AT_ONCE`): the nearest
first, the next one in the place of each who says no, and of those who leave it unanswered for
`ASK_WAIT` (`asks_due`); a yes keeps its place, and a late yes still introduces."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.services import neighbours
from db.engine import SessionMaker
from db.enums import IntroductionStatus
from db.models import Member, NeighbourIntroduction
from tests.integration.test_local_support import NOW, accept, answer, offer, onboard

NEWCOMER = 700
# Seven neighbours of Leeds, nearest first (all within the guild's 40 km).
TOWNS = ("Morley", "Pudsey", "Batley", "Dewsbury", "Wakefield", "Bradford", "Harrogate")
NEAR = {701 + i: town for i, town in enumerate(TOWNS)}
LATER = NOW + neighbours.ASK_WAIT + timedelta(hours=1)


async def _world(sessions: SessionMaker) -> int:
    for user_id, town in NEAR.items():
        await onboard(sessions, user_id, town)
    return await onboard(sessions, NEWCOMER, "Leeds")


async def _asks_due(sessions: SessionMaker) -> list[neighbours.Ask]:
    async with sessions() as session, session.begin():
        return await neighbours.asks_due(session=session, now=LATER)


async def _asked_in_order(sessions: SessionMaker) -> list[int]:
    """The neighbours asked for the newcomer, as asked (user ids)."""
    async with sessions() as session:
        rows = await session.execute(
            select(Member.user_id)
            .join(NeighbourIntroduction, NeighbourIntroduction.neighbour_id == Member.id)
            .order_by(NeighbourIntroduction.id)
        )
    return list(rows.scalars())


async def test_only_a_handful_are_asked_at_once_the_nearest_first(sessions: SessionMaker) -> None:
    newcomer = await _world(sessions)
    made = await offer(sessions, newcomer)
    assert made is not None and made.neighbours == len(NEAR)  # the offer counts them all
    asks = await accept(sessions, made.offer_id, NEWCOMER)
    assert len(asks) == neighbours.ASK_AT_ONCE == 5
    assert [ask.neighbour_user_id for ask in asks] == list(NEAR)[:5]
    async with sessions() as session:
        distances = list(
            (
                await session.execute(
                    select(NeighbourIntroduction.distance_km).order_by(NeighbourIntroduction.id)
                )
            ).scalars()
        )
    assert distances == sorted(distances)


async def test_a_no_makes_room_for_the_next_nearest(sessions: SessionMaker) -> None:
    newcomer = await _world(sessions)
    made = await offer(sessions, newcomer)
    assert made is not None
    asks = await accept(sessions, made.offer_id, NEWCOMER)
    answered = await answer(sessions, asks[0], yes=False)
    assert answered.status == IntroductionStatus.DECLINED
    assert [ask.neighbour_user_id for ask in answered.asks] == [list(NEAR)[5]]
    # A yes keeps its place: nobody new is asked for it.
    assert (await answer(sessions, asks[1])).asks == ()
    # Nothing unanswered for long yet: nothing due.
    async with sessions() as session, session.begin():
        assert await neighbours.asks_due(session=session, now=NOW + timedelta(hours=1)) == []


async def test_asks_left_unanswered_make_room_and_a_late_yes_still_introduces(sessions: SessionMaker) -> None:
    newcomer = await _world(sessions)
    made = await offer(sessions, newcomer)
    assert made is not None
    asks = await accept(sessions, made.offer_id, NEWCOMER)
    await answer(sessions, asks[0])  # the nearest said yes: their place stays taken
    due = await _asks_due(sessions)
    assert [ask.neighbour_user_id for ask in due] == list(NEAR)[5:]  # all that are left
    assert await _asks_due(sessions) == []  # nobody is asked twice
    assert await _asked_in_order(sessions) == list(NEAR)
    late = await answer(sessions, asks[4])
    assert late.status == IntroductionStatus.INTRODUCED and late.introduction_id is not None


async def test_no_more_are_asked_once_a_handful_said_yes(sessions: SessionMaker) -> None:
    newcomer = await _world(sessions)
    made = await offer(sessions, newcomer)
    assert made is not None
    for ask in await accept(sessions, made.offer_id, NEWCOMER):
        assert (await answer(sessions, ask)).status == IntroductionStatus.INTRODUCED
    assert await _asks_due(sessions) == []
    assert await _asked_in_order(sessions) == list(NEAR)[:5]
