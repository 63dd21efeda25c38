"""The dispatcher: claims due check-ins in batches and hands them to a Messenger, paced.

Sends start at most `messages_per_second` apart and run concurrently (a slow or retried send
never holds up the ones after it); every send ends in its own unit of work. One member's
failure, an exception or a timeout included, never blocks the batch. A messenger reporting
that Discord finds we open DMs too fast halves the pace for the rest of the run.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from datetime import timedelta
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot import deadlines
from bot.clock import Clock
from bot.config import SchedulerSettings
from bot.services.checkins._delivery import (
    MAX_LOOKUPS,
    claim_due,
    lookup_failed,
    reclaim_stale,
    record_delivery,
    release,
)
from bot.services.checkins._model import Alert, Delivery, DeliveryStatus, DispatchReport, DueCheckIn, Reminder
from bot.services.checkins._reminders import claim_reminders, record_reminder
from db.engine import SessionMaker
from db.enums import Platform

log = logging.getLogger(__name__)

SEND_TIMEOUT = 60.0  # seconds; a send still running then is settled later from the DM history
MIN_STALE_AFTER = timedelta(minutes=15)
# Waiting for a turn to send (the adapter's pacing under Discord's limit) does not count toward
# SEND_TIMEOUT, up to this much: a claim is still settled long before it looks stale.
SEND_PAUSE_UP_TO = 240.0
MAX_INTERVAL = 5.0


class Messenger(Protocol):
    """What the dispatcher needs from the chat platform (the Discord cog implements it)."""

    async def deliver(self, item: DueCheckIn) -> Delivery:
        """Send the check-in to its member; report how it went (never raise for Discord's errors)."""
        ...

    async def find_sent(self, item: DueCheckIn) -> Delivery | None:
        """Whether the check-in already reached the member (a dispatcher died mid-send).

        A `SENT` delivery: found in the DM history. None: the history was read and it is not
        there. `UNKNOWN`: the history could not be read (an exception or a timeout counts so).
        """
        ...

    async def alert(self, alert: Alert) -> None:
        """Tell the member's mentor, or the moderators' channel, about an alert."""
        ...

    async def remind(self, reminder: Reminder) -> Delivery:
        """The one reminder of a check-in still unanswered, in the member's DM (never raise for
        Discord's errors; RETRY only when it surely was not sent)."""
        ...


class Pacer:
    """Lets one start through every `1 / rate` seconds; never bursts to catch up."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate
        self._next = 0.0

    async def wait(self) -> None:
        loop = asyncio.get_running_loop()
        now = loop.time()
        if self._next > now:
            await asyncio.sleep(self._next - now)
            now = loop.time()
        self._next = max(self._next, now) + self.interval

    def slow_down(self) -> None:
        self.interval = min(self.interval * 2, MAX_INTERVAL)


class Dispatcher:
    """Sends every due check-in, batch after batch, until none is left."""

    def __init__(
        self,
        *,
        sessions: SessionMaker,
        clock: Clock,
        messenger: Messenger,
        settings: SchedulerSettings,
        worker: str,
        platform: Platform | None = None,
    ) -> None:
        self.sessions = sessions
        self.platform = platform  # only this platform's members (None: everyone's)
        self.clock = clock
        self.messenger = messenger
        self.settings = settings
        self.worker = worker
        self._lock = asyncio.Lock()
        self._pacer = Pacer(settings.messages_per_second)
        self._in_flight = asyncio.Semaphore(max(4, int(settings.messages_per_second * 4)))
        self.grace = timedelta(hours=settings.overdue_grace_hours)
        # A claim older than this was abandoned: far longer than a batch takes to send.
        self.stale_after = max(
            MIN_STALE_AFTER,
            timedelta(seconds=5 * settings.batch_size / settings.messages_per_second + 2 * SEND_TIMEOUT),
        )

    @property
    def busy(self) -> bool:
        return self._lock.locked()

    async def run(self) -> DispatchReport:
        """One pass over everything due now; runs never overlap within a process."""
        async with self._lock:
            self._pacer = Pacer(self.settings.messages_per_second)
            report = DispatchReport()
            await self._recover(report)
            while True:
                now = self.clock()
                async with self.sessions() as session, session.begin():
                    claim = await claim_due(
                        session=session,
                        now=now,
                        worker=self.worker,
                        limit=self.settings.batch_size,
                        grace=self.grace,
                        platform=self.platform,
                    )
                if claim.claimed == 0:
                    break
                report.claimed += claim.claimed
                report.rescheduled += claim.rescheduled
                report.cancelled += claim.cancelled
                await self._send_all(claim.due, report)
            # After the check-ins: one whose next one was just sent counts as missed, not reminded.
            await self._remind_all(report)
            if report.claimed or report.recovered or report.reminded:
                log.info("check-ins dispatched: %s", report)
            return report

    async def send_one(self, item: DueCheckIn) -> DispatchReport:
        """Send one check-in claimed elsewhere (`/checkin now`), settled like the others."""
        report = DispatchReport(claimed=1)
        await self._send(item, report)
        return report

    async def _recover(self, report: DispatchReport) -> None:
        """Settle claims a dead dispatcher left: sent already (the DM history says), back to the
        queue (the history was read and it is not there), or, when the history cannot be read,
        looked up again later and, after MAX_LOOKUPS reads, given up as not sent."""
        while True:
            now = self.clock()
            async with self.sessions() as session, session.begin():
                stale = await reclaim_stale(
                    session=session,
                    now=now,
                    worker=self.worker,
                    stale_before=now - self.stale_after,
                    limit=self.settings.batch_size,
                    platform=self.platform,
                )
            if not stale:
                return
            for item in stale:
                await self._pacer.wait()
                found: Delivery | None
                try:
                    found = await asyncio.wait_for(self.messenger.find_sent(item), SEND_TIMEOUT)
                except Exception:
                    log.exception("could not check whether check-in %s was sent", item.checkin_id)
                    found = Delivery(DeliveryStatus.UNKNOWN, detail="error")
                given_up = False
                async with self.sessions() as session, session.begin():
                    if found is None:
                        await release(session=session, checkin_id=item.checkin_id, worker=self.worker)
                    elif found.status == DeliveryStatus.SENT:
                        report.recovered += 1
                        await self._settle(session, item, found, report)
                    else:
                        report.lookups_failed += 1
                        given_up = await lookup_failed(
                            session=session, checkin_id=item.checkin_id, worker=self.worker, now=self.clock()
                        )
                if given_up:
                    report.given_up += 1
                    log.warning(
                        "check-in %s: its DM history could not be read %s times; given up as not sent",
                        item.checkin_id,
                        MAX_LOOKUPS,
                    )

    async def _remind_all(self, report: DispatchReport) -> None:
        """Send every reminder due now, batch after batch, paced like the check-ins."""
        while True:
            async with self.sessions() as session, session.begin():
                claim = await claim_reminders(
                    session=session, now=self.clock(), limit=self.settings.batch_size, platform=self.platform
                )
            if claim.claimed == 0:
                return
            for reminder in claim.due:
                await self._pacer.wait()
                try:
                    async with deadlines.timed(SEND_TIMEOUT, pause_up_to=SEND_PAUSE_UP_TO):
                        delivery = await self.messenger.remind(reminder)
                except Exception:
                    log.exception("sending the reminder of check-in %s failed", reminder.checkin_id)
                    delivery = Delivery(DeliveryStatus.UNKNOWN, detail="error")
                if delivery.slow_down:
                    self._pacer.slow_down()
                if delivery.status == DeliveryStatus.SENT:
                    report.reminded += 1
                try:
                    async with self.sessions() as session, session.begin():
                        await record_reminder(
                            session=session,
                            checkin_id=reminder.checkin_id,
                            delivery=delivery,
                            now=self.clock(),
                        )
                except Exception:
                    log.exception("could not record the reminder of check-in %s", reminder.checkin_id)

    async def _send_all(self, items: list[DueCheckIn], report: DispatchReport) -> None:
        tasks: list[asyncio.Task[None]] = []
        for item in items:
            await self._in_flight.acquire()
            await self._pacer.wait()
            task = asyncio.create_task(self._send(item, report), name=f"checkin-{item.checkin_id}")
            task.add_done_callback(lambda _: self._in_flight.release())
            tasks.append(task)
        for outcome in await asyncio.gather(*tasks, return_exceptions=True):
            if isinstance(outcome, BaseException) and not isinstance(outcome, asyncio.CancelledError):
                log.error("a check-in send failed", exc_info=outcome)

    async def _send(self, item: DueCheckIn, report: DispatchReport) -> None:
        try:
            async with deadlines.timed(SEND_TIMEOUT, pause_up_to=SEND_PAUSE_UP_TO):
                delivery = await self.messenger.deliver(item)
        except TimeoutError:
            delivery = Delivery(DeliveryStatus.UNKNOWN, detail="timed out")
        except Exception:
            log.exception("sending check-in %s to user %s failed", item.checkin_id, item.user_id)
            delivery = Delivery(DeliveryStatus.UNKNOWN, detail="error")
        if delivery.slow_down:
            self._pacer.slow_down()
        try:
            async with self.sessions() as session, session.begin():
                alerts = await self._settle(session, item, delivery, report)
        except Exception:
            # The row stays `sending`; recovery finds the message in the DM history later.
            log.exception("could not record the delivery of check-in %s", item.checkin_id)
            return
        for alert in alerts:
            await self._guarded(self.messenger.alert(alert), f"alert {alert.kind} for {alert.member_user_id}")

    async def _settle(
        self, session: AsyncSession, item: DueCheckIn, delivery: Delivery, report: DispatchReport
    ) -> list[Alert]:
        alerts = await record_delivery(
            session=session,
            checkin_id=item.checkin_id,
            worker=self.worker,
            delivery=delivery,
            now=self.clock(),
        )
        counter = {
            DeliveryStatus.SENT: "sent",
            DeliveryStatus.CLOSED: "closed",
            DeliveryStatus.RETRY: "retried",
            DeliveryStatus.FAILED: "failed",
            DeliveryStatus.UNKNOWN: "unknown",
        }[delivery.status]
        setattr(report, counter, getattr(report, counter) + 1)
        if delivery.status == DeliveryStatus.SENT:
            report.sent_ids.append(item.checkin_id)
        report.alerts += len(alerts)
        return alerts

    async def _guarded(self, work: Awaitable[None], what: str) -> None:
        try:
            await asyncio.wait_for(work, SEND_TIMEOUT)
        except Exception:
            log.exception("could not send %s", what)
