"""Who has met someone, and who still waits alone (issue 17: "nobody waits alone").

Read from the human contacts the facts record (bot.services.contacts): how long members
onboarded lately waited for their first contact (median and 90th percentile), and the members
onboarded longer ago than the guild's `unattended_days` whom nobody has met yet, oldest first.
Time is the caller's `now` (the bot's clock), never the system's.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.moderation import MemberList, Page, listed_page
from db.enums import MemberStatus
from db.models import GuildSettings, HumanContact, Member

OVERVIEW_WINDOWS = (30, 90)  # days: /mod overview's two figures
DEFAULT_UNATTENDED_DAYS = 7
PER_PAGE = 10


@dataclass(frozen=True, slots=True)
class FirstContactTimes:
    """Members onboarded in the last `days` days: how long those who met someone waited for it."""

    days: int
    median: timedelta | None  # None: nobody onboarded then has had a contact yet
    p90: timedelta | None
    contacted: int
    still_waiting: int  # active members onboarded then without any contact yet


def percentile(values: Sequence[timedelta], fraction: float) -> timedelta | None:
    """The `fraction` quantile of `values`, interpolated linearly between the two nearest ranks
    (the median of 1, 2, 3, 4 days is 2.5 days; their 90th percentile 3.7 days)."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


async def first_contact_times(
    *, session: AsyncSession, guild_id: int, now: datetime, days: int
) -> FirstContactTimes:
    """Median and 90th percentile of (first contact - onboarding) over the members onboarded in
    the last `days` days who had one, and how many active ones are still waiting for one."""
    first = select(func.min(HumanContact.at)).where(HumanContact.member_id == Member.id).scalar_subquery()
    rows = await session.execute(
        select(Member.status, Member.onboarded_at, first).where(
            Member.guild_id == guild_id,
            Member.onboarded_at >= now - timedelta(days=days),
            Member.onboarded_at <= now,
        )
    )
    waits: list[timedelta] = []
    still_waiting = 0
    for status, onboarded_at, first_at in rows.all():
        if first_at is not None and onboarded_at is not None:
            waits.append(max(first_at - onboarded_at, timedelta(0)))
        elif status == MemberStatus.ACTIVE:
            still_waiting += 1
    return FirstContactTimes(
        days=days,
        median=percentile(waits, 0.5),
        p90=percentile(waits, 0.9),
        contacted=len(waits),
        still_waiting=still_waiting,
    )


async def overview_figures(*, session: AsyncSession, guild_id: int, now: datetime) -> list[FirstContactTimes]:
    """The first-contact figures /mod overview shows: the last 30 and the last 90 days."""
    return [
        await first_contact_times(session=session, guild_id=guild_id, now=now, days=days)
        for days in OVERVIEW_WINDOWS
    ]


async def unattended_days(session: AsyncSession, guild_id: int) -> int:
    settings = await session.get(GuildSettings, guild_id)
    return settings.unattended_days if settings is not None else DEFAULT_UNATTENDED_DAYS


async def _unattended(session: AsyncSession, guild_id: int, now: datetime) -> tuple[ColumnElement[bool], ...]:
    after = timedelta(days=await unattended_days(session, guild_id))
    met = select(HumanContact.id).where(HumanContact.member_id == Member.id).exists()
    return (
        Member.guild_id == guild_id,
        Member.status == MemberStatus.ACTIVE,
        Member.onboarded_at <= now - after,
        ~met,
    )


async def unattended_count(*, session: AsyncSession, guild_id: int, now: datetime) -> int:
    """How many members `unattended` lists (/mod overview's chart)."""
    conditions = await _unattended(session, guild_id, now)
    return int(await session.scalar(select(func.count()).select_from(Member).where(*conditions)) or 0)


async def unattended(
    *, session: AsyncSession, guild_id: int, now: datetime, page: int, per_page: int = PER_PAGE
) -> Page:
    """Active members onboarded more than the guild's `unattended_days` ago whom nobody has met
    yet, longest waiting first, one page (0-based, clamped) of `per_page`; each with their area
    as precisely as they consented, when they were onboarded and for how many whole days."""
    conditions = await _unattended(session, guild_id, now)
    return await listed_page(
        session=session,
        kind=MemberList.UNATTENDED,
        conditions=conditions,
        since=Member.onboarded_at,
        page=page,
        per_page=per_page,
        now=now,
    )
