"""Queries the check-in services share: preferences, the pending row, previous answers, the mentor."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import identities
from bot.services.checkins._schedule import Preferences, due_after, spread_offset
from db.enums import CheckInKind, CheckInStatus, MentorshipStatus, Platform
from db.models import GuildSettings, Member, Mentorship, ReadinessAnswer, ReadinessCheckIn


def on_platform(platform: Platform | None) -> ColumnElement[bool]:
    """The check-ins of members of one platform's communities (None: everyone's): each adapter
    sends its own members' (one database can hold a Discord server and a Matrix community)."""
    return identities.member_on_platform(ReadinessCheckIn.member_id, platform)


def preferences(member: Member, guild: GuildSettings) -> Preferences:
    """The member's own choices, the guild's defaults for the rest."""
    return Preferences(
        timezone=member.timezone or "UTC",
        local_hour=member.checkin_local_hour
        if member.checkin_local_hour is not None
        else guild.checkin_local_hour,
        cadence_days=member.checkin_cadence_days or guild.checkin_cadence_days,
        quiet_start=guild.quiet_hours_start,
        quiet_end=guild.quiet_hours_end,
        offset_seconds=spread_offset(member.id),
    )


async def guild_settings(session: AsyncSession, guild_id: int) -> GuildSettings:
    """The settings row of a guild that has members (check-ins read its hours and cadence)."""
    guild = await session.get(GuildSettings, guild_id)
    assert guild is not None, "every member belongs to a guild with settings"
    return guild


async def scheduled_row(session: AsyncSession, member_id: int) -> ReadinessCheckIn | None:
    """The member's next check-in that has not been claimed yet.

    The earliest is chosen here, not by ORDER BY due_at LIMIT 1: given that, SQLite walks the
    (status, due_at) index through every scheduled check-in of every member until it meets this
    member's (15 ms with 100,000 members), where (member_id, status) finds their one or two.
    """
    result = await session.execute(
        select(ReadinessCheckIn).where(
            ReadinessCheckIn.member_id == member_id, ReadinessCheckIn.status == CheckInStatus.SCHEDULED
        )
    )
    return min(result.scalars(), key=lambda row: (row.due_at, row.id), default=None)


async def has_pending(session: AsyncSession, member_id: int) -> bool:
    """Whether a check-in waits to be sent (scheduled) or is being sent right now."""
    found = await session.execute(
        select(ReadinessCheckIn.id)
        .where(
            ReadinessCheckIn.member_id == member_id,
            ReadinessCheckIn.status.in_([CheckInStatus.SCHEDULED, CheckInStatus.SENDING]),
            ReadinessCheckIn.kind == CheckInKind.SCHEDULED,
        )
        .limit(1)
    )
    return found.first() is not None


async def last_delivered_at(session: AsyncSession, member_id: int) -> datetime | None:
    """When the member last got a check-in (their baseline counts): the rhythm's starting point."""
    return (
        await session.execute(
            select(func.max(ReadinessCheckIn.sent_at)).where(ReadinessCheckIn.member_id == member_id)
        )
    ).scalar_one_or_none()


async def schedule_next(
    session: AsyncSession, *, member: Member, guild: GuildSettings, base: datetime, now: datetime
) -> datetime:
    """Put the member's next check-in one cadence after `base` (moving the scheduled one, if any)."""
    due = due_after(base, preferences(member, guild), now=now)
    row = await scheduled_row(session, member.id)
    if row is None:
        session.add(ReadinessCheckIn(member_id=member.id, kind=CheckInKind.SCHEDULED, due_at=due))
    else:
        row.due_at = due
    await session.flush()
    return due


async def previous_scores(
    session: AsyncSession, member_ids: Iterable[int], *, before_id: int | None = None
) -> dict[int, dict[str, int]]:
    """Each member's answers of their latest answered check-in (never `before_id` itself).

    Two plain queries on (member_id, status) and (checkin_id): a join on the latest answer time
    makes SQLite's planner walk every answered check-in of the guild.
    """
    ids = list(set(member_ids))
    if not ids:
        return {}
    answered = await session.execute(
        select(ReadinessCheckIn.member_id, ReadinessCheckIn.id, ReadinessCheckIn.answered_at).where(
            ReadinessCheckIn.member_id.in_(ids), ReadinessCheckIn.status == CheckInStatus.ANSWERED
        )
    )
    latest: dict[int, tuple[datetime, int]] = {}
    for member_id, checkin_id, answered_at in answered.all():
        if checkin_id == before_id or answered_at is None:
            continue
        if member_id not in latest or (answered_at, checkin_id) > latest[member_id]:
            latest[member_id] = (answered_at, checkin_id)
    owner = {checkin_id: member_id for member_id, (_, checkin_id) in latest.items()}
    if not owner:
        return {}
    rows = await session.execute(
        select(ReadinessAnswer.checkin_id, ReadinessAnswer.dimension, ReadinessAnswer.score).where(
            ReadinessAnswer.checkin_id.in_(list(owner))
        )
    )
    scores: dict[int, dict[str, int]] = {}
    for checkin_id, dimension, score in rows.all():
        scores.setdefault(owner[checkin_id], {})[str(dimension)] = score
    return scores


async def dm_channels(session: AsyncSession, member_ids: Iterable[int]) -> dict[int, int]:
    """The DM channel each member's earlier check-ins went to (a DM channel never changes)."""
    ids = list(set(member_ids))
    if not ids:
        return {}
    rows = await session.execute(
        select(ReadinessCheckIn.member_id, func.max(ReadinessCheckIn.channel_id))
        .where(ReadinessCheckIn.member_id.in_(ids), ReadinessCheckIn.channel_id.is_not(None))
        .group_by(ReadinessCheckIn.member_id)
    )
    return {member_id: channel_id for member_id, channel_id in rows.all() if channel_id is not None}


async def mentor_user_id(session: AsyncSession, member_id: int) -> int | None:
    """The user id of the member's active mentor, if they have one."""
    return (
        await session.execute(
            select(Member.user_id)
            .join(Mentorship, Mentorship.mentor_id == Member.id)
            .where(Mentorship.member_id == member_id, Mentorship.status == MentorshipStatus.ACTIVE)
            .limit(1)
        )
    ).scalar_one_or_none()
