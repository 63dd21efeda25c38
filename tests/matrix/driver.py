"""Driving the real Synapse as members do, for the Matrix tests and bench/matrix_round_trip.py:
the community's space (made by the bot's account, so the bot is in it), and a member's own
matrix-nio client (its crypto store, its sync loop, accepting every invite, reading what the bot
sends as it comes). (No tests here.)"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from nio import (
    AsyncClient,
    AsyncClientConfig,
    EncryptionError,
    InviteMemberEvent,
    MatrixRoom,
    MegolmEvent,
    RoomCreateResponse,
    RoomMessageNotice,
    RoomPreset,
    RoomVisibility,
    SyncResponse,
)

from tests.matrix.clients import Member
from tests.matrix.synapse import Account

SYNC_TIMEOUT_MS = 1000
COMMUNITY_NAME = "Organizers of the North"


async def make_space(homeserver: str, bot: Account, *, name: str = COMMUNITY_NAME) -> str:
    """A space made by the bot's account (on a device of its own, before the bot starts); its id."""
    client = AsyncClient(homeserver, bot.user_id)
    client.restore_login(bot.user_id, "SPACE-MAKER", bot.access_token)
    made = await client.room_create(
        space=True, name=name, preset=RoomPreset.public_chat, visibility=RoomVisibility.private
    )
    await client.close()
    assert isinstance(made, RoomCreateResponse), made
    return str(made.room_id)


async def connect(homeserver: str, me: Account, store: Path) -> tuple[Member, asyncio.Task[Any]]:
    """A member's client on `me`'s device (its crypto store in `store`), syncing in the returned
    task until it is cancelled (then close the client)."""
    await asyncio.to_thread(store.mkdir, parents=True, exist_ok=True)
    client = AsyncClient(
        homeserver, me.user_id, store_path=str(store), config=AsyncClientConfig(encryption_enabled=True)
    )
    client.restore_login(me.user_id, me.device_id, me.access_token)
    if client.should_upload_keys:
        await client.keys_upload()
    person = Member(client)

    async def on_notice(room: MatrixRoom, event: RoomMessageNotice) -> None:
        person.decrypted.append(bool(getattr(event, "decrypted", False)))
        person.notices.put_nowait((room.room_id, event.source["content"]))

    async def on_invite(room: MatrixRoom, event: InviteMemberEvent) -> None:
        # Like a person tapping "Accept" on every invite (the bot's direct rooms, a moderators' room).
        if event.state_key == client.user_id and event.membership == "invite":
            person.invited.append(room.room_id)
            await client.join(room.room_id)

    # As clients do (and the bot): a message whose room key comes a sync later is read then.
    waiting: list[tuple[MatrixRoom, MegolmEvent]] = []

    async def on_undecrypted(room: MatrixRoom, event: MegolmEvent) -> None:
        waiting.append((room, event))

    async def after_sync(response: SyncResponse) -> None:
        for room, event in list(waiting):
            try:
                decrypted = client.decrypt_event(event)
            except EncryptionError:
                continue
            waiting.remove((room, event))
            if isinstance(decrypted, RoomMessageNotice):
                await on_notice(room, decrypted)

    client.add_event_callback(on_notice, RoomMessageNotice)
    client.add_event_callback(on_invite, InviteMemberEvent)
    client.add_event_callback(on_undecrypted, MegolmEvent)
    client.add_response_callback(after_sync, SyncResponse)
    await client.sync(timeout=0)
    return person, asyncio.create_task(client.sync_forever(timeout=SYNC_TIMEOUT_MS))
