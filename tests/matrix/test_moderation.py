"""Moderator commands on a real Synapse: `!gw mod overview` and `!gw mod unattended` answer in the
configured moderators' room to someone whose power level there reaches the room's level for state
events and kicks, from the same services as Discord's /mod; a clear refusal elsewhere, without
the power, and at once after a demotion.

Uses the test database, so it runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from nio import AsyncClient, RoomCreateResponse, RoomPutStateResponse

from bot.texts import matrix_moderation as texts
from bot.texts import moderation as mod_texts
from bot.texts import pairing as pairing_texts
from db.engine import SessionMaker
from db.enums import MentorshipStatus, OrganizerStatus
from db.models import Mentorship, Organizer
from matrix_adapter import MatrixBot, render
from tests.matrix.clients import WAIT, Member, MemberFactory, seen_joined
from tests.matrix.conftest import account
from tests.matrix.driver import notice_with
from tests.matrix.served import START, Clock, join_community, serving
from tests.matrix.synapse import Account, Synapse


async def _moderators_room(synapse: Synapse, bot_id: str, token: str, moderator: str, member: str) -> str:
    """A room the bot's account made, the moderator at 50 (what kicking and state events take)."""
    client = AsyncClient(synapse.url, bot_id)
    client.restore_login(bot_id, "SETUP", token)
    try:
        made = await client.room_create(
            name="Moderators",
            invite=[moderator, member],
            power_level_override={"users": {moderator: 50}, "kick": 50, "state_default": 50},
        )
        assert isinstance(made, RoomCreateResponse), made
        return str(made.room_id)
    finally:
        await client.close()


async def _answer(member: Member, room_id: str, body: str) -> str:
    """What the bot answers the member in that room (notices to others there are passed over)."""
    await member.say(room_id, body)

    async def wait() -> str:
        while True:
            room, content = await member.next_notice()
            if room == room_id and content.get("body"):
                return str(content["body"])

    return await asyncio.wait_for(wait(), WAIT)


@asynccontextmanager
async def _serving_moderators(
    synapse: Synapse, sessions: SessionMaker, tmp_path: Path, me: Account, room_id: str, moderator: Member
) -> AsyncIterator[MatrixBot]:
    """The bot serving as `me`, who made the moderators' room, once it has seen `moderator` join it."""
    user = (me.user_id, me.password, me.device_id)
    async with serving(synapse, sessions, tmp_path, Clock(), moderators_room_id=room_id, user=user) as bot:
        await seen_joined(bot.client, room_id, moderator.client.user_id)
        yield bot


async def test_moderator_commands_in_the_moderators_room_by_power_level(
    synapse: Synapse, sessions: SessionMaker, members: MemberFactory, tmp_path: Path
) -> None:
    alice, bob = await members(), await members()
    me = account(synapse, "groundwork")
    room_id = await _moderators_room(
        synapse, me.user_id, me.access_token, alice.client.user_id, bob.client.user_id
    )
    await join_community(sessions, alice.client.user_id)
    carol = "@carol-waiting:localhost"
    await join_community(sessions, carol, onboarded_at=START - timedelta(days=30))
    async with _serving_moderators(synapse, sessions, tmp_path, me, room_id, alice) as bot:
        await seen_joined(bot.client, room_id, bob.client.user_id)

        overview = await _answer(alice, room_id, "!gw mod overview")
        assert overview.startswith(mod_texts.OVERVIEW_TITLE)
        assert "Members: active 2" in overview
        assert texts.OVERVIEW_UNATTENDED.format(count=1).replace("**", "") in overview

        unattended = await _answer(alice, room_id, "!gw mod unattended")
        assert unattended.startswith(mod_texts.LIST_TITLES["unattended"])
        assert carol in unattended and "waiting 30 days" in unattended
        assert alice.client.user_id not in unattended  # onboarded just now

        for _ in range(2):  # bob read the room: the two answers to alice came to him too
            await bob.next_notice()
        refused = await _answer(bob, room_id, "!gw mod overview")
        assert refused == texts.NOT_ALLOWED.format(yours=0, needed=50)
        room, seen = await alice.next_notice()  # and alice reads his refusal
        assert (room, seen["body"]) == (room_id, refused)

        dm = await alice.dm_joined(bot.user_id)
        assert await _answer(alice, dm, "!gw mod unattended") == texts.NOT_HERE

        # Demoted: refused at once (the room's power levels are read at each command).
        levels = await bot.client.room_get_state_event(room_id, "m.room.power_levels")
        content: dict[str, Any] = dict(levels.content)  # type: ignore[union-attr]
        content["users"] = {**content["users"], alice.client.user_id: 0}
        put = await bot.client.room_put_state(room_id, "m.room.power_levels", content)
        assert isinstance(put, RoomPutStateResponse), put
        assert await _answer(alice, room_id, "!gw mod overview") == texts.NOT_ALLOWED.format(
            yours=0, needed=50
        )


