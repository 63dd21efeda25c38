"""The aiohttp server: REST under ``/api/v10``, the gateway at ``/gateway``, attachment bytes at
``/attachments/{id}/{filename}``; :class:`FakeDiscordServer` is the core of ``FakeDiscord``.

Every REST request goes through one pipeline: parse (JSON, or multipart ``payload_json`` + files)
-> record in ``fake.requests`` -> contract check (violations recorded) -> rate limits -> injected
faults -> the 400 a violation earns -> the route handler. Handlers raise
:class:`~.errors.DiscordError` for Discord's error answers. Every JSON answer has Content-Type
exactly ``application/json`` (discord.py compares the whole header).
"""

from __future__ import annotations

import asyncio
import datetime
import json
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Self, cast
from urllib.parse import unquote

import discord.gateway
import discord.http
import yarl
from aiohttp import web
from multidict import MultiDictProxy

from .contract import ContractChecker, Violation, default_checker, discord_errors
from .errors import EMPTY_MESSAGE, INVALID_FORM_BODY, DiscordError, FaultInjector, Slowdown, route_not_found
from .gateway import Gateway
from .ratelimit import RateLimits
from .state import State

if TYPE_CHECKING:
    from .fake import FakeDiscord

API_PREFIX = "/api/v10"


@dataclass
class UploadedFile:
    field: str
    filename: str
    data: bytes
    content_type: str | None


@dataclass
class RecordedRequest:
    """One REST request the bot made, and how the fake answered it."""

    method: str
    path: str
    route: str  # the spec's path template, or the raw path when no route matched
    params: dict[str, str]
    query: dict[str, str]
    json: Any
    files: list[UploadedFile]
    reason: str | None
    at: float
    status: int | None = None
    response: Any = None
    error_code: int | None = None
    done: bool = False

    def __str__(self) -> str:
        return f"{self.method} {self.path} -> {self.status}"


Handler = Callable[["Ctx"], Awaitable[Any]]


@dataclass
class Ctx:
    """What a route handler gets: the fake, the recorded request, typed parameter access."""

    fake: FakeDiscord
    request: RecordedRequest
    headers: dict[str, str] = field(default_factory=dict)
    status: int = 200

    @property
    def state(self) -> State:
        return self.fake.state

    @property
    def body(self) -> dict[str, Any]:
        return self.request.json if isinstance(self.request.json, dict) else {}

    def id(self, name: str) -> int:
        return int(self.request.params[name])

    def param(self, name: str) -> str:
        return self.request.params[name]


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        body=json.dumps(data).encode(), status=status, content_type="application/json", headers=headers
    )


