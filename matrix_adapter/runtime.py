"""What runs on a timer for the Matrix community: the durable outbox and the check-ins.

Discord's bot ticks these for its servers (cogs/outbox.py, cogs/checkins); this does the same for
the Matrix community, from the same rows: APScheduler only ticks, and every tick claims what is
due from the database. One database can hold both platforms, so the claims here take only the
Matrix communities' rows (`platform=Platform.MATRIX`), and Discord's bot takes only its own.

Features register one handler per durable step (`register(kind, handler)`); a handler gets a
claimed `outbox.Task`, carries the step out idempotently (a `resumed` task first looks for what
a dead claimer already did) and marks it done with `outbox.done` in the unit of work that records
the outcome. It raises to have the step retried later with backoff; it returns False when it
settled the step without doing it. Right after the commit that enqueued a step, `run_now` carries
it out at once; the tick is the safety net for whatever a crash or an outage left.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from datetime import UTC, timedelta
from typing import TYPE_CHECKING, Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.background import BackgroundTasks
from bot.outbox_runner import Handler, OutboxRunner
from bot.services import checkins, identities, outbox
from bot.texts import matrix_moderation as texts
from bot.texts import outbox as outbox_texts
from db.enums import ChatTaskKind, Platform

if TYPE_CHECKING:
    from matrix_adapter.client import MatrixBot
    from matrix_adapter.messenger import MatrixMessenger

log = logging.getLogger(__name__)

OUTBOX_JOB = "matrix:outbox"
CHECKINS_JOB = "matrix:checkins"
BACKFILL_BATCH = 1000


class MatrixOutbox(OutboxRunner):
    """The Matrix communities' outbox (bot/outbox_runner.py); a step given up is told in the
    moderators' room, its people named by their Matrix ids."""

    def __init__(
        self, bot: MatrixBot, messenger: MatrixMessenger, *, lease: timedelta = outbox.LEASE
    ) -> None:
        assert bot.sessions is not None
        super().__init__(bot.sessions, lambda: bot.clock(), Platform.MATRIX, lease=lease)
        self._messenger = messenger

    def register(self, kind: ChatTaskKind, handler: Handler) -> None:
        if kind in self.handlers:
            raise ValueError(f"a handler for {kind} is registered twice")
        super().register(kind, handler)

    async def tell_given_up(self, stuck: outbox.Stuck) -> None:
        what = await self.what(stuck)
        await self._messenger.tell_moderators(
            stuck.guild_id, texts.STEP_GIVEN_UP.format(attempts=stuck.attempts, what=what)
        )

    async def what(self, stuck: outbox.Stuck) -> str:
        """The step in words, naming the people it is about by their Matrix ids (as text: a
        notice pings nobody)."""
        names: list[str] = []
        async with self.sessions() as session:
            for user_id in stuck.user_ids:
                found = await identities.external(session=session, local_id=user_id)
                if found is not None:
                    names.append(found.external_id)
        template = outbox_texts.WHAT.get(str(stuck.kind))
        if template is None:
            return texts.STEP_UNKNOWN.format(kind=stuck.kind)
        joiner = outbox_texts.PEOPLE_AND_BY_KIND.get(str(stuck.kind), outbox_texts.PEOPLE_AND)
        return template.format(people=joiner.join(names) or f"#{stuck.subject_id}")


class MatrixRuntime:
    """The Matrix adapter's ticks: made with the bot (when it has a database), started once the
    bot serves (`start`, from `groundwork run`), stopped with `stop`."""

    def __init__(self, bot: MatrixBot) -> None:
        from matrix_adapter.messenger import MatrixMessenger

        assert bot.sessions is not None
        self._bot = bot
        self._sessions = bot.sessions
        self.messenger = MatrixMessenger(bot, bot.sessions, bot.settings)
        self.outbox = MatrixOutbox(bot, self.messenger)
        self.checkins = checkins.Dispatcher(
            sessions=bot.sessions,
            clock=bot.clock,
            messenger=self.messenger,
            settings=bot.scheduler_settings,
            worker=self.outbox.worker,
            platform=Platform.MATRIX,
        )
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self._reconciled = False
        self._started: asyncio.Task[None] | None = None
        self.background = BackgroundTasks()

    # -- what features use ---------------------------------------------------------------------

    def register(self, kind: ChatTaskKind, handler: Handler) -> None:
        """The handler that carries out one kind of durable step on Matrix (see the module's doc)."""
        self.outbox.register(kind, handler)

    async def run_now(self, kind: ChatTaskKind, subject_id: int) -> bool:
        """Carry out a step right after the commit that enqueued it (see MatrixOutbox.run_now)."""
        return await self.outbox.run_now(kind, subject_id)

    def run_soon(self, kind: ChatTaskKind, subject_id: int) -> None:
        """`run_now` in the background: what a message handler calls. Handlers run inside the
        sync loop, so a step that opens a room (and waits for the sync that brings it) must not
        be awaited there."""
        self.spawn(self.outbox.run_now(kind, subject_id), name=f"matrix:{kind}:{subject_id}")

    def spawn(self, work: Coroutine[Any, Any, object], *, name: str) -> None:
        """Sending that a message handler starts and does not wait for (see `run_soon`); logged
        if it fails, cancelled by `stop`."""
        self.background.spawn(work, name=name)

    # -- the ticks -----------------------------------------------------------------------------

    def start(self) -> None:
        """Tick every `scheduler.tick_seconds` once the bot serves, with a first tick right then
        (overdue check-ins go out on start, within their grace)."""
        if self._started is None:
            self._started = asyncio.get_running_loop().create_task(self._start(), name="matrix:runtime")

    async def _start(self) -> None:
        await self._bot.wait_until_serving()
        seconds = self._bot.scheduler_settings.tick_seconds
        self.scheduler.add_job(
            self.tick_outbox, "interval", seconds=seconds, id=OUTBOX_JOB, replace_existing=True
        )
        self.scheduler.add_job(
            self.tick_checkins, "interval", seconds=seconds, id=CHECKINS_JOB, replace_existing=True
        )
        self.scheduler.start()
        await asyncio.gather(self.tick_outbox(), self.tick_checkins())

    async def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        await self.background.cancel_all()
        if self._started is not None:
            self._started.cancel()
            await asyncio.gather(self._started, return_exceptions=True)
            self._started = None

    async def tick_outbox(self) -> int:
        try:
            return await self.outbox.tick()
        except Exception:
            log.exception("the Matrix outbox tick failed; trying next tick")
            return 0

    async def tick_checkins(self) -> checkins.DispatchReport | None:
        """Members without a next check-in get one (once), then everything due is sent; a tick
        while a dispatch runs does nothing."""
        if self.checkins.busy:
            return None
        try:
            if not self._reconciled:
                await self.schedule_missing()
                self._reconciled = True
            return await self.checkins.run()
        except Exception:
            log.exception("the Matrix check-in tick failed; trying next tick")
            return None

    async def schedule_missing(self) -> int:
        """Active members without a next check-in get one (as Discord's cog does on start)."""
        count = 0
        while True:
            async with self._sessions() as session, session.begin():
                member_ids = await checkins.members_without_schedule(session=session, limit=BACKFILL_BATCH)
                scheduled = 0
                for member_id in member_ids:
                    if await checkins.ensure_scheduled(
                        session=session, member_id=member_id, now=self._bot.clock()
                    ):
                        scheduled += 1
            count += scheduled
            if len(member_ids) < BACKFILL_BATCH or scheduled == 0:
                return count
