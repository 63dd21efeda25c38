"""kill -9 test of the introduction outbox: no pairing stuck, no introduction twice.

    .venv/bin/python bench/outbox_kill.py                      # 30 kills, SQLite file
    .venv/bin/python bench/outbox_kill.py --kills 30 --postgres postgresql://postgres@127.0.0.1:5432/test
    .venv/bin/python bench/outbox_kill.py --feature neighbours # neighbours' introductions instead

The fake Discord runs in this process; the real bot (GroundworkBot with every cog, discord.py)
runs in a child process on a file SQLite database (or a throwaway PostgreSQL one). Each round
the child starts, runs the outbox tick (recovering what the last child left), then approves
pairings one after another as `/pairing pair` does (the approval commits, then its
introduction runs at once). Once it reports an approval, it is killed with SIGKILL after a
random delay within an introduction's usual length, so the kill lands anywhere between the
approval's commit and the introduction's commit (or just after). Every new child's clock is
one lease later than the last (a dead process's claims come back when the lease runs out, as
they would in real time). A last child runs until nothing is due. With `--feature neighbours`
the decision is a neighbour's yes (the second of two) and the step their introduction.

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
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select

from bot.services import outbox
from db.engine import create_engine, create_session_maker
from db.enums import Answer, ChatTaskKind, IntroductionStatus, MemberStatus, MentorshipStatus, OrganizerStatus
from db.migrate import upgrade_sync
from db.models import GuildSettings, Member, Mentorship, NeighbourIntroduction, Organizer
from tests.fake_discord.runner import TOKEN

if TYPE_CHECKING:
    from bot.bot import GroundworkBot

MODERATOR = 4000
FIRST_MEMBER, FIRST_MENTOR = 10_000, 20_000
START = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
ROUND_SHIFT = outbox.LEASE + timedelta(minutes=1)


# -- the child: the real bot, approving and introducing until it is killed ----------------------


async def approve_mentorship(bot: GroundworkBot, guild_id: int) -> int | None:
    """The next waiting member paired with their mentor, as `/pairing pair` does (committed)."""
    from bot.services import pairing

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
            return None
        made = await pairing.pair_manually(
            session=session,
            guild_id=guild_id,
            member_user_id=waiting,
            mentor_user_id=waiting - FIRST_MEMBER + FIRST_MENTOR,
            actor_id=MODERATOR,
            now=bot.clock(),
        )
    return made.mentorship_id


async def answer_yes(bot: GroundworkBot, guild_id: int) -> int | None:
    """The next neighbour asked says yes, as their button does (committed)."""
    from bot.services import neighbours

    async with bot.sessions() as session, session.begin():
        asked = (
            await session.execute(
                select(NeighbourIntroduction.id, Member.user_id)
                .join(Member, Member.id == NeighbourIntroduction.neighbour_id)
                .where(NeighbourIntroduction.status == IntroductionStatus.ASKED)
                .order_by(NeighbourIntroduction.id)
                .limit(1)
            )
        ).first()
        if asked is None:
            return None
        introduction_id, user_id = asked
        await neighbours.answer_introduction(
            session=session,
            introduction_id=introduction_id,
            user_id=user_id,
            answer=Answer.YES,
            mute=False,
            now=bot.clock(),
        )
    return int(introduction_id)


DECIDE = {"mentors": approve_mentorship, "neighbours": answer_yes}
STEP = {"mentors": ChatTaskKind.INTRODUCTION, "neighbours": ChatTaskKind.NEIGHBOUR_INTRODUCTION}


async def child(
    database_url: str,
    api: str,
    gateway: str,
    offset_minutes: float,
    data_dir: str,
    guild_id: int,
    feature: str,
) -> None:
    import discord.gateway
    import discord.http
    import yarl

    from bot.bot import GroundworkBot
    from bot.config import Settings

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
    while (subject_id := await DECIDE[feature](bot, guild_id)) is not None:
        print(f"approved {subject_id}", flush=True)  # committed
        started = time.perf_counter()
        await bot.outbox.run_now(STEP[feature], subject_id)  # as the cog does right after the commit
        print(f"introduced {subject_id} {time.perf_counter() - started:.4f}", flush=True)
    await bot.outbox.tick()
    print("idle", flush=True)
    await runner


# -- the parent: the fake Discord, the kills, the count ------------------------------------------


async def seed(database_url: str, guild_id: int, channel_id: int, pairs: int, feature: str) -> None:
    """`pairs` pairs of members: a mentee and a free mentor, or one who asked to meet a neighbour
    and the neighbour asked."""
    engine = create_engine(database_url)
    sessions = create_session_maker(engine)
    try:
        async with sessions() as session, session.begin():
            session.add(GuildSettings(guild_id=guild_id, introductions_channel_id=channel_id))
            for n in range(pairs):
                first = Member(guild_id=guild_id, user_id=FIRST_MEMBER + n, status=MemberStatus.ACTIVE)
                second = Member(guild_id=guild_id, user_id=FIRST_MENTOR + n, status=MemberStatus.ACTIVE)
                session.add_all([first, second])
                await session.flush()
                if feature == "mentors":
                    session.add(Organizer(member_id=second.id, status=OrganizerStatus.ACTIVE, capacity=1))
                else:
                    session.add(
                        NeighbourIntroduction(
                            guild_id=guild_id, requester_id=first.id, neighbour_id=second.id, distance_km=1.0
                        )
                    )
    finally:
        await engine.dispose()


async def spawn(
    database_url: str, api: str, gateway: str, offset: timedelta, data_dir: str, guild_id: int, feature: str
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
        feature,
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


async def introduced(database_url: str, feature: str, subject_id: int) -> bool:
    engine = create_engine(database_url)
    try:
        async with create_session_maker(engine)() as session:
            if feature == "mentors":
                query = select(Mentorship.introduced_at).where(Mentorship.id == subject_id)
            else:
                query = select(NeighbourIntroduction.introduced_at).where(
                    NeighbourIntroduction.id == subject_id
                )
            return await session.scalar(query) is not None
    finally:
        await engine.dispose()


async def outcome(database_url: str, feature: str) -> tuple[int, dict[int, tuple[int, int]]]:
    """How many decided pairs were never introduced, and each decided pair's two user ids."""
    engine = create_engine(database_url)
    try:
        async with create_session_maker(engine)() as session:
            if feature == "mentors":
                rows = await session.execute(
                    select(
                        Mentorship.id, Mentorship.member_id, Mentorship.mentor_id, Mentorship.introduced_at
                    ).where(Mentorship.status == MentorshipStatus.ACTIVE)
                )
            else:
                rows = await session.execute(
                    select(
                        NeighbourIntroduction.id,
                        NeighbourIntroduction.requester_id,
                        NeighbourIntroduction.neighbour_id,
                        NeighbourIntroduction.introduced_at,
                    ).where(NeighbourIntroduction.status == IntroductionStatus.INTRODUCED)
                )
            decided = rows.all()
            members = await session.execute(select(Member.id, Member.user_id))
            users: dict[int, int] = {}
            for member_id, user_id in members.all():
                users[member_id] = user_id
            stuck = sum(1 for *_, introduced_at in decided if introduced_at is None)
            return stuck, {row_id: (users[first], users[second]) for row_id, first, second, _ in decided}
    finally:
        await engine.dispose()


