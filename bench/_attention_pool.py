"""Growing the organizer pool in bench/attention.py (issue 17 item 4), through
bot.services.organizer_pool.

A quarter of the mentees who answer things see their readiness rise (bench/_attention_world.py,
RISING_SHARE): 30 and 60 days into their mentorship they answer a check-in of 4-5 on every
dimension, with a logged local activity. The pool's daily sweep decides whom to suggest; the
bench plays the mentor who endorses, the member who says yes and the moderator who confirms.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from _attention_world import GUILD, MODERATOR

from bot.services import organizer_pool
from bot.services.activity import add_entry
from db.enums import ActivityKind, CheckInKind, CheckInStatus, MemberStatus, ReadinessDimension
from db.models import Member, ReadinessAnswer, ReadinessCheckIn

if TYPE_CHECKING:
    from _attention_sim import Simulation


async def grow(sim: Simulation, day: int, now: datetime) -> None:
    """The day's rising mentees answer their high check-in; the daily sweep suggests whom it
    finds, and each suggestion is taken through to a confirmed organizer."""
    for user_id in sim.checkins.pop(day, []):
        await _high_checkin(sim, user_id, now)
    after = 0
    while True:
        async with sim.sessions() as s, s.begin():
            swept = await organizer_pool.sweep(session=s, guild_id=GUILD, now=now, after=after)
        for suggestion in swept.suggestions:
            await _graduate(sim, suggestion, now)
        if swept.last_member_id is None:
            break
        after = swept.last_member_id


async def _high_checkin(sim: Simulation, user_id: int, now: datetime) -> None:
    async with sim.sessions() as s, s.begin():
        member = await s.get(Member, sim.member_ids[user_id])
        if member is None or member.status != MemberStatus.ACTIVE:
            return
        row = ReadinessCheckIn(
            member_id=member.id,
            kind=CheckInKind.SCHEDULED,
            status=CheckInStatus.ANSWERED,
            due_at=now,
            sent_at=now,
            answered_at=now,
            created_at=now,
        )
        s.add(row)
        await s.flush()
        s.add_all(
            ReadinessAnswer(checkin_id=row.id, dimension=d, score=sim.rng.choice((4, 5)), answered_at=now)
            for d in ReadinessDimension
        )
        await add_entry(s, member, ActivityKind.TALKED_TO_NEIGHBOURS, None, now, "member")


async def _graduate(sim: Simulation, suggestion: organizer_pool.Suggestion, now: datetime) -> None:
    sid = suggestion.suggestion_id
    async with sim.sessions() as s, s.begin():
        await organizer_pool.endorse(
            session=s, suggestion_id=sid, user_id=suggestion.mentor_user_id, endorse=True, now=now
        )
    async with sim.sessions() as s, s.begin():
        await organizer_pool.answer(
            session=s, suggestion_id=sid, user_id=suggestion.member_user_id, yes=True, now=now
        )
    async with sim.sessions() as s, s.begin():
        await organizer_pool.decide(session=s, suggestion_id=sid, actor_id=MODERATOR, confirm=True, now=now)
    sim.counts["organizers confirmed from the pool"] += 1
