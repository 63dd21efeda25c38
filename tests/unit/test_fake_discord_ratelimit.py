"""The fake Discord's rate limiter: windows, exemptions, bucket headers, and what it counts."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest

from tests.fake_discord import ratelimit
from tests.fake_discord.errors import DiscordError
from tests.fake_discord.ratelimit import RateLimits

MESSAGES = "/channels/{channel_id}/messages"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake_clock = Clock()
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(monotonic=fake_clock, time=time.time))
    return fake_clock


def send(
    limits: RateLimits, path: str = "/channels/1/messages", route: str = MESSAGES
) -> DiscordError | None:
    try:
        limits.check("POST", route, path, {"channel_id": path.split("/")[2]})
    except DiscordError as error:
        return error
    return None


def test_sliding_window_never_lets_more_than_the_limit_through_in_any_second(clock: Clock) -> None:
    limits = RateLimits()
    limits.set_global(3)
    assert [send(limits) for _ in range(3)] == [None, None, None]
    clock.now += 0.5
    error = send(limits)
    assert error is not None and error.status == 429
    assert error.body() == {"message": "You are being rate limited.", "retry_after": 0.5, "global": True}
    assert error.headers["Via"] and error.headers["X-RateLimit-Scope"] == "global"
    clock.now += 0.5
    assert send(limits) is None
    assert limits.stats.global_429 == 1 and limits.stats.counted == 4


def test_fixed_window_restarts_each_window(clock: Clock) -> None:
    limits = RateLimits()
    limits.set_global(2, window="fixed")
    assert [send(limits) for _ in range(3)][2] is not None
    clock.now += 1.0
    assert send(limits) is None


def test_interaction_endpoints_are_exempt_from_the_global_limit(clock: Clock) -> None:
    limits = RateLimits()
    limits.set_global(1)
    assert send(limits) is None
    callback = "/interactions/{interaction_id}/{interaction_token}/callback"
    for _ in range(5):
        assert send(limits, "/interactions/1/tok/callback", callback) is None
        assert send(limits, "/webhooks/1/tok", "/webhooks/{webhook_id}/{webhook_token}") is None
    assert send(limits) is not None


def test_route_bucket_headers_and_429_per_channel(clock: Clock) -> None:
    limits = RateLimits()
    limits.set_bucket("POST", MESSAGES, 2, 1.0, name="abc")
    headers = limits.check("POST", MESSAGES, "/channels/1/messages", {"channel_id": "1"})
    assert headers["X-RateLimit-Limit"] == "2" and headers["X-RateLimit-Remaining"] == "1"
    assert headers["X-RateLimit-Bucket"] == "abc" and float(headers["X-RateLimit-Reset-After"]) == 1.0
    assert float(headers["X-RateLimit-Reset"]) > 1e9  # epoch seconds
    assert (
        limits.check("POST", MESSAGES, "/channels/1/messages", {"channel_id": "1"})["X-RateLimit-Remaining"]
        == "0"
    )
    error = send(limits)
    assert error is not None and error.headers["X-RateLimit-Scope"] == "user" and not error.body()["global"]
    assert send(limits, "/channels/2/messages") is None  # another channel, another bucket
    assert limits.stats.bucket_429 == 1 and limits.stats.total_429 == 1
