"""Local circles through the service layer: proposals, review, names that keep secrets, joining
later, the nearest of two circles, and a circle everyone leaves."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from bot.errors import GroundworkError
from bot.services import activity, circles, neighbours, newcomers
from db.engine import SessionMaker
from db.enums import ActivityKind, CircleMemberStatus, CircleRole, CircleStatus
from db.models import Circle, CircleMember, NeighbourOffer
from tests.integration.test_local_support import (
    GUILD,
    NOW,
    leave_server,
    meet_everyone,
    member_row,
    onboard,
    organizer,
)

LEEDS, BRADFORD, HARROGATE, LATE, MANCHESTER_ORG, LONDON_ORG = 1, 2, 3, 4, 90, 91


async def _sweep(sessions: SessionMaker, when: datetime = NOW) -> circles.Sweep:
    async with sessions() as session, session.begin():
        return await circles.sweep(session=session, guild_id=GUILD, now=when)


async def _decide(sessions: SessionMaker, circle_id: int, approve: bool = True) -> circles.Decision:
    async with sessions() as session, session.begin():
        return await circles.decide(
            session=session, circle_id=circle_id, actor_id=4000, approve=approve, now=NOW
        )


async def _open_circles(sessions: SessionMaker, radius_km: float, *circles: tuple[str, float, float]) -> None:
    """Open circles (name, latitude, longitude) of the guild, as a moderator would have opened them."""
    async with sessions() as session, session.begin():
        session.add_all(
            Circle(
                guild_id=GUILD,
                name=name,
                status=CircleStatus.OPEN,
                latitude=lat,
                longitude=lon,
                radius_km=radius_km,
                proposed_at=NOW,
            )
            for name, lat, lon in circles
        )


async def _three_neighbours(sessions: SessionMaker, **sharing: str) -> list[int]:
    """Leeds, Bradford and Harrogate onboard and each meets the ones before; returns member ids."""
    ids = []
    for user_id, place in ((LEEDS, "Leeds"), (BRADFORD, "Bradford"), (HARROGATE, "Harrogate")):
        ids.append(await onboard(sessions, user_id, place, sharing=sharing.get(place, "town")))
        if len(ids) > 1:
            await meet_everyone(sessions, ids[-1], user_id)
    return ids


async def test_three_neighbours_who_said_yes_are_proposed_then_opened_with_the_nearest_organizer(
    sessions: SessionMaker,
) -> None:
    await organizer(sessions, LONDON_ORG, "London")
    await organizer(sessions, MANCHESTER_ORG, "Manchester")
    await _three_neighbours(sessions)
    found = await _sweep(sessions)
    [proposal] = found.proposals
    assert set(proposal.member_user_ids) == {LEEDS, BRADFORD, HARROGATE}
    assert proposal.name == "Leeds circle"
    assert proposal.organizer is not None and proposal.organizer.user_id == MANCHESTER_ORG
    assert await _sweep(sessions) == circles.Sweep((), ())  # proposed once

    decision = await _decide(sessions, proposal.circle_id)
    assert decision.opened and set(decision.member_user_ids) == {LEEDS, BRADFORD, HARROGATE}
    assert decision.organizer_user_id == MANCHESTER_ORG
    assert decision.paths == ("discussion_group",)
    async with sessions() as session:
        rows = (await session.execute(select(CircleMember.role, CircleMember.status))).all()
    assert sorted(rows) == [("member", "joined")] * 3 + [("organizer", "joined")]
    with pytest.raises(GroundworkError):
        await _decide(sessions, proposal.circle_id)  # already decided


async def test_members_who_never_said_yes_are_not_put_in_a_circle(sessions: SessionMaker) -> None:
    for user_id, place in ((LEEDS, "Leeds"), (BRADFORD, "Bradford"), (HARROGATE, "Harrogate")):
        await onboard(sessions, user_id, place)
    assert (await _sweep(sessions)).proposals == ()


async def test_the_name_does_not_reveal_the_town_of_members_who_share_only_their_region(
    sessions: SessionMaker,
) -> None:
    await _three_neighbours(sessions, Leeds="region", Bradford="region", Harrogate="region")
    [proposal] = (await _sweep(sessions)).proposals
    assert proposal.name == "England circle"
    for town in ("Leeds", "Bradford", "Harrogate"):
        assert town not in proposal.name


async def test_a_shared_town_is_used_only_if_no_region_only_member_lives_there(
    sessions: SessionMaker,
) -> None:
    await _three_neighbours(sessions, Leeds="region", Bradford="town", Harrogate="nothing")
    [proposal] = (await _sweep(sessions)).proposals
    assert proposal.name == "Bradford circle"


async def test_a_rejected_circle_is_not_proposed_again_for_thirty_days(sessions: SessionMaker) -> None:
    await _three_neighbours(sessions)
    [proposal] = (await _sweep(sessions)).proposals
    rejected = await _decide(sessions, proposal.circle_id, approve=False)
    assert not rejected.opened
    assert (await _sweep(sessions, NOW + timedelta(days=29))).proposals == ()
    assert len((await _sweep(sessions, NOW + timedelta(days=31))).proposals) == 1


async def test_a_circle_cannot_open_when_its_members_left(sessions: SessionMaker) -> None:
    await _three_neighbours(sessions)
    [proposal] = (await _sweep(sessions)).proposals
    await leave_server(sessions, LEEDS)
    await leave_server(sessions, BRADFORD)
    with pytest.raises(GroundworkError):
        await _decide(sessions, proposal.circle_id)


async def test_a_later_neighbour_is_offered_the_open_circle_and_may_join_or_decline(
    sessions: SessionMaker,
) -> None:
    await _three_neighbours(sessions)
    [proposal] = (await _sweep(sessions)).proposals
    await _decide(sessions, proposal.circle_id)
    late = await onboard(sessions, LATE, "Leeds")
    async with sessions() as session, session.begin():
        offer = await circles.offer_to_newcomer(session=session, member_id=late, now=NOW)
    assert offer is not None and offer.user_id == LATE and offer.size == 3
    async with sessions() as session, session.begin():
        joined = await circles.answer_offer(
            session=session, membership_id=offer.membership_id, user_id=LATE, join=True, now=NOW
        )
    assert joined is not None and joined.space.circle_id == proposal.circle_id
    async with sessions() as session:
        [mine] = await circles.circles_of(session=session, guild_id=GUILD, user_id=LATE)
    assert mine.status == CircleMemberStatus.JOINED and mine.size == 4 and mine.has_organizer is False
    async with sessions() as session, session.begin():
        assert await circles.offer_to_newcomer(session=session, member_id=late, now=NOW) is None


async def test_a_declined_circle_is_not_offered_again(sessions: SessionMaker) -> None:
    await _three_neighbours(sessions)
    [proposal] = (await _sweep(sessions)).proposals
    await _decide(sessions, proposal.circle_id)
    late = await onboard(sessions, LATE, "Leeds")
    async with sessions() as session, session.begin():
        offer = await circles.offer_to_newcomer(session=session, member_id=late, now=NOW)
    assert offer is not None
    async with sessions() as session, session.begin():
        assert (
            await circles.answer_offer(
                session=session, membership_id=offer.membership_id, user_id=LATE, join=False, now=NOW
            )
            is None
        )
    async with sessions() as session, session.begin():
        assert await circles.offer_to_newcomer(session=session, member_id=late, now=NOW) is None
    assert (await _sweep(sessions)).offers == ()


async def test_where_two_circles_overlap_a_member_is_offered_the_nearest(sessions: SessionMaker) -> None:
    await _open_circles(sessions, 40, ("York circle", 53.96, -1.08), ("Leeds circle", 53.80, -1.55))
    await onboard(sessions, 70, "Leeds")  # the guild exists once someone onboarded
    harrogate = await onboard(sessions, HARROGATE, "Harrogate")  # 22 km from Leeds, 30 km from York
    async with sessions() as session, session.begin():
        offer = await circles.offer_to_newcomer(session=session, member_id=harrogate, now=NOW)
    assert offer is not None and offer.circle_name == "Leeds circle"


async def test_a_circle_whose_members_all_leave_closes(sessions: SessionMaker) -> None:
    await organizer(sessions, MANCHESTER_ORG, "Manchester")
    await _three_neighbours(sessions)
    [proposal] = (await _sweep(sessions)).proposals
    await _decide(sessions, proposal.circle_id)
    async with sessions() as session, session.begin():
        [left] = await circles.leave(
            session=session, guild_id=GUILD, user_id=LEEDS, now=NOW, circle_id=proposal.circle_id
        )
    assert not left.closed
    await leave_server(sessions, BRADFORD)
    async with sessions() as session, session.begin():
        [last] = await circles.leave(session=session, guild_id=GUILD, user_id=HARROGATE, now=NOW)
    assert last.closed  # the invited organizer alone does not keep it open
    async with sessions() as session:
        circle = await session.get_one(Circle, proposal.circle_id)
        assert circle.status == CircleStatus.CLOSED and circle.closed_at is not None
        assert await circles.circles_of(session=session, guild_id=GUILD, user_id=MANCHESTER_ORG) == []


async def test_moderators_see_size_activity_and_organizer_but_no_entries(sessions: SessionMaker) -> None:
    await organizer(sessions, MANCHESTER_ORG, "Manchester")
    ids = await _three_neighbours(sessions)
    [proposal] = (await _sweep(sessions)).proposals
    async with sessions() as session:
        [waiting] = await circles.summaries(session=session, guild_id=GUILD, now=NOW)
    assert waiting.status == "proposed" and waiting.size == 3
    await _decide(sessions, proposal.circle_id)
    async with sessions() as session, session.begin():
        member = await member_row(sessions, LEEDS)
        await activity.log(
            session=session,
            guild_id=GUILD,
            user_id=LEEDS,
            kind=ActivityKind.ATTENDED_MEETING,
            note="x",
            now=NOW,
        )
        assert member.id == ids[0]
    async with sessions() as session:
        [summary] = await circles.summaries(session=session, guild_id=GUILD, now=NOW + timedelta(days=1))
    assert (summary.size, summary.activity_30_days, summary.has_organizer) == (3, 1, True)
    assert summary.status == "open"
    async with sessions() as session:
        roles = set((await session.execute(select(CircleMember.role))).scalars())
    assert roles == {CircleRole.MEMBER, CircleRole.ORGANIZER}


async def test_when_the_last_two_leave_at_once_the_circle_still_closes(sessions: SessionMaker) -> None:
    await _three_neighbours(sessions)
    [proposal] = (await _sweep(sessions)).proposals
    await _decide(sessions, proposal.circle_id)
    await leave_server(sessions, LEEDS)

    async def leave(user_id: int) -> list[circles.Left]:
        async with sessions() as session, session.begin():
            return await circles.leave(session=session, guild_id=GUILD, user_id=user_id, now=NOW)

    outcomes = await asyncio.gather(leave(BRADFORD), leave(HARROGATE))
    assert sorted(left.closed for [left] in outcomes) == [False, True]
    async with sessions() as session:
        assert (await session.get_one(Circle, proposal.circle_id)).status == CircleStatus.CLOSED


async def test_two_sweeps_at_once_propose_a_circle_once(sessions: SessionMaker) -> None:
    await _three_neighbours(sessions)
    first, second = await asyncio.gather(_sweep(sessions), _sweep(sessions))
    assert len(first.proposals) + len(second.proposals) == 1


async def test_a_newcomer_is_offered_a_circle_within_reach_only(sessions: SessionMaker) -> None:
    """Only the circles near the newcomer are read (a box around their town): one 270 km away
    or across the world is never offered, the one 35 km away is."""
    await _open_circles(
        sessions,
        50,
        ("London circle", 51.51, -0.13),
        ("Tokyo circle", 35.68, 139.69),
        ("York circle", 53.96, -1.08),
    )
    await onboard(sessions, 70, "Harrogate")  # the guild exists once someone onboarded
    leeds = await onboard(sessions, LATE, "Leeds")
    async with sessions() as session, session.begin():
        offer = await circles.offer_to_newcomer(session=session, member_id=leeds, now=NOW)
    assert offer is not None and offer.circle_name == "York circle"
    async with sessions() as session, session.begin():
        await session.execute(
            update(Circle).where(Circle.name == "York circle").values(status=CircleStatus.CLOSED)
        )
    late = await onboard(sessions, LATE + 1, "Leeds")
    async with sessions() as session, session.begin():
        assert await circles.offer_to_newcomer(session=session, member_id=late, now=NOW) is None


async def test_a_newcomer_is_offered_a_circle_near_them_first_else_their_neighbours_and_nothing_alone(
    sessions: SessionMaker,
) -> None:
    async def offered(member_id: int, isolated: bool) -> newcomers.NearbyOffer | None:
        async with sessions() as session, session.begin():
            return await newcomers.offer_nearby(
                session=session, member_id=member_id, isolated=isolated, now=NOW
            )

    leeds = await onboard(sessions, LEEDS, "Leeds")
    assert await offered(leeds, isolated=True) is None  # nobody near: neither is looked for
    bradford = await onboard(sessions, BRADFORD, "Bradford")
    to_meet = await offered(bradford, isolated=False)  # no circle yet: the neighbour in Leeds
    assert isinstance(to_meet, neighbours.Offer) and to_meet.neighbours == 1
    await _open_circles(sessions, 40, ("Leeds circle", 53.80, -1.55))
    late = await onboard(sessions, LATE, "Leeds")
    circle = await offered(late, isolated=False)  # an open circle near them comes first
    assert isinstance(circle, circles.Offer) and circle.user_id == LATE
    async with sessions() as session:
        asked = await session.scalar(select(NeighbourOffer.id).where(NeighbourOffer.member_id == late))
    assert asked is None  # one offer, not both
