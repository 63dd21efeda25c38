"""Scheduler jobs that speak to members do nothing until the gateway is ready (they would
claim reminders and follow-ups they could not deliver yet); the next tick runs them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from bot.bot import GroundworkBot
from bot.config import Settings
from cogs.local._practice import Practice
from cogs.onboarding import Onboarding
from cogs.pairing import Pairing
from cogs.privacy import Privacy


@pytest.mark.parametrize(
    "job",
    [
        lambda bot: Onboarding(bot).tick(),
        lambda bot: Pairing(bot).followups(),
        lambda bot: Pairing(bot).batch_all(),
        lambda bot: Privacy(bot).delete_departed(),
        lambda bot: Practice(bot).followups(),
    ],
)
async def test_a_job_before_ready_touches_nothing(job: Callable[[GroundworkBot], Awaitable[None]]) -> None:
    bot = GroundworkBot(Settings(discord={"token": "x"}), run_scheduler=False, sync_commands=False)
    assert not bot.is_ready()
    await job(bot)  # no database, no scheduler, no gateway: would raise if it tried
    await bot.close()
