"""Time limits that waiting for one's turn does not count toward.

A chat step or a check-in send is given a minute (`timed`) to guard against a request that
hangs. When the bot is busy it also waits for its turn to send (cogs/send_budget.py): that wait is
not the step hanging, so it is taken out of the minute (`paused`), up to `pause_up_to` in all
(kept well within the claim's lease, so nobody else takes the step meanwhile).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
from collections.abc import AsyncIterator
from dataclasses import dataclass


@dataclass
class _Deadline:
    timeout: asyncio.Timeout
    pause_left: float  # seconds the deadline may still be moved back


_CURRENT: contextvars.ContextVar[_Deadline | None] = contextvars.ContextVar("deadline", default=None)


@contextlib.asynccontextmanager
async def timed(seconds: float, *, pause_up_to: float) -> AsyncIterator[None]:
    """`async with timed(60, pause_up_to=180):` as `asyncio.timeout(60)`, except that the time
    spent in `paused()` inside it does not count (up to `pause_up_to` seconds in all)."""
    async with asyncio.timeout(seconds) as timeout:
        token = _CURRENT.set(_Deadline(timeout, pause_up_to))
        try:
            yield
        finally:
            _CURRENT.reset(token)


@contextlib.asynccontextmanager
async def paused() -> AsyncIterator[None]:
    """Inside `timed`: the time in this block is added back to the deadline, as far as its
    `pause_up_to` allows. Outside it: nothing."""
    deadline = _CURRENT.get()
    when = deadline.timeout.when() if deadline is not None else None
    if deadline is None or when is None:
        yield
        return
    loop = asyncio.get_running_loop()
    started = loop.time()
    # No deadline while waiting, then the old one moved back by the wait (at most pause_left).
    deadline.timeout.reschedule(started + deadline.pause_left + (when - started))
    try:
        yield
    finally:
        waited = min(loop.time() - started, deadline.pause_left)
        deadline.pause_left -= waited
        if not deadline.timeout.expired():
            deadline.timeout.reschedule(when + waited)
