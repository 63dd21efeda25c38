"""Check-ins on a real Synapse: the check-in comes as a notice in an encrypted direct room the bot
opens, the member answers "3 4 2 5 3 4" or one number at a time, bad answers are told plainly,
and `!gw checkin ...` pauses and resumes, through the same services as on Discord.

Uses the test database, so it runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.services import checkins
from bot.texts import checkins as checkin_texts
from bot.texts import matrix_checkins as texts
from db.engine import SessionMaker
from db.enums import CheckInKind, CheckInStatus, MentorshipStatus
from db.models import Mentorship, ReadinessAnswer, ReadinessCheckIn
from matrix_adapter import MatrixBot
from matrix_adapter.checkin_messages import CHECKIN_KEY
from tests.matrix.clients import Member, MemberFactory, direct_rooms, seen_joined
from tests.matrix.conftest import account
from tests.matrix.served import START, Clock, check_in_due, check_in_sent, join_community, serving
from tests.matrix.synapse import Synapse


async def _rows(sessions: SessionMaker, member_id: int) -> list[ReadinessCheckIn]:
    async with sessions() as session:
        found = await session.execute(
            select(ReadinessCheckIn)
            .where(ReadinessCheckIn.member_id == member_id)
            .order_by(ReadinessCheckIn.id)
        )
        return list(found.scalars())


async def _scores(sessions: SessionMaker, checkin_id: int) -> dict[str, int]:
    async with sessions() as session:
        found = await session.execute(
            select(ReadinessAnswer.dimension, ReadinessAnswer.score).where(
                ReadinessAnswer.checkin_id == checkin_id
            )
        )
        return {str(dimension): score for dimension, score in found.all()}


async def _answer(member: Member, room_id: str, body: str) -> dict[str, Any]:
    await member.say(room_id, body)
    room, content = await member.next_notice()
    assert room == room_id
    return content


@asynccontextmanager
async def _alice_served(
    synapse: Synapse, sessions: SessionMaker, members: MemberFactory, tmp_path: Path
) -> AsyncIterator[tuple[MatrixBot, Clock, Member, int, int, int]]:
    """A bot serving the community, its clock, and Alice, a member of it with her check-ins
    scheduled: (bot, clock, Alice, guild id, her user id, her member id)."""
    clock = Clock()
    alice = await members()
    guild_id, user_id, member_id = await join_community(sessions, alice.client.user_id)
    async with serving(synapse, sessions, tmp_path, clock) as bot:
        assert bot.runtime is not None
        yield bot, clock, alice, guild_id, user_id, member_id


async def test_a_check_in_answered_in_one_message(
    synapse: Synapse, sessions: SessionMaker, members: MemberFactory, tmp_path: Path
) -> None:
    async with _alice_served(synapse, sessions, members, tmp_path) as served:
        bot, clock, alice, guild_id, user_id, member_id = served
        report, room_id, content = await check_in_sent(bot, sessions, clock, alice, guild_id, user_id)
        assert report is not None and report.sent == 1
        assert content["body"].startswith("Check-in time")
        assert "1. " + checkin_texts.QUESTIONS[checkins.DIMENSIONS[0]].replace("**", "") in content["body"]
        assert "3 4 2 5 3 4" in content["body"]
        assert content["m.mentions"] == {}
        assert alice.decrypted == [True]  # the direct room the bot opened is encrypted
        [row] = [row for row in await _rows(sessions, member_id) if row.status == CheckInStatus.SENT]
        assert content[CHECKIN_KEY] == row.id
        assert row.channel_id is not None and row.channel_id < 0  # the room, as a local id

        reply = await _answer(alice, room_id, "3 4 2 5 3 4")
        assert reply["body"].startswith(texts.THANKS.replace("**", ""))
        assert "Next check-in:" in reply["body"]
        assert "(Central European" in reply["body"]  # her time zone, Europe/Berlin
        assert await _scores(sessions, row.id) == dict(
            zip(checkins.DIMENSIONS, (3, 4, 2, 5, 3, 4), strict=True)
        )
        [answered] = [r for r in await _rows(sessions, member_id) if r.id == row.id]
        assert answered.status == CheckInStatus.ANSWERED
        # Nothing is sent twice on the next tick; the next one is scheduled.
        again = await bot.runtime.tick_checkins()
        assert again is not None and again.sent == 0
        assert any(r.status == CheckInStatus.SCHEDULED for r in await _rows(sessions, member_id))


async def test_step_by_step_with_clear_words_for_answers_it_cannot_use(
    synapse: Synapse, sessions: SessionMaker, members: MemberFactory, tmp_path: Path
) -> None:
    async with _alice_served(synapse, sessions, members, tmp_path) as served:
        bot, clock, alice, guild_id, user_id, member_id = served
        _, room_id, _ = await check_in_sent(bot, sessions, clock, alice, guild_id, user_id)

        first = await _answer(alice, room_id, "4")
        assert first["body"].startswith(texts.GOT_ONE.format(name="Resources", score=4).replace("**", ""))
        assert "Next, 2 of 6: 2. Speaking" in first["body"]
        assert (await _answer(alice, room_id, "9"))["body"] == texts.BAD_SCORE.format(value="9")
        assert (await _answer(alice, room_id, "3 x"))["body"] == texts.BAD_SCORE.format(value="x")
        two_more = await _answer(alice, room_id, "3, 3")
        assert "Next, 4 of 6: 4. Explaining" in two_more["body"]
        too_many = await _answer(alice, room_id, "1 2 3 4 5")
        assert too_many["body"] == texts.TOO_MANY_LEFT.format(
            count=5, left=3, names="Explaining, Local awareness, Time"
        ).replace("**", "")
        noted = await _answer(alice, room_id, "note asked my neighbour about the <b>bus</b> cuts")
        assert noted["body"].startswith("\N{MEMO} Your note is saved.")
        done = await _answer(alice, room_id, "5 2 1")
        assert done["body"].startswith(texts.THANKS.replace("**", ""))
        [row] = [r for r in await _rows(sessions, member_id) if r.status == CheckInStatus.ANSWERED]
        assert row.note == "asked my neighbour about the <b>bus</b> cuts"
        assert await _scores(sessions, row.id) == dict(
            zip(checkins.DIMENSIONS, (4, 3, 3, 5, 2, 1), strict=True)
        )
        # With no check-in open, numbers are no answer: nothing is said, nothing is kept.
        await alice.say(room_id, "3 4 2 5 3 4")
        closed = await _answer(alice, room_id, "!gw checkin")
        assert closed["body"].startswith(texts.NOTHING_OPEN)


async def test_skip_pause_and_resume(
    synapse: Synapse, sessions: SessionMaker, members: MemberFactory, tmp_path: Path
) -> None:
    async with _alice_served(synapse, sessions, members, tmp_path) as served:
        bot, clock, alice, guild_id, user_id, member_id = served
        _, room_id, _ = await check_in_sent(bot, sessions, clock, alice, guild_id, user_id)
        skipped = await _answer(alice, room_id, "skip")
        assert skipped["body"].startswith(checkin_texts.SKIPPED)
        assert [r.status for r in await _rows(sessions, member_id)][-2:] == [
            CheckInStatus.SKIPPED,
            CheckInStatus.SCHEDULED,
        ]
        paused = await _answer(alice, room_id, "!gw checkin pause")
        assert paused["body"] == texts.PAUSED
        status = await _answer(alice, room_id, "!gw checkin")
        assert texts.NO_NEXT_DUE in status["body"]
        clock.now += timedelta(days=40)
        report = await bot.runtime.tick_checkins()
        assert report is not None and report.sent == 0  # paused: nothing comes
        resumed = await _answer(alice, room_id, "!gw checkin resume")
        assert resumed["body"].startswith(texts.RESUMED)
        assert "Next check-in:" in resumed["body"]
        bad = await _answer(alice, room_id, "!gw checkin pause someday")
        assert bad["body"] == checkin_texts.PAUSE_BAD_DATE


async def test_checkin_now_and_a_dispatcher_that_died_mid_send_sends_nothing_twice(
    synapse: Synapse, sessions: SessionMaker, members: MemberFactory, tmp_path: Path
) -> None:
    async with _alice_served(synapse, sessions, members, tmp_path) as served:
        bot, clock, alice, guild_id, user_id, member_id = served
        room_id = await alice.open_dm(bot.user_id)
        now = await _answer(alice, room_id, "!gw checkin now")
        assert now["body"].startswith("Check-in time")
        open_again = await _answer(alice, room_id, "!gw checkin now")
        assert open_again["body"].startswith(texts.NOW_OPEN.split(":")[0])
        await _answer(alice, room_id, "1 1 1 1 1 1")

        # A dispatcher claims her next check-in, sends it and dies before recording it.
        await check_in_due(sessions, clock, guild_id, user_id)
        async with sessions() as session, session.begin():
            claim = await checkins.claim_due(
                session=session, now=clock(), worker="dead", limit=10, grace=timedelta(hours=12)
            )
        [item] = claim.due
        delivered = await bot.runtime.messenger.deliver(item)
        assert delivered.status == checkins.DeliveryStatus.SENT
        _, sent = await alice.next_notice()
        assert sent[CHECKIN_KEY] == item.checkin_id
        clock.now += timedelta(hours=1)  # long after the claim went stale
        report = await bot.runtime.tick_checkins()
        assert report is not None and report.recovered == 1 and report.claimed == 0  # nothing new sent
        [row] = [r for r in await _rows(sessions, member_id) if r.id == item.checkin_id]
        assert row.status == CheckInStatus.SENT
        assert alice.notices.empty()  # found in the room's history: not sent again


async def test_a_check_in_sent_before_a_restart_is_answered_after_it(
    synapse: Synapse, sessions: SessionMaker, members: MemberFactory, tmp_path: Path
) -> None:
    clock = Clock()
    alice = await members()
    me = account(synapse, "groundwork")
    user = (me.user_id, me.password, me.device_id)
    guild_id, user_id, member_id = await join_community(sessions, alice.client.user_id)
    async with serving(synapse, sessions, tmp_path, clock, user=user) as bot:
        assert bot.runtime is not None
        _, room_id, _ = await check_in_sent(bot, sessions, clock, alice, guild_id, user_id)
        assert (await _answer(alice, room_id, "2 2"))["body"].startswith("Your answers")
    # The same account, device and crypto store: the encrypted room goes on, and so does the check-in.
    async with serving(synapse, sessions, tmp_path, clock, user=user) as bot:
        await seen_joined(bot.client, room_id, alice.client.user_id)
        done = await _answer(alice, room_id, "3 3 3 3")
        assert done["body"].startswith(texts.THANKS.replace("**", ""))
        assert alice.decrypted[-1] is True
        [row] = [r for r in await _rows(sessions, member_id) if r.status == CheckInStatus.ANSWERED]
        assert await _scores(sessions, row.id) == dict(
            zip(checkins.DIMENSIONS, (2, 2, 3, 3, 3, 3), strict=True)
        )


async def test_the_one_reminder_comes_in_the_same_room_in_her_time_zone(
    synapse: Synapse, sessions: SessionMaker, members: MemberFactory, tmp_path: Path
) -> None:
    async with _alice_served(synapse, sessions, members, tmp_path) as served:
        bot, clock, alice, guild_id, user_id, member_id = served
        _, room_id, _ = await check_in_sent(bot, sessions, clock, alice, guild_id, user_id)
        await _answer(alice, room_id, "4")
        [row] = [r for r in await _rows(sessions, member_id) if r.status == CheckInStatus.SENT]
        assert row.reminder_due_at is not None
        clock.now = row.reminder_due_at
        report = await bot.runtime.tick_checkins()
        assert report is not None and report.reminded == 1
        where, content = await alice.next_notice()
        assert where == room_id
        assert content["body"].startswith("\N{SEEDLING} You started your check-in from")
        assert "(Central European" in content["body"]
        assert "Still to answer: Speaking" in content["body"]
        again = await bot.runtime.tick_checkins()
        assert again is not None and again.reminded == 0  # the only reminder


async def test_her_mentor_reads_the_summary_with_a_drop_on_top(
    synapse: Synapse, sessions: SessionMaker, members: MemberFactory, tmp_path: Path
) -> None:
    clock = Clock()
    alice, bob = await members(), await members()
    guild_id, user_id, member_id = await join_community(sessions, alice.client.user_id)
    _, _, mentor_id = await join_community(sessions, bob.client.user_id)
    async with sessions() as session, session.begin():
        session.add(
            Mentorship(
                guild_id=guild_id,
                member_id=member_id,
                mentor_id=mentor_id,
                status=MentorshipStatus.ACTIVE,
                source="manual",
                proposed_at=START,
            )
        )
        # Last time she felt sure of her time: a drop of 2 or more is flagged to the mentor.
        earlier = ReadinessCheckIn(
            member_id=member_id,
            kind=CheckInKind.BASELINE,
            status=CheckInStatus.ANSWERED,
            due_at=START,
            answered_at=START,
        )
        session.add(earlier)
        await session.flush()
        for dimension in checkins.DIMENSIONS:
            session.add(
                ReadinessAnswer(checkin_id=earlier.id, dimension=dimension, score=5, answered_at=START)
            )
    async with serving(synapse, sessions, tmp_path, clock) as bot:
        assert bot.runtime is not None
        bob_room = await bob.open_dm(bot.user_id)
        await seen_joined(bot.client, bob_room, bob.client.user_id)
        while bob_room not in (await direct_rooms(bob.client, bot)).get(bob.client.user_id, []):  # noqa: ASYNC110
            await asyncio.sleep(0.05)  # noted in the bot's m.direct right after its join
        _, room_id, content = await check_in_sent(bot, sessions, clock, alice, guild_id, user_id)
        assert "(last time 5)" in content["body"]
        await _answer(alice, room_id, "5 5 5 5 5 2")
        where, summary = await bob.next_notice()
        assert where == bob_room
        assert alice.client.user_id in summary["body"]
        assert summary["body"].startswith(
            "\N{WARNING SIGN} " + alice.client.user_id + " dropped by 2 or more"
        )
        assert "time (5 \N{RIGHTWARDS ARROW} 2)" in summary["body"]
        assert summary["m.mentions"] == {}
