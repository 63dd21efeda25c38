"""One reminder before an unanswered check-in counts as missed.

A check-in that was sent stays open until the member's next one is sent; then it counts as
missed. When it is sent, its row gets `reminder_due_at` (schedule.reminder_at: a waking hour
of the member's, two days before the next one). A tick claims the reminders that fell due, in
one statement that also sets `reminded_at` (FOR UPDATE SKIP LOCKED on PostgreSQL, BEGIN
IMMEDIATE on SQLite): once set, the row is never claimed again, so there is at most one
reminder, sent after the claim is committed. A send Discord refused before it happened (a
retry) puts it back a little later; anything else (sent, unknown, failed) is final. Before
sending, the claim checks it again: only a check-in still `sent` (answered, skipped or missed
ones never match), a member still active, not paused, DMs open; moved to the waking hour it is
due when the next check-in moved, or the bot was down through the night; dropped when no
waking moment is left before the check-in closes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.checkins._model import Delivery, DeliveryStatus, Reminder
from bot.services.checkins._rows import guild_settings, on_platform, preferences, scheduled_row
from bot.services.checkins._schedule import REMIND_NOT_AFTER, is_quiet, reminder_at, waking_on_or_after
from db.enums import CheckInStatus, MemberStatus, Platform
from db.models import GuildSettings, Member, ReadinessAnswer, ReadinessCheckIn

REMINDER_RETRY = timedelta(minutes=30)
# A reminder due within this much of now is sent now (the tick runs every few seconds).
SEND_WINDOW = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class ReminderClaim:
    due: list[Reminder]
    claimed: int
    moved: int
    dropped: int


async def remind_when_sent(
    session: AsyncSession, row: ReadinessCheckIn, member: Member, now: datetime
) -> None:
    """Set the reminder of a check-in just sent: before the member's next one falls due."""
    upcoming = await scheduled_row(session, member.id)
    if upcoming is None:
        row.reminder_due_at = None
        return
    prefs = preferences(member, await guild_settings(session, member.guild_id))
    row.reminder_due_at = reminder_at(sent_at=now, closes_at=upcoming.due_at, prefs=prefs)


async def claim_reminders(
    *, session: AsyncSession, now: datetime, limit: int, platform: Platform | None = None
) -> ReminderClaim:
    """Claim a batch of reminders that fell due; check each again; return those to send now
    (with `platform`, only of members of that platform's communities)."""

    chosen = (
        select(ReadinessCheckIn.id)
        .where(
            ReadinessCheckIn.status == CheckInStatus.SENT,
            ReadinessCheckIn.reminder_due_at <= now,
            ReadinessCheckIn.reminded_at.is_(None),
            on_platform(platform),
        )
        .order_by(ReadinessCheckIn.reminder_due_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    claimed = (
        await session.execute(
            update(ReadinessCheckIn)
            .where(ReadinessCheckIn.id.in_(chosen))
            .values(reminded_at=now)
            .returning(
                ReadinessCheckIn.id,
                ReadinessCheckIn.member_id,
                ReadinessCheckIn.sent_at,
                ReadinessCheckIn.channel_id,
                ReadinessCheckIn.message_id,
            )
            .execution_options(synchronize_session=False)
        )
    ).all()
    if not claimed:
        return ReminderClaim(due=[], claimed=0, moved=0, dropped=0)
    members = {
        member.id: member
        for member in (
            await session.execute(select(Member).where(Member.id.in_([row.member_id for row in claimed])))
        ).scalars()
    }
    guilds: dict[int, GuildSettings] = {}
    due: list[Reminder] = []
    moved = dropped = 0
    for row in sorted(claimed, key=lambda r: r.id):
        member = members.get(row.member_id)
        upcoming = await scheduled_row(session, row.member_id) if member is not None else None
        if (
            member is None
            or upcoming is None
            or row.sent_at is None
            or member.status != MemberStatus.ACTIVE
            or member.checkins_paused
            or member.dms_closed_at is not None
        ):
            await _reset(session, row.id, None)
            dropped += 1
            continue
        if member.guild_id not in guilds:
            guilds[member.guild_id] = await guild_settings(session, member.guild_id)
        prefs = preferences(member, guilds[member.guild_id])
        planned = reminder_at(sent_at=row.sent_at, closes_at=upcoming.due_at, prefs=prefs)
        latest = upcoming.due_at - REMIND_NOT_AFTER
        if planned is not None and planned > now + SEND_WINDOW:
            await _reset(session, row.id, planned)  # the next check-in moved later
            moved += 1
            continue
        if planned is not None and is_quiet(now, prefs):
            # Late (the bot was down, say) and it is night for them now: their next waking moment.
            waking = waking_on_or_after(now, prefs)
            await _reset(session, row.id, waking if waking <= latest else None)
            if waking <= latest:
                moved += 1
            else:
                dropped += 1
            continue
        if planned is None or now > latest:
            await _reset(session, row.id, None)  # no waking moment left before it closes
            dropped += 1
            continue
        started = await session.scalar(select(exists().where(ReadinessAnswer.checkin_id == row.id)))
        due.append(
            Reminder(
                checkin_id=row.id,
                member_id=member.id,
                guild_id=member.guild_id,
                user_id=member.user_id,
                sent_at=row.sent_at,
                closes_at=upcoming.due_at,
                channel_id=row.channel_id,
                message_id=row.message_id,
                started=bool(started),
            )
        )
    return ReminderClaim(due=due, claimed=len(claimed), moved=moved, dropped=dropped)


async def _reset(session: AsyncSession, checkin_id: int, due: datetime | None) -> None:
    """Not sent after all: due again at `due`, or (None) never."""
    await session.execute(
        update(ReadinessCheckIn)
        .where(ReadinessCheckIn.id == checkin_id)
        .values(reminded_at=None, reminder_due_at=due)
        .execution_options(synchronize_session=False)
    )


async def record_reminder(
    *, session: AsyncSession, checkin_id: int, delivery: Delivery, now: datetime
) -> None:
    """Settle a reminder after the platform answered: only a refused-before-sending one is tried again."""
    if delivery.status != DeliveryStatus.RETRY:
        return
    await session.execute(
        update(ReadinessCheckIn)
        .where(ReadinessCheckIn.id == checkin_id, ReadinessCheckIn.status == CheckInStatus.SENT)
        .values(reminded_at=None, reminder_due_at=now + REMINDER_RETRY)
        .execution_options(synchronize_session=False)
    )
