"""Round trips on a local Synapse: a member's message to the bot's reply, and onboardings in a row.

    .venv/bin/python bench/matrix_round_trip.py                        # 200 !gw help per room, 200 members
    .venv/bin/python bench/matrix_round_trip.py --messages 50 --members 20

Starts its own Synapse (tests/matrix/synapse.py: matrix-synapse from PyPI, SQLite, 127.0.0.1 only,
rate limits raised, registration by shared secret) in a temporary directory, and the bot
(MatrixBot with every feature, a SQLite database in the same directory, migrated to head)
serving a space its own account made. Members are real matrix-nio clients with encryption
(tests/matrix/driver.py), each with its own crypto store and sync loop (long polls of 1 s, which
return as soon as something comes). The bot and the members run in this one process and event
loop, so their work adds up on one core; Synapse runs in a process of its own.

(a) Round trip: one member opens a direct room with the bot (a plain one, then an encrypted
one, as Element's are) and sends `--messages` `!gw help`, one after the other, each once the
reply to the one before was seen. Timed: from just before the member's client sends to the
moment that client hands over the bot's reply (decrypted, in the encrypted room). The first
message of each room is timed apart (in the encrypted room it carries the room key's share).

(b) Onboarding: `--members` members, one after the other, each with a new account: join the
space, get the bot's welcome in a new encrypted direct room the bot opens, answer every question
by numbers (Leeds; English; new; two paths; both readiness pages; consent) until the closing
message. Timed per member from the join to the closing message; the total includes making each
account and its client (the homeserver's registration, the device's keys).

Assumes the place index is built (it is loaded before anything is timed). The machine's load
average is printed at the start and at the end: other work on it shows in the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import math
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.services.gazetteer import get_gazetteer
from db.engine import create_engine, create_session_maker
from db.migrate import upgrade_sync
from matrix_adapter import MatrixBot
from tests.matrix.clients import seen_joined
from tests.matrix.driver import NEWCOMER, answer_all, connect, done, join_space, make_space
from tests.matrix.served import Clock, serving
from tests.matrix.synapse import Synapse


@dataclass
class Figures:
    synapse_started_in: float = 0.0
    round_trips: dict[str, list[float]] = field(default_factory=dict)  # room kind -> seconds, in order
    onboardings: list[float] = field(default_factory=list)  # seconds per member, join -> closing
    onboarding_total: float = 0.0  # seconds, accounts and clients included


async def _round_trips(
    synapse: Synapse, bot: MatrixBot, store: Path, messages: int, *, encrypted: bool
) -> list[float]:
    me = synapse.register(f"roundtrip{'e' if encrypted else 'p'}")
    person, syncing = await connect(synapse.url, me, store)
    try:
        room_id = await person.open_dm(bot.user_id, encrypted=encrypted)
        await seen_joined(person.client, room_id, bot.user_id)
        took: list[float] = []
        for _ in range(messages + 1):  # the first one apart
            began = time.perf_counter()
            await person.say(room_id, "!gw help")
            while (await person.next_notice())[0] != room_id:
                pass
            took.append(time.perf_counter() - began)
        return took
    finally:
        syncing.cancel()
        await asyncio.gather(syncing, return_exceptions=True)
        await person.client.close()


async def _onboardings(synapse: Synapse, space_id: str, directory: Path, members: int) -> list[float]:
    took: list[float] = []
    for number in range(members):
        me = synapse.register(f"newcomer{number}")
        person, syncing = await connect(synapse.url, me, directory / f"newcomer-{number}")
        try:
            began = time.perf_counter()
            await join_space(person, space_id)
            await answer_all(person, NEWCOMER, stop=done)
            took.append(time.perf_counter() - began)
        finally:
            syncing.cancel()
            await asyncio.gather(syncing, return_exceptions=True)
            await person.client.close()
    return took


async def measure(synapse: Synapse, directory: Path, *, messages: int, members: int) -> Figures:
    """Both measurements on a running Synapse (a bot and a database of their own in `directory`)."""
    url = f"sqlite+aiosqlite:///{directory}/bench.db"
    await asyncio.to_thread(upgrade_sync, url)
    engine = create_engine(url)
    figures = Figures(synapse_started_in=synapse.started_in)
    try:
        me = synapse.register("groundwork")
        space_id = await make_space(synapse.url, me)
        user = (me.user_id, me.password, me.device_id)
        sessions = create_session_maker(engine)
        async with serving(synapse, sessions, directory, Clock(), user=user, space_id=space_id) as bot:
            for kind, encrypted in (("plain", False), ("encrypted", True)):
                figures.round_trips[kind] = await _round_trips(
                    synapse, bot, directory / f"member-{kind}", messages, encrypted=encrypted
                )
            began = time.perf_counter()
            figures.onboardings = await _onboardings(synapse, space_id, directory, members)
            figures.onboarding_total = time.perf_counter() - began
    finally:
        await engine.dispose()
    return figures


def percentile(ordered: list[float], q: float) -> float:
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)] if ordered else float("nan")


def _spread(seconds: list[float], unit: float, label: str) -> str:
    ordered = sorted(seconds)
    return (
        f"p50 {statistics.median(ordered) * unit:.0f} {label}, p99 {percentile(ordered, 0.99) * unit:.0f} {label}, "
        f"max {ordered[-1] * unit:.0f} {label}"
    )


def report(figures: Figures, messages: int, members: int) -> None:
    print(
        f"round trip, member's !gw help -> the member's client sees the reply ({messages} per room, in a row):"
    )
    for kind, took in figures.round_trips.items():
        first, rest = took[0], took[1:]
        print(
            f"  {kind + ' room':<15} {_spread(rest, 1000, 'ms')} (the first message: {first * 1000:.0f} ms)"
        )
    onboarded = figures.onboardings
    print(f"onboarding {members} members in a row (join -> closing message, every answer by number):")
    ordered = sorted(onboarded)
    print(
        f"  per member p50 {statistics.median(ordered):.2f} s, p99 {percentile(ordered, 0.99):.2f} s, "
        f"max {ordered[-1]:.2f} s; total {figures.onboarding_total:.0f} s "
        f"({len(onboarded) / figures.onboarding_total * 60:.0f} members/min, accounts and clients included)"
    )


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=200, help="!gw help round trips per room")
    parser.add_argument("--members", type=int, default=200, help="members onboarded one after the other")
    args = parser.parse_args()
    logging.getLogger("nio").setLevel(logging.ERROR)  # "Missing session for device": each first encryption
    get_gazetteer()  # built before anything is timed
    print(f"load average at the start: {_load()} ({os.cpu_count()} cores)")
    with tempfile.TemporaryDirectory(prefix="groundwork-matrix-bench-") as directory:
        home = Path(directory) / "synapse"
        home.mkdir()
        synapse = await asyncio.to_thread(Synapse.start, home)
        try:
            print(
                f"matrix-synapse {version('matrix-synapse')}, matrix-nio {version('matrix-nio')}, "
                f"on 127.0.0.1 (answered {synapse.started_in:.1f} s after start); bot database: SQLite"
            )
            figures = await measure(synapse, Path(directory), messages=args.messages, members=args.members)
        finally:
            synapse.stop()
    report(figures, args.messages, args.members)
    print(f"load average at the end: {_load()}")


if __name__ == "__main__":
    asyncio.run(main())
