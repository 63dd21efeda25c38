"""A member answering their check-in: scores one by one, an optional note, skip, or done."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import GroundworkError, NotFoundError
from bot.services import activity
from bot.services.audit import record
from bot.services.checkins._model import (
    OPEN_STATUSES,
    Alert,
    AlertKind,
    CheckInClosedError,
    CheckInState,
    CompletedCheckIn,
    Drop,
    Suggestion,
)
from bot.services.checkins._rows import (
    guild_settings,
    mentor_user_id,
    previous_scores,
    schedule_next,
    scheduled_row,
)
from bot.services.checkins._suggest import member_paths, suggest
from bot.services.members import is_organizer_member
from bot.services.typed import typed_text
from bot.texts import checkins as texts
from db.enums import CheckInKind, CheckInStatus, OrganizingPath, ReadinessDimension
from db.models import Member, ReadinessAnswer, ReadinessCheckIn

NOTE_MAX_LENGTH = 1000
DROP_ALERT_POINTS = 2


async def _load(
    session: AsyncSession, checkin_id: int, user_id: int, *, lock: bool = False
) -> tuple[ReadinessCheckIn, Member]:
    row = await session.get(ReadinessCheckIn, checkin_id, with_for_update=lock)
    member = await session.get(Member, row.member_id) if row is not None else None
    if row is None or member is None or member.user_id != user_id:
        raise NotFoundError(texts.NOT_FOUND)
    return row, member


async def _scores(session: AsyncSession, checkin_id: int) -> dict[str, int]:
    rows = await session.execute(
        select(ReadinessAnswer.dimension, ReadinessAnswer.score).where(
            ReadinessAnswer.checkin_id == checkin_id
        )
    )
    return {str(dimension): score for dimension, score in rows.all()}


async def _state(session: AsyncSession, row: ReadinessCheckIn, member: Member) -> CheckInState:
    previous = await previous_scores(session, [member.id], before_id=row.id)
    return CheckInState(
        checkin_id=row.id,
        member_id=member.id,
        guild_id=member.guild_id,
        user_id=member.user_id,
        kind=row.kind,
        status=row.status,
        scores=await _scores(session, row.id),
        previous=previous.get(member.id, {}),
        note=row.note,
    )


def _require_open(row: ReadinessCheckIn) -> None:
    if row.status not in OPEN_STATUSES:
        message = texts.CLOSED.get(row.status, texts.CLOSED[CheckInStatus.CANCELLED])
        raise CheckInClosedError(message, row.status)


async def current(*, session: AsyncSession, checkin_id: int, user_id: int) -> CheckInState:
    """The check-in as it stands; raises CheckInClosedError when it no longer takes answers."""
    row, member = await _load(session, checkin_id, user_id)
    _require_open(row)
    return await _state(session, row, member)


async def record_score(
    *, session: AsyncSession, checkin_id: int, user_id: int, dimension: str, score: int, now: datetime
) -> CheckInState:
    """Store (or change) one dimension's 1-5 answer, with the time it was given."""
    try:
        chosen = ReadinessDimension(dimension)
    except ValueError:
        raise GroundworkError(texts.INVALID_ANSWER) from None
    if not 1 <= score <= 5:
        raise GroundworkError(texts.INVALID_ANSWER)
    row, member = await _load(session, checkin_id, user_id, lock=True)
    _require_open(row)
    existing = (
        await session.execute(
            select(ReadinessAnswer).where(
                ReadinessAnswer.checkin_id == row.id, ReadinessAnswer.dimension == chosen
            )
        )
    ).scalar_one_or_none()
    if existing is None:
        session.add(ReadinessAnswer(checkin_id=row.id, dimension=chosen, score=score, answered_at=now))
    else:
        existing.score = score
        existing.answered_at = now
    await session.flush()
    return await _state(session, row, member)


async def record_note(
    *, session: AsyncSession, checkin_id: int, user_id: int, note: str, now: datetime
) -> CheckInState:
    """The member's own words: what they did in their locale since last time (empty clears it)."""
    row, member = await _load(session, checkin_id, user_id, lock=True)
    _require_open(row)
    row.note = typed_text(note, limit=NOTE_MAX_LENGTH) or None
    return await _state(session, row, member)


async def skip(*, session: AsyncSession, checkin_id: int, user_id: int, now: datetime) -> datetime | None:
    """ "Skip this time": no answers, nothing counts as missed; returns the next check-in's time."""
    row, member = await _load(session, checkin_id, user_id, lock=True)
    _require_open(row)
    row.status = CheckInStatus.SKIPPED
    row.answered_at = now
    member.missed_checkins = 0
    scheduled = await scheduled_row(session, member.id)
    return scheduled.due_at if scheduled else None


