"""The database side of sending check-ins: claiming due rows, and recording how each send ended.

Claiming is one statement, `UPDATE ... WHERE id IN (SELECT ... LIMIT n FOR UPDATE SKIP LOCKED)
RETURNING ...`: on PostgreSQL two dispatchers never get the same row; on SQLite the engine
begins every transaction with BEGIN IMMEDIATE, so a claim is exclusive anyway (FOR UPDATE is
not rendered there). A claimed row is `sending`; it becomes `sent` (or retried, cancelled,
undeliverable) in its own short transaction right after Discord answered. A row left in
`sending` by a process that died is reclaimed after `stale_after` and checked against the
member's DM history before anything is sent again, so a crash neither loses nor duplicates one.
When the history cannot be read, the row stays `sending` and is looked up again later
(`lookups`, `lookup_after`); after MAX_LOOKUPS failed reads it is given up as not sent, never
sent a second time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.audit import record
from bot.services.checkins._model import Alert, AlertKind, Delivery, DeliveryStatus, DueCheckIn
from bot.services.checkins._reminders import remind_when_sent
from bot.services.checkins._rows import (
    dm_channels,
    guild_settings,
    has_pending,
    mentor_user_id,
    on_platform,
    preferences,
    previous_scores,
    schedule_next,
)
from bot.services.checkins._schedule import is_quiet, local_today, next_slot_after, slot_on_or_after
from bot.services.members import is_organizer_member
from db.enums import CheckInKind, CheckInStatus, MemberStatus, Platform
from db.models import GuildSettings, Member, ReadinessCheckIn

MAX_ATTEMPTS = 5
RETRY_BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
MISSED_ALERT_AT = 2
# Reads of the DM history of a check-in whose send was never recorded, before giving it up.
MAX_LOOKUPS = 5
LOOKUP_BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))


@dataclass(frozen=True, slots=True)
class ClaimedRow:
    """One check-in row just claimed: what the claim's RETURNING gave back."""

    checkin_id: int
    member_id: int
    kind: CheckInKind
    due_at: datetime
    attempts: int


@dataclass(frozen=True, slots=True)
class Claim:
    """One batch: what to send now, and how many rows were settled without sending."""

    due: list[DueCheckIn]
    claimed: int
    rescheduled: int
    cancelled: int


