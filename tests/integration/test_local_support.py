"""Helpers for the local-life service tests: members onboarded through the real conversation,
offers answered, neighbours introduced. (No tests here; the other test_local_* modules use it.)"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.config import GuildDefaults
from bot.services import circles, members, neighbours, pairing, practice
from bot.services.gazetteer import get_gazetteer
from bot.services.members import get_member
from db.engine import SessionMaker
from db.enums import Answer, OfferStatus
from db.models import Member
from tests.support.onboarding import Answers, run_conversation

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
GUILD = 1000
DEFAULTS = GuildDefaults(auto_confirm_organizers=True, radius_km=40)


async def onboard(sessions: SessionMaker, user_id: int, place: str, **answers: Any) -> int:
    """A member who went through onboarding; returns their member id."""
    completion = await run_conversation(
        sessions,
        get_gazetteer(),
        guild_id=GUILD,
        user_id=user_id,
        now=NOW,
        answers=Answers(place=place, **answers),
        defaults=DEFAULTS,
    )
    return completion.member_id


async def organizer(sessions: SessionMaker, user_id: int, place: str) -> int:
    return await onboard(sessions, user_id, place, experience="experienced", mentor_capacity=2)


async def offer(sessions: SessionMaker, member_id: int) -> neighbours.Offer | None:
    async with sessions() as session, session.begin():
        return await neighbours.make_offer(session=session, member_id=member_id, now=NOW)


async def accept(sessions: SessionMaker, offer_id: int, user_id: int) -> list[neighbours.Ask]:
    async with sessions() as session, session.begin():
        return await neighbours.answer_offer(
            session=session, offer_id=offer_id, user_id=user_id, answer=OfferStatus.ACCEPTED, now=NOW
        )


async def answer(
    sessions: SessionMaker, ask: neighbours.Ask, yes: bool = True, *, mute: bool = False
) -> neighbours.Answered:
    async with sessions() as session, session.begin():
        return await neighbours.answer_introduction(
            session=session,
            introduction_id=ask.introduction_id,
            user_id=ask.neighbour_user_id,
            answer=Answer.YES if yes else Answer.NO,
            mute=mute,
            now=NOW,
        )


async def introduction(sessions: SessionMaker, answered: neighbours.Answered) -> neighbours.Introduction:
    """What the introduction both said yes to says, as the outbox reads it."""
    assert answered.introduction_id is not None
    async with sessions() as session:
        intro = await neighbours.introduction_due(session=session, introduction_id=answered.introduction_id)
    assert intro is not None
    return intro


async def meet_everyone(sessions: SessionMaker, member_id: int, user_id: int) -> list[neighbours.Answered]:
    """The member accepts the offer and every neighbour says yes."""
    made = await offer(sessions, member_id)
    assert made is not None
    return [await answer(sessions, ask) for ask in await accept(sessions, made.offer_id, user_id)]


async def member_row(sessions: SessionMaker, user_id: int) -> Member:
    async with sessions() as session:
        member = await get_member(session=session, guild_id=GUILD, user_id=user_id)
        assert member is not None
        return member


async def leave_server(sessions: SessionMaker, user_id: int) -> None:
    """What the bot does when someone leaves: the member row is marked, their threads called off."""
    async with sessions() as session, session.begin():
        await members.record_leave(session=session, guild_id=GUILD, user_id=user_id, now=NOW)
        await neighbours.member_left(session=session, guild_id=GUILD, user_id=user_id)
        await circles.leave(session=session, guild_id=GUILD, user_id=user_id, now=NOW)
        await practice.member_left(session=session, guild_id=GUILD, user_id=user_id)


async def mentor(sessions: SessionMaker, member_user: int, mentor_user: int) -> None:
    async with sessions() as session, session.begin():
        await pairing.pair_manually(
            session=session,
            guild_id=GUILD,
            member_user_id=member_user,
            mentor_user_id=mentor_user,
            actor_id=1,
            now=NOW,
        )


async def proposed_circle(sessions: SessionMaker) -> int:
    """Members onboard in Leeds, Bradford and Harrogate (user ids 1, 2, 3), each meets the ones
    before, and the sweep proposes them as a circle; returns its id."""
    ids = []
    for user_id, place in ((1, "Leeds"), (2, "Bradford"), (3, "Harrogate")):
        ids.append(await onboard(sessions, user_id, place))
        if len(ids) > 1:
            await meet_everyone(sessions, ids[-1], user_id)
    async with sessions() as session, session.begin():
        [proposal] = (await circles.sweep(session=session, guild_id=GUILD, now=NOW)).proposals
    return proposal.circle_id
