"""Neighbours (and an organizer to confirm) on a real Synapse: a member offered to meet neighbours says "yes" in their direct
room, the neighbour asked says yes with the question's code (`!gw yes a12`), and the two are
introduced in a new private encrypted room with both invited, recorded as the introduction's
room. A "no" is answered too, and a code nobody was asked is refused plainly. A member who
offers to mentor is posted in the moderators' room and confirmed with `!gw organizer confirm N`.

Uses the test database, so it runs on SQLite and on PostgreSQL."""

from __future__ import annotations

from nio import RoomGetStateEventResponse
from sqlalchemy import select

from bot.services import neighbours, outbox
from bot.services.gazetteer import get_gazetteer
from bot.texts import local as texts
from bot.texts import matrix_local as mtexts
from db.engine import SessionMaker
from db.enums import ChatTaskKind, IdentityKind, IntroductionStatus, OrganizerStatus
from db.models import ChatTask, NeighbourIntroduction, Organizer, PracticePairing
from matrix_adapter import render
from tests.matrix.clients import Member as MatrixMember
from tests.matrix.clients import MemberFactory, seen_joined
from tests.matrix.driver import NEWCOMER, answer_all, done, join_space
from tests.matrix.local_community import LocalCommunity, bodies, community, moderator, notice_with, now
from tests.support.onboarding import Answers, run_conversation

__all__ = ["community", "moderator"]  # fixtures


async def offered(community: LocalCommunity, member_id: int) -> neighbours.Offer:
    async with community.sessions() as session, session.begin():
        offer = await neighbours.make_offer(session=session, member_id=member_id, now=now())
    assert offer is not None
    assert await community.feature.messenger.offer_neighbours(offer)
    return offer


async def test_two_neighbours_who_both_say_yes_are_introduced_in_a_room_with_both(
    community: LocalCommunity, members: MemberFactory, sessions: SessionMaker
) -> None:
    older, newcomer = await members(), await members()
    await community.onboard(older, "Leeds")
    _, member_id = await community.onboard(newcomer, "Bradford")

    offer = await offered(community, member_id)
    dm, body = await notice_with(newcomer, lambda b: b.startswith("Good news"))
    assert f"!gw yes n{offer.offer_id}" in body
    await newcomer.say(dm, "Yes!")
    await notice_with(newcomer, lambda b: b == render.plain(mtexts.OFFER_ASKED.format(count=1)))

    older_dm, ask = await notice_with(older, lambda b: b.startswith("Hi! A member who lives"))
    assert newcomer.client.user_id not in ask  # nobody is named before both said yes
    code = ask.split("!gw yes ")[1].split()[0]
    await older.say(older_dm, f"!gw yes {code}")
    await notice_with(older, lambda b: b == render.plain(mtexts.ASK_THANKS_YES))

    room_id, introduction = await notice_with(newcomer, lambda b: b.startswith("Hi "))
    assert room_id != dm
    assert f"Hi {newcomer.client.user_id} and {older.client.user_id}!" in introduction
    other_room, seen = await notice_with(older, lambda b: b.startswith("Hi "))
    assert (other_room, seen) == (room_id, introduction)
    assert room_id in newcomer.invited and room_id in older.invited
    await seen_joined(newcomer.client, room_id, older.client.user_id)
    assert community.bot is not None
    encryption = await community.bot.client.room_get_state_event(room_id, "m.room.encryption")
    assert isinstance(encryption, RoomGetStateEventResponse)

    room_local = await community.local_id(IdentityKind.ROOM, room_id)
    async with sessions() as session:
        intro = (await session.execute(select(NeighbourIntroduction))).scalar_one()
        assert (intro.status, intro.thread_id) == (IntroductionStatus.INTRODUCED, room_local)
        assert intro.introduced_at is not None
        task = (
            await session.execute(
                select(ChatTask).where(ChatTask.kind == ChatTaskKind.NEIGHBOUR_INTRODUCTION)
            )
        ).scalar_one()
        assert task.done_at is not None


