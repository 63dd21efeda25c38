"""The durable outbox in Discord: runs chat steps that follow a committed decision.

The bot owns the runner (`bot.outbox`, made in setup_hook before any cog loads), so each feature
registers a handler per kind in its cog_load (`register`) and calls `run_now` on it; the Outbox
cog only ticks it. A handler gets a claimed task, carries
the step out idempotently and marks it done in the unit of work that records the outcome. It
raises to have the step retried (a 5xx, a timeout); the runner records the failure with its
backoff. Right after a decision commits, the feature calls `run_now` so nobody waits; the tick
(every `scheduler.tick_seconds`) is the safety net for anything a crash or an outage left.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot import deadlines
from bot.services import outbox, paging
from bot.texts import outbox as texts
from cogs._pager import pages_of
from cogs._text import mention
from cogs._ticks import Ticks
from db.enums import ChatTaskKind, Platform

if TYPE_CHECKING:
    from bot.bot import GroundworkBot

log = logging.getLogger(__name__)

OUTBOX_JOB = "outbox:tick"
BATCH = 20
STEP_TIMEOUT = 60.0  # seconds; well within the lease (outbox.LEASE)
# Waiting for turns to send (cogs/send_budget.py) does not count toward STEP_TIMEOUT, up to this
# much in all: with it the step still ends well within the lease.
STEP_PAUSE_UP_TO = (outbox.LEASE.total_seconds() - STEP_TIMEOUT) / 2
LIST_LIMIT = 100  # the steps /mod outbox lists, paged

# A handler returns False when it settled the step without doing it (Discord refused for good);
# None or True when it did it.
Handler = Callable[[outbox.Task], Awaitable[bool | None]]


def describe_error(error: BaseException) -> str:
    """A short, impersonal description of a failure: the exception class and Discord's status."""
    if isinstance(error, discord.HTTPException):
        return f"{type(error).__name__} {error.status}/{error.code}"
    return type(error).__name__


def what_text(stuck: outbox.Stuck) -> str:
    template = texts.WHAT.get(str(stuck.kind))
    if template is None:
        return texts.WHAT_UNKNOWN.format(kind=stuck.kind)
    joiner = texts.PEOPLE_AND_BY_KIND.get(str(stuck.kind), texts.PEOPLE_AND)
    people = joiner.join(mention(user_id) for user_id in stuck.user_ids) or f"#{stuck.subject_id}"
    return template.format(people=people)


def stuck_lines(rows: list[outbox.Stuck]) -> list[str]:
    """One line per step that gave up or keeps failing."""
    return [
        texts.LIST_LINE.format(
            what=what_text(row),
            state=texts.STATE_FAILED if row.failed else texts.STATE_RETRYING,
            attempts=row.attempts,
            since=discord.utils.format_dt(row.since, "R"),
            error=texts.ERROR.format(error=row.last_error) if row.last_error else "",
        )
        for row in rows
    ]


def stuck_pages(rows: list[outbox.Stuck]) -> paging.Pages:
    """`/mod outbox`: every step that gave up or keeps failing, as pages (the shared pager)."""
    if not rows:
        return paging.Pages((texts.LIST_EMPTY,), ((texts.LIST_EMPTY,),))
    return pages_of(stuck_lines(rows), header=f"**{texts.LIST_TITLE}**")


def stuck_text(rows: list[outbox.Stuck]) -> str:
    """`/mod outbox`'s first page."""
    return stuck_pages(rows).texts[0]


class OutboxRunner:
    """Claims due chat steps and hands each to the handler of its kind. The bot owns one."""

    def __init__(self, bot: GroundworkBot, *, lease: timedelta = outbox.LEASE) -> None:
        self.bot = bot
        self.lease = lease
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.handlers: dict[ChatTaskKind, Handler] = {}
        self._tick_lock = asyncio.Lock()

    def register(self, kind: ChatTaskKind, handler: Handler) -> None:
        self.handlers[kind] = handler

    def register_all(self, handlers: Mapping[ChatTaskKind, Handler]) -> None:
        self.handlers.update(handlers)

    async def run_now(self, kind: ChatTaskKind, subject_id: int) -> bool:
        """Right after the commit that enqueued it: claim the step and carry it out now. False
        when it was not done now (it failed and waits for a retry, or Discord refused it)."""
        async with self.bot.sessions() as session, session.begin():
            task = await outbox.claim(
                session=session,
                kind=kind,
                subject_id=subject_id,
                now=self.bot.clock(),
                worker=self.worker,
                lease=self.lease,
                platform=Platform.DISCORD,
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
                async with self.bot.sessions() as session, session.begin():
                    due = await outbox.claim_due(
                        session=session,
                        now=self.bot.clock(),
                        worker=self.worker,
                        limit=BATCH,
                        lease=self.lease,
                        platform=Platform.DISCORD,  # a Matrix community's steps are the Matrix adapter's
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
                raise LookupError(f"no handler for {task.kind}")
            async with deadlines.timed(STEP_TIMEOUT, pause_up_to=STEP_PAUSE_UP_TO):
                return await handler(task) is not False
        except Exception as error:
            log.warning(
                "outbox task %s (%s %s) failed on attempt %s: %s",
                task.task_id,
                task.kind,
                task.subject_id,
                task.attempts,
                describe_error(error),
                exc_info=not isinstance(error, discord.HTTPException | TimeoutError),
            )
            async with self.bot.sessions() as session, session.begin():
                await outbox.failed(
                    session=session,
                    task_id=task.task_id,
                    worker=self.worker,
                    error=describe_error(error),
                    now=self.bot.clock(),
                )
            return False

    async def report(self) -> None:
        """Tell each guild's moderators, once, about every step given up."""
        async with self.bot.sessions() as session, session.begin():
            given_up = await outbox.to_report(
                session=session, now=self.bot.clock(), platform=Platform.DISCORD
            )
        for stuck in given_up:
            await self.bot.messenger.tell_moderators(
                stuck.guild_id, texts.FAILED.format(attempts=stuck.attempts, what=what_text(stuck))
            )

    async def stuck(self, guild_id: int) -> paging.Pages:
        async with self.bot.sessions() as session:
            rows = await outbox.stuck(session=session, guild_id=guild_id, limit=LIST_LIMIT)
        return stuck_pages(rows)


class Outbox(commands.Cog):
    """Ticks the bot's outbox runner: the safety net for steps a crash or an outage left."""

    def __init__(self, bot: GroundworkBot) -> None:
        self.bot = bot
        self.ticks = Ticks(bot)

    async def cog_load(self) -> None:
        self.ticks.every(OUTBOX_JOB, self.bot.outbox.tick, seconds=self.bot.settings.scheduler.tick_seconds)

    async def cog_unload(self) -> None:
        self.ticks.stop()
