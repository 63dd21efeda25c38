"""Running a real discord.py bot against the fake: start it, wait until it is ready, close it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, TypeVar

import discord

if TYPE_CHECKING:
    from .fake import FakeDiscord

ClientT = TypeVar("ClientT", bound=discord.Client)
TOKEN = "fake-discord-test-token"


class BotRunner:
    """Starts bots against one fake and closes every one of them on :meth:`close_all`."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self._running: list[tuple[discord.Client, asyncio.Task[None]]] = []

    async def start(self, bot: ClientT, *, timeout: float = 5.0) -> ClientT:
        """``bot.start()`` in a task; returns once the bot identified, got its guilds and is ready.
        Build bots with ``guild_ready_timeout=0.01`` or so (discord.py waits that long after the last
        GUILD_CREATE before ``on_ready``). A bot that fails to start raises here."""
        fake = self.fake
        before = fake.gateway.identify_count
        task = asyncio.create_task(bot.start(TOKEN), name=f"fake-discord-bot-{len(self._running)}")
        task.add_done_callback(lambda _: fake.notify())
        self._running.append((bot, task))
        await fake.wait_for(
            lambda: task.done() or (fake.gateway.identify_count > before and fake.gateway.connected()),
            timeout=timeout,
            what="the bot to log in and identify",
        )
        if task.done():
            task.result()
            raise RuntimeError("the bot stopped while starting")
        await asyncio.wait_for(bot.wait_until_ready(), timeout)
        return bot

    async def stop(self, bot: discord.Client) -> None:
        """Close one bot (like a process exit) and wait for its task."""
        for entry in list(self._running):
            if entry[0] is bot:
                self._running.remove(entry)
                await _close(*entry)

    async def close_all(self) -> None:
        while self._running:
            await _close(*self._running.pop())


async def _close(bot: discord.Client, task: asyncio.Task[None]) -> None:
    await bot.close()
    with contextlib.suppress(asyncio.CancelledError, discord.DiscordException, OSError):
        await asyncio.wait_for(task, 5.0)


@contextlib.asynccontextmanager
async def running(fake: FakeDiscord, bot: ClientT, *, timeout: float = 5.0) -> AsyncIterator[ClientT]:
    """``async with running(fake, bot): ...`` -- the bot is ready inside and closed after."""
    runner = BotRunner(fake)
    try:
        yield await runner.start(bot, timeout=timeout)
    finally:
        await runner.close_all()