async def complete(
    *, session: AsyncSession, checkin_id: int, user_id: int, now: datetime
) -> CompletedCheckIn:
    """Close an answered check-in: the suggestion, the mentor's summary, and any alert.

    Raises nothing for missing answers: `state.missing` says which are left, and the caller
    shows them again.
    """
    row, member = await _load(session, checkin_id, user_id, lock=True)
    _require_open(row)
    state = await _state(session, row, member)
    paths = member_paths(member.paths)
    if state.missing:
        return CompletedCheckIn(
            state=state,
            suggestion=suggest(state.scores, paths),
            paths=paths,
            drops=(),
            mentor_user_id=None,
            next_due=None,
        )
    row.status = CheckInStatus.ANSWERED
    row.answered_at = now
    member.missed_checkins = 0
    drops = tuple(
        Drop(dimension=ReadinessDimension(dimension), before=state.previous[dimension], after=score)
        for dimension, score in state.scores.items()
        if dimension in state.previous and state.previous[dimension] - score >= DROP_ALERT_POINTS
    )
    mentor = await mentor_user_id(session, member.id)
    guild = await guild_settings(session, member.guild_id)
    alerts: tuple[Alert, ...] = ()
    if drops:
        await record(
            session=session,
            now=now,
            guild_id=member.guild_id,
            actor_id=None,
            target_user_id=member.user_id,
            action="checkin.drop",
            details={
                "checkin_id": row.id,
                "drops": {d.dimension.value: [d.before, d.after] for d in drops},
                "to": "mentor" if mentor else "alerts_channel",
            },
        )
        alerts = (
            Alert(
                kind=AlertKind.DROP,
                guild_id=member.guild_id,
                member_user_id=member.user_id,
                mentor_user_id=mentor,
                alerts_channel_id=guild.alerts_channel_id,
                drops=drops,
                organizer=await is_organizer_member(session, member.id),
            ),
        )
    next_due: datetime | None
    if row.kind == CheckInKind.ON_DEMAND and not member.checkins_paused:
        # An extra check-in restarts the rhythm, so the next regular one is not just days away.
        next_due = await schedule_next(session, member=member, guild=guild, base=now, now=now)
    else:
        scheduled = await scheduled_row(session, member.id)
        next_due = scheduled.due_at if scheduled else None
    since = await last_answered_at(session, member.id, before_id=row.id) or now - timedelta(
        days=guild.checkin_cadence_days
    )
    logged = await activity.counts_since(session, member.id, since)
    return CompletedCheckIn(
        logged_since_last={str(kind): count for kind, count in logged.items()},
        state=replace(state, status=CheckInStatus.ANSWERED),
        suggestion=await _varied(session, member.id, row.id, suggest(state.scores, paths), paths),
        paths=paths,
        drops=drops,
        mentor_user_id=mentor,
        next_due=next_due,
        alerts=alerts,
    )


RECENT_SUGGESTIONS = 12  # earlier check-ins looked at to vary the step


async def _varied(
    session: AsyncSession,
    member_id: int,
    checkin_id: int,
    suggestion: Suggestion,
    paths: Sequence[OrganizingPath],
) -> Suggestion:
    """`suggestion`, numbered by how often the same dimension came up at the same level in the
    member's recent check-ins (what they were suggested then is worked out again from their
    answers), so the step offered differs from last time's."""
    recent = (
        select(ReadinessCheckIn.id)
        .where(
            ReadinessCheckIn.member_id == member_id,
            ReadinessCheckIn.status == CheckInStatus.ANSWERED,
            ReadinessCheckIn.id != checkin_id,
        )
        .order_by(ReadinessCheckIn.answered_at.desc(), ReadinessCheckIn.id.desc())
        .limit(RECENT_SUGGESTIONS)
        .subquery()
    )
    rows = await session.execute(
        select(ReadinessAnswer.checkin_id, ReadinessAnswer.dimension, ReadinessAnswer.score).where(
            ReadinessAnswer.checkin_id.in_(select(recent.c.id))
        )
    )
    earlier: dict[int, dict[str, int]] = {}
    for row in rows:
        earlier.setdefault(row.checkin_id, {})[str(row.dimension)] = row.score
    same = sum(
        1
        for scores in earlier.values()
        if (before := suggest(scores, paths)).dimension == suggestion.dimension
        and before.level == suggestion.level
    )
    return replace(suggestion, variant=same)


async def last_answered_at(session: AsyncSession, member_id: int, *, before_id: int) -> datetime | None:
    """When the member last answered a check-in before this one."""
    return await session.scalar(
        select(ReadinessCheckIn.answered_at)
        .where(
            ReadinessCheckIn.member_id == member_id,
            ReadinessCheckIn.id != before_id,
            ReadinessCheckIn.status == CheckInStatus.ANSWERED,
        )
        .order_by(ReadinessCheckIn.answered_at.desc())
        .limit(1)
    )


async def open_checkin(*, session: AsyncSession, guild_id: int, user_id: int) -> CheckInState | None:
    """The member's check-in that is waiting for their answers (the newest one sent), if any: what
    an answer typed as a message, with no button to name its check-in, is for."""
    found = (
        await session.execute(
            select(ReadinessCheckIn, Member)
            .join(Member, Member.id == ReadinessCheckIn.member_id)
            .where(
                Member.guild_id == guild_id,
                Member.user_id == user_id,
                ReadinessCheckIn.status == CheckInStatus.SENT,
            )
            .order_by(ReadinessCheckIn.sent_at.desc(), ReadinessCheckIn.id.desc())
            .limit(1)
        )
    ).first()
    if found is None:
        return None
    row, member = found
    return await _state(session, row, member)
