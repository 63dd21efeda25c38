"""Driving the real Synapse as members do, for the Matrix tests and bench/matrix_round_trip.py:
the community's space (made by the bot's account, so the bot is in it), a member's own
matrix-nio client (its crypto store, its sync loop, accepting every invite, reading what the bot
sends as it comes), and the onboarding conversation answered by numbers as it comes. (No tests
here.)"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from nio import (
    AsyncClient,
    AsyncClientConfig,
    EncryptionError,
    InviteMemberEvent,
    JoinResponse,
    MatrixRoom,
    MegolmEvent,
    RoomCreateResponse,
    RoomMessageNotice,
    RoomPreset,
    RoomVisibility,
    SyncResponse,
)

from bot.config import GuildDefaults
from bot.services import identities
from bot.texts import matrix_onboarding as mtexts
from bot.texts import onboarding as texts
from db.engine import SessionMaker
from db.enums import IdentityKind, Platform
from matrix_adapter import render
from tests.matrix.clients import WAIT, Member
from tests.matrix.synapse import Account

SYNC_TIMEOUT_MS = 1000
COMMUNITY_NAME = "Organizers of the North"
# The tests' community: pairings approved and organizers confirmed without a moderator.
TEST_DEFAULTS = GuildDefaults(auto_approve_pairings=True, auto_confirm_organizers=True)

NEWCOMER = {"town": "Leeds", "experience": "1", "paths": "2 3", "languages": "1"}
ORGANIZER = {"town": "Berlin", "experience": "3 ran a tenants' union", "paths": "3", "languages": "1 4"}

# What each question says (plain, as the member's client shows the body), and the reply to it.
_PROMPTS: list[tuple[str, str]] = [
    (render.plain(texts.SUMMARY_PROMPT), "1"),
    (render.plain(mtexts.PLACE_PROMPT).split("\n")[0], "town"),
    (render.plain(texts.PLACE_PICK_PROMPT), "1"),
    ("Is this right?", "1"),
    (render.plain(texts.LANGUAGES_PROMPT), "languages"),
    (render.plain(texts.EXPERIENCE_PROMPT), "experience"),
    (render.plain(texts.MENTORING_PROMPT), "2"),
    (render.plain(texts.PATHS_PROMPT), "paths"),
    (render.plain(texts.READINESS_PROMPT.format(page=1)), "3 4 2"),
    (render.plain(texts.READINESS_PROMPT.format(page=2)), "2 3 4"),
    (render.plain(texts.CONSENT_PROMPT).split("\n")[0], "1 1"),
]


def reply_to(body: str, person: dict[str, str]) -> str | None:
    for prompt, answer in _PROMPTS:
        if prompt in body:
            return person.get(answer, answer)
    return None


async def join_space(person: Member, space_id: str) -> None:
    joined = await person.client.join(space_id)
    assert isinstance(joined, JoinResponse), joined


async def notice_with(person: Member, wanted: Callable[[str], bool]) -> tuple[str, str]:
    while True:
        room_id, content = await person.next_notice()
        if wanted(content["body"]):
            return room_id, content["body"]


async def answer_all(person: Member, answers: dict[str, str], *, stop: Callable[[str], bool]) -> str:
    """Reply to every question as it comes, until a message `stop` recognises; returns it."""
    while True:
        room_id, content = await person.next_notice()
        body: str = content["body"]
        assert content["m.mentions"] == {}
        if stop(body):
            return body
        reply = reply_to(body, answers)
        if reply is not None:
            await person.say(room_id, reply)


def done(body: str) -> bool:
    return body.startswith(render.plain(texts.DONE_TITLE))


async def local(sessions: SessionMaker, kind: IdentityKind, external_id: str) -> int | None:
    async with sessions() as session:
        return await identities.find_local_id(
            session=session, platform=Platform.MATRIX, kind=kind, external_id=external_id
        )


async def until(check: Callable[[], Awaitable[bool]]) -> None:
    async def poll() -> None:
        while not await check():  # noqa: ASYNC110 (a row or the server's state: no event to wait on)
            await asyncio.sleep(0.05)

    await asyncio.wait_for(poll(), WAIT)


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
