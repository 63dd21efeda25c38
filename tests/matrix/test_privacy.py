"""`!gw privacy show` on a real Synapse: a member of the Matrix community sees what groundwork keeps
about them, in their direct room only, and someone never seen is told nothing is kept.

Uses the test database, so it runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.config import MatrixSettings
from bot.services import identities
from bot.texts import matrix as matrix_texts
from bot.texts import privacy as privacy_texts
from db.engine import SessionMaker
from db.enums import IdentityKind, Platform
from db.models import GuildSettings, Member
from matrix_adapter import MatrixBot
from tests.matrix.clients import WAIT, MemberFactory, joined, seen_joined
from tests.matrix.conftest import account
from tests.matrix.synapse import Synapse

SPACE = "!community:localhost"


@pytest.fixture
async def served(synapse: Synapse, sessions: SessionMaker, tmp_path: Path) -> AsyncIterator[MatrixBot]:
    me = account(synapse, "groundwork")
    settings = MatrixSettings(
        homeserver=synapse.url,
        user_id=me.user_id,
        password=SecretStr(me.password),
        device_id=me.device_id,
        space_id=SPACE,
    )
    bot = MatrixBot(settings, crypto_store=tmp_path / "bot-crypto", sessions=sessions)
    await bot.login()
    task = asyncio.create_task(bot.run())
    await asyncio.wait_for(bot.wait_until_serving(), WAIT)
    try:
        yield bot
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await bot.close()


async def _join_community(sessions: SessionMaker, matrix_id: str) -> None:
    async with sessions() as session, session.begin():
        guild_id = await identities.local_id(
            session=session, platform=Platform.MATRIX, kind=IdentityKind.COMMUNITY, external_id=SPACE
        )
        user_id = await identities.local_id(
            session=session, platform=Platform.MATRIX, kind=IdentityKind.USER, external_id=matrix_id
        )
        if await session.get(GuildSettings, guild_id) is None:
            session.add(GuildSettings(guild_id=guild_id))
            await session.flush()
        session.add(Member(guild_id=guild_id, user_id=user_id, share_activity=True))


async def test_a_member_sees_what_is_kept_in_their_encrypted_dm(
    served: MatrixBot, members: MemberFactory, sessions: SessionMaker
) -> None:
    alice = await members()
    await _join_community(sessions, alice.client.user_id)
    room_id = await alice.dm_joined(served.user_id, encrypted=True)
    await alice.say(room_id, "!gw privacy show")
    _, content = await alice.next_notice()
    body = content["body"]
    assert body.startswith(privacy_texts.SHOW_TITLE + "\n" + matrix_texts.PRIVACY_SHOW_INTRO)
    assert "**" not in body
    assert "activity shared: yes" in body
    assert content["format"] == "org.matrix.custom.html"
    assert content["formatted_body"].startswith(f"<strong>{privacy_texts.SHOW_TITLE}</strong><br>")
    assert content["m.mentions"] == {}
    assert alice.decrypted == [True]


async def test_someone_never_seen_is_told_nothing_is_kept_and_nothing_is_made(
    served: MatrixBot, members: MemberFactory, sessions: SessionMaker
) -> None:
    bob = await members()
    room_id = await bob.open_dm(served.user_id)
    await joined(bob.client, room_id, served.user_id)
    await bob.say(room_id, "!gw privacy show")
    _, content = await bob.next_notice()
    assert content["body"] == privacy_texts.NOTHING_STORED
    async with sessions() as session:
        assert (
            await identities.find_local_id(
                session=session,
                platform=Platform.MATRIX,
                kind=IdentityKind.USER,
                external_id=bob.client.user_id,
            )
            is None
        )


async def test_it_is_never_answered_where_others_read(
    served: MatrixBot, members: MemberFactory, sessions: SessionMaker
) -> None:
    alice, carol = await members(), await members()
    await _join_community(sessions, alice.client.user_id)
    room_id = await alice.open_dm(served.user_id)
    await joined(alice.client, room_id, served.user_id)
    invited = await alice.client.room_invite(room_id, carol.client.user_id)
    assert invited.__class__.__name__ == "RoomInviteResponse"
    await joined(alice.client, room_id, carol.client.user_id)  # carol accepts: now three read the room
    await seen_joined(served.client, room_id, carol.client.user_id)
    await alice.say(room_id, "!gw privacy show")
    _, content = await alice.next_notice()
    assert content["body"] == matrix_texts.PRIVATE_ONLY
