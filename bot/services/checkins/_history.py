"""Trends: a member's answered check-ins over time, for themselves and for their mentor."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import NotAllowedError, NotFoundError
from bot.services.checkins._model import Trend, TrendPoint
from bot.services.checkins._rows import scheduled_row
from bot.services.members import get_member
from bot.services.profile import active_member
from bot.texts import checkins as texts
from db.enums import CheckInStatus, MentorshipStatus
from db.models import Mentorship, ReadinessAnswer, ReadinessCheckIn

DEFAULT_POINTS = 26


async def history(
    *,
    session: AsyncSession,
    guild_id: int,
    viewer_user_id: int,
    member_user_id: int | None = None,
    limit: int = DEFAULT_POINTS,
) -> Trend:
    """The last `limit` answered check-ins (baseline included), oldest first.

    A member sees their own; an organizer sees a mentee's while they mentor them.
    """
    own = member_user_id is None or member_user_id == viewer_user_id
    viewer = await active_member(session=session, guild_id=guild_id, user_id=viewer_user_id)
    if own:
        member = viewer
    else:
        assert member_user_id is not None
        found = await get_member(session=session, guild_id=guild_id, user_id=member_user_id)
        if found is None:
            raise NotFoundError(texts.HISTORY_UNKNOWN_MEMBER)
        mentoring = (
            await session.execute(
                select(Mentorship.id).where(
                    Mentorship.member_id == found.id,
                    Mentorship.mentor_id == viewer.id,
                    Mentorship.status == MentorshipStatus.ACTIVE,
                )
            )
        ).first()
        if mentoring is None:
            raise NotAllowedError(texts.HISTORY_NOT_YOUR_MENTEE)
        member = found
    answered = (
        select(ReadinessCheckIn.id, ReadinessCheckIn.answered_at)
        .where(ReadinessCheckIn.member_id == member.id, ReadinessCheckIn.status == CheckInStatus.ANSWERED)
        .order_by(ReadinessCheckIn.answered_at.desc(), ReadinessCheckIn.id.desc())
        .limit(limit)
        .subquery()
    )
    rows = await session.execute(
        select(answered.c.id, answered.c.answered_at, ReadinessAnswer.dimension, ReadinessAnswer.score)
        .join(ReadinessAnswer, ReadinessAnswer.checkin_id == answered.c.id)
        .order_by(answered.c.answered_at, answered.c.id)
    )
    points: dict[int, TrendPoint] = {}
    for checkin_id, answered_at, dimension, score in rows.all():
        point = points.setdefault(checkin_id, TrendPoint(at=answered_at, scores={}))
        point.scores[str(dimension)] = score
    counts = dict(
        (
            await session.execute(
                select(ReadinessCheckIn.status, func.count())
                .where(
                    ReadinessCheckIn.member_id == member.id,
                    ReadinessCheckIn.status.in_([CheckInStatus.MISSED, CheckInStatus.SKIPPED]),
                )
                .group_by(ReadinessCheckIn.status)
            )
        ).all()
    )
    scheduled = await scheduled_row(session, member.id)
    trend_points = list(points.values())
    gaps: list[datetime] = []
    if len(trend_points) > 1:
        gaps = list(
            (
                await session.execute(
                    select(ReadinessCheckIn.due_at)
                    .where(
                        ReadinessCheckIn.member_id == member.id,
                        ReadinessCheckIn.status.in_([CheckInStatus.MISSED, CheckInStatus.SKIPPED]),
                        ReadinessCheckIn.due_at > trend_points[0].at,
                        ReadinessCheckIn.due_at < trend_points[-1].at,
                    )
                    .order_by(ReadinessCheckIn.due_at)
                )
            ).scalars()
        )
    return Trend(
        user_id=member.user_id,
        own=own,
        points=trend_points,
        missed=int(counts.get(CheckInStatus.MISSED, 0)),
        skipped=int(counts.get(CheckInStatus.SKIPPED, 0)),
        next_due=scheduled.due_at if scheduled else None,
        paused=member.checkins_paused,
        gaps=gaps,
    )
