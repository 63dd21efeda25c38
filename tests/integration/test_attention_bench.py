"""bench/attention.py cannot rot: its simulation, on a tiny organization, runs through the real
services in both behaviours and its figures come out of the human contacts they recorded."""

from __future__ import annotations

import math
import sys
from pathlib import Path

from sqlalchemy import func, select

from db.base import CLOCK
from db.engine import SessionMaker
from db.enums import HumanContactKind
from db.models import HumanContact

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from _attention_figures import Figures, figures
from _attention_sim import Simulation
from _attention_world import at, draw

MEMBERS, DAYS = 150, 21


async def _run(sessions: SessionMaker, *, new: bool) -> tuple[Simulation, Figures]:
    people = draw(MEMBERS, DAYS, seed=3)
    sim = Simulation(sessions=sessions, people=people, days=DAYS, new=new)
    sessions.configure(info={CLOCK: sim.clock})
    await sim.run()
    return sim, await figures(sessions, people, at(DAYS))


async def _kinds(sessions: SessionMaker) -> set[HumanContactKind]:
    async with sessions() as session:
        rows = await session.execute(select(HumanContact.kind, func.count()).group_by(HumanContact.kind))
    return {kind for kind, _ in rows.all()}


async def test_the_new_behaviour_reaches_members_the_mentor_list_does_not(sessions: SessionMaker) -> None:
    sim, found = await _run(sessions, new=True)
    kinds = await _kinds(sessions)
    assert HumanContactKind.BUDDY_INTRODUCTION in kinds
    assert sim.counts["buddy offers"] > 0 and sim.counts["welcome calls hosted"] > 0
    assert found.members > 0
    assert 0 <= found.none_after[7] < 0.5
    assert sim.load.over_capacity_days == 0


async def test_todays_behaviour_is_the_mentor_list_only(sessions: SessionMaker) -> None:
    sim, found = await _run(sessions, new=False)
    assert await _kinds(sessions) <= {HumanContactKind.MENTOR_INTRODUCTION}
    assert sim.counts["mentorships"] > 0
    assert found.graduates == 0
    assert math.isnan(found.median_days)  # nobody observed 90 days yet
    assert sim.load.over_capacity_days == 0
