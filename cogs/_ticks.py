"""A cog's scheduled jobs: registered in `cog_load`, removed in `cog_unload`, run only once the
gateway is ready.

Before the gateway is ready the bot knows no guild, channel or member to speak to: a job would
claim reminders and follow-ups it could not deliver yet. Such a tick does nothing; the next one
runs. The scheduler gets job ids only (APScheduler jobs are looked up and removed by id).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.bot import GroundworkBot

Job = Callable[[], Awaitable[object]]


class Ticks:
    """The jobs of one cog. `every` in `cog_load`, `stop` in `cog_unload`."""

    def __init__(self, bot: GroundworkBot) -> None:
        self.bot = bot
        self.job_ids: list[str] = []

    def every(
        self,
        job_id: str,
        job: Job,
        *,
        seconds: float = 0,
        hours: float = 0,
        when_ready: bool = False,
    ) -> None:
        """Run `job` every `seconds` + `hours`; with `when_ready`, also once as soon as the gateway
        is ready (for work that should not wait a whole interval after a start)."""
        if seconds + hours * 3600 <= 0:
            raise ValueError(f"{job_id}: an interval must be positive")
        self.bot.scheduler.add_job(
            self._guarded(job),
            "interval",
            seconds=seconds,
            hours=hours,
            id=job_id,
            replace_existing=True,
        )
        self.job_ids.append(job_id)
        if when_ready:
            self.bot.background.spawn(self._once_ready(job), name=f"{job_id}:first")

    def stop(self) -> None:
        for job_id in self.job_ids:
            if self.bot.scheduler.get_job(job_id):
                self.bot.scheduler.remove_job(job_id)
        self.job_ids.clear()

    def _guarded(self, job: Job) -> Callable[[], Awaitable[None]]:
        async def tick() -> None:
            if self.bot.is_ready():
                await job()

        return tick

    async def _once_ready(self, job: Job) -> None:
        await self.bot.wait_until_ready()
        await job()
