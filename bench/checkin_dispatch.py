"""Benchmark of check-in dispatch: throughput under Discord's global limit, and the claim query.

    .venv/bin/python bench/checkin_dispatch.py                    # 10,000 DMs at 50 req/s + claims (~8 min)
    .venv/bin/python bench/checkin_dispatch.py --count 1000       # a quicker look (~1 min)
    .venv/bin/python bench/checkin_dispatch.py --skip-dispatch    # only the claim query timings

Part 1 sends `--count` due check-ins through the real bot (GroundworkBot, the CheckIns cog, discord.py)
to the fake Discord with its global limit at 50 requests per second. Every member is new, so each
check-in costs two requests (open the DM channel, send the message): the floor is 2 x count / 50
seconds. Printed: elapsed time against that floor, 429s, the busiest one-second window, duplicates
(a member with two check-in DMs) and lost ones (a member with none, or a row not `sent`).

Part 2 times the claim query (`UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED) RETURNING`,
one batch) on 100,000 members with 1 % due, each with a baseline check-in and its six answers, on
SQLite and on PostgreSQL (a throwaway database next to `--postgres`; skipped if unreachable).
Each timing runs in a transaction that is rolled back, so every repetition sees the same rows.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import asyncpg
from sqlalchemy import insert, text

from bench._postgres import throwaway_database
from bot.bot import GroundworkBot
from bot.config import GuildDefaults, Settings
from bot.services import checkins
from db.engine import create_engine, create_session_maker
from db.enums import CheckInKind, CheckInStatus, MemberStatus
from db.migrate import upgrade_sync
from db.models import GuildSettings, Member, ReadinessAnswer, ReadinessCheckIn
from tests.fake_discord import FakeDiscord, running

NOW = datetime(2026, 12, 9, 18, 30, tzinfo=UTC)
GLOBAL_LIMIT = 50
GUILD_ID = 424242
FIRST_USER = 10_000_000
DEFAULT_PG = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


class FixedClock:
    def __call__(self) -> datetime:
        return NOW


async def populate(url: str, members: int, due: int, *, answers: bool) -> None:
    """`members` active members, the first `due` of them with a check-in due now, the rest later."""
    engine = create_engine(url)
    sessions = create_session_maker(engine)
    chunk = 5000
    try:
        async with sessions() as session, session.begin():
            defaults = GuildDefaults().model_dump()
            session.add(
                GuildSettings(guild_id=GUILD_ID, **{**defaults, "quiet_hours_start": 0, "quiet_hours_end": 0})
            )
        for start in range(0, members, chunk):
            async with sessions() as session, session.begin():
                rows = [
                    {
                        "guild_id": GUILD_ID,
                        "user_id": FIRST_USER + n,
                        "status": MemberStatus.ACTIVE,
                        "timezone": "Europe/London",
                        "languages": ["en"],
                        "paths": ["discussion_group"],
                        "onboarded_at": NOW - timedelta(days=14),
                    }
                    for n in range(start, min(members, start + chunk))
                ]
                ids = list((await session.execute(insert(Member).returning(Member.id), rows)).scalars())
                await session.execute(
                    insert(ReadinessCheckIn),
                    [
                        {
                            "member_id": member_id,
                            "kind": CheckInKind.SCHEDULED,
                            "due_at": NOW - timedelta(minutes=5)
                            if start + i < due
                            else NOW + timedelta(days=1, seconds=(start + i) % 86_400 * 13),
                        }
                        for i, member_id in enumerate(ids)
                    ],
                )
                if answers:
                    baseline = list(
                        (
                            await session.execute(
                                insert(ReadinessCheckIn).returning(ReadinessCheckIn.id),
                                [
                                    {
                                        "member_id": member_id,
                                        "kind": CheckInKind.BASELINE,
                                        "status": CheckInStatus.ANSWERED,
                                        "due_at": NOW - timedelta(days=14),
                                        "sent_at": NOW - timedelta(days=14),
                                        "answered_at": NOW - timedelta(days=14),
                                    }
                                    for member_id in ids
                                ],
                            )
                        ).scalars()
                    )
                    await session.execute(
                        insert(ReadinessAnswer),
                        [
                            {
                                "checkin_id": cid,
                                "dimension": d,
                                "score": 3,
                                "answered_at": NOW - timedelta(days=14),
                            }
                            for cid in baseline
                            for d in checkins.DIMENSIONS
                        ],
                    )
    finally:
        await engine.dispose()


# -- part 1: dispatch through the fake Discord ----------------------------------------------


async def dispatch(count: int, rate: float, batch_size: int, directory: Path) -> None:
    url = f"sqlite+aiosqlite:///{directory / 'dispatch.db'}"
    await asyncio.to_thread(upgrade_sync, url)
    await populate(url, count, count, answers=False)
    settings = Settings(
        data_dir=directory / "data",
        discord={"token": "fake-discord-test-token", "sync_commands_on_start": False},
        database={"url": url},
        scheduler={
            "tick_seconds": 3600,
            "batch_size": batch_size,
            "messages_per_second": rate,
            "overdue_grace_hours": 12,
        },
    )
    async with FakeDiscord() as fake:
        guild = fake.add_guild("Bench", guild_id=GUILD_ID)
        users = [fake.add_member(guild, user_id=FIRST_USER + n, name=f"u{n}").user_id for n in range(count)]
        bot = GroundworkBot(settings, clock=FixedClock(), run_scheduler=False, guild_ready_timeout=0.01)
        async with running(fake, bot, timeout=60):
            cog: Any = bot.get_cog("CheckIns")
            fake.ratelimits.set_global(GLOBAL_LIMIT)
            before = len(fake.requests)
            started = time.perf_counter()
            report = await cog.dispatch()
            elapsed = time.perf_counter() - started
        requests = fake.requests[before:]
    accepted = sorted(r.at for r in requests if r.status != 429)
    busiest = max((bisect.bisect_left(accepted, t + 1.0) - i for i, t in enumerate(accepted)), default=0)
    per_user: dict[int, int] = {}
    channel_user = {channel_id: user_id for user_id, channel_id in fake.state.dm_channels.items()}
    for r in requests:
        is_message = r.method == "POST" and r.route == "/channels/{channel_id}/messages" and r.status == 200
        if is_message and "gw:cis:" in json.dumps(r.json):
            user = channel_user[int(r.params["channel_id"])]
            per_user[user] = per_user.get(user, 0) + 1
    duplicates = sum(1 for n in per_user.values() if n > 1)
    lost_users = sum(1 for user in users if per_user.get(user, 0) == 0)
    engine = create_engine(url)
    async with engine.connect() as connection:
        not_sent = (
            await connection.execute(
                text(
                    "SELECT count(*) FROM readiness_checkins WHERE kind = 'scheduled' AND due_at <= :now AND status != 'sent'"
                ),
                {"now": NOW.replace(tzinfo=None)},
            )
        ).scalar_one()
    await engine.dispose()
    floor = 2 * count / GLOBAL_LIMIT
    stats = fake.ratelimits.stats
    print(
        f"dispatch: {count} due check-ins, pace {rate} DMs/s, batches of {batch_size}, global limit {GLOBAL_LIMIT} req/s"
    )
    print(
        f"  elapsed {elapsed:.1f} s, floor {floor:.1f} s (2 requests per new DM channel): {elapsed / floor:.3f} x floor"
    )
    print(
        f"  {len(accepted)} requests accepted, {stats.global_429} global 429s, busiest 1 s window {busiest} requests"
    )
    print(f"  sent {report.sent}, duplicates {duplicates}, lost {lost_users} (rows not sent: {not_sent})")


# -- part 2: the claim query ----------------------------------------------------------------


async def time_claims(url: str, label: str, batch_size: int, due: int, repeats: int) -> None:
    engine = create_engine(url)
    sessions = create_session_maker(engine)
    try:
        if engine.dialect.name == "postgresql":
            async with engine.begin() as connection:
                await connection.execute(text("ANALYZE"))
        every = f"claim all {due} due"
        results: dict[str, list[float]] = {"claim query": [], "claim + settle batch": [], every: []}
        for _ in range(repeats):
            for name, limit, full in (
                ("claim query", batch_size, False),
                ("claim + settle batch", batch_size, True),
                (every, due, False),
            ):
                async with sessions() as session:
                    transaction = await session.begin()
                    started = time.perf_counter()
                    if full:
                        claim = await checkins.claim_due(
                            session=session, now=NOW, worker="bench", limit=limit, grace=timedelta(hours=12)
                        )
                        got = len(claim.due)
                    else:
                        got = len(
                            await checkins.claim_rows(session=session, now=NOW, worker="bench", limit=limit)
                        )
                    results[name].append(time.perf_counter() - started)
                    await transaction.rollback()
                assert got == limit, (name, got)
        for name, times in results.items():
            ordered = sorted(times)
            p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
            size = due if name == every else batch_size
            print(
                f"  {label:<10} {name:<22} ({size:>4} rows): median {statistics.median(times) * 1000:6.1f} ms, "
                f"p95 {p95 * 1000:6.1f} ms"
            )
    finally:
        await engine.dispose()


async def claims(members: int, batch_size: int, repeats: int, postgres: str | None, directory: Path) -> None:
    due = members // 100
    print(f"claim: {members} members, {due} due (1 %), one baseline check-in with six answers each")
    sqlite_url = f"sqlite+aiosqlite:///{directory / 'claims.db'}"
    await asyncio.to_thread(upgrade_sync, sqlite_url)
    started = time.perf_counter()
    await populate(sqlite_url, members, due, answers=True)
    print(f"  sqlite     loaded in {time.perf_counter() - started:.0f} s")
    await time_claims(sqlite_url, "sqlite", batch_size, due, repeats)
    if not postgres:
        return
    try:
        async with throwaway_database(postgres) as pg_url:
            await asyncio.to_thread(upgrade_sync, pg_url)
            started = time.perf_counter()
            await populate(pg_url, members, due, answers=True)
            print(f"  postgresql loaded in {time.perf_counter() - started:.0f} s")
            await time_claims(pg_url, "postgresql", batch_size, due, repeats)
    except (OSError, asyncpg.PostgresError) as exc:
        print(f"  postgresql skipped: {exc}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=10_000, help="due check-ins to dispatch")
    parser.add_argument(
        "--rate", type=float, default=24.5, help="messages_per_second (24.5 = 49 req/s for new DM channels)"
    )
    parser.add_argument("--batch-size", type=int, default=50)
    parser.add_argument("--members", type=int, default=100_000, help="members for the claim timings")
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--postgres", default=DEFAULT_PG, help="an admin URL to create a throwaway database")
    parser.add_argument("--skip-dispatch", action="store_true")
    parser.add_argument("--skip-claims", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="groundwork-bench-") as tmp:
        directory = Path(tmp)
        if not args.skip_dispatch:
            asyncio.run(dispatch(args.count, args.rate, args.batch_size, directory))
        if not args.skip_claims:
            asyncio.run(claims(args.members, args.batch_size, args.repeats, args.postgres, directory))


if __name__ == "__main__":
    main()
