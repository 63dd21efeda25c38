"""A clock tests move by hand, so check-ins, reminders and follow-ups fall due on demand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class TestClock:
    """Callable like `bot.clock.system_clock`; `advance` moves it forward."""

    __test__ = False  # not a test class, despite the name

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 25, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now
