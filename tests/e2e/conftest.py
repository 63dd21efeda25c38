"""The real groundwork bot, logged in to the fake Discord, on this test's database."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.bot import GroundworkBot
from bot.config import Settings
from tests.fake_discord import BotRunner, FakeDiscord, Guild
from tests.support.clock import TestClock

StartBot = Callable[..., Awaitable[GroundworkBot]]


@pytest.fixture
def clock() -> TestClock:
    return TestClock()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        # The fake has no rate limit unless a test sets one: sends are not paced here (the
        # send budget's own tests pace them), so what a flow sends arrives in the order it is sent.
        discord={
            "token": "fake-discord-test-token",
            "sync_commands_on_start": True,
            "requests_per_second": 1000.0,
        },
        database={"url": database_url},
        scheduler={"tick_seconds": 3600},  # tests call the jobs themselves, with the clock where they want it
    )


@pytest.fixture
def start_bot(bot_runner: BotRunner, settings: Settings, clock: TestClock, engine: AsyncEngine) -> StartBot:
    """Start a groundwork bot against the fake; call again after `bot_runner.stop(bot)` to restart."""

    async def start(**overrides: Any) -> GroundworkBot:
        bot = GroundworkBot(
            overrides.pop("settings", settings), clock=clock, guild_ready_timeout=0.01, **overrides
        )
        return await bot_runner.start(bot)

    return start


@pytest.fixture
def guild(fake_discord: FakeDiscord) -> Guild:
    return fake_discord.add_guild("Organizers United")
