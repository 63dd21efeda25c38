"""Runs the durable outbox's chat steps for one platform: claims the due steps of that platform's
communities and hands each to the handler registered for its kind (bot/services/outbox).

Each adapter owns one (Discord: cogs/_outbox.py; Matrix: matrix_adapter/runtime.py) and says how
a step that was given up is told to moderators. A handler gets a claimed task, carries the step
out idempotently and marks it done in the unit of work that records the outcome. It raises to
have the step retried (a 5xx, a timeout); the runner records the failure with its backoff. Right
after a decision commits, the feature calls `run_now` so nobody waits; the tick is the safety net
for anything a crash or an outage left.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta
from typing import ClassVar

from bot import deadlines
from bot.services import outbox
from db.engine import SessionMaker
from db.enums import ChatTaskKind, Platform

log = logging.getLogger(__name__)

BATCH = 20
STEP_TIMEOUT = 60.0  # seconds; well within the lease (outbox.LEASE)
# Waiting for turns to send (an adapter's pacing, bot/deadlines.paused) does not count toward
# STEP_TIMEOUT, up to this much in all: with it the step still ends well within the lease.
STEP_PAUSE_UP_TO = (outbox.LEASE.total_seconds() - STEP_TIMEOUT) / 2

# True or None: the step was carried out; False: settled without doing it (refused for good).
Handler = Callable[[outbox.Task], Awaitable[bool | None]]


def worker_name(platform: Platform) -> str:
    """This process, as it marks the rows it claimed."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{platform}:{secrets.token_hex(4)}"


class OutboxRunner:
    """One platform's outbox: `register` a handler per kind, `run_now` after a commit, `tick`."""

    # Failures logged without a traceback: the platform's refusals and timeouts, expected.
    expected: ClassVar[tuple[type[BaseException], ...]] = (TimeoutError, LookupError)

    def __init__(
        self,
        sessions: SessionMaker,
        clock: Callable[[], datetime],
        platform: Platform,
        *,
        lease: timedelta = outbox.LEASE,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.platform = platform
        self.lease = lease
        self.worker = worker_name(platform)
        self.handlers: dict[ChatTaskKind, Handler] = {}
        self._tick_lock = asyncio.Lock()

    def register(self, kind: ChatTaskKind, handler: Handler) -> None:
        self.handlers[kind] = handler

    def register_all(self, handlers: Mapping[ChatTaskKind, Handler]) -> None:
        for kind, handler in handlers.items():
            self.register(kind, handler)

    def describe(self, error: BaseException) -> str:
        """A short, impersonal description of a failure, kept with the step."""
        return type(error).__name__

    async def tell_given_up(self, stuck: outbox.Stuck) -> None:
        """Tell the community's moderators that a step was given up (each adapter says how)."""
        raise NotImplementedError

    async def run_now(self, kind: ChatTaskKind, subject_id: int) -> bool:
        """Right after the commit that enqueued it: claim the step and carry it out now. False
        when it was not done now (someone holds it, it failed and waits for a retry, or it was
        refused)."""
        async with self.sessions() as session, session.begin():
            task = await outbox.claim(
                session=session,
                kind=kind,
                subject_id=subject_id,
                now=self.clock(),
                worker=self.worker,
                lease=self.lease,
                platform=self.platform,
            )
        if task is None:
            return False
        ran = await self._run(task)
        await self.report()
        return ran

    async def tick(self) -> int:
        """Everything due now, batch after batch; then tell moderators about steps given up."""
        ran = 0
        async with self._tick_lock:
            while True:
                async with self.sessions() as session, session.begin():
                    due = await outbox.claim_due(
                        session=session,
                        now=self.clock(),
                        worker=self.worker,
                        limit=BATCH,
                        lease=self.lease,
                        platform=self.platform,  # another platform's steps are its adapter's
                    )
                if not due:
                    break
                for task in due:
                    await self._run(task)
                ran += len(due)
            await self.report()
        return ran

    async def _run(self, task: outbox.Task) -> bool:
        handler = self.handlers.get(task.kind)
        try:
            if handler is None:
                raise LookupError(f"no {self.platform} handler for {task.kind}")
            async with deadlines.timed(STEP_TIMEOUT, pause_up_to=STEP_PAUSE_UP_TO):
                return await handler(task) is not False
        except Exception as error:
            described = self.describe(error)
            log.warning(
                "outbox task %s (%s %s) failed on attempt %s: %s",
                task.task_id,
                task.kind,
                task.subject_id,
                task.attempts,
                described,
                exc_info=not isinstance(error, self.expected),
            )
            async with self.sessions() as session, session.begin():
                await outbox.failed(
                    session=session,
                    task_id=task.task_id,
                    worker=self.worker,
                    error=described,
                    now=self.clock(),
                )
            return False

    async def report(self) -> None:
        """Tell each community's moderators, once, about every step given up."""
        async with self.sessions() as session, session.begin():
            given_up = await outbox.to_report(session=session, now=self.clock(), platform=self.platform)
        for stuck in given_up:
            await self.tell_given_up(stuck)
