"""The pairing batch holds no unit of work across its solve: it reads, solves with no session
open, and writes in small units of work (chunks) that re-check what it read; a batch stopped
between chunks and run again proposes nobody twice."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import pairing
from bot.services.gazetteer import Gazetteer
from bot.services.matching import BatchResult, CostWeights, Mentor, Seeker, batch_match
from db.engine import SessionMaker
from db.enums import MentorshipStatus
from db.models import GuildSettings, Member, Mentorship
from tests.integration.test_pairing_service import GUILD, NOW, _member, _organizer, gazetteer

__all__ = ["gazetteer"]  # the fixture, shared with the other pairing tests

WAIT = 20.0  # seconds; only reached when the solve blocks the database (the bug)


class SlowSolver:
    """The real solver, held on its worker thread until the test lets it go."""

    def __init__(self) -> None:
        self.solving = threading.Event()
        self.go = threading.Event()
        self.released_in_time: bool | None = None

    def __call__(
        self, seekers: Sequence[Seeker], mentors: Sequence[Mentor], weights: CostWeights
    ) -> BatchResult:
        self.solving.set()
        self.released_in_time = self.go.wait(WAIT)
        return batch_match(seekers, mentors, weights)

    async def started(self) -> None:
        assert await asyncio.to_thread(self.solving.wait, WAIT), "the solver never started"


async def _request(sessions: SessionMaker, *user_ids: int) -> None:
    for user_id in user_ids:
        async with sessions() as session, session.begin():
            await pairing.request_mentor(session=session, guild_id=GUILD, user_id=user_id, now=NOW)


async def test_another_unit_of_work_commits_while_the_batch_solves(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    await _organizer(sessions, gazetteer, 100, "Manchester", capacity=2)
    await _member(sessions, gazetteer, 1, "Leeds")
    await _request(sessions, 1)
    solver = SlowSolver()
    batch = asyncio.create_task(pairing.run_batch(sessions=sessions, guild_id=GUILD, now=NOW, solver=solver))
    await solver.started()
    # A moderator changes a setting mid-solve: on SQLite this needs the one connection and the
    # write lock, which a unit of work held across the solve would keep until the solve ends.
    async with sessions() as session, session.begin():
        settings = await session.get(GuildSettings, GUILD)
        assert settings is not None
        settings.radius_km = 77
    solver.go.set()
    created, waiting = await batch
    assert solver.released_in_time is True
    assert [(p.member.user_id, p.mentor.user_id) for p in created] == [(1, 100)] and waiting == 0
    async with sessions() as session:
        settings = await session.get(GuildSettings, GUILD)
        assert settings is not None and settings.radius_km == 77


async def test_what_changed_during_the_solve_is_respected_when_writing(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    await _organizer(sessions, gazetteer, 100, "Manchester", capacity=2)
    await _organizer(sessions, gazetteer, 101, "Lyon", capacity=1)
    for user_id, place in ((1, "Leeds"), (2, "York"), (3, "Grenoble"), (4, "Bradford")):
        await _member(sessions, gazetteer, user_id, place)
    await _request(sessions, 1, 2, 3, 4)
    solver = SlowSolver()
    batch = asyncio.create_task(pairing.run_batch(sessions=sessions, guild_id=GUILD, now=NOW, solver=solver))
    await solver.started()
    async with sessions() as session, session.begin():
        # Member 1, whom the solver gives Manchester, is paired with Lyon by hand meanwhile: member
        # 1 no longer waits, and Lyon is full, so Grenoble's proposal to Lyon no longer fits.
        await pairing.pair_manually(
            session=session, guild_id=GUILD, member_user_id=1, mentor_user_id=101, actor_id=9, now=NOW
        )
    solver.go.set()
    created, waiting = await batch
    assert solver.released_in_time is True
    # As read: Leeds and Bradford to Manchester, Grenoble to Lyon, York left waiting. Only
    # Bradford's still holds.
    assert [(p.member.user_id, p.mentor.user_id) for p in created] == [(4, 100)]
    assert waiting == 2  # York and Grenoble, for the next batch
    async with sessions() as session:
        open_per_mentor = dict(
            (
                await session.execute(
                    select(Member.user_id, func.count())
                    .join(Mentorship, Mentorship.mentor_id == Member.id)
                    .where(Mentorship.status.in_((MentorshipStatus.PROPOSED, MentorshipStatus.ACTIVE)))
                    .group_by(Member.user_id)
                )
            ).all()
        )
        assert open_per_mentor == {100: 1, 101: 1}  # nobody over capacity
        per_member = (
            await session.execute(
                select(Mentorship.member_id, func.count())
                .where(Mentorship.status.in_((MentorshipStatus.PROPOSED, MentorshipStatus.ACTIVE)))
                .group_by(Mentorship.member_id)
            )
        ).all()
        assert all(count == 1 for _, count in per_member)  # nobody proposed twice


class RecordingSolver:
    """The real solver, remembering what it proposed."""

    def __init__(self) -> None:
        self.proposed: list[tuple[int, int]] = []
        self.result: BatchResult | None = None

    def __call__(
        self, seekers: Sequence[Seeker], mentors: Sequence[Mentor], weights: CostWeights
    ) -> BatchResult:
        result = batch_match(seekers, mentors, weights)
        self.proposed = [(p.member_id, p.organizer_id) for p in result.proposals]
        self.result = result
        return result


class DiesAtUnitOfWork:
    """A session maker whose `fatal`-th unit of work fails, as if the process died there."""

    def __init__(self, sessions: SessionMaker, fatal: int) -> None:
        self.sessions, self.fatal, self.opened = sessions, fatal, 0

    def __call__(self) -> AsyncSession:
        self.opened += 1
        if self.opened == self.fatal:
            raise RuntimeError("the process died")
        return self.sessions()


MEMBER_TOWNS = ("Leeds", "York", "Bradford", "Sheffield", "Hull", "Wakefield", "Harrogate")
ORGANIZER_TOWNS = ((100, "Manchester"), (101, "Liverpool"), (102, "Newcastle upon Tyne"))


async def _many_waiting(sessions: SessionMaker, gazetteer: Gazetteer) -> None:
    """Seven members waiting and three organizers with three places each: seven proposals."""
    for user_id, place in ORGANIZER_TOWNS:
        await _organizer(sessions, gazetteer, user_id, place, capacity=3)
    for user_id, place in enumerate(MEMBER_TOWNS, start=1):
        await _member(sessions, gazetteer, user_id, place)
    await _request(sessions, *range(1, len(MEMBER_TOWNS) + 1))


async def _open_pairs(sessions: SessionMaker) -> list[tuple[int, int]]:
    async with sessions() as session:
        rows = await session.execute(
            select(Mentorship.member_id, Mentorship.mentor_id).where(
                Mentorship.status.in_((MentorshipStatus.PROPOSED, MentorshipStatus.ACTIVE))
            )
        )
        return sorted((row.member_id, row.mentor_id) for row in rows)


async def _assert_within_capacity(sessions: SessionMaker, pairs: list[tuple[int, int]]) -> None:
    per_mentor: dict[int, int] = {}
    for _, mentor_id in pairs:
        per_mentor[mentor_id] = per_mentor.get(mentor_id, 0) + 1
    assert all(count <= 3 for count in per_mentor.values())
    assert len({member_id for member_id, _ in pairs}) == len(pairs)  # nobody proposed twice


async def test_a_batch_larger_than_a_chunk_writes_every_proposal_once(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    await _many_waiting(sessions, gazetteer)
    solver = RecordingSolver()
    created, waiting = await pairing.run_batch(
        sessions=sessions, guild_id=GUILD, now=NOW, solver=solver, chunk_size=2
    )
    assert len(solver.proposed) == len(MEMBER_TOWNS) and waiting == 0
    assert sorted(p.member.user_id for p in created) == list(range(1, len(MEMBER_TOWNS) + 1))
    pairs = await _open_pairs(sessions)
    assert pairs == sorted(solver.proposed)  # each proposal written, once
    await _assert_within_capacity(sessions, pairs)


async def test_a_batch_stopped_after_a_chunk_and_run_again_duplicates_nothing(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    await _many_waiting(sessions, gazetteer)
    solver = RecordingSolver()
    # Units of work: 1 and 2 read, 3 writes the first chunk, 4 (the second chunk) dies.
    dying = DiesAtUnitOfWork(sessions, fatal=4)
    with pytest.raises(RuntimeError, match="died"):
        await pairing.run_batch(sessions=dying, guild_id=GUILD, now=NOW, solver=solver, chunk_size=2)  # type: ignore[arg-type]
    first_chunk = sorted(solver.proposed[:2])
    assert await _open_pairs(sessions) == first_chunk  # the first chunk committed, nothing after it
    created, waiting = await pairing.run_batch(sessions=sessions, guild_id=GUILD, now=NOW, chunk_size=2)
    assert waiting == 0 and len(created) == len(MEMBER_TOWNS) - 2  # only those still waiting
    pairs = await _open_pairs(sessions)
    assert {member_id for member_id, _ in pairs} == {
        member_id for member_id, _ in solver.proposed
    }  # everyone proposed, once
    assert set(first_chunk) <= set(pairs)  # what was written stays as written
    await _assert_within_capacity(sessions, pairs)
    # Writing the first run's proposals again changes nothing either.
    assert solver.result is not None
    again, _ = await pairing.apply_batch(
        sessions=sessions, guild_id=GUILD, proposals=solver.result.proposals, now=NOW, chunk_size=2
    )
    assert again == [] and await _open_pairs(sessions) == pairs
