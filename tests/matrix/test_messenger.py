"""The Matrix Messenger (matrix_adapter.messenger) on a real Synapse: the services' ids (local ids
from platform_identities) reach the right Matrix accounts and rooms.

Uses the test database, so it runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

from nio import RoomCreateResponse
from pydantic import SecretStr

from bot import ports
from bot.config import MatrixSettings
from bot.services import identities
from db.engine import SessionMaker
from db.enums import IdentityKind, Platform
from matrix_adapter import MatrixBot
from matrix_adapter.messenger import MatrixMessenger
from tests.matrix.clients import Member, MemberFactory, direct_rooms, joined, seen_joined
from tests.matrix.synapse import Account

SPACE = "!community:localhost"


async def _local(sessions: SessionMaker, kind: IdentityKind, external_id: str) -> int:
    async with sessions() as session, session.begin():
        return await identities.local_id(
            session=session, platform=Platform.MATRIX, kind=kind, external_id=external_id
        )


def _messenger(
    bot: MatrixBot, sessions: SessionMaker, moderators_room_id: str | None = None
) -> MatrixMessenger:
    # The messenger reads only the community and the moderators' room from its settings.
    settings = MatrixSettings(
        homeserver="http://127.0.0.1:1",
        user_id=bot.user_id,
        password=SecretStr("unused"),
        device_id="UNUSED",
        space_id=SPACE,
        moderators_room_id=moderators_room_id,
    )
    return MatrixMessenger(bot, sessions, settings)


def test_it_implements_the_moderator_messages_with_the_same_signatures() -> None:
    for name, member in vars(ports.ModeratorMessages).items():
        if inspect.iscoroutinefunction(member):
            implemented: Any = getattr(MatrixMessenger, name)
            assert list(inspect.signature(implemented).parameters) == list(
                inspect.signature(member).parameters
            )


async def test_tell_opens_an_encrypted_direct_room_the_member_reads(
    bot: tuple[MatrixBot, Account], member: Member, sessions: SessionMaker
) -> None:
    served, _ = bot
    alice = await _local(sessions, IdentityKind.USER, member.client.user_id)
    messenger = _messenger(served, sessions)

    assert await messenger.tell(alice, "Your check-ins are paused.")
    room_id, content = await member.next_notice()
    assert content["body"] == "Your check-ins are paused."
    assert content["m.mentions"] == {}
    assert member.decrypted == [True]  # a direct room the bot opens is encrypted, like Element's
    assert member.invited == [room_id]

    # The second notice goes to the same room: no new invite.
    assert await messenger.tell(alice, "Welcome back.")
    again, content = await member.next_notice()
    assert (again, content["body"]) == (room_id, "Welcome back.")
    assert member.invited == [room_id]


async def test_tell_uses_the_direct_room_the_member_opened(
    bot: tuple[MatrixBot, Account], member: Member, sessions: SessionMaker
) -> None:
    served, _ = bot
    room_id = await member.open_dm(served.user_id)
    await joined(member.client, room_id, served.user_id)
    await seen_joined(served.client, room_id, member.client.user_id)  # the bot's sync has it too
    while room_id not in (await direct_rooms(member.client, served)).get(member.client.user_id, []):  # noqa: ASYNC110
        await asyncio.sleep(0.05)  # noted in m.direct right after the join
    alice = await _local(sessions, IdentityKind.USER, member.client.user_id)
    assert await _messenger(served, sessions).tell(alice, "Hello again.")
    where, content = await member.next_notice()
    assert (where, content["body"]) == (room_id, "Hello again.")
    assert member.invited == []


async def test_nobody_is_told_through_an_id_that_is_not_a_matrix_user(
    bot: tuple[MatrixBot, Account], sessions: SessionMaker
) -> None:
    served, _ = bot
    messenger = _messenger(served, sessions)
    room = await _local(sessions, IdentityKind.ROOM, "!some-room:localhost")
    assert not await messenger.tell(1_100_000_000_000_000_001, "x")  # a Discord snowflake
    assert not await messenger.tell(-987_654, "x")  # never seen
    assert not await messenger.tell(room, "x")  # a room, not a person


async def test_moderators_hear_it_in_their_room_for_their_community_only(
    bot: tuple[MatrixBot, Account], members: MemberFactory, sessions: SessionMaker
) -> None:
    served, _ = bot
    moderator = await members()
    made = await served.client.room_create(name="Moderators", invite=[moderator.client.user_id])
    assert isinstance(made, RoomCreateResponse)
    await joined(served.client, made.room_id, moderator.client.user_id)
    community = await _local(sessions, IdentityKind.COMMUNITY, SPACE)
    other = await _local(sessions, IdentityKind.COMMUNITY, "!another:localhost")
    messenger = _messenger(served, sessions, made.room_id)

    await messenger.tell_moderators(other, "not for you")
    assert not await messenger.warn_moderators(other, "not for you either")
    await messenger.tell_moderators(community, "A member is waiting.")
    assert await messenger.warn_moderators(community, "Nobody can take the review.")
    texts = [(await moderator.next_notice())[1]["body"] for _ in range(2)]
    assert texts == ["A member is waiting.", "Nobody can take the review."]
    await asyncio.sleep(0.2)
    assert moderator.notices.empty()
    assert not await _messenger(served, sessions, None).warn_moderators(community, "no room")