async def run(kills: int, database_url: str, seed_value: int, feature: str = "mentors") -> dict[str, float]:
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
        await seed(database_url, guild.id, intros.id, pairs, feature)
        api, gateway = fake.base_url + "/api/v10", fake.gateway_url
        durations: list[float] = []
        cut = 0
        recovered = 0
        for round_ in range(kills + 1):
            offset = ROUND_SHIFT * round_ + (timedelta(hours=3) if round_ == kills else timedelta())
            process = await spawn(database_url, api, gateway, offset, data_dir, guild.id, feature)
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
                subject_id = int(said.split()[1])
                typical = sorted(durations)[len(durations) // 2] if durations else 0.05
                await asyncio.sleep(rng.uniform(0, typical * 1.1))
                process.send_signal(signal.SIGKILL)
                await process.wait()
                if not await introduced(database_url, feature, subject_id):
                    cut += 1
            finally:
                if process.returncode is None:
                    process.kill()
                    await process.wait()
        # The count.
        stuck, pairs_of = await outcome(database_url, feature)
        threads = fake.threads(intros)
        doubled = orphans = 0
        for member_user, mentor_user in pairs_of.values():
            with_both = [t for t in threads if {member_user, mentor_user} <= t.thread_members]
            messages = sum(len(fake.messages_in(t)) for t in with_both)
            dms = sum(1 for m in fake.dms_to(member_user) if "introduc" in m.text)
            if len(with_both) > 1 or messages > 1 or dms > 1:
                doubled += 1
        orphans = sum(1 for t in threads if not fake.messages_in(t))
        return {
            "kills": kills,
            "cut": cut,
            "recovered": recovered,
            "pairs": len(pairs_of),
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
            figures = await run(args.kills, f"sqlite+aiosqlite:///{path}/kill.db", args.seed, args.feature)
            report("SQLite file", figures)
    if args.postgres:
        from bench._postgres import throwaway_database

        async with throwaway_database(args.postgres) as url:
            report("PostgreSQL", await run(args.kills, url, args.seed, args.feature))


def report(label: str, f: dict[str, float]) -> None:
    print(
        f"{label}: {f['kills']:.0f} kills ({f['cut']:.0f} before the introduction was recorded,"
        f" {f['recovered']:.0f} tasks run by the next process's tick), {f['pairs']:.0f} pairs introduced,"
        f" {f['threads']:.0f} threads; stuck {f['stuck']:.0f}, doubled {f['doubled']:.0f},"
        f" empty threads {f['orphans']:.0f}; median introduction {f['median_intro_ms']:.0f} ms"
    )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        database_url, api, gateway, offset, data_dir, guild_id, feature = sys.argv[2:9]
        asyncio.run(child(database_url, api, gateway, float(offset), data_dir, int(guild_id), feature))
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--kills", type=int, default=30)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--feature", choices=sorted(DECIDE), default="mentors", help="whose introductions")
    parser.add_argument("--postgres", help="admin URL of a PostgreSQL server (a throwaway database is made)")
    parser.add_argument("--no-sqlite", dest="sqlite", action="store_false")
    main_args = parser.parse_args()
    asyncio.run(main_async(main_args))


if __name__ == "__main__":
    main()
