"""Neighbour introductions through the service layer: who is offered, who is asked, what each
side learns of the other, and every way it can stop (no, mute, someone leaving)."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select

from bot.errors import GroundworkError, NotAllowedError
from bot.services import neighbours
from db.engine import SessionMaker
from db.enums import IntroductionStatus, MemberStatus, OfferStatus
from db.models import AuditEntry, Member, NeighbourIntroduction
from tests.integration.test_local_support import (
    GUILD,
    NOW,
    accept,
    answer,
    introduction,
    leave_server,
    member_row,
    offer,
    onboard,
)

LEEDS, BRADFORD, HARROGATE, SECRET, REGIONAL, MUTED, HEBDEN = 1, 2, 3, 4, 5, 6, 7


async def test_the_offer_counts_only_neighbours_who_may_be_asked(sessions: SessionMaker) -> None:
    await onboard(sessions, LEEDS, "Leeds")
    await onboard(sessions, SECRET, "Leeds", sharing="nothing")  # never offered to others
    muted = await onboard(sessions, MUTED, "Bradford")
    async with sessions() as session, session.begin():
        (await session.get_one(Member, muted)).neighbour_offers_muted = True
    await onboard(sessions, 50, "London")  # far away
    newcomer = await onboard(sessions, HARROGATE, "Harrogate")
    made = await offer(sessions, newcomer)
    assert made is not None
    assert made.neighbours == 1 and made.radius_km == 40


async def test_a_member_alone_gets_no_offer_and_a_muted_member_gets_none_either(
    sessions: SessionMaker,
) -> None:
    alone = await onboard(sessions, LEEDS, "Leeds")
    assert await offer(sessions, alone) is None
    bradford = await onboard(sessions, BRADFORD, "Bradford")
    made = await offer(sessions, alone)
    assert made is not None
    async with sessions() as session, session.begin():
        await neighbours.answer_offer(
            session=session, offer_id=made.offer_id, user_id=LEEDS, answer=OfferStatus.MUTED, now=NOW
        )
    assert (await member_row(sessions, LEEDS)).neighbour_offers_muted
    assert await offer(sessions, alone) is None
    # ... and the muted member is not offered to others.
    assert await offer(sessions, bradford) is None


async def test_the_neighbour_learns_the_askers_area_only_as_shared_and_never_who_they_are(
    sessions: SessionMaker,
) -> None:
    await onboard(sessions, LEEDS, "Leeds", paths=["discussion_group"])
    regional = await onboard(sessions, REGIONAL, "Bradford", sharing="region")
    made = await offer(sessions, regional)
    assert made is not None
    [ask] = await accept(sessions, made.offer_id, REGIONAL)
    assert ask.neighbour_user_id == LEEDS
    assert ask.asker_area == "England, United Kingdom"
    assert "Bradford" not in repr(ask)
    assert REGIONAL not in dataclasses.astuple(ask)  # the asker is not named before both said yes


async def test_a_member_who_shares_nothing_can_still_ask_and_is_introduced_with_no_place(
    sessions: SessionMaker,
) -> None:
    await onboard(sessions, LEEDS, "Leeds")
    secret = await onboard(sessions, SECRET, "Bradford", sharing="nothing")
    made = await offer(sessions, secret)
    assert made is not None
    [ask] = await accept(sessions, made.offer_id, SECRET)
    assert ask.asker_area is None
    answered = await answer(sessions, ask)
    assert answered.status == IntroductionStatus.INTRODUCED
    intro = await introduction(sessions, answered)
    assert intro.requester.user_id == SECRET and intro.requester.area is None
    assert intro.neighbour.area == "Leeds, United Kingdom"
    assert "Bradford" not in repr(intro)


async def test_both_yes_introduces_them_with_shared_paths_and_it_is_audited(sessions: SessionMaker) -> None:
    await onboard(sessions, LEEDS, "Leeds", paths=["discussion_group", "community_life"])
    harrogate = await onboard(sessions, HARROGATE, "Harrogate", paths=["community_life"], sharing="region")
    made = await offer(sessions, harrogate)
    assert made is not None
    [ask] = await accept(sessions, made.offer_id, HARROGATE)
    answered = await answer(sessions, ask)
    intro = await introduction(sessions, answered)
    assert intro.shared_paths == ("community_life",)
    assert intro.requester.area == "England, United Kingdom"  # not Harrogate
    async with sessions() as session:
        actions = set((await session.execute(select(AuditEntry.action))).scalars())
    assert {"neighbours.offered", "neighbours.asked", "neighbours.introduced"} <= actions


async def test_a_no_is_final_the_pair_is_never_asked_again_either_way(sessions: SessionMaker) -> None:
    leeds = await onboard(sessions, LEEDS, "Leeds")
    bradford = await onboard(sessions, BRADFORD, "Bradford")
    made = await offer(sessions, bradford)
    assert made is not None
    [ask] = await accept(sessions, made.offer_id, BRADFORD)
    answered = await answer(sessions, ask, yes=False)
    assert answered.status == IntroductionStatus.DECLINED and answered.introduction_id is None
    assert await offer(sessions, bradford) is None
    assert await offer(sessions, leeds) is None
    with pytest.raises(GroundworkError):
        await answer(sessions, ask)  # a second click changes nothing


async def test_dont_ask_again_from_the_neighbour_mutes_them_and_declines_what_waits(
    sessions: SessionMaker,
) -> None:
    await onboard(sessions, LEEDS, "Leeds")
    bradford = await onboard(sessions, BRADFORD, "Bradford")
    harrogate = await onboard(sessions, HARROGATE, "Harrogate")
    asks = []
    for member_id, user_id in ((bradford, BRADFORD), (harrogate, HARROGATE)):
        made = await offer(sessions, member_id)
        assert made is not None
        asks += [a for a in await accept(sessions, made.offer_id, user_id) if a.neighbour_user_id == LEEDS]
    first, second = asks
    muted = await answer(sessions, first, yes=False, mute=True)
    assert muted.status == IntroductionStatus.DECLINED
    assert (await member_row(sessions, LEEDS)).neighbour_offers_muted
    with pytest.raises(GroundworkError):
        await answer(sessions, second)  # declined along with the mute


async def test_someone_who_leaves_mid_introduction_calls_it_off(sessions: SessionMaker) -> None:
    await onboard(sessions, LEEDS, "Leeds")
    bradford = await onboard(sessions, BRADFORD, "Bradford")
    made = await offer(sessions, bradford)
    assert made is not None
    [ask] = await accept(sessions, made.offer_id, BRADFORD)
    await leave_server(sessions, BRADFORD)
    with pytest.raises(GroundworkError):
        await answer(sessions, ask)
    async with sessions() as session:
        assert (await session.execute(select(NeighbourIntroduction.status))).scalar_one() == "cancelled"


async def test_an_asker_gone_without_notice_is_not_introduced(sessions: SessionMaker) -> None:
    """Even when the leave event was missed, the answer checks that both are still here."""
    await onboard(sessions, LEEDS, "Leeds")
    bradford = await onboard(sessions, BRADFORD, "Bradford")
    made = await offer(sessions, bradford)
    assert made is not None
    [ask] = await accept(sessions, made.offer_id, BRADFORD)
    async with sessions() as session, session.begin():
        (await session.get_one(Member, bradford)).status = MemberStatus.LEFT
    answered = await answer(sessions, ask)
    assert answered.status == IntroductionStatus.CANCELLED and answered.introduction_id is None


async def test_only_the_member_asked_may_answer(sessions: SessionMaker) -> None:
    await onboard(sessions, LEEDS, "Leeds")
    bradford = await onboard(sessions, BRADFORD, "Bradford")
    made = await offer(sessions, bradford)
    assert made is not None
    with pytest.raises(NotAllowedError):
        await accept(sessions, made.offer_id, LEEDS)  # not Leeds' offer
    [ask] = await accept(sessions, made.offer_id, BRADFORD)
    with pytest.raises(GroundworkError):
        await accept(sessions, made.offer_id, BRADFORD)  # answered already
    with pytest.raises(NotAllowedError):
        await answer(sessions, dataclasses.replace(ask, neighbour_user_id=BRADFORD))


async def test_offers_can_be_turned_back_on_after_dont_ask_again(sessions: SessionMaker) -> None:
    await onboard(sessions, LEEDS, "Leeds")
    bradford = await onboard(sessions, BRADFORD, "Bradford")
    async with sessions() as session, session.begin():
        await neighbours.set_offers(session=session, guild_id=GUILD, user_id=LEEDS, on=False, now=NOW)
    assert (await member_row(sessions, LEEDS)).neighbour_offers_muted
    assert await offer(sessions, bradford) is None  # nobody who may be asked near Bradford
    async with sessions() as session, session.begin():
        await neighbours.set_offers(session=session, guild_id=GUILD, user_id=LEEDS, on=True, now=NOW)
    assert not (await member_row(sessions, LEEDS)).neighbour_offers_muted
    made = await offer(sessions, bradford)
    assert made is not None and made.neighbours == 1
    with pytest.raises(GroundworkError):
        async with sessions() as session, session.begin():
            await neighbours.set_offers(session=session, guild_id=GUILD, user_id=999, on=True, now=NOW)
