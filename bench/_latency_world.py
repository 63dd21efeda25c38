"""The world the bot talks to in bench/interaction_latency.py, in a process of its own: the fake
Discord (tests/fake_discord, contract check on) and the simulated members who join and click
through onboarding. Discord is not in a bot's process; with the fake and a thousand members
on the bot's own event loop (and in its heap, which the garbage collector walks), the bot's
figures would count their work too.

`world_main` runs in the child process. It talks to the bot's process over a pipe:

1. it starts the fake, builds the guild, and sends `Ready` (the fake's address, the channels);
2. on `Go` (the bot is connected) `joiners` members join at a steady pace and onboard;
3. when all are done it sends `Finished` (every interaction's times, the members' figures) and,
   on `Stop` (the bot has closed), checks every request's body against Discord's contract and
   sends `Checked`.

Times are `time.monotonic()`, which on Linux is one clock for every process.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any, ClassVar

from bot.services.gazetteer import get_gazetteer
from tests.e2e.onboarding_driver import Member as Clicker
from tests.fake_discord import FakeDiscord, InteractionHandle
from tests.fake_discord.contract import ContractChecker, RouteMatch, Violation
from tests.fake_discord.server import Ctx

WAIT = 30.0  # how long a simulated member waits for an answer before giving up
CALLBACK_ROUTE = "/interactions/{interaction_id}/{interaction_token}/callback"
MESSAGES_ROUTE = "/channels/{channel_id}/messages"
PATCH_ROUTES = (
    "/webhooks/{webhook_id}/{webhook_token}/messages/@original",
    "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}",
)
PATHS = ["run_for_office", "solidarity_network", "discussion_group", "coalitions", "community_life", "remote"]


@dataclass(frozen=True)
class Options:
    guild_id: int
    first_user: int  # the members already in the database (the first `due` have check-ins due)
    due: int
    first_joiner: int
    joiners: int
    seconds: float
    think: float
    global_limit: int
    seed: int


@dataclass(frozen=True)
class Ready:
    base_url: str
    gateway_url: str
    channels: dict[str, int]


@dataclass(frozen=True)
class Go:
    pass


@dataclass(frozen=True)
class Stop:
    pass


@dataclass(frozen=True)
class Interaction:
    id: int
    kind: str
    sent_at: float  # the fake sent the event
    answered_at: float | None  # the fake received the first callback
    missed_deadline: bool


@dataclass
class Finished:
    started: float = 0.0
    finished_at: float = 0.0  # seconds after `started`
    onboarded: list[float] = field(default_factory=list)  # seconds from join to the closing edit
    failures: list[str] = field(default_factory=list)
    interactions: list[Interaction] = field(default_factory=list)
    review_posts: list[float] = field(default_factory=list)  # when each review-channel post arrived
    requests: int = 0
    cpu_seconds: float = 0.0


@dataclass(frozen=True)
class Checked:
    requests: int
    violations: list[str]
    seconds: float


class AfterTheRunChecker(ContractChecker):
    """The fake's contract check, with the bodies checked after the run instead of as each
    request arrives: validating a body against Discord's schema takes milliseconds of the event
    loop the bot shares with the fake, which the bot-side figures would otherwise count. Every
    request is still checked (`check_deferred`); only the route is matched at once."""

    def __init__(self) -> None:
        super().__init__()
        self.deferred: list[tuple[str, str, Any, bool, bool, bytes | None]] = []
        self.seconds = 0.0

    def check(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        has_body: bool = True,
        has_files: bool = False,
        raw: bytes | None = None,
    ) -> tuple[RouteMatch | None, list[Violation]]:
        match = self.match(method, path)
        if match is None:
            return super().check(method, path, body, has_body=has_body, has_files=has_files, raw=raw)
        self.deferred.append((method, path, body, has_body, has_files, raw))
        return match, []

    def check_deferred(self) -> list[Violation]:
        started = time.perf_counter()
        found: list[Violation] = []
        for method, path, body, has_body, has_files, raw in self.deferred:
            found += super().check(method, path, body, has_body=has_body, has_files=has_files, raw=raw)[1]
        self.seconds = time.perf_counter() - started
        return found


class Signals:
    """What the simulated members wait for, fired by the fake's routes (wrapped with the fake's
    ``add_route``): a callback to an interaction, an edit with an interaction's token, a message
    in a user's DM channel. ``fake.wait_for`` re-checks every waiter after every request, which
    with hundreds of members waiting would cost the shared event loop more than the bot does."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.fired: set[tuple[str, int | str]] = set()
        self.waiters: dict[tuple[str, int | str], asyncio.Future[None]] = {}
        self.wrap("POST", CALLBACK_ROUTE, lambda ctx: ("callback", ctx.id("interaction_id")))
        for route in PATCH_ROUTES:
            self.wrap("PATCH", route, lambda ctx: ("edit", ctx.param("webhook_token")))
        self.wrap("POST", MESSAGES_ROUTE, self._dm_of)

    def _dm_of(self, ctx: Ctx) -> tuple[str, int | str] | None:
        channel = self.fake.state.channels.get(ctx.id("channel_id"))
        return ("dm", channel.recipient_id) if channel is not None and channel.recipient_id else None

    def wrap(self, method: str, route: str, key_of: Any) -> None:
        serve = self.fake.routes[(method, route)]

        async def wrapped(ctx: Ctx) -> Any:
            try:
                return await serve(ctx)
            finally:
                key = key_of(ctx)
                if key is not None:
                    self.fire(key)

        self.fake.add_route(method, route, wrapped)

    def fire(self, key: tuple[str, int | str]) -> None:
        self.fired.add(key)
        waiter = self.waiters.pop(key, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def wait(self, key: tuple[str, int | str], what: str) -> None:
        if key in self.fired:
            return
        waiter = self.waiters.setdefault(key, asyncio.get_running_loop().create_future())
        try:
            await asyncio.wait_for(asyncio.shield(waiter), WAIT)
        except TimeoutError:
            raise TimeoutError(f"no {what} within {WAIT:.0f} s") from None


class Joiner(Clicker):
    """A member clicking through onboarding, waiting up to WAIT for each answer (the e2e driver
    waits 2 s) and pausing `think` seconds after each."""

    think: ClassVar[float] = 0.0
    signals: ClassVar[Signals]

    async def _answered(self, itx: InteractionHandle) -> InteractionHandle:
        await self.signals.wait(("callback", itx.id), f"answer to {itx}")
        answered = await super()._answered(itx)
        if self.think:
            await asyncio.sleep(self.think)
        return answered

    async def confirm(self) -> InteractionHandle:
        itx = await self.click("confirm")
        await self.signals.wait(("edit", itx.token), "closing edit")
        return itx


def towns(seed: int) -> list[str]:
    gazetteer = get_gazetteer()
    sample = random.Random(seed).sample([place.label for place in gazetteer.places("city")], 1500)
    return [label for label in sample if len(gazetteer.resolve(label).candidates) == 1]


def kind_of(itx: InteractionHandle) -> str:
    custom_id = str(itx.data.get("custom_id") or itx.data.get("name") or "?")
    parts = custom_id.split(":")
    what = parts[4] if len(parts) > 4 else ":".join(parts[:3])
    return f"{'modal' if itx.type == 5 else 'component' if itx.type == 3 else 'command'} {what}"


async def _world(conn: Connection, options: Options) -> None:
    rnd = random.Random(options.seed)
    places = towns(options.seed)
    checker = AfterTheRunChecker()
    async with FakeDiscord(checker=checker) as fake:
        guild = fake.add_guild("Bench", guild_id=options.guild_id)
        channels = {
            "member_role": fake.add_role(guild, name="member").id,
            "announce": fake.add_channel(guild, name="welcome").id,
            "review": fake.add_channel(guild, name="pairing-review").id,
            "introductions": fake.add_channel(guild, name="introductions").id,
        }
        for n in range(options.due):
            fake.add_member(guild, user_id=options.first_user + n, name=f"m{n}")
        if options.global_limit:
            fake.ratelimits.set_global(options.global_limit)
        Joiner.think = options.think
        Joiner.signals = Signals(fake)
        conn.send(Ready(fake.base_url, fake.gateway_url, channels))
        await asyncio.to_thread(conn.recv)  # Go
        finished = Finished(started=time.monotonic())
        cpu_started = time.process_time()

        async def onboard(number: int) -> None:
            user_id = options.first_joiner + number
            t0 = time.monotonic()
            try:
                await fake.member_join(guild, user_id, name=f"joiner{number}")
                clicker = Joiner(fake, user_id)
                await Joiner.signals.wait(("dm", user_id), "welcome DM")
                await clicker.begin(fake.dms_to(user_id)[0])
                experience = rnd.choice(["new", "new", "some", "experienced"])
                await clicker.answer_everything(
                    rnd.choice(places),
                    experience=experience,
                    paths=tuple(rnd.sample(PATHS, rnd.randint(1, 3))),
                    sharing=rnd.choice(["town", "region", "nothing"]),
                    contact=rnd.choice(["yes", "no"]),
                    mentor_capacity=rnd.randint(1, 2),
                )
                finished.onboarded.append(time.monotonic() - t0)
            except Exception as exc:  # counted and shown: a bench reports, it does not stop
                finished.failures.append(f"joiner {number}: {type(exc).__name__}: {str(exc)[:300]}")

        members: list[asyncio.Task[None]] = []
        for number in range(options.joiners):
            await asyncio.sleep(
                max(0.0, finished.started + number * options.seconds / options.joiners - time.monotonic())
            )
            members.append(asyncio.create_task(onboard(number)))
        await asyncio.gather(*members)
        finished.finished_at = time.monotonic() - finished.started
        finished.cpu_seconds = time.process_time() - cpu_started
        callbacks: dict[int, float] = {}
        for request in fake.requests:
            if request.route == CALLBACK_ROUTE:
                callbacks.setdefault(int(request.params["interaction_id"]), request.at)
        finished.interactions = [
            Interaction(itx.id, kind_of(itx), itx.sent_at, callbacks.get(itx.id), itx.missed_deadline)
            for itx in fake.interactions
        ]
        review = f"/channels/{channels['review']}/messages"
        finished.review_posts = [r.at for r in fake.requests if r.path == review]
        finished.requests = len(fake.requests)
        conn.send(finished)
        await asyncio.to_thread(conn.recv)  # Stop: the bot has closed
        # The bot keeps sending after the members are done (check-ins, the batch's posts): those
        # are counted from here.
        finished.requests = len(fake.requests)
    violations = [str(v) for v in fake.violations + checker.check_deferred()]
    conn.send(Checked(len(fake.requests), violations, checker.seconds))


def world_main(conn: Connection, options: Options) -> None:
    """The child process: see the module docstring."""
    get_gazetteer()
    asyncio.run(_world(conn, options))
