"""A member's own say over their check-ins: cadence and hour, pause, resume, one right now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import GroundworkError
from bot.services.audit import record
from bot.services.checkins._model import DueCheckIn, Schedule
from bot.services.checkins._rows import (
    dm_channels,
    guild_settings,
    has_pending,
    last_delivered_at,
    preferences,
    previous_scores,
    schedule_next,
    scheduled_row,
)
from bot.services.checkins._schedule import CADENCES, local_midnight, local_today, slot_on_or_after
from bot.services.profile import active_member
from bot.texts import checkins as texts
from db.enums import CheckInKind, CheckInStatus, MemberStatus
from db.models import GuildSettings, Member, ReadinessCheckIn

MAX_PAUSE_DAYS = 366


@dataclass(frozen=True, slots=True)
class NowResult:
    """`/checkin now`: a new check-in to send, or the open one to point to."""

    due: DueCheckIn | None
    open_channel_id: int | None = None
    open_message_id: int | None = None


async def _schedule(session: AsyncSession, member: Member, guild: GuildSettings) -> Schedule:
    prefs = preferences(member, guild)
    row = await scheduled_row(session, member.id)
    return Schedule(
        cadence_days=prefs.cadence_days,
        local_hour=prefs.local_hour,
        timezone=prefs.timezone,
        paused=member.checkins_paused,
        paused_until=member.checkins_paused_until,
        dms_closed=member.dms_closed_at is not None,
        next_due=row.due_at if row is not None else None,
    )


async def _reschedule(session: AsyncSession, member: Member, guild: GuildSettings, now: datetime) -> None:
    """One cadence after the last check-in the member got; the next slot when that has passed."""
    base = await last_delivered_at(session, member.id) or member.onboarded_at or now
    await schedule_next(session, member=member, guild=guild, base=base, now=now)


async def schedule(*, session: AsyncSession, guild_id: int, user_id: int) -> Schedule:
    member = await active_member(session=session, guild_id=guild_id, user_id=user_id)
    return await _schedule(session, member, await guild_settings(session, guild_id))


async def set_cadence(
    *,
    session: AsyncSession,
    guild_id: int,
    user_id: int,
    cadence_days: int,
    local_hour: int | None,
    now: datetime,
) -> Schedule:
    """Every 7, 14 or 30 days, optionally at another local hour; the next check-in moves with it."""
    if cadence_days not in CADENCES or (local_hour is not None and not 0 <= local_hour <= 23):
        raise GroundworkError(texts.INVALID_ANSWER)
    member = await active_member(session=session, guild_id=guild_id, user_id=user_id)
    guild = await guild_settings(session, guild_id)
    member.checkin_cadence_days = cadence_days
    if local_hour is not None:
        member.checkin_local_hour = local_hour
    if await scheduled_row(session, member.id) is not None:
        await _reschedule(session, member, guild, now)
    await record(
        session=session,
        now=now,
        guild_id=guild_id,
        actor_id=user_id,
        target_user_id=user_id,
        action="checkin.cadence_changed",
        details={"cadence_days": cadence_days, "local_hour": local_hour},
    )
    return await _schedule(session, member, guild)


async def pause(
    *, session: AsyncSession, guild_id: int, user_id: int, until: date | None, now: datetime
) -> Schedule:
    """No check-ins until `until` (the member's local date), or until they resume."""
    member = await active_member(session=session, guild_id=guild_id, user_id=user_id)
    guild = await guild_settings(session, guild_id)
    prefs = preferences(member, guild)
    today = local_today(now, prefs.timezone)
    if until is not None and not today < until <= today + timedelta(days=MAX_PAUSE_DAYS):
        raise GroundworkError(texts.PAUSE_BAD_DATE)
    member.checkins_paused = True
    member.checkins_paused_until = local_midnight(until, prefs.timezone) if until else None
    row = await scheduled_row(session, member.id)
    if until is None:
        if row is not None:
            row.status = CheckInStatus.CANCELLED
    else:
        due = slot_on_or_after(until, prefs, now=now)
        if row is None:
            session.add(ReadinessCheckIn(member_id=member.id, kind=CheckInKind.SCHEDULED, due_at=due))
        elif row.due_at < due:
            row.due_at = due
    await session.flush()
    await record(
        session=session,
        now=now,
        guild_id=guild_id,
        actor_id=user_id,
        target_user_id=user_id,
        action="checkin.paused",
        details={"until": until.isoformat() if until else None},
    )
    return await _schedule(session, member, guild)


@dataclass(frozen=True, slots=True)
class Resumed:
    schedule: Schedule
    retrying_dms: bool  # the member's DMs had been closed: they are tried again


async def resume(*, session: AsyncSession, guild_id: int, user_id: int, now: datetime) -> Resumed:
    """Check-ins again (DMs are tried again too, in case the member opened them)."""
    member = await active_member(session=session, guild_id=guild_id, user_id=user_id)
    guild = await guild_settings(session, guild_id)
    dms_were_closed = member.dms_closed_at is not None
    was_stopped = member.checkins_paused or dms_were_closed
    member.checkins_paused = False
    member.checkins_paused_until = None
    member.dms_closed_at = None
    if was_stopped or not await has_pending(session, member.id):
        # Back to the rhythm: one cadence after the last check-in, or the next slot if that passed.
        await _reschedule(session, member, guild, now)
    await record(
        session=session,
        now=now,
        guild_id=guild_id,
        actor_id=user_id,
        target_user_id=user_id,
        action="checkin.resumed",
    )
    return Resumed(schedule=await _schedule(session, member, guild), retrying_dms=dms_were_closed)


async def start_now(
    *, session: AsyncSession, guild_id: int, user_id: int, now: datetime, worker: str
) -> NowResult:
    """A check-in right now, claimed for `worker` to send at once; or the one still open."""
    member = await active_member(session=session, guild_id=guild_id, user_id=user_id)
    open_row = (
        await session.execute(
            select(ReadinessCheckIn)
            .where(ReadinessCheckIn.member_id == member.id, ReadinessCheckIn.status == CheckInStatus.SENT)
            .order_by(ReadinessCheckIn.sent_at.desc())
            .limit(1)
        )
    ).scalar_one_or_none()
    if open_row is not None and open_row.message_id is not None:
        return NowResult(due=None, open_channel_id=open_row.channel_id, open_message_id=open_row.message_id)
    if member.dms_closed_at is not None:  # they asked: try their DMs again, and the rhythm with them
        member.dms_closed_at = None
        if not member.checkins_paused and not await has_pending(session, member.id):
            await _reschedule(session, member, await guild_settings(session, guild_id), now)
    row = ReadinessCheckIn(
        member_id=member.id,
        kind=CheckInKind.ON_DEMAND,
        status=CheckInStatus.SENDING,
        due_at=now,
        claimed_at=now,
        claimed_by=worker,
        attempts=1,
    )
    session.add(row)
    await session.flush()
    channels = await dm_channels(session, [member.id])
    previous = await previous_scores(session, [member.id])
    return NowResult(
        due=DueCheckIn(
            checkin_id=row.id,
            member_id=member.id,
            guild_id=guild_id,
            user_id=user_id,
            kind=CheckInKind.ON_DEMAND,
            due_at=now,
            dm_channel_id=channels.get(member.id),
            previous=previous.get(member.id, {}),
        )
    )


async def ensure_scheduled(*, session: AsyncSession, member_id: int, now: datetime) -> datetime | None:
    """Give an active member their next check-in if none is pending (e.g. right after onboarding)."""
    member = await session.get(Member, member_id)
    if (
        member is None
        or member.status != MemberStatus.ACTIVE
        or member.checkins_paused
        or member.dms_closed_at is not None
        or await has_pending(session, member.id)
    ):
        return None
    base = await last_delivered_at(session, member.id) or member.onboarded_at or now
    return await schedule_next(
        session, member=member, guild=await guild_settings(session, member.guild_id), base=base, now=now
    )


async def members_without_schedule(*, session: AsyncSession, limit: int = 1000) -> list[int]:
    """Active members who should get check-ins but have none pending (one query, for start-up)."""
    pending = (
        select(ReadinessCheckIn.id)
        .where(
            ReadinessCheckIn.member_id == Member.id,
            ReadinessCheckIn.status.in_([CheckInStatus.SCHEDULED, CheckInStatus.SENDING]),
            ReadinessCheckIn.kind == CheckInKind.SCHEDULED,
        )
        .exists()
    )
    rows = await session.execute(
        select(Member.id)
        .where(
            Member.status == MemberStatus.ACTIVE,
            Member.checkins_paused.is_(False),
            Member.dms_closed_at.is_(None),
            ~pending,
        )
        .order_by(Member.id)
        .limit(limit)
    )
    return list(rows.scalars())
