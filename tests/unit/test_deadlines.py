"""Time limits that waiting for one's turn does not count toward (bot/deadlines.py)."""

from __future__ import annotations

import asyncio

import pytest

from bot import deadlines
from cogs.send_budget import SendBudget, Urgency


async def test_time_in_paused_does_not_count() -> None:
    async with deadlines.timed(0.1, pause_up_to=1.0):
        async with deadlines.paused():
            await asyncio.sleep(0.3)  # three times the limit, waiting for a turn
        await asyncio.sleep(0.05)  # the step's own work: within its 0.1 s


async def test_the_steps_own_time_still_counts() -> None:
    with pytest.raises(TimeoutError):
        async with deadlines.timed(0.1, pause_up_to=1.0):
            async with deadlines.paused():
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.3)


async def test_pausing_is_limited() -> None:
    with pytest.raises(TimeoutError):
        async with deadlines.timed(0.05, pause_up_to=0.1), deadlines.paused():
            await asyncio.sleep(0.5)  # more than the limit and the pause together


async def test_paused_outside_timed_does_nothing() -> None:
    async with deadlines.paused():
        await asyncio.sleep(0)


async def test_a_step_waiting_for_its_turn_is_not_timed_out() -> None:
    budget = SendBudget(10.0, burst=1)  # 100 ms apart
    for _ in range(3):
        await budget.turn(Urgency.BULK)
    # Now the next turn is ~200 ms away; the step itself has 50 ms.
    async with deadlines.timed(0.05, pause_up_to=1.0):
        await budget.turn(Urgency.FOLLOW_UP)