async def test_without_a_moderators_room_no_moderator_command_is_taken(
    synapse: Synapse, sessions: SessionMaker, members: MemberFactory, tmp_path: Path
) -> None:
    alice = await members()
    await join_community(sessions, alice.client.user_id)
    async with serving(synapse, sessions, tmp_path, Clock()) as bot:
        dm = await alice.dm_joined(bot.user_id)
        assert await _answer(alice, dm, "!gw mod overview") == texts.NO_ROOM


async def _proposed(sessions: SessionMaker, guild_id: int, member_id: int, mentor_id: int) -> int:
    async with sessions() as session, session.begin():
        mentorship = Mentorship(
            guild_id=guild_id,
            member_id=member_id,
            mentor_id=mentor_id,
            status=MentorshipStatus.PROPOSED,
            source="batch",
            proposed_at=START,
        )
        session.add(mentorship)
        await session.flush()
        return mentorship.id


async def _status(sessions: SessionMaker, mentorship_id: int) -> MentorshipStatus:
    async with sessions() as session:
        found = await session.get(Mentorship, mentorship_id)
    assert found is not None
    return found.status


async def test_a_proposed_mentorship_is_approved_or_rejected_from_the_moderators_room(
    synapse: Synapse, sessions: SessionMaker, members: MemberFactory, tmp_path: Path
) -> None:
    """Discord's review buttons, on Matrix: `!gw mod approve N` introduces the two in a new room,
    `!gw mod reject N` puts the member back on the list; a decided or unknown number is refused."""
    alice, mentee, mentor = await members(), await members(), await members()
    me = account(synapse, "groundwork")
    room_id = await _moderators_room(
        synapse, me.user_id, me.access_token, alice.client.user_id, mentor.client.user_id
    )
    guild_id, _, mentee_member = await join_community(sessions, mentee.client.user_id)
    _, _, mentor_member = await join_community(sessions, mentor.client.user_id)
    _, _, other_member = await join_community(sessions, "@bob-waiting:localhost")
    async with sessions() as session, session.begin():
        session.add(Organizer(member_id=mentor_member, status=OrganizerStatus.ACTIVE, capacity=2))
    approved = await _proposed(sessions, guild_id, mentee_member, mentor_member)
    rejected = await _proposed(sessions, guild_id, other_member, mentor_member)
    async with _serving_moderators(synapse, sessions, tmp_path, me, room_id, alice):
        assert await _answer(alice, room_id, "!gw mod approve soon") == texts.PROPOSAL_NUMBER.format(
            command="approve"
        )
        said = await _answer(alice, room_id, f"!gw mod approve {approved}")
        assert said == render.plain(pairing_texts.REVIEW_APPROVED.format(moderator=alice.client.user_id))
        intro_room, introduction = await notice_with(mentee, lambda body: body.startswith("Hi "))
        assert f"{mentee.client.user_id}, meet {mentor.client.user_id}" in introduction
        assert intro_room in mentee.invited and intro_room in mentor.invited
        assert await _status(sessions, approved) == MentorshipStatus.ACTIVE

        said = await _answer(alice, room_id, f"!gw mod reject #{rejected}")
        assert said == render.plain(pairing_texts.REVIEW_REJECTED.format(moderator=alice.client.user_id))
        assert await _status(sessions, rejected) == MentorshipStatus.REJECTED

        again = await _answer(alice, room_id, f"!gw mod approve {approved}")
        assert again == pairing_texts.PROPOSAL_GONE.format(status=MentorshipStatus.ACTIVE)
        unknown = await _answer(alice, room_id, "!gw mod reject 2147483647")
        assert unknown == pairing_texts.PROPOSAL_GONE.format(status=pairing_texts.PROPOSAL_DELETED)
