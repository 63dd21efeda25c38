"""How long /mod overview's service takes on a big guild, on SQLite and PostgreSQL.

    .venv/bin/python bench/mod_overview.py                       # 100,000 members, a year of weekly check-ins
    .venv/bin/python bench/mod_overview.py --members 20000 --databases sqlite

The data is written in bulk (it is the query being measured, not the writing): members spread
over a few hundred places, some isolated, some waiting for a mentor or mentored, and 52 weekly
check-ins each, mostly answered. Prints the time to build the data and the overview's time
(best and median of several runs); target: under 1 s.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._postgres import DEFAULT_ADMIN_URL, throwaway_database
from bot.services.gazetteer import get_gazetteer
from bot.services.moderation import overview
from db.engine import create_engine, create_session_maker
from db.migrate import upgrade_sync
from db.models import GuildSettings, Locale, Member, ReadinessCheckIn

GUILD = 1
NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
WEEKS = 52
CHUNK = 20_000


def _members(count: int, locale_ids: list[int], rnd: random.Random) -> list[dict[str, object]]:
    statuses = ["active"] * 90 + ["left"] * 5 + ["new"] * 3 + ["onboarding"] * 2
    rows = []
    for i in range(count):
        waiting = rnd.random() < 0.05
        rows.append(
            {
                "guild_id": GUILD,
                "user_id": 10**17 + i,
                "status": rnd.choice(statuses),
                "locale_id": rnd.choice(locale_ids),
                "locale_sharing": rnd.choice(["town", "region", "nothing"]),
                "organizer_contact_ok": True,
                "neighbour_offers_muted": False,
                "share_activity": False,
                "languages": ["en"],
                "paths": ["discussion_group"],
                "wants_to_mentor": False,
                "is_isolated": rnd.random() < 0.3,
                "mentor_requested_at": NOW - timedelta(days=rnd.randint(1, 60)) if waiting else None,
                "checkins_paused": False,
                "missed_checkins": rnd.choice([0, 0, 0, 0, 1, 2, 3]),
                "joined_at": NOW - timedelta(days=400),
                "onboarded_at": NOW - timedelta(days=390),
                "created_at": NOW,
                "updated_at": NOW,
            }
        )
    return rows


def _checkins(member_ids: list[int], rnd: random.Random) -> list[dict[str, object]]:
    rows = []
    for member_id in member_ids:
        offset = timedelta(minutes=rnd.randint(0, 7 * 24 * 60))
        for week in range(WEEKS):
            due = NOW - timedelta(weeks=WEEKS - week) + offset
            status = "answered" if rnd.random() < 0.7 else rnd.choice(["missed", "skipped", "undeliverable"])
            rows.append(
                {
                    "member_id": member_id,
                    "kind": "scheduled",
                    "status": status,
                    "due_at": due,
                    "created_at": due,
                }
            )
    return rows


async def build(url: str, members: int, seed: int) -> float:
    started = time.perf_counter()
    rnd = random.Random(seed)
    await asyncio.to_thread(upgrade_sync, url)
    engine = create_engine(url)
    sessions = create_session_maker(engine)
    gazetteer = get_gazetteer()
    places = rnd.sample(list(gazetteer.places("city")), 400)
    async with sessions() as session, session.begin():
        session.add(GuildSettings(guild_id=GUILD))
        await session.flush()
        for place in places:
            session.add(
                Locale(
                    key=place.key,
                    precision="city",
                    name=place.name,
                    region_code=place.region_code,
                    region_name=place.region_name,
                    country_code=place.country_code,
                    country_name=place.country_name,
                    latitude=place.latitude,
                    longitude=place.longitude,
                    timezone=place.timezone,
                )
            )
        await session.flush()
        from sqlalchemy import select

        locale_ids = list((await session.execute(select(Locale.id))).scalars())
    member_rows = _members(members, locale_ids, rnd)
    for start in range(0, len(member_rows), CHUNK):
        async with sessions() as session, session.begin():
            await session.execute(insert(Member), member_rows[start : start + CHUNK])
    member_ids = list(range(1, members + 1))
    for start in range(0, len(member_ids), CHUNK // WEEKS):
        async with sessions() as session, session.begin():
            await session.execute(
                insert(ReadinessCheckIn), _checkins(member_ids[start : start + CHUNK // WEEKS], rnd)
            )
    await engine.dispose()
    return time.perf_counter() - started


async def measure(url: str, runs: int) -> list[float]:
    engine = create_engine(url)
    sessions = create_session_maker(engine)
    times = []
    result = None
    for _ in range(runs):
        started = time.perf_counter()
        async with sessions() as session:
            result = await overview(session=session, guild_id=GUILD, now=NOW)
        times.append(time.perf_counter() - started)
    await engine.dispose()
    assert result is not None
    print(
        f"    members {sum(result.by_status.values()):,}, isolated {result.isolated:,}, waiting {result.waiting_for_mentor:,}, "
        f"check-ins answered {result.checkins_answered_30d:,} of {result.checkins_due_30d:,}, gone quiet {result.gone_quiet:,}"
    )
    return times


async def run(name: str, url: str, members: int, seed: int, runs: int) -> None:
    built = await build(url, members, seed)
    times = await measure(url, runs)
    print(
        f"{name:<10} {members:,} members, {members * WEEKS:,} check-ins (built in {built:.0f} s): "
        f"overview best {min(times) * 1000:.0f} ms, median {statistics.median(times) * 1000:.0f} ms (target < 1000 ms)"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument(
        "--databases", nargs="+", choices=["sqlite", "postgres"], default=["sqlite", "postgres"]
    )
    parser.add_argument("--postgres-url", default=DEFAULT_ADMIN_URL)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if "sqlite" in args.databases:
        with tempfile.TemporaryDirectory() as directory:
            await run("SQLite", f"sqlite+aiosqlite:///{directory}/bench.db", args.members, 3, args.runs)
    if "postgres" in args.databases:
        async with throwaway_database(args.postgres_url) as url:
            await run("PostgreSQL", url, args.members, 3, args.runs)


if __name__ == "__main__":
    asyncio.run(main())
