"""A real Synapse for the Matrix tests: started once per test session, stopped at its end."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from nio import (
    AsyncClient,
    AsyncClientConfig,
    EncryptionError,
    InviteMemberEvent,
    MatrixRoom,
    MegolmEvent,
    RoomMessageNotice,
    SyncResponse,
)
from pydantic import SecretStr

from bot.config import MatrixSettings
from matrix_adapter import MatrixBot
from tests.matrix.clients import WAIT, Member, MemberFactory
from tests.matrix.synapse import Account, Synapse

_names = itertools.count(1)


@pytest.fixture(scope="session")
def synapse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Synapse]:
    server = Synapse.start(tmp_path_factory.mktemp("synapse"))
    print(f"\nSynapse answered {server.started_in:.2f} s after start at {server.url}")  # noqa: T201
    try:
        yield server
    finally:
        server.stop()


def account(synapse: Synapse, role: str) -> Account:
    """A fresh account per call (tests share one server, never one account)."""
    return synapse.register(f"{role}{next(_names)}")


@pytest.fixture
async def bot(synapse: Synapse, tmp_path: Path) -> AsyncIterator[tuple[MatrixBot, Account]]:
    me = account(synapse, "groundwork")
    settings = MatrixSettings(
        homeserver=synapse.url,
        user_id=me.user_id,
        password=SecretStr(me.password),
        device_id=me.device_id,
        room_ids=("!community:localhost",),
    )
    served = MatrixBot(settings, crypto_store=tmp_path / "bot-crypto")
    await served.login()
    task = asyncio.create_task(served.run())
    await asyncio.wait_for(served.wait_until_serving(), WAIT)
    try:
        yield served, me
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await served.close()


@pytest.fixture
async def members(synapse: Synapse, tmp_path: Path) -> AsyncIterator[MemberFactory]:
    """Makes members: each a fresh account on its own syncing client (with its own crypto store)."""
    made: list[tuple[AsyncClient, asyncio.Task[Any]]] = []

    async def make() -> Member:
        me = account(synapse, "alice")
        store = tmp_path / f"member-crypto-{len(made)}"
        store.mkdir()
        client = AsyncClient(
            synapse.url, me.user_id, store_path=str(store), config=AsyncClientConfig(encryption_enabled=True)
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
        made.append((client, asyncio.create_task(client.sync_forever(timeout=1000))))
        return person

    try:
        yield make
    finally:
        for client, task in made:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            await client.close()


@pytest.fixture
async def member(members: MemberFactory) -> Member:
    return await members()
