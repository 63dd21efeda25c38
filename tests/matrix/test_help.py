"""End to end on a real Synapse: a member opens a direct room with the bot and asks for help.

The bot is groundwork's own Matrix client (matrix_adapter.MatrixBot, logged in with a password
like `groundwork run` would); the member is a second real client (matrix-nio) doing what Element
does for "Start chat": a private room created with `is_direct`, the bot invited, the room noted in
the member's `m.direct`. In a plain room, and in an encrypted one (Element's default for direct
rooms): then the member's client encrypts (Megolm, vodozemac) and the bot's answer arrives
encrypted and is decrypted by the member.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from urllib.parse import quote

from nio import RoomCreateResponse
from pydantic import SecretStr

from bot.config import MatrixSettings
from matrix_adapter import MatrixBot
from matrix_adapter import commands as bot_commands
from tests.matrix.clients import WAIT, Member, direct_rooms, joined
from tests.matrix.conftest import account
from tests.matrix.synapse import Account, Synapse


async def test_a_member_asks_for_help_in_a_direct_room(
    bot: tuple[MatrixBot, Account], member: Member
) -> None:
    served, _ = bot
    room_id = await member.open_dm(served.user_id)
    await joined(member.client, room_id, served.user_id)  # the bot accepted the direct room
    assert await direct_rooms(member.client, served) == {member.client.user_id: [room_id]}

    await member.say(room_id, "hello there")  # not a command: no answer
    await member.say(room_id, "!gw help")
    where, content = await member.next_notice()
    assert where == room_id
    assert content["body"] == served.router.help_text()
    assert "!gw help" in content["body"]
    assert content["msgtype"] == "m.notice"
    assert content["m.mentions"] == {}  # pings nobody

    await member.say(room_id, "!gw frobnicate now")
    _, content = await member.next_notice()
    assert content["body"] == bot_commands.unknown_text(bot_commands.Command("frobnicate", ""))
    assert member.notices.empty()  # "hello there" got nothing
    assert member.decrypted == [False, False]


async def test_help_in_an_encrypted_direct_room(bot: tuple[MatrixBot, Account], member: Member) -> None:
    served, _ = bot
    room_id = await member.dm_joined(served.user_id, encrypted=True)
    assert member.client.rooms[room_id].encrypted

    await member.say(room_id, "!gw help")  # encrypted by the member's client
    where, content = await member.next_notice()
    assert (where, content["body"]) == (room_id, served.router.help_text())
    assert content["m.mentions"] == {}
    assert member.decrypted == [True]  # it came encrypted, and the member could read it
    # What the homeserver holds of the bot's messages: only ciphertext.
    raw = await member.client.send(
        "GET",
        f"/_matrix/client/v3/rooms/{quote(room_id)}/messages?dir=b&limit=50",
        headers={"Authorization": f"Bearer {member.client.access_token}"},
    )
    events = (await raw.json())["chunk"]
    bots = [
        event["type"] for event in events if event["sender"] == served.user_id and "state_key" not in event
    ]
    assert bots == ["m.room.encrypted"]


async def test_the_bot_joins_onlydirect_rooms(bot: tuple[MatrixBot, Account], member: Member) -> None:
    served, _ = bot
    made = await member.client.room_create(invite=[served.user_id])  # a group room, not direct
    assert isinstance(made, RoomCreateResponse)
    direct = await member.open_dm(served.user_id)
    await joined(member.client, direct, served.user_id)
    await asyncio.sleep(0.5)  # the group invite came first: had it been taken, it would be by now
    answer = await member.client.joined_members(made.room_id)
    assert served.user_id not in {m.user_id for m in answer.members}


async def test_a_direct_room_opened_while_the_bot_was_away_is_joined_at_start(
    synapse: Synapse, member: Member, tmp_path: Path
) -> None:
    me = account(synapse, "groundwork")
    room_id = await member.open_dm(me.user_id)  # the bot is not running
    settings = MatrixSettings(
        homeserver=synapse.url,
        user_id=me.user_id,
        access_token=SecretStr(me.access_token),  # the other way to log in: a token
        device_id=me.device_id,
        room_ids=("!community:localhost",),
    )
    served = MatrixBot(settings, crypto_store=tmp_path / "bot-crypto")
    await served.login()
    task = asyncio.create_task(served.run())
    try:
        await joined(member.client, room_id, me.user_id)
        await member.say(room_id, "!gw")
        _, content = await member.next_notice()
        assert content["body"] == served.router.help_text()
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await served.close()


async def test_an_encrypted_room_still_works_after_a_restart(
    synapse: Synapse, member: Member, tmp_path: Path
) -> None:
    """The crypto store keeps the bot's device keys and the room keys members shared with it: after
    a restart (same device, same store) the bot still reads the member's encrypted messages."""
    me = account(synapse, "groundwork")
    settings = MatrixSettings(
        homeserver=synapse.url,
        user_id=me.user_id,
        access_token=SecretStr(me.access_token),
        device_id=me.device_id,
        room_ids=("!community:localhost",),
    )
    store = tmp_path / "bot-crypto"

    async def serve_once(say: str, room_id: str | None) -> str:
        served = MatrixBot(settings, crypto_store=store)
        await served.login()
        task = asyncio.create_task(served.run())
        try:
            await asyncio.wait_for(served.wait_until_serving(), WAIT)
            if room_id is None:
                room_id = await member.dm_joined(me.user_id, encrypted=True)
            await member.say(room_id, say)
            _, content = await member.next_notice()
            assert content["body"] == served.router.help_text()
            return room_id
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            await served.close()

    room_id = await serve_once("!gw help", None)
    await serve_once("!gw help", room_id)  # the same member session, read by the restarted bot
    assert member.decrypted == [True, True]
