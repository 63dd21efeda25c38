"""Rate limits as Discord applies them, off by default.

* **Global limit** (``RateLimits.set_global(50)``): at most N requests per window (1 s) across the
  bot, as a sliding window (default: never more than N in any span of ``per`` seconds; the last N
  accepted times are kept) or a fixed one (``window="fixed"``: the counter restarts every window,
  so two windows' worth can pass around a boundary). Interaction endpoints (``/interactions/...`` callbacks and the
  ``/webhooks/{application_id}/{token}`` follow-ups) are exempt, as on Discord. Over the limit the
  fake answers 429 with ``global: true``, ``X-RateLimit-Global`` and ``X-RateLimit-Scope: global``.
* **Per-route buckets** (``RateLimits.set_bucket("POST", "/channels/{channel_id}/messages", 5, 1.0)``):
  every answer on that route carries ``X-RateLimit-Limit/Remaining/Reset/Reset-After/Bucket``; the
  bucket is per major parameter (channel, guild, or webhook id + token), like Discord's. A request
  over the limit gets a 429 with ``X-RateLimit-Scope: user``.

Both are O(1) per request (a counter, or a deque of at most N timestamps). ``stats`` counts what
the fake sent, so a benchmark can report 429s.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from typing import Literal

from .errors import DiscordError, rate_limited

WindowKind = Literal["fixed", "sliding"]

EXEMPT_PREFIXES = ("/interactions/", "/webhooks/")
MAJOR_PARAMS = ("channel_id", "guild_id", "webhook_id", "webhook_token")


@dataclass
class RateLimitStats:
    """What the fake answered: 429s by kind, and the requests that counted toward the global limit."""

    global_429: int = 0
    bucket_429: int = 0
    injected_429: int = 0
    counted: int = 0

    @property
    def total_429(self) -> int:
        return self.global_429 + self.bucket_429 + self.injected_429


class _Window:
    """N events per ``per`` seconds, fixed or sliding; ``retry_after`` when full."""

    __slots__ = ("_count", "_start", "_times", "kind", "limit", "per")

    def __init__(self, limit: int, per: float, kind: WindowKind) -> None:
        self.limit, self.per, self.kind = limit, per, kind
        self._count = 0
        self._start = 0.0
        self._times: deque[float] = deque()

    def try_acquire(self, now: float) -> float:
        """Take one slot and return 0.0, or return how long until a slot frees."""
        if self.kind == "fixed":
            if now - self._start >= self.per:
                self._start, self._count = now, 0
            if self._count >= self.limit:
                return self._start + self.per - now
            self._count += 1
            return 0.0
        times = self._times
        horizon = now - self.per
        while times and times[0] <= horizon:
            times.popleft()
        if len(times) >= self.limit:
            return times[0] + self.per - now
        times.append(now)
        return 0.0

    def remaining(self) -> int:
        return self.limit - (self._count if self.kind == "fixed" else len(self._times))

    def reset_after(self, now: float) -> float:
        if self.kind == "fixed":
            return max(0.0, self._start + self.per - now)
        return max(0.0, self._times[0] + self.per - now) if self._times else 0.0


@dataclass
class Bucket:
    limit: int
    per: float
    name: str
    windows: dict[tuple[str, ...], _Window] = field(default_factory=dict)


class RateLimits:
    """Global and per-route limits of one fake (both off until configured)."""

    def __init__(self) -> None:
        self.stats = RateLimitStats()
        self._global: _Window | None = None
        self._buckets: dict[tuple[str, str], Bucket] = {}

    def set_global(self, limit: int | None, *, per: float = 1.0, window: WindowKind = "sliding") -> None:
        """Enforce ``limit`` requests per ``per`` seconds across the bot; ``None`` turns it off."""
        self._global = None if limit is None else _Window(limit, per, window)

    def set_bucket(
        self, method: str, route: str, limit: int, per: float = 1.0, *, name: str | None = None
    ) -> None:
        """Give ``method route`` (a spec path template) a bucket of ``limit`` per ``per`` seconds."""
        bucket_name = name or f"{method}:{route}".encode().hex()[:16]
        self._buckets[(method, route)] = Bucket(limit, per, bucket_name)

    def clear(self) -> None:
        self._global = None
        self._buckets.clear()

    def check(self, method: str, route: str, path: str, params: dict[str, str]) -> dict[str, str]:
        """Count one request; raise the 429 Discord would send, else return bucket headers (or {})."""
        now = time.monotonic()
        if self._global is not None and not path.startswith(EXEMPT_PREFIXES):
            wait = self._global.try_acquire(now)
            if wait > 0:
                self.stats.global_429 += 1
                raise rate_limited(round(wait, 3), is_global=True, scope="global")
            self.stats.counted += 1
        bucket = self._buckets.get((method, route))
        if bucket is None:
            return {}
        key = tuple(params.get(p, "") for p in MAJOR_PARAMS)
        window = bucket.windows.get(key)
        if window is None:
            window = bucket.windows[key] = _Window(bucket.limit, bucket.per, "fixed")
        wait = window.try_acquire(now)
        if wait > 0:
            self.stats.bucket_429 += 1
            raise rate_limited(round(wait, 3), is_global=False, scope="user", bucket=bucket.name)
        reset_after = window.reset_after(now)
        return {
            "X-RateLimit-Limit": str(bucket.limit),
            "X-RateLimit-Remaining": str(window.remaining()),
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": bucket.name,
        }


def injected_429(retry_after: float, *, is_global: bool = False) -> DiscordError:
    """The 429 of ``fake.rate_limit_once(...)``."""
    return rate_limited(retry_after, is_global=is_global, scope="global" if is_global else "user")
