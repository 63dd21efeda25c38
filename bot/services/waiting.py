"""How long a member waits for a mentor, said honestly (issue 17).

Organizers are few, so the list moves at the pace places open. A member's expected wait comes from
where they stand on the list, the places free now (the next pairing batch proposes those), and how
many mentorships began in the last four weeks (the pace the rest of the list moves at). With no
free place and no mentorship begun lately there is nothing to go on: the wait is unknown, and the
member is offered other company meanwhile rather than a promise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import GuildDefaults
from bot.services import pairing
from db.models import GuildSettings, Mentorship

PACE_WINDOW = timedelta(days=28)


@dataclass(frozen=True, slots=True)
class MentorWait:
    """Where a waiting member stands, and what that means in time."""

    position: int  # 1: next on the list
    waiting: int  # how many wait in the guild
    free_places: int  # places organizers have free now
    begun_per_week: float  # mentorships begun per week, over the last four weeks
    expected: timedelta | None  # None: nothing to go on (no free place, none begun lately)

    def within(self, target: timedelta) -> bool:
        """Whether a mentor is expected within `target`."""
        return self.expected is not None and self.expected <= target


def expected_wait(
    position: int, free_places: int, begun_per_week: float, *, batch_every: timedelta
) -> timedelta | None:
    """The wait of the `position`-th on the list: the next batch when a place is free for them,
    else the places still to open at the recent pace."""
    if position <= free_places:
        return batch_every
    if begun_per_week <= 0:
        return None
    return batch_every + timedelta(weeks=(position - free_places) / begun_per_week)


async def begun_per_week(session: AsyncSession, guild_id: int, now: datetime) -> float:
    """Mentorships of the guild introduced in the last four weeks, per week."""
    begun = (
        await session.execute(
            select(func.count())
            .select_from(Mentorship)
            .where(Mentorship.guild_id == guild_id, Mentorship.introduced_at >= now - PACE_WINDOW)
        )
    ).scalar_one()
    return int(begun) / (PACE_WINDOW / timedelta(weeks=1))


async def mentor_wait(
    *, session: AsyncSession, guild_id: int, member_id: int, now: datetime, batch_every: timedelta
) -> MentorWait | None:
    """Where `member_id` stands on the list for a mentor; None when they do not wait."""
    standing = await pairing.queue_position(session, guild_id, member_id)
    if standing is None:
        return None
    position, waiting = standing
    free = await pairing.free_places(session, guild_id)
    pace = await begun_per_week(session, guild_id, now)
    return MentorWait(
        position, waiting, free, pace, expected_wait(position, free, pace, batch_every=batch_every)
    )


async def wait_target(session: AsyncSession, guild_id: int) -> timedelta:
    """The guild's longest acceptable wait for a mentor (`wait_target_days`)."""
    settings = await session.get(GuildSettings, guild_id)
    days = settings.wait_target_days if settings is not None else GuildDefaults().wait_target_days
    return timedelta(days=days)
