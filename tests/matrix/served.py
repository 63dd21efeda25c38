"""A groundwork bot with a database on the real Synapse, its clock in the test's hands, and
members of its community (their identities, settings and member rows made as onboarding makes
them). The ticks are not started: tests tick the runtime themselves."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from bot.config import GuildDefaults, MatrixSettings, SchedulerSettings
from bot.services import checkins, identities
from bot.services.checkins import DispatchReport
from db.engine import SessionMaker
from db.enums import IdentityKind, MemberStatus, Platform
from db.models import GuildSettings
from db.models import Member as MemberRow
from matrix_adapter import MatrixBot
from tests.matrix.clients import WAIT, Member
from tests.matrix.conftest import account
from tests.matrix.synapse import Synapse

SPACE = "!community:localhost"
START = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@asynccontextmanager
async def serving(
    synapse: Synapse,
    sessions: SessionMaker,
    tmp_path: Path,
    clock: Clock,
    *,
    moderators_room_id: str | None = None,
    user: tuple[str, str, str] | None = None,
    space_id: str = SPACE,
) -> AsyncIterator[MatrixBot]:
    """A bot serving until the block ends. `user`: (user id, password, device id) to reuse an
    account (a restart), else a fresh one; `space_id`: the community (a real space members can
    join, else an id nobody can join)."""
    if user is None:
        me = account(synapse, "groundwork")
        user = (me.user_id, me.password, me.device_id)
    settings = MatrixSettings(
        homeserver=synapse.url,
        user_id=user[0],
        password=SecretStr(user[1]),
        device_id=user[2],
        space_id=space_id,
        moderators_room_id=moderators_room_id,
    )
    bot = MatrixBot(
        settings,
        crypto_store=tmp_path / f"bot-crypto-{user[2]}",
        sessions=sessions,
        scheduler=SchedulerSettings(tick_seconds=3600, messages_per_second=1000, overdue_grace_hours=12),
        clock=clock,
    )
    await bot.login()
    task = asyncio.create_task(bot.run())
    await asyncio.wait_for(bot.wait_until_serving(), WAIT)
    try:
        yield bot
    finally:
        if bot.runtime is not None:
            await bot.runtime.stop()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await bot.close()


async def join_community(
    sessions: SessionMaker, matrix_id: str, *, onboarded_at: datetime = START, timezone: str = "Europe/Berlin"
) -> tuple[int, int, int]:
    """An active, onboarded member of the community with their next check-in scheduled:
    (guild id, user id, member id)."""
    async with sessions() as session, session.begin():
        guild_id = await identities.local_id(
            session=session, platform=Platform.MATRIX, kind=IdentityKind.COMMUNITY, external_id=SPACE
        )
        user_id = await identities.local_id(
            session=session, platform=Platform.MATRIX, kind=IdentityKind.USER, external_id=matrix_id
        )
        if await session.get(GuildSettings, guild_id) is None:
            session.add(GuildSettings(guild_id=guild_id, **GuildDefaults().model_dump()))
            await session.flush()
        member = MemberRow(
            guild_id=guild_id,
            user_id=user_id,
            status=MemberStatus.ACTIVE,
            timezone=timezone,
            paths=["discussion_group"],
            languages=["en"],
            onboarded_at=onboarded_at,
            share_activity=True,
        )
        session.add(member)
        await session.flush()
        member_id = member.id
    async with sessions() as session, session.begin():
        await checkins.ensure_scheduled(session=session, member_id=member_id, now=onboarded_at)
    return guild_id, user_id, member_id


async def due_at(sessions: SessionMaker, guild_id: int, user_id: int) -> datetime:
    async with sessions() as session:
        plan = await checkins.schedule(session=session, guild_id=guild_id, user_id=user_id)
    assert plan.next_due is not None
    return plan.next_due


async def check_in_due(sessions: SessionMaker, clock: Clock, guild_id: int, user_id: int) -> None:
    """The clock moved to the member's next check-in."""
    clock.now = await due_at(sessions, guild_id, user_id) + timedelta(seconds=1)


async def check_in_sent(
    bot: MatrixBot, sessions: SessionMaker, clock: Clock, member: Member, guild_id: int, user_id: int
) -> tuple[DispatchReport | None, str, dict[str, Any]]:
    """The member's next check-in made due and sent by a tick of the runtime: the tick's report,
    and the room and content of the notice the member read."""
    assert bot.runtime is not None
    await check_in_due(sessions, clock, guild_id, user_id)
    report = await bot.runtime.tick_checkins()
    room_id, content = await member.next_notice()
    return report, room_id, content
