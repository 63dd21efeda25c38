"""Scheduled jobs go through one helper (cogs/_ticks.py): registered when their cog loads, removed
when it unloads, and doing nothing until the gateway is ready (they would claim reminders and
follow-ups they could not deliver yet; the next tick runs them)."""

from __future__ import annotations

import ast
from datetime import UTC
from pathlib import Path

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from discord.ext import commands

from bot.bot import GroundworkBot
from bot.config import Settings
from cogs._ticks import Ticks

ROOT = Path(__file__).resolve().parents[2]
JOB = "test:tick"


class Ticking(commands.Cog):
    def __init__(self, bot: GroundworkBot) -> None:
        self.ticks = Ticks(bot)
        self.ran = 0

    async def cog_load(self) -> None:
        self.ticks.every(JOB, self.tick, seconds=90)

    async def cog_unload(self) -> None:
        self.ticks.stop()

    async def tick(self) -> None:
        self.ran += 1


async def test_a_job_is_registered_on_load_removed_on_unload_and_idle_before_ready() -> None:
    bot = GroundworkBot(Settings(discord={"token": "x"}), run_scheduler=False, sync_commands=False)
    bot.scheduler = AsyncIOScheduler(timezone=UTC)  # setup_hook's, without logging in
    cog = Ticking(bot)
    await bot.add_cog(cog)
    job = bot.scheduler.get_job(JOB)
    assert job is not None
    assert job.trigger.interval.total_seconds() == 90

    assert not bot.is_ready()
    await job.func()
    assert cog.ran == 0

    await bot.remove_cog(Ticking.__cog_name__)
    assert bot.scheduler.get_job(JOB) is None
    await bot.close()


async def test_an_interval_must_be_given() -> None:
    bot = GroundworkBot(Settings(discord={"token": "x"}), run_scheduler=False, sync_commands=False)
    bot.scheduler = AsyncIOScheduler(timezone=UTC)
    with pytest.raises(ValueError, match="positive"):
        Ticks(bot).every(JOB, Ticking(bot).tick)
    await bot.close()


SCHEDULING = {"add_job", "remove_job", "is_ready", "wait_until_ready"}


COG_FILES = sorted(path for path in (ROOT / "cogs").rglob("*.py") if path.name != "_ticks.py")


@pytest.mark.parametrize("path", COG_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_only_the_helper_schedules_or_waits_for_ready(path: Path) -> None:
    used = {
        node.attr
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Attribute) and node.attr in SCHEDULING
    }
    assert not used, (
        f"{path.relative_to(ROOT)} schedules or guards by itself: {sorted(used)}; use cogs._ticks.Ticks"
    )
