"""Discord's error answers, and per-test fault injection.

A handler raises :class:`DiscordError`; the server turns it into the JSON body Discord sends
(``{"code", "message", "errors"?}``, or the 429 body) with ``Content-Type: application/json``.
:class:`FaultInjector` holds the faults a test asked for (``fake.fail(...)``); the server asks it
for a match before it runs the contract check and the route handler.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .server import RecordedRequest

# JSON error codes (https://discord.com/developers/docs/topics/opcodes-and-status-codes).
UNKNOWN_CHANNEL = 10003
UNKNOWN_GUILD = 10004
UNKNOWN_MEMBER = 10007
UNKNOWN_MESSAGE = 10008
UNKNOWN_ROLE = 10011
UNKNOWN_USER = 10013
UNKNOWN_WEBHOOK = 10015
UNKNOWN_INTERACTION = 10062
MISSING_ACCESS = 50001
EMPTY_MESSAGE = 50006
CANNOT_DM = 50007
MISSING_PERMISSIONS = 50013
INVALID_WEBHOOK_TOKEN = 50027
INVALID_FORM_BODY = 50035
ALREADY_ACKNOWLEDGED = 40060

_MESSAGES: dict[int, tuple[int, str]] = {
    UNKNOWN_CHANNEL: (404, "Unknown Channel"),
    UNKNOWN_GUILD: (404, "Unknown Guild"),
    UNKNOWN_MEMBER: (404, "Unknown Member"),
    UNKNOWN_MESSAGE: (404, "Unknown Message"),
    UNKNOWN_ROLE: (404, "Unknown Role"),
    UNKNOWN_USER: (404, "Unknown User"),
    UNKNOWN_WEBHOOK: (404, "Unknown Webhook"),
    UNKNOWN_INTERACTION: (404, "Unknown interaction"),
    MISSING_ACCESS: (403, "Missing Access"),
    EMPTY_MESSAGE: (400, "Cannot send an empty message"),
    CANNOT_DM: (403, "Cannot send messages to this user"),
    MISSING_PERMISSIONS: (403, "Missing Permissions"),
    INVALID_WEBHOOK_TOKEN: (401, "Invalid Webhook Token"),
    INVALID_FORM_BODY: (400, "Invalid Form Body"),
    ALREADY_ACKNOWLEDGED: (400, "Interaction has already been acknowledged."),
}


class DiscordError(Exception):
    """An error answer: HTTP status, Discord JSON code and message, optional ``errors`` tree."""

    def __init__(
        self,
        status: int,
        code: int,
        message: str,
        *,
        errors: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors
        self._body = body
        self.headers: dict[str, str] = dict(headers or {})

    @classmethod
    def of(cls, code: int, message: str | None = None) -> DiscordError:
        """The error Discord gives for JSON ``code`` (status and message looked up)."""
        status, default = _MESSAGES.get(code, (400, "Bad Request"))
        return cls(status, code, message or default)

    def body(self) -> dict[str, Any]:
        if self._body is not None:
            return self._body
        out: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors:
            out["errors"] = self.errors
        return out


def route_not_found() -> DiscordError:
    """What Discord answers for a path it has no route for."""
    return DiscordError(404, 0, "404: Not Found")


def rate_limited(
    retry_after: float, *, is_global: bool, scope: str, bucket: str | None = None
) -> DiscordError:
    """A 429 that discord.py honours: ``Via`` header and JSON ``retry_after``/``global``."""
    headers = {
        "Via": "1.1 google",
        "Retry-After": str(max(1, int(retry_after + 0.999))),
        "X-RateLimit-Scope": scope,
    }
    if is_global:
        headers["X-RateLimit-Global"] = "true"
    else:
        headers["X-RateLimit-Limit"] = "1"
        headers["X-RateLimit-Remaining"] = "0"
        headers["X-RateLimit-Reset-After"] = f"{retry_after:.3f}"
        headers["X-RateLimit-Bucket"] = bucket or "injected"
    body = {"message": "You are being rate limited.", "retry_after": retry_after, "global": is_global}
    return DiscordError(429, 0, "You are being rate limited.", body=body, headers=headers)


RequestPredicate = Callable[["RecordedRequest"], bool]


@dataclass
class Fault:
    """One injected failure. ``times=None`` keeps it until removed; ``hits`` counts answers given."""

    method: str
    route: str | None
    error: Callable[[], DiscordError]
    times: int | None = 1
    where: RequestPredicate | None = None
    hits: int = 0
    _removed: bool = field(default=False, repr=False)

    def matches(self, request: RecordedRequest) -> bool:
        if self._removed or (self.times is not None and self.hits >= self.times):
            return False
        if self.method != "*" and self.method != request.method:
            return False
        if self.route is not None and self.route not in (request.route, request.path):
            return False
        return self.where is None or self.where(request)

    def remove(self) -> None:
        self._removed = True

    @property
    def active(self) -> bool:
        return not self._removed and (self.times is None or self.hits < self.times)


@dataclass
class Slowdown:
    """Discord taking its time: the next ``times`` (None: all) matching requests wait ``seconds``."""

    method: str
    route: str | None
    seconds: float
    times: int | None = 1
    hits: int = 0

    def matches(self, request: RecordedRequest) -> bool:
        if self.times is not None and self.hits >= self.times:
            return False
        if self.method != "*" and self.method != request.method:
            return False
        return self.route is None or self.route in (request.route, request.path)


class FaultInjector:
    """The faults of one fake; the first matching active fault answers a request."""

    def __init__(self) -> None:
        self.faults: list[Fault] = []

    def add(self, fault: Fault) -> Fault:
        self.faults.append(fault)
        return fault

    def take(self, request: RecordedRequest) -> DiscordError | None:
        if not self.faults:
            return None
        for fault in self.faults:
            if fault.matches(request):
                fault.hits += 1
                return fault.error()
        self.faults = [f for f in self.faults if f.active]
        return None

    def clear(self) -> None:
        self.faults.clear()