class FakeDiscordServer:
    """The core of :class:`~.fake.FakeDiscord`: lifecycle, the request pipeline, the request log
    and waiting. ``scenario.Scenario`` and ``interactions.Driver`` build on it."""

    def __init__(
        self,
        *,
        bot_id: int | None = None,
        bot_name: str = "groundwork-test",
        checker: ContractChecker | None = None,
    ) -> None:
        self.state = State(bot_id=bot_id, bot_name=bot_name)
        self.checker = checker or default_checker()
        self.gateway = Gateway(self)
        self.ratelimits = RateLimits()
        self.faults = FaultInjector()
        self.slowdowns: list[Slowdown] = []
        self.requests: list[RecordedRequest] = []
        self.violations: list[Violation] = []
        self.validation_times: deque[float] = deque(maxlen=100_000)  # seconds per contract check
        self.interaction_deadline = 3.0
        self.token_lifetime = 15 * 60.0
        self.routes: dict[tuple[str, str], Handler] = {}
        self.port = 0
        self._runner: web.AppRunner | None = None
        self._saved: tuple[str, yarl.URL] | None = None
        self._changed = asyncio.Event()
        # Discord's now (scheduled events must start in the future): real time unless a test sets
        # it to the bot's test clock.
        self.clock: Callable[[], datetime.datetime] = lambda: datetime.datetime.now(datetime.UTC)
        from . import rest_channels, rest_core, rest_events, rest_guilds, rest_interactions

        for module in (rest_core, rest_channels, rest_guilds, rest_interactions, rest_events):
            module.register(cast("FakeDiscord", self))  # only FakeDiscord is ever instantiated

    def now(self) -> datetime.datetime:
        return self.clock()

    # -- lifecycle -------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def start(self) -> Self:
        """Listen on a free 127.0.0.1 port and point discord.py at it (``Route.BASE``,
        ``DiscordWebSocket.DEFAULT_GATEWAY``); ``stop()`` restores both."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._handle)
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_get("/attachments/{attachment_id}/{filename}", self._attachment)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = int(self._runner.addresses[0][1])
        self._saved = (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
        discord.http.Route.BASE = self.base_url + API_PREFIX
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self.gateway.close_all()
            await self._runner.cleanup()
            self._runner = None
        if self._saved is not None:
            discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = self._saved
            self._saved = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # -- waiting ---------------------------------------------------------------------------
    def notify(self) -> None:
        """Wake everything waiting in :meth:`wait_for` (called after every state change)."""
        self._changed.set()

    async def wait_for(
        self, predicate: Callable[[], Any], *, timeout: float = 2.0, what: str = "condition"
    ) -> Any:
        """Return the first truthy ``predicate()``, re-checked after every change; on timeout
        raise ``TimeoutError`` naming ``what`` and the last requests seen."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = predicate()
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                recent = "\n  ".join(str(r) for r in self.requests[-8:]) or "(none)"
                broken = "".join(f"\n  {v}" for v in dict.fromkeys(self.violations))
                raise TimeoutError(
                    f"timed out after {timeout}s waiting for {what}; last requests:\n  {recent}"
                    + (f"\ncontract violations so far:{broken}" if broken else "")
                )
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                continue

    async def wait_until_connected(self, *, timeout: float = 5.0) -> None:
        """Until a bot has identified, received its guilds, and is still connected."""
        await self.wait_for(self.gateway.connected, timeout=timeout, what="a bot to connect to the gateway")

    def requests_to(
        self, method: str, route: str | Callable[[RecordedRequest], bool]
    ) -> list[RecordedRequest]:
        """Finished requests matching ``method`` ("*" for any) and a route template, path or predicate."""
        return [r for r in self.requests if r.done and _request_matches(r, method, route)]

    async def wait_for_request(
        self,
        method: str,
        route: str | Callable[[RecordedRequest], bool],
        *,
        count: int = 1,
        after: int = 0,
        timeout: float = 2.0,
    ) -> RecordedRequest:
        """The ``count``-th finished matching request among ``fake.requests[after:]``."""

        def found() -> RecordedRequest | None:
            hits = [r for r in self.requests[after:] if r.done and _request_matches(r, method, route)]
            return hits[count - 1] if len(hits) >= count else None

        result: RecordedRequest = await self.wait_for(found, timeout=timeout, what=f"{method} {route}")
        return result

    # -- extension -------------------------------------------------------------------------
    def add_route(self, method: str, template: str, handler: Handler) -> None:
        """Serve ``method template`` (a path template of the spec) with ``handler(ctx)``; the return
        value is the JSON answer (None: 204). Later feature tests use this to extend the fake."""
        self.routes[(method.upper(), template)] = handler

    def record_violation(self, violation: Violation) -> None:
        self.violations.append(violation)

    # -- the pipeline ----------------------------------------------------------------------
    async def _read(self, request: web.Request) -> tuple[Any, list[UploadedFile], bool, bytes]:
        if request.content_type == "multipart/form-data":
            form: MultiDictProxy[Any] = await request.post()
            files: list[UploadedFile] = []
            body: Any = None
            raw = b""
            for name, value in form.items():
                if name == "payload_json":
                    raw = value.encode() if isinstance(value, str) else bytes(value)
                    body = json.loads(raw)
                elif isinstance(value, web.FileField):
                    files.append(UploadedFile(name, value.filename, value.file.read(), value.content_type))
            return body, files, body is not None, raw
        raw = await request.read()
        if not raw:
            return None, [], False, raw
        return json.loads(raw), [], True, raw

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.method
        path = "/" + request.match_info["tail"]
        body, files, has_body, raw = await self._read(request)
        started = time.perf_counter()
        match, violations = self.checker.check(
            method, path, body, has_body=has_body, has_files=bool(files), raw=raw
        )
        self.validation_times.append(time.perf_counter() - started)
        reason = request.headers.get("X-Audit-Log-Reason")
        rec = RecordedRequest(
            method=method,
            path=path,
            route=match.template if match else path,
            params=match.params if match else {},
            query=dict(request.query),
            json=body,
            files=files,
            reason=unquote(reason) if reason else None,
            at=time.monotonic(),
        )
        self.requests.append(rec)
        self.violations.extend(violations)
        ctx = Ctx(cast("FakeDiscord", self), rec)
        try:
            if match is None:
                raise route_not_found()
            ctx.headers = self.ratelimits.check(method, rec.route, path, rec.params)
            for slowdown in self.slowdowns:
                if slowdown.matches(rec):
                    slowdown.hits += 1
                    await asyncio.sleep(slowdown.seconds)
                    break
            injected = self.faults.take(rec)
            if injected is not None:
                if injected.status == 429:
                    self.ratelimits.stats.injected_429 += 1
                raise injected
            if violations:
                raise _invalid_body(violations)
            handler = self.routes.get((method, rec.route))
            if handler is None:
                self.record_violation(
                    Violation(
                        method, rec.route, "$", "the fake does not serve this route yet", "unimplemented"
                    )
                )
                raise route_not_found()
            result = await handler(ctx)
            rec.status, rec.response = (204, None) if result is None else (ctx.status, result)
            response = (
                web.Response(status=204, headers=ctx.headers)
                if result is None
                else json_response(result, ctx.status, ctx.headers)
            )
        except DiscordError as error:
            rec.status, rec.response, rec.error_code = error.status, error.body(), error.code
            response = json_response(error.body(), error.status, {**ctx.headers, **error.headers})
        rec.done = True
        self.notify()
        return response

    async def _attachment(self, request: web.Request) -> web.Response:
        att = self.state.attachment(int(request.match_info["attachment_id"]))
        if att is None:
            raise web.HTTPNotFound()
        return web.Response(body=att.data, content_type=att.content_type or "application/octet-stream")


def _invalid_body(violations: list[Violation]) -> DiscordError:
    if all(v.message.startswith("empty message") for v in violations):
        return DiscordError.of(EMPTY_MESSAGE)
    return DiscordError(400, INVALID_FORM_BODY, "Invalid Form Body", errors=discord_errors(violations))


def _request_matches(r: RecordedRequest, method: str, route: str | Callable[[RecordedRequest], bool]) -> bool:
    if method != "*" and r.method != method:
        return False
    if callable(route):
        return bool(route(r))
    return route in (r.route, r.path)
