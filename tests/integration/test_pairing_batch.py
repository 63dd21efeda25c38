"""The pairing batch holds no unit of work across its solve: it reads, solves with no session
open, and writes in a new unit of work that re-checks what it read."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence

from sqlalchemy import func, select

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