def _claim_statement(
    condition: Any, order: Any, *, now: datetime, worker: str, limit: int, attempts: Any = None
) -> Any:
    chosen = (
        select(ReadinessCheckIn.id)
        .where(condition)
        .order_by(order)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return (
        update(ReadinessCheckIn)
        .where(ReadinessCheckIn.id.in_(chosen))
        .values(
            status=CheckInStatus.SENDING,
            claimed_at=now,
            claimed_by=worker,
            attempts=ReadinessCheckIn.attempts + 1 if attempts is None else attempts,
        )
        .returning(
            ReadinessCheckIn.id.label("checkin_id"),
            ReadinessCheckIn.member_id,
            ReadinessCheckIn.kind,
            ReadinessCheckIn.due_at,
            ReadinessCheckIn.attempts,
        )
        .execution_options(synchronize_session=False)
    )


async def _claimed(session: AsyncSession, statement: Any) -> list[ClaimedRow]:
    rows = (await session.execute(statement)).all()
    claimed = [
        ClaimedRow(
            checkin_id=row.checkin_id,
            member_id=row.member_id,
            kind=row.kind,
            due_at=row.due_at,
            attempts=row.attempts,
        )
        for row in rows
    ]
    # RETURNING keeps no order on PostgreSQL
    return sorted(claimed, key=lambda row: (row.due_at, row.checkin_id))


async def claim_rows(
    session: AsyncSession, *, now: datetime, worker: str, limit: int, platform: Platform | None = None
) -> list[ClaimedRow]:
    """The claim query alone: up to `limit` due rows, oldest first, now `sending` for `worker`."""
    statement = _claim_statement(
        (ReadinessCheckIn.status == CheckInStatus.SCHEDULED)
        & (ReadinessCheckIn.due_at <= now)
        & on_platform(platform),
        ReadinessCheckIn.due_at,
        now=now,
        worker=worker,
        limit=limit,
    )
    return await _claimed(session, statement)


async def _set(session: AsyncSession, checkin_id: int, **values: Any) -> None:
    await session.execute(
        update(ReadinessCheckIn)
        .where(ReadinessCheckIn.id == checkin_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


async def _move(session: AsyncSession, checkin_id: int, due: datetime) -> None:
    await _set(
        session,
        checkin_id,
        status=CheckInStatus.SCHEDULED,
        due_at=due,
        claimed_at=None,
        claimed_by=None,
        attempts=0,
    )


async def _due_items(session: AsyncSession, rows: list[tuple[ClaimedRow, Member]]) -> list[DueCheckIn]:
    member_ids = [member.id for _, member in rows]
    channels = await dm_channels(session, member_ids)
    previous = await previous_scores(session, member_ids)
    return [
        DueCheckIn(
            checkin_id=claimed.checkin_id,
            member_id=member.id,
            guild_id=member.guild_id,
            user_id=member.user_id,
            kind=claimed.kind,
            due_at=claimed.due_at,
            dm_channel_id=channels.get(member.id),
            previous=previous.get(member.id, {}),
            attempts=claimed.attempts,
        )
        for claimed, member in rows
    ]


async def _members(session: AsyncSession, member_ids: list[int]) -> dict[int, Member]:
    result = await session.execute(select(Member).where(Member.id.in_(member_ids)))
    return {member.id: member for member in result.scalars()}


async def claim_due(
    *,
    session: AsyncSession,
    now: datetime,
    worker: str,
    limit: int,
    grace: timedelta,
    platform: Platform | None = None,
) -> Claim:
    """Claim a batch of due check-ins and settle the ones that must not be sent now.

    Not sent: members who left (cancelled), whose DMs are closed (undeliverable), who paused
    (cancelled, or moved to their first slot after the pause); check-ins overdue by more than
    `grace` or falling in the member's quiet hours (moved to the next slot).
    """
    rows = await claim_rows(session, now=now, worker=worker, limit=limit, platform=platform)
    if not rows:
        return Claim(due=[], claimed=0, rescheduled=0, cancelled=0)
    members = await _members(session, [row.member_id for row in rows])
    guilds: dict[int, GuildSettings] = {}
    sendable: list[tuple[ClaimedRow, Member]] = []
    rescheduled = cancelled = 0
    for claimed in rows:
        checkin_id, kind, due_at = claimed.checkin_id, claimed.kind, claimed.due_at
        member = members.get(claimed.member_id)
        if member is None or member.status != MemberStatus.ACTIVE:
            await _set(session, checkin_id, status=CheckInStatus.CANCELLED)
            cancelled += 1
            continue
        if member.dms_closed_at is not None:
            await _set(session, checkin_id, status=CheckInStatus.UNDELIVERABLE)
            cancelled += 1
            continue
        if member.guild_id not in guilds:
            guilds[member.guild_id] = await guild_settings(session, member.guild_id)
        prefs = preferences(member, guilds[member.guild_id])
        if member.checkins_paused:
            until = member.checkins_paused_until
            if until is not None and until <= now:
                member.checkins_paused = False
                member.checkins_paused_until = None
            elif until is not None:
                await _move(
                    session, checkin_id, slot_on_or_after(local_today(until, prefs.timezone), prefs, now=now)
                )
                rescheduled += 1
                continue
            else:
                await _set(session, checkin_id, status=CheckInStatus.CANCELLED)
                cancelled += 1
                continue
        late = now - due_at > grace
        if kind == CheckInKind.ON_DEMAND and late:
            await _set(session, checkin_id, status=CheckInStatus.CANCELLED)
            cancelled += 1
            continue
        if kind == CheckInKind.SCHEDULED and (late or is_quiet(now, prefs)):
            await _move(session, checkin_id, next_slot_after(now, prefs))
            rescheduled += 1
            continue
        if claimed.attempts > MAX_ATTEMPTS:
            await _set(session, checkin_id, status=CheckInStatus.CANCELLED)
            await schedule_next(session, member=member, guild=guilds[member.guild_id], base=due_at, now=now)
            cancelled += 1
            continue
        sendable.append((claimed, member))
    return Claim(
        due=await _due_items(session, sendable),
        claimed=len(rows),
        rescheduled=rescheduled,
        cancelled=cancelled,
    )


async def reclaim_stale(
    *,
    session: AsyncSession,
    now: datetime,
    worker: str,
    stale_before: datetime,
    limit: int,
    platform: Platform | None = None,
) -> list[DueCheckIn]:
    """Check-ins whose send was never recorded: claimed before `stale_before` and never settled
    (the dispatcher died), or waiting for another look at the DM history (`lookup_after` passed).

    A claim here counts as a delivery attempt, except another look at the history (no send).
    """
    lookup_due = (ReadinessCheckIn.lookup_after.is_(None)) | (ReadinessCheckIn.lookup_after <= now)
    statement = _claim_statement(
        (ReadinessCheckIn.status == CheckInStatus.SENDING)
        & ((ReadinessCheckIn.claimed_at < stale_before) | ReadinessCheckIn.claimed_by.is_(None))
        & lookup_due
        & on_platform(platform),
        ReadinessCheckIn.claimed_at,
        now=now,
        worker=worker,
        limit=limit,
        attempts=ReadinessCheckIn.attempts + case((ReadinessCheckIn.lookup_after.is_(None), 1), else_=0),
    )
    rows = await _claimed(session, statement)
    if not rows:
        return []
    members = await _members(session, [row.member_id for row in rows])
    return await _due_items(
        session, [(row, members[row.member_id]) for row in rows if row.member_id in members]
    )


async def release(*, session: AsyncSession, checkin_id: int, worker: str) -> None:
    """A reclaimed check-in that was never sent goes back to the queue as it was."""
    await session.execute(
        update(ReadinessCheckIn)
        .where(
            ReadinessCheckIn.id == checkin_id,
            ReadinessCheckIn.status == CheckInStatus.SENDING,
            ReadinessCheckIn.claimed_by == worker,
        )
        .values(
            status=CheckInStatus.SCHEDULED, claimed_at=None, claimed_by=None, lookups=0, lookup_after=None
        )
        .execution_options(synchronize_session=False)
    )


async def lookup_failed(*, session: AsyncSession, checkin_id: int, worker: str, now: datetime) -> bool:
    """The DM history of a reclaimed check-in could not be read: look again later, or, after
    MAX_LOOKUPS failed reads, give it up as not sent (the rhythm goes on). True when given up.

    Never sent again either way: it may have reached the member, and a second copy is worse
    than a missed slot.
    """
    row = await session.get(ReadinessCheckIn, checkin_id, with_for_update=True)
    if row is None or row.status != CheckInStatus.SENDING or row.claimed_by != worker:
        return False  # answered meanwhile (so it was sent), or another dispatcher has it
    row.lookups += 1
    row.claimed_by = None
    if row.lookups < MAX_LOOKUPS:
        row.lookup_after = now + LOOKUP_BACKOFF[min(row.lookups, len(LOOKUP_BACKOFF)) - 1]
        return False
    row.status = CheckInStatus.CANCELLED
    row.lookup_after = None
    if row.kind == CheckInKind.SCHEDULED:
        await session.flush()
        if not await has_pending(session, row.member_id):
            member = await session.get(Member, row.member_id)
            if member is not None and member.status == MemberStatus.ACTIVE:
                guild = await guild_settings(session, member.guild_id)
                await schedule_next(session, member=member, guild=guild, base=row.due_at, now=now)
    return True


async def _alert(
    session: AsyncSession,
    member: Member,
    kind: AlertKind,
    *,
    now: datetime,
    missed: int = 0,
    details: dict[str, Any],
) -> Alert:
    guild = await guild_settings(session, member.guild_id)
    mentor = await mentor_user_id(session, member.id) if kind != AlertKind.DMS_CLOSED else None
    await record(
        session=session,
        now=now,
        guild_id=member.guild_id,
        actor_id=None,
        target_user_id=member.user_id,
        action=f"checkin.{kind.value}",
        details={**details, "to": "mentor" if mentor else "alerts_channel"},
    )
    return Alert(
        kind=kind,
        guild_id=member.guild_id,
        member_user_id=member.user_id,
        mentor_user_id=mentor,
        alerts_channel_id=guild.alerts_channel_id,
        organizer=await is_organizer_member(session, member.id),
        missed=missed,
    )


async def record_delivery(
    *, session: AsyncSession, checkin_id: int, worker: str, delivery: Delivery, now: datetime
) -> list[Alert]:
    """Settle one claimed check-in after Discord answered; returns the alerts it raises."""
    if delivery.status == DeliveryStatus.UNKNOWN:
        return []  # stays `sending`: checked against the DM history once it is stale
    row = await session.get(ReadinessCheckIn, checkin_id, with_for_update=True)
    if row is None or row.status != CheckInStatus.SENDING:
        return []
    if delivery.status != DeliveryStatus.SENT and row.claimed_by != worker:
        return []  # another dispatcher took it over meanwhile
    member = await session.get(Member, row.member_id)
    assert member is not None
    if delivery.status == DeliveryStatus.SENT:
        return await _sent(session, row, member, delivery, now)
    if delivery.status == DeliveryStatus.CLOSED:
        row.status = CheckInStatus.UNDELIVERABLE
        member.dms_closed_at = member.dms_closed_at or now
        await session.execute(
            update(ReadinessCheckIn)
            .where(
                ReadinessCheckIn.member_id == member.id, ReadinessCheckIn.status == CheckInStatus.SCHEDULED
            )
            .values(status=CheckInStatus.CANCELLED)
            .execution_options(synchronize_session=False)
        )
        return [await _alert(session, member, AlertKind.DMS_CLOSED, now=now, details={"checkin_id": row.id})]
    if delivery.status == DeliveryStatus.RETRY and row.attempts < MAX_ATTEMPTS:
        row.status = CheckInStatus.SCHEDULED
        row.claimed_at = row.claimed_by = None
        row.due_at = now + RETRY_BACKOFF[min(row.attempts, len(RETRY_BACKOFF)) - 1]
        return []
    row.status = CheckInStatus.CANCELLED  # failed for good; the rhythm goes on
    if row.kind == CheckInKind.SCHEDULED and not await has_pending(session, member.id):
        await schedule_next(
            session,
            member=member,
            guild=await guild_settings(session, member.guild_id),
            base=row.due_at,
            now=now,
        )
    return []


async def _sent(
    session: AsyncSession, row: ReadinessCheckIn, member: Member, delivery: Delivery, now: datetime
) -> list[Alert]:
    row.status = CheckInStatus.SENT
    row.sent_at = now
    row.channel_id = delivery.channel_id
    row.message_id = delivery.message_id
    older = (
        (
            await session.execute(
                select(ReadinessCheckIn).where(
                    ReadinessCheckIn.member_id == member.id,
                    ReadinessCheckIn.status == CheckInStatus.SENT,
                    ReadinessCheckIn.id != row.id,
                )
            )
        )
        .scalars()
        .all()
    )
    alerts: list[Alert] = []
    if older:
        for unanswered in older:
            unanswered.status = CheckInStatus.MISSED  # the next one fell due before an answer
        before = member.missed_checkins
        member.missed_checkins = before + len(older)
        if before < MISSED_ALERT_AT <= member.missed_checkins:
            alerts.append(
                await _alert(
                    session,
                    member,
                    AlertKind.MISSED,
                    now=now,
                    missed=member.missed_checkins,
                    details={"missed": member.missed_checkins},
                )
            )
    if row.kind == CheckInKind.SCHEDULED:
        await session.flush()
        if not await has_pending(session, member.id):
            guild = await guild_settings(session, member.guild_id)
            await schedule_next(session, member=member, guild=guild, base=row.due_at, now=now)
    await session.flush()
    await remind_when_sent(session, row, member, now)  # one reminder before it counts as missed
    return alerts
