"""A Matrix community for the local-life tests: a space and a moderators' room made by the bot's
account (so the bot has the power to add rooms to the space), the bot serving it with the test
database, and members onboarded through the services (the conversation itself is tested in
test_onboarding.py), then joined to the space. (No tests here.)"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from nio import (
    AsyncClient,
    JoinResponse,
    RoomCreateResponse,
    RoomMessagesResponse,
    RoomPreset,
    RoomVisibility,
)
from pydantic import SecretStr

from bot.config import GuildDefaults, MatrixSettings
from bot.services import identities, neighbours
from bot.services.gazetteer import get_gazetteer
from db.engine import SessionMaker
from db.enums import Answer, IdentityKind, OfferStatus, Platform
from matrix_adapter import MatrixBot, local
from tests.matrix.clients import WAIT
from tests.matrix.clients import Member as MatrixMember
from tests.matrix.conftest import account
from tests.matrix.synapse import Account, Synapse
from tests.support.onboarding import Answers, run_conversation

DEFAULTS = GuildDefaults(radius_km=40)


def now() -> datetime:
    return datetime.now(UTC)


class LocalCommunity:
    def __init__(self, synapse: Synapse, sessions: SessionMaker, store: Path) -> None:
        self.synapse = synapse
        self.sessions = sessions
        self.store = store
        self.me: Account = account(synapse, "groundwork")
        self.space_id = ""
        self.moderators_room_id = ""
        self.bot: MatrixBot | None = None
        self._task: asyncio.Task[None] | None = None

    async def make_rooms(self, moderator: str) -> None:
        client = AsyncClient(self.synapse.url, self.me.user_id)
        client.restore_login(self.me.user_id, "ROOM-MAKER", self.me.access_token)
        space = await client.room_create(
            space=True,
            name="Organizers of the North",
            preset=RoomPreset.public_chat,
            visibility=RoomVisibility.private,
        )
        mods = await client.room_create(
            name="Moderators",
            preset=RoomPreset.private_chat,
            invite=[moderator],
            power_level_override={"users": {moderator: 50}},
        )
        await client.close()
        assert isinstance(space, RoomCreateResponse), space
        assert isinstance(mods, RoomCreateResponse), mods
        self.space_id, self.moderators_room_id = str(space.room_id), str(mods.room_id)

    async def start(self) -> MatrixBot:
        settings = MatrixSettings(
            homeserver=self.synapse.url,
            user_id=self.me.user_id,
            password=SecretStr(self.me.password),
            device_id=self.me.device_id,
            space_id=self.space_id,
            moderators_room_id=self.moderators_room_id,
        )
        bot = MatrixBot(settings, crypto_store=self.store, sessions=self.sessions)
        await bot.login()
        self._task = asyncio.create_task(bot.run())
        await asyncio.wait_for(bot.wait_until_serving(), WAIT)
        self.bot = bot
        return bot

    @property
    def feature(self) -> local.MatrixLocal:
        assert self.bot is not None
        found = local.of(self.bot)
        assert found is not None
        return found

    async def stop(self) -> None:
        if self._task is not None and self.bot is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            await self.bot.close()
        self._task = self.bot = None

    async def local_id(self, kind: IdentityKind, external_id: str) -> int:
        async with self.sessions() as session, session.begin():
            return await identities.local_id(
                session=session, platform=Platform.MATRIX, kind=kind, external_id=external_id
            )

    async def onboard(self, person: MatrixMember, place: str) -> tuple[int, int]:
        """Onboarded through the services, then in the space (welcomed back, in a direct room);
        (user id, member id)."""
        guild_id = await self.local_id(IdentityKind.COMMUNITY, self.space_id)
        user_id = await self.local_id(IdentityKind.USER, person.client.user_id)
        completion = await run_conversation(
            self.sessions,
            get_gazetteer(),
            guild_id=guild_id,
            user_id=user_id,
            now=now(),
            answers=Answers(place=place),
            defaults=DEFAULTS,
        )
        joined = await person.client.join(self.space_id)
        assert isinstance(joined, JoinResponse), joined
        await notice_with(person, lambda body: body.startswith("Welcome back to"))
        return user_id, completion.member_id


async def make_community(
    synapse: Synapse, sessions: SessionMaker, tmp_path: Path, moderator: MatrixMember
) -> LocalCommunity:
    made = LocalCommunity(synapse, sessions, tmp_path / "bot-crypto")
    await made.make_rooms(moderator.client.user_id)
    await made.start()
    return made


@pytest.fixture
async def moderator(members: Callable[[], Awaitable[MatrixMember]]) -> MatrixMember:
    return await members()


@pytest.fixture
async def community(
    synapse: Synapse, sessions: SessionMaker, tmp_path: Path, moderator: MatrixMember
) -> AsyncIterator[LocalCommunity]:
    made = await make_community(synapse, sessions, tmp_path, moderator)
    try:
        yield made
    finally:
        await made.stop()


async def notice_with(person: MatrixMember, wanted: Callable[[str], bool]) -> tuple[str, str]:
    while True:
        room_id, content = await person.next_notice()
        assert content["m.mentions"] == {}
        if wanted(content["body"]):
            return room_id, content["body"]


async def until(check: Callable[[], Awaitable[bool]]) -> None:
    async def poll() -> None:
        while not await check():  # noqa: ASYNC110 (a row or the server's state: no event to wait on)
            await asyncio.sleep(0.05)

    await asyncio.wait_for(poll(), WAIT)


async def bodies(client: AsyncClient, room_id: str) -> list[str]:
    """The notices' bodies in a room, oldest first, as a member's client reads them."""
    answer = await client.room_messages(room_id, limit=50)
    assert isinstance(answer, RoomMessagesResponse), answer
    found: list[Any] = [getattr(event, "body", None) for event in reversed(answer.chunk)]
    return [body for body in found if isinstance(body, str)]


async def neighbours_meet(sessions: SessionMaker, member_id: int, user_id: int) -> list[neighbours.Answered]:
    """Through the services: the member accepts the neighbours offer and every neighbour says yes."""
    async with sessions() as session, session.begin():
        offer = await neighbours.make_offer(session=session, member_id=member_id, now=now())
    assert offer is not None
    async with sessions() as session, session.begin():
        asks = await neighbours.answer_offer(
            session=session, offer_id=offer.offer_id, user_id=user_id, answer=OfferStatus.ACCEPTED, now=now()
        )
    answered = []
    for ask in asks:
        async with sessions() as session, session.begin():
            answered.append(
                await neighbours.answer_introduction(
                    session=session,
                    introduction_id=ask.introduction_id,
                    user_id=ask.neighbour_user_id,
                    answer=Answer.YES,
                    mute=False,
                    now=now(),
                )
            )
    return answered
