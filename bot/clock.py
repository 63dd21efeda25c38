"""Time as the bot sees it; tests replace it to make check-ins and follow-ups fall due."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The real current time in UTC."""
    return datetime.now(UTC)
