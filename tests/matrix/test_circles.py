"""Local circles on a real Synapse: three neighbours who met are proposed in the moderators' room,
a moderator opens the circle with `!gw circle approve N`, and the circle is a private room in the
community's space (m.space.child with via, m.space.parent in the room) with everyone invited and
the welcome posted once, however often the step runs. A newcomer nearby who says yes to the offer
is invited and welcomed. A member who leaves the community is let
out of the room and the others hear it; the last one leaving closes it (out of the space).

Uses the test database, so it runs on SQLite and on PostgreSQL."""

from __future__ import annotations

from nio import RoomGetStateEventResponse
from sqlalchemy import select

from bot.services import circles, outbox
from bot.texts import local as texts
from db.engine import SessionMaker
from db.enums import ChatTaskKind, CircleMemberStatus, CircleStatus, IdentityKind
from db.models import ChatTask, Circle, CircleMember
from matrix_adapter import render
from tests.matrix.clients import Member as MatrixMember
from tests.matrix.clients import MemberFactory, joined
from tests.matrix.local_community import (
    LocalCommunity,
    bodies,
    community,
    moderator,
    neighbours_meet,
    notice_with,
    now,
    until,
)

__all__ = ["community", "moderator"]  # fixtures


def welcome(body: str) -> bool:
    return body.startswith("Welcome to ")


async def open_circle(
    community: LocalCommunity, moderator: MatrixMember, people: list[MatrixMember], sessions: SessionMaker
) -> tuple[int, str]:
    """Three neighbours meet, the sweep proposes their circle, the moderator approves it; the
    circle's id and room."""
    ids = []
    for person, place in zip(people, ("Leeds", "Bradford", "Harrogate"), strict=True):
        ids.append(await community.onboard(person, place))
        if len(ids) > 1:
            await neighbours_meet(sessions, ids[-1][1], ids[-1][0])
    found = await community.feature.circles.sweep()
    assert found is not None
    [proposal] = found.proposals
    _, review = await notice_with(moderator, lambda b: b.startswith("Proposed local circle"))
    assert f"!gw circle approve {proposal.circle_id}" in review
    assert all(person.client.user_id in review for person in people)

    await moderator.say(community.moderators_room_id, f"!gw circle approve {proposal.circle_id}")
    _, approved = await notice_with(moderator, lambda b: "opened" in b)
    assert moderator.client.user_id in approved
    rooms = [(await notice_with(person, welcome))[0] for person in people]
    assert len(set(rooms)) == 1
    return proposal.circle_id, rooms[0]


async def test_an_approved_circle_is_a_room_in_the_space_with_everyone_invited_and_one_welcome(
    community: LocalCommunity, moderator: MatrixMember, members: MemberFactory, sessions: SessionMaker
) -> None:
    people = [await members(), await members(), await members()]
    circle_id, room_id = await open_circle(community, moderator, people, sessions)
    assert community.bot is not None
    for person in people:
        assert room_id in person.invited  # invited by the bot, and joined
    await joined(people[0].client, room_id, people[2].client.user_id)

    client = community.bot.client
    child = await client.room_get_state_event(community.space_id, "m.space.child", room_id)
    assert isinstance(child, RoomGetStateEventResponse), child
    assert child.content == {"via": ["localhost"]}
    parent = await client.room_get_state_event(room_id, "m.space.parent", community.space_id)
    assert isinstance(parent, RoomGetStateEventResponse), parent
    assert parent.content["via"] == ["localhost"]
    encryption = await client.room_get_state_event(room_id, "m.room.encryption")
    assert isinstance(encryption, RoomGetStateEventResponse)

    room_local = await community.local_id(IdentityKind.ROOM, room_id)
    async with sessions() as session:
        circle = await session.get(Circle, circle_id)
        assert circle is not None
        assert (circle.status, circle.channel_id) == (CircleStatus.OPEN, room_local)
        task = (
            await session.execute(select(ChatTask).where(ChatTask.kind == ChatTaskKind.CIRCLE_SPACE))
        ).scalar_one()
        assert task.done_at is not None
        assert task.result_id == room_local

    # The step again, as a retry after a crash would run it: the same room, no second welcome.
    again = outbox.Task(task.id, task.guild_id, task.kind, circle_id, 2, room_local, True)
    assert await community.feature.circles.open_task(again)
    welcomes = [b for b in await bodies(people[0].client, room_id) if welcome(b)]
    assert len(welcomes) == 1
    assert all(person.client.user_id in welcomes[0] for person in people)


async def test_members_who_leave_are_let_out_and_the_last_one_closes_the_circle(
    community: LocalCommunity, moderator: MatrixMember, members: MemberFactory, sessions: SessionMaker
) -> None:
    people = [await members(), await members(), await members()]
    circle_id, room_id = await open_circle(community, moderator, people, sessions)
    for person in people:
        await joined(person.client, room_id, person.client.user_id)
    first, second, third = people
    assert community.bot is not None

    await third.client.room_leave(community.space_id)  # leaving the community leaves the circle
    await notice_with(first, lambda b: b == render.plain(texts.CIRCLE_LEFT_NOTICE))

    async def out() -> bool:
        answer = await first.client.joined_members(room_id)
        return third.client.user_id not in {m.user_id for m in getattr(answer, "members", [])}

    await until(out)

    # `!gw circle leave` in the direct room, then the last one leaves the community.
    dm = next(r for r in second.invited if r != room_id)
    await second.say(dm, "!gw circle leave")
    await notice_with(second, lambda b: b.startswith("You've left"))
    await first.client.room_leave(community.space_id)
    _, closing = await notice_with(moderator, lambda b: b.startswith("The local circle"))

    async with sessions() as session:
        circle = await session.get(Circle, circle_id)
        assert circle is not None and circle.status == CircleStatus.CLOSED
        assert closing == render.plain(texts.CIRCLE_CLOSED_MODS.format(name=circle.name))
        statuses = (
            await session.execute(select(CircleMember.status).where(CircleMember.circle_id == circle_id))
        ).scalars()
        assert set(statuses) == {CircleMemberStatus.LEFT}
    child = await community.bot.client.room_get_state_event(community.space_id, "m.space.child", room_id)
    assert not isinstance(child, RoomGetStateEventResponse) or child.content == {}
    assert render.plain(texts.CIRCLE_CLOSED_NOTICE) in await bodies(community.bot.client, room_id)


async def test_a_newcomer_near_an_open_circle_who_says_yes_is_invited_and_welcomed(
    community: LocalCommunity, moderator: MatrixMember, members: MemberFactory, sessions: SessionMaker
) -> None:
    people = [await members(), await members(), await members()]
    _, room_id = await open_circle(community, moderator, people, sessions)
    newcomer = await members()
    _, member_id = await community.onboard(newcomer, "Leeds")
    async with sessions() as session, session.begin():
        offer = await circles.offer_to_newcomer(session=session, member_id=member_id, now=now())
    assert offer is not None
    assert await community.feature.messenger.offer_circle(offer)
    dm, asked = await notice_with(newcomer, lambda b: b.startswith("There's a local circle near you"))
    assert f"!gw yes c{offer.membership_id}" in asked

    await newcomer.say(dm, "yes")
    await notice_with(newcomer, lambda b: b.startswith("Welcome aboard!"))
    where, welcomed = await notice_with(newcomer, lambda b: b.startswith("Please welcome"))
    assert where == room_id and newcomer.client.user_id in welcomed
    assert room_id in newcomer.invited
    await notice_with(people[0], lambda b: b == welcomed)  # the others see it too
