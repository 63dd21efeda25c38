"""Onboardings per second through the service layer, on SQLite and on PostgreSQL.

    .venv/bin/python bench/onboarding_throughput.py                     # 2,000 members on each database
    .venv/bin/python bench/onboarding_throughput.py --members 10000 --databases sqlite
    .venv/bin/python bench/onboarding_throughput.py --databases postgres --concurrency 16

Each member goes through the whole conversation as the buttons drive it (begin, the place
typed and confirmed, languages, experience, paths, both readiness pages, consent, confirm):
one unit of work per answer, as in the bot, which keeps the conversation it last showed and
gives it back with the next answer. Places are towns drawn from the gazetteer, so
members are spread over the world the way an online organization's are. PostgreSQL runs in a
throwaway database created on GROUNDWORK_BENCH_POSTGRES_URL (default: the local server).
Members go one after the other unless --concurrency lets several onboard at the same time
(on SQLite that changes little: statements run on the loop; on PostgreSQL it overlaps the
waits for each commit's flush to disk). SQL statements per member are counted on 100 more.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._postgres import DEFAULT_ADMIN_URL, throwaway_database
from bot.services.gazetteer import get_gazetteer
from bot.services.home_countries import HomeCountries
from db.engine import SessionMaker, create_engine, create_session_maker
from db.migrate import upgrade_sync
from db.models import Member
from tests.support.onboarding import Answers, run_conversation
from tests.support.statements import statements_run

Onboard = Callable[[SessionMaker, int], Awaitable[None]]

TARGET_MEMBERS, TARGET_SECONDS = 10_000, 60.0
PATHS = ["run_for_office", "solidarity_network", "discussion_group", "coalitions", "community_life", "remote"]


def _answers(rnd: random.Random, place: str) -> Answers:
    experience = rnd.choice(["new", "new", "some", "experienced"])
    return Answers(
        place=place,
        experience=experience,
        note="" if experience == "new" else "union drive",
        mentor_capacity=rnd.choice([0, 1, 2]) if experience != "new" else 0,
        paths=rnd.sample(PATHS, rnd.randint(1, 3)),
        sharing=rnd.choice(["town", "region", "nothing"]),
        contact=rnd.choice(["yes", "no"]),
    )


async def _statements_per_member(url: str, onboard: Onboard, first_user: int, members: int) -> float:
    """SQL statements per onboarding, counted on a few more members (counting slows every
    statement, so the timed run does not count)."""
    engine = create_engine(url)
    sessions = create_session_maker(engine)
    with statements_run(engine) as statements:
        for user_id in range(first_user, first_user + members):
            await onboard(sessions, user_id)
    await engine.dispose()
    return len(statements) / members


async def run(url: str, members: int, seed: int, concurrency: int) -> dict[str, float]:
    gazetteer = get_gazetteer()
    rnd = random.Random(seed)
    # Towns a member could type: their label resolves back to a place.
    sample = rnd.sample([place.label for place in gazetteer.places("city")], 3000)
    towns = [label for label in sample if gazetteer.resolve(label).candidates]
    await asyncio.to_thread(upgrade_sync, url)
    now = datetime.now(UTC)
    home = HomeCountries()  # the guild's home countries, kept as the bot keeps them

    async def onboard(sessions: SessionMaker, user_id: int) -> None:
        answers = _answers(rnd, rnd.choice(towns))
        await run_conversation(
            sessions, gazetteer, guild_id=1, user_id=user_id, now=now, answers=answers, home=home
        )

    engine = create_engine(url)
    sessions = create_session_maker(engine)
    latencies: list[float] = []
    waiting = iter(range(10_000, 10_000 + members))

    async def member_after_member() -> None:
        # One of `concurrency` members onboarding at the same time, as the bot serves them.
        for user_id in waiting:
            t0 = time.perf_counter()
            await onboard(sessions, user_id)
            latencies.append(time.perf_counter() - t0)

    started = time.perf_counter()
    await asyncio.gather(*(member_after_member() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    async with sessions() as session:
        active = await session.scalar(
            select(func.count()).select_from(Member).where(Member.status == "active")
        )
        isolated = await session.scalar(select(func.count()).select_from(Member).where(Member.is_isolated))
    await engine.dispose()
    latencies.sort()
    return {
        "members": members,
        "active": float(active or 0),
        "isolated": float(isolated or 0),
        "seconds": elapsed,
        "per_second": members / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "statements": await _statements_per_member(url, onboard, 10_000 + members, 100),
    }


def report(name: str, figures: dict[str, float]) -> None:
    projected = TARGET_MEMBERS / figures["per_second"]
    print(
        f"{name:<10} {int(figures['members']):>7} members in {figures['seconds']:7.1f} s = "
        f"{figures['per_second']:6.1f} onboardings/s | per member p50 {figures['p50_ms']:.1f} ms, "
        f"p99 {figures['p99_ms']:.1f} ms, {figures['statements']:.0f} SQL statements | "
        f"{int(figures['active'])} active, {int(figures['isolated'])} isolated | "
        f"{TARGET_MEMBERS:,} would take {projected:.0f} s (target {TARGET_SECONDS:.0f} s)"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument(
        "--databases", nargs="+", choices=["sqlite", "postgres"], default=["sqlite", "postgres"]
    )
    parser.add_argument("--postgres-url", default=DEFAULT_ADMIN_URL)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--concurrency", type=int, default=1, help="members onboarding at the same time (default 1)"
    )
    args = parser.parse_args()
    get_gazetteer()  # built before timing starts
    if "sqlite" in args.databases:
        with tempfile.TemporaryDirectory() as directory:
            report(
                "SQLite",
                await run(
                    f"sqlite+aiosqlite:///{directory}/bench.db", args.members, args.seed, args.concurrency
                ),
            )
    if "postgres" in args.databases:
        async with throwaway_database(args.postgres_url) as url:
            report("PostgreSQL", await run(url, args.members, args.seed, args.concurrency))


if __name__ == "__main__":
    asyncio.run(main())
