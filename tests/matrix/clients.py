"""The member's side of the Matrix tests: a real matrix-nio client, and waiting on what it sees."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from nio import AsyncClient, RoomCreateResponse, RoomPreset, RoomSendResponse

from matrix_adapter import MatrixBot

WAIT = 20.0
ENCRYPTION = {"type": "m.room.encryption", "state_key": "", "content": {"algorithm": "m.megolm.v1.aes-sha2"}}


@dataclass
class Member:
    """A real Matrix client playing the member; `notices` collects what the bot sends them."""

    client: AsyncClient
    notices: asyncio.Queue[tuple[str, dict[str, Any]]] = field(default_factory=asyncio.Queue)
    decrypted: list[bool] = field(default_factory=list)
    invited: list[str] = field(default_factory=list)  # rooms they were invited to (and joined)

    async def open_dm(self, other: str, *, encrypted: bool = False) -> str:
        initial_state = [ENCRYPTION] if encrypted else []
        made = await self.client.room_create(
            is_direct=True,
            preset=RoomPreset.trusted_private_chat,
            invite=[other],
            initial_state=initial_state,
        )
        assert isinstance(made, RoomCreateResponse), made
        # What Element does too: the room goes into the member's m.direct (nio has no setter).
        path = f"/_matrix/client/v3/user/{quote(self.client.user_id)}/account_data/m.direct"
        answer = await self.client.send(
            "PUT",
            path,
            json.dumps({other: [made.room_id]}),
            headers={"Authorization": f"Bearer {self.client.access_token}"},
        )
        assert answer.status == 200
        return str(made.room_id)

    async def dm_joined(self, other: str, *, encrypted: bool = False) -> str:
        """A direct room with `other` (open_dm), once this member's client has seen them join it."""
        room_id = await self.open_dm(other, encrypted=encrypted)
        await seen_joined(self.client, room_id, other)
        return room_id

    async def say(self, room_id: str, body: str) -> None:
        sent = await self.client.room_send(
            room_id, "m.room.message", {"msgtype": "m.text", "body": body}, ignore_unverified_devices=True
        )
        assert isinstance(sent, RoomSendResponse), sent

    async def next_notice(self) -> tuple[str, dict[str, Any]]:
        return await asyncio.wait_for(self.notices.get(), WAIT)


async def joined(client: AsyncClient, room_id: str, user_id: str) -> None:
    async def check() -> None:
        while True:
            answer = await client.joined_members(room_id)
            if user_id in {m.user_id for m in getattr(answer, "members", [])}:
                return
            await asyncio.sleep(0.05)

    await asyncio.wait_for(check(), WAIT)


async def seen_joined(client: AsyncClient, room_id: str, user_id: str) -> None:
    """The member's own client (its synced state) knows the other one joined."""

    async def check() -> None:
        while not (room_id in client.rooms and user_id in client.rooms[room_id].users):  # noqa: ASYNC110
            await asyncio.sleep(0.05)  # nio's synced state has no event to wait on

    await asyncio.wait_for(check(), WAIT)


async def direct_rooms(client: AsyncClient, bot: MatrixBot) -> dict[str, list[str]]:
    """The bot's m.direct account data (read with the bot's token, through the member's connection)."""

    async def read() -> dict[str, list[str]]:
        while True:
            answer = await client.send(
                "GET",
                f"/_matrix/client/v3/user/{quote(bot.user_id)}/account_data/m.direct",
                headers={"Authorization": f"Bearer {bot.client.access_token}"},
            )
            if answer.status == 200:
                result: dict[str, list[str]] = await answer.json()
                return result
            await asyncio.sleep(0.05)

    return await asyncio.wait_for(read(), WAIT)


MemberFactory = Callable[..., Awaitable[Member]]