async def test_a_neighbour_who_says_no_is_thanked_and_nobody_is_introduced(
    community: LocalCommunity, members: MemberFactory, sessions: SessionMaker
) -> None:
    older, newcomer = await members(), await members()
    await community.onboard(older, "Leeds")
    _, member_id = await community.onboard(newcomer, "Bradford")
    await offered(community, member_id)
    dm, _ = await notice_with(newcomer, lambda b: b.startswith("Good news"))
    await newcomer.say(dm, "!gw yes")  # no code: the latest question asked here

    older_dm, _ = await notice_with(older, lambda b: b.startswith("Hi! A member who lives"))
    await older.say(older_dm, "no thanks")
    await notice_with(older, lambda b: b == render.plain(texts.ASK_THANKS_NO))
    await older.say(older_dm, "!gw yes z99")
    await notice_with(older, lambda b: b == render.plain(mtexts.UNKNOWN_CODE.format(code="z99")))

    async with sessions() as session:
        intro = (await session.execute(select(NeighbourIntroduction))).scalar_one()
        assert intro.status == IntroductionStatus.DECLINED
        assert intro.thread_id is None


async def test_a_member_who_offers_to_mentor_is_posted_for_review_once_and_confirmed_by_command(
    community: LocalCommunity, moderator: MatrixMember, members: MemberFactory, sessions: SessionMaker
) -> None:
    volunteer = await members()
    guild_id = await community.local_id(IdentityKind.COMMUNITY, community.space_id)
    user_id = await community.local_id(IdentityKind.USER, volunteer.client.user_id)
    completion = await run_conversation(
        sessions,
        get_gazetteer(),
        guild_id=guild_id,
        user_id=user_id,
        now=now(),
        answers=Answers(place="York", experience="experienced", mentor_capacity=2, note="ran a food bank"),
    )
    assert completion.organizer_status == OrganizerStatus.PENDING
    assert await community.feature.runtime.run_now(ChatTaskKind.ORGANIZER_REVIEW, completion.member_id)
    _, review = await notice_with(moderator, lambda b: b.startswith("An organizer to confirm"))
    assert volunteer.client.user_id in review and "“ran a food bank”" in review
    command = f"!gw organizer confirm {completion.member_id}"
    assert command in review
    async with sessions() as session:
        task = (
            await session.execute(select(ChatTask).where(ChatTask.kind == ChatTaskKind.ORGANIZER_REVIEW))
        ).scalar_one()
    again = outbox.Task(task.id, task.guild_id, task.kind, completion.member_id, 2, None, True)
    assert await community.feature.steps.review_task(again)  # a retry finds it posted
    posts = [b for b in await bodies(moderator.client, community.moderators_room_id) if b == review]
    assert len(posts) == 1

    await moderator.say(community.moderators_room_id, command)
    _, confirmed = await notice_with(moderator, lambda b: "was confirmed" in b)
    assert (
        confirmed
        == f"{volunteer.client.user_id} was confirmed as an organizer by {moderator.client.user_id}."
    )
    async with sessions() as session:
        status = await session.scalar(
            select(Organizer.status).where(Organizer.member_id == completion.member_id)
        )
        assert status == OrganizerStatus.ACTIVE


async def test_two_members_who_ask_for_practice_are_introduced_in_a_room_with_both(
    community: LocalCommunity, members: MemberFactory, sessions: SessionMaker
) -> None:
    first, second = await members(), await members()
    await community.onboard(first, "Leeds")
    await community.onboard(second, "Bradford")

    await first.say(first.invited[0], "!gw practice")
    await notice_with(first, lambda b: b == render.plain(texts.PRACTICE_WAITING))
    await second.say(second.invited[0], "!gw practice")
    await notice_with(second, lambda b: b == render.plain(texts.PRACTICE_PAIRED))

    room_id, introduction = await notice_with(second, lambda b: b.startswith("Hi "))
    assert f"Hi {first.client.user_id} and {second.client.user_id}!" in introduction
    assert "UTC" in introduction
    other_room, seen = await notice_with(first, lambda b: b.startswith("Hi "))
    assert (other_room, seen) == (room_id, introduction)
    assert room_id in first.invited and room_id in second.invited
    room_local = await community.local_id(IdentityKind.ROOM, room_id)
    async with sessions() as session:
        thread_id = await session.scalar(select(PracticePairing.thread_id))
        assert thread_id == room_local


async def test_a_newcomer_with_a_neighbour_is_offered_to_meet_them_once_onboarded(
    community: LocalCommunity, members: MemberFactory
) -> None:
    older, newcomer = await members(), await members()
    await community.onboard(older, "Bradford")
    await join_space(newcomer, community.space_id)
    await answer_all(newcomer, NEWCOMER, stop=done)  # in Leeds, 13 km from Bradford: not isolated
    _, offer = await notice_with(newcomer, lambda b: b.startswith("Good news"))
    assert "**1**" not in offer and "1 member(s) live within" in offer
    assert "!gw yes n" in offer
