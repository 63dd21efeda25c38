"""The bot's requests to Discord outside interactions: paced under Discord's global limit, the
most urgent first.

Discord lets a bot make 50 requests a second (answers to interactions aside) and refuses more
with a global 429, which holds up every request the bot makes until it passes. A pairing batch
posts a review card for each proposal and the check-in dispatch sends hundreds of DMs; left to
themselves they take the whole allowance, and a newcomer who joins meanwhile waits for a
welcome that does not come (bench/interaction_latency.py --global-limit 50: 899 of 1,000
joiners had no welcome DM within 30 s). So every high-volume sender takes its turn here first:

- at most `per_second` requests a second in all (a little under Discord's 50, for the
  requests that do not come through here), with a small burst;
- what someone is waiting on this moment never waits here (Discord's own 429s, which
  discord.py honours, are its only limit), but it uses up the allowance;
- when several wait, the most urgent goes first (what someone is waiting on this moment: a
  newcomer's welcome, the roles their closing message names; then what follows a member's own
  action; then scheduled check-ins; then moderators' review cards), in order of arrival within
  an urgency.

It only orders and spaces the requests: discord.py still honours Discord's rate-limit headers
and 429s as before.
"""

from __future__ import annotations

import asyncio
import enum
import heapq
import itertools

from bot import deadlines


class Urgency(enum.IntEnum):
    """Which request goes first when several wait (lowest first)."""

    NOW = 0  # someone is waiting on it this moment: a newcomer's welcome, the roles onboarding gives
    FOLLOW_UP = 1  # what follows a member's own action: introductions, roles, notices
    SCHEDULED = 2  # check-ins and their reminders: a minute later is fine
    BULK = 3  # a batch's review cards for moderators


class SendBudget:
    """`await budget.turn(Urgency.X, requests)` before making `requests` requests."""

    def __init__(self, per_second: float, *, burst: int = 5) -> None:
        self.interval = 1.0 / per_second
        self.burst = burst
        self._next = 0.0  # when the next request may start, on the loop's clock
        self._waiting: list[tuple[int, int, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._timer: asyncio.TimerHandle | None = None

    @property
    def waiting(self) -> int:
        """How many wait for a turn now (walks the queue: for tests and diagnostics)."""
        return sum(1 for *_, future in self._waiting if not future.done())

    def _take(self, now: float, requests: int) -> None:
        # Unused time builds up a burst of at most `burst` requests, never more.
        self._next = max(self._next, now - (self.burst - 1) * self.interval) + requests * self.interval

    def _free(self, now: float) -> bool:
        return self._next <= now

    async def turn(self, urgency: Urgency, requests: int = 1) -> None:
        """Wait until `requests` requests of this urgency may be made. What someone waits on
        this moment (`Urgency.NOW`) never waits: it takes its share of the budget (at most a
        second ahead), and everything else waits for what is left."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        if urgency == Urgency.NOW:
            self._take(now, requests)
            self._next = min(self._next, now + 1.0)
            return
        # Anyone queued (a cancelled waiter too, skipped in a moment) goes first: `waiting` is not
        # asked here, which with thousands queued would walk the queue on every turn.
        if not self._waiting and self._free(now):
            self._take(now, requests)
            return
        future: asyncio.Future[None] = loop.create_future()
        heapq.heappush(self._waiting, (int(urgency), next(self._order), requests, future))
        self._wake_later(loop)
        async with deadlines.paused():  # waiting for a turn is not the step hanging
            await future  # a cancelled waiter is skipped when its turn comes

    def _wake_later(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._timer is None and self._waiting:
            self._timer = loop.call_at(self._next, self._release)

    def _release(self) -> None:
        self._timer = None
        loop = asyncio.get_running_loop()
        now = loop.time()
        while self._waiting and self._free(now):
            _, _, requests, future = heapq.heappop(self._waiting)
            if future.done():  # cancelled while waiting
                continue
            self._take(now, requests)
            future.set_result(None)
        self._wake_later(loop)
