"""bench/matrix_round_trip.py cannot rot: its measurements, made small on the tests' Synapse, see
a reply to every message in both rooms and every member onboarded, in a database of its own."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from bench.matrix_round_trip import measure, report
from db.engine import create_engine, create_session_maker
from db.enums import MemberStatus
from db.models import Member
from tests.matrix.synapse import Synapse

MESSAGES, MEMBERS = 3, 2


async def test_the_bench_runs_small_and_sees_every_reply_and_every_onboarding(
    synapse: Synapse, tmp_path: Path
) -> None:
    figures = await measure(synapse, tmp_path, messages=MESSAGES, members=MEMBERS)
    assert {kind: len(took) for kind, took in figures.round_trips.items()} == {
        "plain": MESSAGES + 1,
        "encrypted": MESSAGES + 1,
    }
    assert len(figures.onboardings) == MEMBERS
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/bench.db")
    try:
        async with create_session_maker(engine)() as session:
            active = await session.scalar(
                select(func.count()).select_from(Member).where(Member.status == MemberStatus.ACTIVE)
            )
    finally:
        await engine.dispose()
    assert active == MEMBERS
    report(figures, MESSAGES, MEMBERS)  # the figures print
