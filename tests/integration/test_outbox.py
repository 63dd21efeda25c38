"""The durable outbox through the service layer, on a real database (SQLite, and PostgreSQL
when configured): enqueued with the decision, claimed under a lease, retried, given up."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import GuildDefaults
from bot.services import outbox, pairing
from bot.services.gazetteer import Gazetteer, get_gazetteer
from db.engine import SessionMaker, create_engine, create_session_maker
from db.enums import ChatTaskKind
from db.models import ChatTask
from tests.support.onboarding import Answers, run_conversation

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
GUILD = 1000
MEMBER, MENTOR, MODERATOR = 1, 100, 9
INTRO = ChatTaskKind.INTRODUCTION


class RollbackError(Exception):
    """Raised inside a unit of work to roll it back."""


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return get_gazetteer()


async def _people(sessions: SessionMaker, gazetteer: Gazetteer, **defaults: object) -> None:
    settings = GuildDefaults(auto_confirm_organizers=True, **defaults)  # type: ignore[arg-type]
    for user_id, place, extra in (
        (MENTOR, "Manchester", {"experience": "experienced", "mentor_capacity": 2}),
        (MEMBER, "Leeds", {}),
    ):
        await run_conversation(
            sessions,
            gazetteer,
            guild_id=GUILD,
            user_id=user_id,
            now=NOW,
            answers=Answers(place=place, **extra),  # type: ignore[arg-type]
            defaults=settings,
        )
    async with sessions() as session, session.begin():  # their roles and welcome are tested elsewhere
        await session.execute(delete(ChatTask))


async def _tasks(sessions: SessionMaker) -> list[ChatTask]:
    async with sessions() as session:
        return list((await session.execute(select(ChatTask).order_by(ChatTask.id))).scalars().all())


async def _pair(sessions: SessionMaker) -> pairing.Pairing:
    async with sessions() as session, session.begin():
        return await pairing.pair_manually(
            session=session,
            guild_id=GUILD,
            member_user_id=MEMBER,
            mentor_user_id=MENTOR,
            actor_id=MODERATOR,
            now=NOW,
        )


async def test_an_approval_and_its_introduction_task_commit_together_or_not_at_all(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    await _people(sessions, gazetteer)
    with pytest.raises(RollbackError):
        async with sessions() as session, session.begin():
            await pairing.pair_manually(
                session=session,
                guild_id=GUILD,
                member_user_id=MEMBER,
                mentor_user_id=MENTOR,
                actor_id=MODERATOR,
                now=NOW,
            )
            assert len((await session.execute(select(ChatTask))).scalars().all()) == 1
            raise RollbackError
    assert await _tasks(sessions) == []
    made = await _pair(sessions)
    [task] = await _tasks(sessions)
    assert (task.kind, task.subject_id, task.guild_id, task.due_at) == (INTRO, made.mentorship_id, GUILD, NOW)
    assert (task.attempts, task.claimed_by, task.done_at, task.failed_at) == (0, None, None, None)
    # Enqueued again (a second decision path): still one open task.
    async with sessions() as session, session.begin():
        await outbox.enqueue(
            session=session, guild_id=GUILD, kind=INTRO, subject_id=made.mentorship_id, now=NOW
        )
    assert len(await _tasks(sessions)) == 1


async def test_a_moderators_approval_enqueues_the_introduction_a_rejection_does_not(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    await _people(sessions, gazetteer)
    async with sessions() as session, session.begin():
        await pairing.request_mentor(session=session, guild_id=GUILD, user_id=MEMBER, now=NOW)
        proposal = await pairing.propose_for(session=session, guild_id=GUILD, user_id=MEMBER, now=NOW)
    assert proposal is not None and proposal.status == pairing.MentorshipStatus.PROPOSED
    assert await _tasks(sessions) == []
    with pytest.raises(RollbackError):  # approved, then the unit of work fails: no task, still proposed
        async with sessions() as session, session.begin():
            await pairing.decide(
                session=session,
                mentorship_id=proposal.mentorship_id,
                actor_id=MODERATOR,
                approve=True,
                now=NOW,
            )
            raise RollbackError
    assert await _tasks(sessions) == []
    async with sessions() as session, session.begin():
        await pairing.decide(
            session=session, mentorship_id=proposal.mentorship_id, actor_id=MODERATOR, approve=True, now=NOW
        )
    [task] = await _tasks(sessions)
    assert task.subject_id == proposal.mentorship_id


async def test_an_auto_approved_pairing_enqueues_its_introduction(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    await _people(sessions, gazetteer, auto_approve_pairings=True)
    async with sessions() as session, session.begin():
        await pairing.request_mentor(session=session, guild_id=GUILD, user_id=MEMBER, now=NOW)
        proposal = await pairing.propose_for(session=session, guild_id=GUILD, user_id=MEMBER, now=NOW)
    assert proposal is not None and proposal.status == pairing.MentorshipStatus.ACTIVE
    [task] = await _tasks(sessions)
    assert task.subject_id == proposal.mentorship_id


async def test_a_claim_is_a_lease_that_comes_back_when_its_claimer_died(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    await _people(sessions, gazetteer)
    made = await _pair(sessions)
    async with sessions() as session, session.begin():
        [first] = await outbox.claim_due(session=session, now=NOW, worker="a", limit=10)
    assert (first.subject_id, first.attempts, first.resumed, first.result_id) == (
        made.mentorship_id,
        1,
        False,
        None,
    )
    async with sessions() as session, session.begin():
        assert await outbox.progress(session=session, task_id=first.task_id, worker="a", result_id=777)
    # Held: nobody else gets it, by the tick or the immediate path, until the lease runs out.
    almost = NOW + outbox.LEASE - timedelta(seconds=1)
    async with sessions() as session, session.begin():
        assert await outbox.claim_due(session=session, now=almost, worker="b", limit=10) == []
        assert (
            await outbox.claim(
                session=session, kind=INTRO, subject_id=made.mentorship_id, now=almost, worker="b"
            )
            is None
        )
    # "a" died: its claim comes back, resumed, with what "a" said it made.
    later = NOW + outbox.LEASE
    async with sessions() as session, session.begin():
        [again] = await outbox.claim_due(session=session, now=later, worker="b", limit=10)
    assert (again.task_id, again.attempts, again.resumed, again.result_id) == (first.task_id, 2, True, 777)
    # A late word from "a" changes nothing; "b" finishes it in the unit of work of the outcome.
    async with sessions() as session, session.begin():
        assert not await outbox.failed(
            session=session, task_id=first.task_id, worker="a", error="late", now=later
        )
        assert not await outbox.progress(session=session, task_id=first.task_id, worker="a", result_id=1)
        await pairing.record_introduction(
            session=session, mentorship_id=made.mentorship_id, thread_id=777, delivered=True, now=later
        )
        assert await outbox.done(session=session, task_id=first.task_id, now=later)
    async with sessions() as session, session.begin():
        assert (
            await outbox.claim_due(session=session, now=later + timedelta(days=1), worker="c", limit=10) == []
        )
        assert not await outbox.done(session=session, task_id=first.task_id, now=later)
        # Introduced: a stray task for it finds nothing to do.
        assert (
            await pairing.introduction_due(session=session, mentorship_id=made.mentorship_id, now=later)
            is None
        )
        assert await pairing.thread_taken(session=session, thread_id=777)
    [task] = await _tasks(sessions)
    assert (task.done_at, task.claimed_by, task.last_error) == (later, None, None)


async def test_failures_are_retried_with_backoff_then_given_up_and_reported_once(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    await _people(sessions, gazetteer)
    made = await _pair(sessions)
    now = NOW
    for attempt in range(1, outbox.MAX_ATTEMPTS + 1):
        async with sessions() as session, session.begin():
            [task] = await outbox.claim_due(session=session, now=now, worker="w", limit=10)
            assert (task.attempts, task.resumed) == (attempt, False)
        async with sessions() as session, session.begin():
            gave_up = await outbox.failed(
                session=session, task_id=task.task_id, worker="w", error="DiscordServerError 503/0", now=now
            )
        assert gave_up == (attempt == outbox.MAX_ATTEMPTS)
        [row] = await _tasks(sessions)
        if gave_up:
            assert row.failed_at == now
            break
        assert row.due_at == now + outbox.backoff(attempt) and row.last_error == "DiscordServerError 503/0"
        async with sessions() as session, session.begin():  # not before its backoff
            assert (
                await outbox.claim_due(
                    session=session, now=row.due_at - timedelta(seconds=1), worker="w", limit=10
                )
                == []
            )
        now = row.due_at
    assert [outbox.backoff(n) for n in (1, 2, 3, 8)] == [
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=4),
        timedelta(hours=1),
    ]
    async with sessions() as session, session.begin():
        assert (
            await outbox.claim_due(session=session, now=now + timedelta(days=9), worker="w", limit=10) == []
        )
        [reported] = await outbox.to_report(session=session, now=now)
        [listed] = await outbox.stuck(session=session, guild_id=GUILD)
    assert reported == listed
    assert (listed.kind, listed.user_ids, listed.attempts, listed.failed) == (
        INTRO,
        (MEMBER, MENTOR),
        outbox.MAX_ATTEMPTS,
        True,
    )
    async with sessions() as session, session.begin():
        assert await outbox.to_report(session=session, now=now) == []  # once
        assert await outbox.stuck(session=session, guild_id=GUILD + 1) == []
    assert made.mentorship_id == listed.subject_id


async def test_a_task_whose_claimer_dies_every_time_is_given_up(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    await _people(sessions, gazetteer)
    await _pair(sessions)
    now = NOW
    for _ in range(outbox.MAX_ATTEMPTS):
        async with sessions() as session, session.begin():
            assert len(await outbox.claim_due(session=session, now=now, worker="dies", limit=10)) == 1
        now += outbox.LEASE
    async with sessions() as session, session.begin():
        assert await outbox.claim_due(session=session, now=now, worker="w", limit=10) == []
        [stuck] = await outbox.stuck(session=session, guild_id=GUILD)
    assert stuck.failed and stuck.last_error == outbox.ABANDONED


async def test_a_task_that_keeps_failing_is_listed_before_it_gives_up(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    await _people(sessions, gazetteer)
    await _pair(sessions)
    now = NOW
    for attempt in range(1, outbox.KEEPS_FAILING + 1):
        async with sessions() as session, session.begin():
            assert await outbox.stuck(session=session, guild_id=GUILD) == []
            [task] = await outbox.claim_due(session=session, now=now, worker="w", limit=10)
            await outbox.failed(
                session=session, task_id=task.task_id, worker="w", error="TimeoutError", now=now
            )
        now += outbox.backoff(attempt)
    async with sessions() as session:
        [stuck] = await outbox.stuck(session=session, guild_id=GUILD)
    assert (stuck.failed, stuck.attempts, stuck.last_error) == (False, outbox.KEEPS_FAILING, "TimeoutError")


async def test_an_ended_mentorship_needs_no_introduction(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    await _people(sessions, gazetteer)
    made = await _pair(sessions)
    async with sessions() as session, session.begin():
        assert (
            await pairing.introduction_due(session=session, mentorship_id=made.mentorship_id, now=NOW)
            is not None
        )
        await pairing.end_for_member(
            session=session, guild_id=GUILD, user_id=MEMBER, actor_id=MODERATOR, now=NOW
        )
    async with sessions() as session, session.begin():
        assert (
            await pairing.introduction_due(session=session, mentorship_id=made.mentorship_id, now=NOW) is None
        )


async def _many_tasks(sessions: SessionMaker, count: int) -> None:
    async with sessions() as session, session.begin():
        for subject in range(1, count + 1):
            await outbox.enqueue(session=session, guild_id=GUILD, kind=INTRO, subject_id=subject, now=NOW)


@pytest.mark.postgres_only
async def test_two_claimers_never_get_the_same_row(database_url: str, engine: AsyncEngine) -> None:
    """FOR UPDATE SKIP LOCKED: while one claim is uncommitted a second takes other rows at once;
    then many claimers racing take every row exactly once."""
    second_engine = create_engine(database_url)
    try:
        first, second = create_session_maker(engine), create_session_maker(second_engine)
        await _many_tasks(first, 20)
        async with first() as holder, holder.begin():
            held = await outbox.claim_due(session=holder, now=NOW, worker="first", limit=10)
            async with second() as other, other.begin():
                taken = await asyncio.wait_for(
                    outbox.claim_due(session=other, now=NOW, worker="second", limit=10), 2
                )
        assert len(held) == len(taken) == 10
        assert not {t.task_id for t in held} & {t.task_id for t in taken}

        async with first() as session, session.begin():
            await outbox.enqueue(session=session, guild_id=GUILD, kind=INTRO, subject_id=1000, now=NOW)
            for subject in range(1001, 1200):
                await outbox.enqueue(session=session, guild_id=GUILD, kind=INTRO, subject_id=subject, now=NOW)
        later = NOW + outbox.LEASE  # the 20 above come back too: 220 rows in all
        makers = [first, second]

        async def claimer(index: int) -> list[int]:
            got: list[int] = []
            while True:
                async with makers[index % 2]() as session, session.begin():
                    batch = await outbox.claim_due(session=session, now=later, worker=f"w{index}", limit=7)
                if not batch:
                    return got
                got.extend(t.task_id for t in batch)

        results = await asyncio.gather(*(claimer(i) for i in range(6)))
        claimed = [task_id for result in results for task_id in result]
        assert len(claimed) == len(set(claimed)) == 220
    finally:
        await second_engine.dispose()
