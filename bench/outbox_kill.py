"""kill -9 test of the introduction outbox: no pairing stuck, no introduction twice.

    .venv/bin/python bench/outbox_kill.py                      # 30 kills, SQLite file
    .venv/bin/python bench/outbox_kill.py --kills 30 --postgres postgresql://postgres@127.0.0.1:5432/test

The fake Discord runs in this process; the real bot (GroundworkBot with every cog, discord.py)
runs in a child process on a file SQLite database (or a throwaway PostgreSQL one). Each round
the child starts, runs the outbox tick (recovering what the last child left), then approves
pairings one after another as `/pairing pair` does (the approval commits, then its
introduction runs at once). Once it reports an approval, it is killed with SIGKILL after a
random delay within an introduction's usual length, so the kill lands anywhere between the
approval's commit and the introduction's commit (or just after). Every new child's clock is
one lease later than the last (a dead process's claims come back when the lease runs out, as
they would in real time). A last child runs until nothing is due.

Printed: kills, how many landed before the introduction was recorded, then the figures that
matter: mentorships stuck (active, never introduced), mentorships introduced twice (more than
one thread with both of them, or more than one introduction message or DM pair), empty
threads left by a dead attempt and not adopted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import signal
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select

from bot.services import outbox
from db.engine import create_engine, create_session_maker
from db.enums import MemberStatus, MentorshipStatus, OrganizerStatus
from db.migrate import upgrade_sync
from db.models import GuildSettings, Member, Mentorship, Organizer
from tests.fake_discord.runner import TOKEN

MODERATOR = 4000
FIRST_MEMBER, FIRST_MENTOR = 10_000, 20_000
START = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
ROUND_SHIFT = outbox.LEASE + timedelta(minutes=1)


# -- the child: the real bot, approving and introducing until it is killed ----------------------


async def child(
    database_url: str, api: str, gateway: str, offset_minutes: float, data_dir: str, guild_id: int
) -> None:
    import discord.gateway
    import discord.http
    import yarl

    from bot.bot import GroundworkBot
    from bot.config import Settings
    from bot.services import pairing

    discord.http.Route.BASE = api
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)
    offset = timedelta(minutes=offset_minutes)
    settings = Settings(
        data_dir=Path(data_dir),
        discord={"token": TOKEN, "sync_commands_on_start": False},
        database={"url": database_url},
        scheduler={"tick_seconds": 3600},  # the bench runs the tick itself, at start
    )
    bot = GroundworkBot(settings, clock=lambda: datetime.now(UTC) + offset, guild_ready_timeout=0.01)
    runner = asyncio.create_task(bot.start(TOKEN))
    await asyncio.wait_for(bot.wait_until_ready(), 30)
    recovered = await bot.outbox.tick()
    print(f"ready {recovered}", flush=True)
    while True:
        async with bot.sessions() as session, session.begin():
            waiting = (
                await session.execute(
                    select(Member.user_id)
                    .where(Member.user_id < FIRST_MENTOR, Member.status == MemberStatus.ACTIVE)
                    .where(~Member.id.in_(select(Mentorship.member_id)))
                    .order_by(Member.user_id)
                    .limit(1)
                )
            ).scalar_one_or_none()
            if waiting is None:
                break
            made = await pairing.pair_manually(
                session=session,
                guild_id=guild_id,
                member_user_id=waiting,
                mentor_user_id=waiting - FIRST_MEMBER + FIRST_MENTOR,
                actor_id=MODERATOR,
                now=bot.clock(),
            )
        print(f"approved {made.mentorship_id}", flush=True)  # committed
        started = time.perf_counter()
        await bot.mentorships.presenter.introduce(made)
        print(f"introduced {made.mentorship_id} {time.perf_counter() - started:.4f}", flush=True)
    await bot.outbox.tick()
    print("idle", flush=True)
    await runner


# -- the parent: the fake Discord, the kills, the count ------------------------------------------


async def seed(database_url: str, guild_id: int, channel_id: int, pairs: int) -> None:
    engine = create_engine(database_url)
    sessions = create_session_maker(engine)
    try:
        async with sessions() as session, session.begin():
            session.add(GuildSettings(guild_id=guild_id, introductions_channel_id=channel_id))
            for n in range(pairs):
                mentee = Member(guild_id=guild_id, user_id=FIRST_MEMBER + n, status=MemberStatus.ACTIVE)
                mentor = Member(guild_id=guild_id, user_id=FIRST_MENTOR + n, status=MemberStatus.ACTIVE)
                session.add_all([mentee, mentor])
                await session.flush()
                session.add(Organizer(member_id=mentor.id, status=OrganizerStatus.ACTIVE, capacity=1))
    finally:
        await engine.dispose()


async def spawn(
    database_url: str, api: str, gateway: str, offset: timedelta, data_dir: str, guild_id: int
) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        __file__,
        "--child",
        database_url,
        api,
        gateway,
        str(offset.total_seconds() / 60),
        data_dir,
        str(guild_id),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


async def line(process: asyncio.subprocess.Process) -> str:
    assert process.stdout is not None
    raw = await asyncio.wait_for(process.stdout.readline(), 60)
    if not raw:
        raise RuntimeError(f"the child exited ({await process.wait()}) without a word")
    return raw.decode().strip()


async def introduced(database_url: str, mentorship_id: int) -> bool:
    engine = create_engine(database_url)
    try:
        async with create_session_maker(engine)() as session:
            row = await session.get(Mentorship, mentorship_id)
            return row is not None and row.introduced_at is not None
    finally:
        await engine.dispose()


async def run(kills: int, database_url: str, seed_value: int) -> dict[str, float]:
    from tests.fake_discord import FakeDiscord

    rng = random.Random(seed_value)
    pairs = kills * 2 + 5
    async with FakeDiscord() as fake, temporary_dir() as data_dir:
        guild = fake.add_guild("Kill bench")
        intros = fake.add_channel(guild, name="introductions")
        for n in range(pairs):
            fake.add_member(guild, user_id=FIRST_MEMBER + n, name=f"member{n}")
            fake.add_member(guild, user_id=FIRST_MENTOR + n, name=f"mentor{n}")
        await asyncio.to_thread(upgrade_sync, database_url)
        await seed(database_url, guild.id, intros.id, pairs)
        api, gateway = fake.base_url + "/api/v10", fake.gateway_url
        durations: list[float] = []
        cut = 0
        recovered = 0
        for round_ in range(kills + 1):
            offset = ROUND_SHIFT * round_ + (timedelta(hours=3) if round_ == kills else timedelta())
            process = await spawn(database_url, api, gateway, offset, data_dir, guild.id)
            try:
                ready = await line(process)
                recovered += int(ready.split()[1])
                if round_ == kills:  # the last one runs until nothing is left
                    while (said := await line(process)) != "idle":
                        if said.startswith("introduced"):
                            durations.append(float(said.split()[2]))
                    break
                # Let a few introductions through, then kill during one.
                for _ in range(rng.randrange(0, 3)):
                    said = await line(process)
                    while not said.startswith("introduced"):
                        said = await line(process)
                    durations.append(float(said.split()[2]))
                said = await line(process)
                while not said.startswith("approved"):
                    said = await line(process)
                mentorship_id = int(said.split()[1])
                typical = sorted(durations)[len(durations) // 2] if durations else 0.05
                await asyncio.sleep(rng.uniform(0, typical * 1.1))
                process.send_signal(signal.SIGKILL)
                await process.wait()
                if not await introduced(database_url, mentorship_id):
                    cut += 1
            finally:
                if process.returncode is None:
                    process.kill()
                    await process.wait()
        # The count.
        engine = create_engine(database_url)
        try:
            async with create_session_maker(engine)() as session:
                rows = (await session.execute(select(Mentorship))).scalars().all()
                stuck = sum(
                    1 for r in rows if r.status == MentorshipStatus.ACTIVE and r.introduced_at is None
                )
                pairs_of = {}
                for r in rows:
                    member = await session.get(Member, r.member_id)
                    mentor = await session.get(Member, r.mentor_id)
                    assert member is not None and mentor is not None
                    pairs_of[r.id] = (member.user_id, mentor.user_id)
        finally:
            await engine.dispose()
        threads = fake.threads(intros)
        doubled = orphans = 0
        for member_user, mentor_user in pairs_of.values():
            with_both = [t for t in threads if {member_user, mentor_user} <= t.thread_members]
            messages = sum(len(fake.messages_in(t)) for t in with_both)
            dms = sum(1 for m in fake.dms_to(member_user) if "introduce you" in m.text)
            if len(with_both) > 1 or messages > 1 or dms > 1:
                doubled += 1
        orphans = sum(1 for t in threads if not fake.messages_in(t))
        return {
            "kills": kills,
            "cut": cut,
            "recovered": recovered,
            "mentorships": len(pairs_of),
            "threads": len(threads),
            "stuck": stuck,
            "doubled": doubled,
            "orphans": orphans,
            "median_intro_ms": 1000 * sorted(durations)[len(durations) // 2] if durations else 0.0,
        }


@contextlib.asynccontextmanager
async def temporary_dir() -> AsyncIterator[str]:
    with tempfile.TemporaryDirectory(prefix="outbox-kill-") as path:
        yield path


async def main_async(args: argparse.Namespace) -> None:
    if args.sqlite:
        with tempfile.TemporaryDirectory(prefix="outbox-kill-db-") as path:
            figures = await run(args.kills, f"sqlite+aiosqlite:///{path}/kill.db", args.seed)
            report("SQLite file", figures)
    if args.postgres:
        from bench._postgres import throwaway_database

        async with throwaway_database(args.postgres) as url:
            report("PostgreSQL", await run(args.kills, url, args.seed))


def report(label: str, f: dict[str, float]) -> None:
    print(
        f"{label}: {f['kills']:.0f} kills ({f['cut']:.0f} before the introduction was recorded,"
        f" {f['recovered']:.0f} tasks run by the next process's tick), {f['mentorships']:.0f} mentorships,"
        f" {f['threads']:.0f} threads; stuck {f['stuck']:.0f}, doubled {f['doubled']:.0f},"
        f" empty threads {f['orphans']:.0f}; median introduction {f['median_intro_ms']:.0f} ms"
    )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        database_url, api, gateway, offset, data_dir, guild_id = sys.argv[2:8]
        asyncio.run(child(database_url, api, gateway, float(offset), data_dir, int(guild_id)))
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--kills", type=int, default=30)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--postgres", help="admin URL of a PostgreSQL server (a throwaway database is made)")
    parser.add_argument("--no-sqlite", dest="sqlite", action="store_false")
    main_args = parser.parse_args()
    asyncio.run(main_async(main_args))


if __name__ == "__main__":
    main()
