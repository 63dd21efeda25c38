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
)
from pydantic import SecretStr

from bot.config import MatrixSettings
from matrix_adapter import MatrixBot
from tests.matrix.clients import WAIT, Member, MemberFactory
from tests.matrix.driver import connect
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
        person, syncing = await connect(synapse.url, me, store)
        made.append((person.client, syncing))
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
