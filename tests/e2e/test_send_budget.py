"""A newcomer's welcome goes before scheduled sends (cogs/send_budget.py): with the bot's
requests outside interactions paced, a member who joins while check-ins and review cards wait
for their turn is welcomed at once, not after them."""

from __future__ import annotations

import asyncio

from bot.config import Settings
from cogs.send_budget import Urgency
from tests.e2e.conftest import StartBot
from tests.fake_discord import FakeDiscord, Guild

NEWCOMER = 7999


async def test_a_newcomer_is_welcomed_ahead_of_the_sends_already_waiting(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, settings: Settings
) -> None:
    paced = settings.model_copy(
        update={"discord": settings.discord.model_copy(update={"requests_per_second": 10.0})}
    )
    bot = await start_bot(settings=paced)
    # Four seconds of sends already waiting at 10 a second: check-ins, then a batch's cards.
    backlog = [
        asyncio.create_task(bot.send_budget.turn(urgency))
        for urgency in [Urgency.SCHEDULED] * 20 + [Urgency.BULK] * 20
    ]
    await asyncio.sleep(0)
    assert bot.send_budget.waiting >= 35

    await fake_discord.member_join(guild, NEWCOMER, name="newcomer")
    welcome = await fake_discord.wait_for_dm(NEWCOMER, timeout=2.0)
    assert welcome.custom_ids, "the welcome has its button"
    assert bot.send_budget.waiting >= 25, "the welcome went ahead of the sends that were waiting"
    await asyncio.wait_for(asyncio.gather(*backlog), 10)
