"""The Matrix runtime on a real Synapse: once the bot serves, its first tick sends the check-ins
due and runs the durable steps of the Matrix community, never a Discord server's in the same
database; a step that keeps failing is given up and told in the moderators' room.

Uses the test database, so it runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import select, update

from bot.services import outbox
from bot.texts import matrix_moderation as texts
from db.engine import SessionMaker
from db.enums import ChatTaskKind, Platform
from db.models import ChatTask
from matrix_adapter import MatrixBot
from tests.matrix.clients import WAIT, MemberFactory, seen_joined
from tests.matrix.conftest import account
from tests.matrix.served import Clock, check_in_due, join_community, serving
from tests.matrix.synapse import Synapse
from tests.matrix.test_moderation import _moderators_room

DISCORD_GUILD = 4242
KIND = ChatTaskKind.MEMBER_ROLES  # a step with no Matrix handler of its own: the test's


async def _enqueue(sessions: SessionMaker, clock: Clock, guild_id: int, subject_id: int) -> None:
    async with sessions() as session, session.begin():
        await outbox.enqueue(
            session=session, guild_id=guild_id, kind=KIND, subject_id=subject_id, now=clock()
        )


async def _rows(sessions: SessionMaker) -> dict[int, ChatTask]:
    async with sessions() as session:
        return {row.subject_id: row for row in (await session.execute(select(ChatTask))).scalars()}


def _handled_by(bot: MatrixBot, sessions: SessionMaker, seen: list[int], done: asyncio.Event) -> None:
    assert bot.runtime is not None
    bot.runtime.outbox.handlers.pop(KIND, None)

    async def handle(task: outbox.Task) -> bool:
        seen.append(task.subject_id)
        async with sessions() as session, session.begin():
            await outbox.done(session=session, task_id=task.task_id, now=bot.clock())
        done.set()
        return True

    bot.runtime.register(KIND, handle)


async def test_the_first_tick_once_serving_sends_check_ins_and_runs_only_matrix_steps(
    synapse: Synapse, sessions: SessionMaker, members: MemberFactory, tmp_path: Path
) -> None:
    clock = Clock()
    alice = await members()
    guild_id, user_id, _ = await join_community(sessions, alice.client.user_id)
    await check_in_due(sessions, clock, guild_id, user_id)
    await _enqueue(sessions, clock, guild_id, 1)
    await _enqueue(sessions, clock, DISCORD_GUILD, 2)
    async with serving(synapse, sessions, tmp_path, clock) as bot:
        assert bot.runtime is not None
        seen: list[int] = []
        done = asyncio.Event()
        _handled_by(bot, sessions, seen, done)
        bot.runtime.start()  # as groundwork run does
        _, content = await alice.next_notice()
        assert content["body"].startswith("Check-in time")
        await asyncio.wait_for(done.wait(), WAIT)
        assert seen == [1]
        rows = await _rows(sessions)
        assert rows[1].done_at is not None
        assert rows[2].claimed_by is None and rows[2].attempts == 0  # Discord's: left to the Discord bot
        assert bot.runtime.scheduler.running


async def test_run_now_carries_out_a_matrix_step_and_never_a_discord_one(
    synapse: Synapse, sessions: SessionMaker, members: MemberFactory, tmp_path: Path
) -> None:
    clock = Clock()
    alice = await members()
    guild_id, _, _ = await join_community(sessions, alice.client.user_id)
    await _enqueue(sessions, clock, guild_id, 3)
    await _enqueue(sessions, clock, DISCORD_GUILD, 4)
    async with serving(synapse, sessions, tmp_path, clock) as bot:
        assert bot.runtime is not None
        seen: list[int] = []
        _handled_by(bot, sessions, seen, asyncio.Event())
        assert await bot.runtime.run_now(KIND, 3) is True
        assert await bot.runtime.run_now(KIND, 4) is False
        assert await bot.runtime.run_now(KIND, 3) is False  # done already
        assert seen == [3]


async def test_a_step_that_keeps_failing_is_given_up_and_told_in_the_moderators_room(
    synapse: Synapse, sessions: SessionMaker, members: MemberFactory, tmp_path: Path
) -> None:
    clock = Clock()
    alice, bob = await members(), await members()
    me = account(synapse, "groundwork")
    room_id = await _moderators_room(
        synapse, me.user_id, me.access_token, alice.client.user_id, bob.client.user_id
    )
    guild_id, _, _ = await join_community(sessions, alice.client.user_id)
    await _enqueue(sessions, clock, guild_id, 5)
    async with sessions() as session, session.begin():
        await session.execute(update(ChatTask).values(attempts=outbox.MAX_ATTEMPTS - 1))
    async with serving(
        synapse,
        sessions,
        tmp_path,
        clock,
        moderators_room_id=room_id,
        user=(me.user_id, me.password, me.device_id),
    ) as bot:
        assert bot.runtime is not None
        await seen_joined(bot.client, room_id, alice.client.user_id)
        bot.runtime.outbox.handlers.pop(KIND, None)

        async def refuse(task: outbox.Task) -> bool:
            raise ConnectionError("the homeserver is down")

        bot.runtime.register(KIND, refuse)
        assert await bot.runtime.tick_outbox() == 1
        room, content = await alice.next_notice()
        assert room == room_id
        assert content["body"] == texts.STEP_GIVEN_UP.format(
            attempts=outbox.MAX_ATTEMPTS, what="giving a new member their roles (#5)"
        )
        row = (await _rows(sessions))[5]
        assert row.failed_at is not None and row.last_error == "ConnectionError"
        assert row.reported_at is not None
        assert await bot.runtime.tick_outbox() == 0  # given up: never tried again
        async with sessions() as session, session.begin():
            assert await outbox.to_report(session=session, now=clock(), platform=Platform.MATRIX) == []
