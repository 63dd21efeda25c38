"""The send budget (cogs/send_budget.py): requests spaced under the rate, the most urgent first."""

from __future__ import annotations

import asyncio

from cogs.send_budget import SendBudget, Urgency


async def test_a_burst_goes_at_once_then_requests_are_spaced_by_the_rate() -> None:
    budget = SendBudget(200.0, burst=5)  # 5 ms apart
    loop = asyncio.get_running_loop()
    await asyncio.sleep(0.05)  # idle: the burst is there
    started = loop.time()
    for _ in range(5):
        await budget.turn(Urgency.SCHEDULED)
    assert loop.time() - started < 0.02
    for _ in range(15):
        await budget.turn(Urgency.SCHEDULED)
    # 20 requests at 200 a second with a burst of 5: at least 15 intervals of 5 ms.
    assert loop.time() - started >= 15 * 0.005 - 0.002


async def test_the_most_urgent_waiting_go_first_in_order_of_arrival() -> None:
    budget = SendBudget(100.0, burst=1)
    order: list[str] = []

    async def send(name: str, urgency: Urgency) -> None:
        await budget.turn(urgency)
        order.append(name)

    await budget.turn(Urgency.BULK)  # the budget is spent: everyone below waits
    await budget.turn(Urgency.BULK)
    waiting = [
        asyncio.create_task(send(name, urgency))
        for name, urgency in [
            ("review 1", Urgency.BULK),
            ("check-in 1", Urgency.SCHEDULED),
            ("review 2", Urgency.BULK),
            ("welcome 1", Urgency.FOLLOW_UP),
            ("announcement", Urgency.SCHEDULED),
            ("welcome 2", Urgency.FOLLOW_UP),
            ("check-in 2", Urgency.SCHEDULED),
        ]
    ]
    await asyncio.sleep(0)
    assert budget.waiting == 7
    await asyncio.gather(*waiting)
    assert order == [
        "welcome 1",
        "welcome 2",
        "check-in 1",
        "announcement",
        "check-in 2",
        "review 1",
        "review 2",
    ]


async def test_a_request_of_several_takes_as_many_turns() -> None:
    budget = SendBudget(100.0, burst=1)
    loop = asyncio.get_running_loop()
    await budget.turn(Urgency.FOLLOW_UP, 3)  # three requests: the next waits ~30 ms
    started = loop.time()
    await budget.turn(Urgency.FOLLOW_UP)
    assert loop.time() - started >= 0.015


async def test_a_waiter_that_gives_up_does_not_hold_up_the_others() -> None:
    budget = SendBudget(100.0, burst=1)
    await budget.turn(Urgency.BULK)
    await budget.turn(Urgency.BULK)
    gave_up = asyncio.create_task(budget.turn(Urgency.FOLLOW_UP))
    after = asyncio.create_task(budget.turn(Urgency.BULK))
    await asyncio.sleep(0)
    gave_up.cancel()
    await asyncio.wait_for(after, 1.0)
    assert budget.waiting == 0


async def test_what_someone_waits_on_now_never_waits_but_uses_up_the_budget() -> None:
    budget = SendBudget(100.0, burst=1)
    loop = asyncio.get_running_loop()
    started = loop.time()
    for _ in range(30):  # far over the rate: none of them waits
        await budget.turn(Urgency.NOW)
    assert loop.time() - started < 0.05
    # The rest waits for what is left: at most a second of the budget was taken ahead.
    later = loop.time()
    await budget.turn(Urgency.SCHEDULED)
    assert 0.2 <= loop.time() - later <= 1.5
