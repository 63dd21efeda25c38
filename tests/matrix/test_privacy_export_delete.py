"""`!gw privacy export` and `!gw privacy delete` on a real Synapse: the export is the same JSON as
Discord's, sent as an m.file (its upload encrypted in an encrypted room); deleting asks first,
then removes what Discord's /privacy delete removes and the member's Matrix identity, and their
mentor hears the mentorship ended.

Uses the test database, so it runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from nio import MatrixRoom, RoomEncryptedFile, RoomMessageFile
from nio.crypto.attachments import decrypt_attachment
from sqlalchemy import select

from bot.services import identities
from bot.texts import matrix_privacy as mtexts
from bot.texts import privacy as texts
from db.engine import SessionMaker
from db.enums import IdentityKind, MentorshipStatus, Platform
from db.models import Member as MemberRow
from db.models import Mentorship
from tests.matrix.clients import WAIT, Member, MemberFactory, direct_rooms, seen_joined
from tests.matrix.served import START, Clock, join_community, serving
from tests.matrix.synapse import Synapse


def _files(member: Member) -> asyncio.Queue[dict[str, Any]]:
    """The files the bot sends the member (their content as sent, decrypted from the room)."""
    found: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def on_file(room: MatrixRoom, event: RoomMessageFile | RoomEncryptedFile) -> None:
        found.put_nowait({"encrypted": isinstance(event, RoomEncryptedFile), **event.source["content"]})

    member.client.add_event_callback(on_file, (RoomMessageFile, RoomEncryptedFile))
    return found


async def _download(member: Member, mxc: str) -> bytes:
    server, media_id = mxc.removeprefix("mxc://").split("/", 1)
    answer = await member.client.send(
        "GET",
        f"/_matrix/client/v1/media/download/{server}/{media_id}",
        headers={"Authorization": f"Bearer {member.client.access_token}"},
    )
    assert answer.status == 200
    return await answer.read()


async def _say(member: Member, room_id: str, body: str) -> str:
    await member.say(room_id, body)
    _, content = await member.next_notice()
    return str(content["body"])


async def test_the_export_comes_as_an_encrypted_file_in_an_encrypted_dm(
    synapse: Synapse, sessions: SessionMaker, members: MemberFactory, tmp_path: Path
) -> None:
    alice = await members()
    files = _files(alice)
    await join_community(sessions, alice.client.user_id)
    async with serving(synapse, sessions, tmp_path, Clock()) as bot:
        room_id = await alice.dm_joined(bot.user_id, encrypted=True)
        summary = await _say(alice, room_id, "!gw privacy export")
        assert summary.startswith("Here is everything groundwork keeps about you")
        content = await asyncio.wait_for(files.get(), WAIT)
        assert content["encrypted"] is True
        assert content["msgtype"] == "m.file"
        assert content["body"] == "groundwork-my-data.json"
        assert "url" not in content  # only inside `file`, with the key: the upload itself is encrypted
        assert content["m.mentions"] == {}
        ciphertext = await _download(alice, content["file"]["url"])
        assert b"Berlin" not in ciphertext
        plain = decrypt_attachment(
            ciphertext,
            content["file"]["key"]["k"],
            content["file"]["hashes"]["sha256"],
            content["file"]["iv"],
        )
        exported = json.loads(plain)
        assert content["info"]["size"] == len(plain)
        assert "Berlin" in json.dumps(exported, ensure_ascii=False)  # her time zone, as the export words it
        assert START.strftime("%Y-%m-%d") in json.dumps(exported)


async def test_the_export_in_a_plain_dm_is_a_plain_file(
    synapse: Synapse, sessions: SessionMaker, members: MemberFactory, tmp_path: Path
) -> None:
    alice = await members()
    files = _files(alice)
    await join_community(sessions, alice.client.user_id)
    async with serving(synapse, sessions, tmp_path, Clock()) as bot:
        room_id = await alice.dm_joined(bot.user_id)
        await _say(alice, room_id, "!gw privacy export")
        content = await asyncio.wait_for(files.get(), WAIT)
        assert content["encrypted"] is False
        exported = json.loads(await _download(alice, content["url"]))
        assert "Berlin" in json.dumps(exported, ensure_ascii=False)  # her time zone, as the export words it


async def test_delete_asks_first_then_deletes_the_data_and_the_identity_and_tells_the_mentor(
    synapse: Synapse, sessions: SessionMaker, members: MemberFactory, tmp_path: Path
) -> None:
    alice, bob = await members(), await members()
    guild_id, alice_id, alice_member = await join_community(sessions, alice.client.user_id)
    _, bob_id, bob_member = await join_community(sessions, bob.client.user_id)
    async with sessions() as session, session.begin():
        session.add(
            Mentorship(
                guild_id=guild_id,
                member_id=alice_member,
                mentor_id=bob_member,
                status=MentorshipStatus.ACTIVE,
                source="manual",
                proposed_at=START,
            )
        )
    async with serving(synapse, sessions, tmp_path, Clock()) as bot:
        # Her mentor talks to the bot in a direct room of his own (he hears it there).
        bob_room = await bob.dm_joined(bot.user_id, encrypted=True)
        await seen_joined(bot.client, bob_room, bob.client.user_id)
        while bob_room not in (await direct_rooms(bob.client, bot)).get(bob.client.user_id, []):  # noqa: ASYNC110
            await asyncio.sleep(0.05)  # noted in the bot's m.direct right after its join
        room_id = await alice.dm_joined(bot.user_id, encrypted=True)
        assert await _say(
            alice, room_id, "!gw privacy delete confirm"
        ) == mtexts.DELETE_NOTHING_ASKED.replace("**", "")
        asked = await _say(alice, room_id, "!gw privacy delete")
        assert asked.startswith(texts.DELETE_CONFIRM.replace("**", ""))
        assert "!gw privacy delete confirm" in asked
        assert await _say(alice, room_id, "cancel") == texts.CANCELLED
        async with sessions() as session:
            assert await session.get(MemberRow, alice_member) is not None

        await _say(alice, room_id, "!gw privacy delete")
        assert await _say(alice, room_id, "confirm") == mtexts.DELETED
        async with sessions() as session:
            assert await session.get(MemberRow, alice_member) is None
            assert (await session.execute(select(Mentorship))).scalars().all() == []
            assert (
                await identities.find_local_id(
                    session=session,
                    platform=Platform.MATRIX,
                    kind=IdentityKind.USER,
                    external_id=alice.client.user_id,
                )
                is None
            )
            assert await identities.external(session=session, local_id=bob_id) is not None
        assert alice_id != bob_id
        where, told = await bob.next_notice()
        assert where == bob_room
        assert told["body"] == texts.ORGANIZER_NOTICE.format(member=alice.client.user_id)
        assert told["m.mentions"] == {}
        assert await _say(alice, room_id, "!gw privacy show") == texts.NOTHING_STORED
