"""Hosting a weekly call, and the ticks that make its events and send its invitations and
reminders; durable time is rows: each tick marks what it read as done in the same unit of work."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import NotAllowedError
from bot.services.welcome_calls._inviting import _schedule, _top_up
from bot.services.welcome_calls._model import (
    CallEvent,
    Hosted,
    Invite,
)
from bot.services.welcome_calls._rows import (
    _call_event,
    _events,
    _invites,
    _is_host,
    _member,
    _occurrences,
    guild_size,
)
from bot.services.welcome_calls._rules import (
    DURATION,
    LEAD,
    REMIND_DAY,
    BandError,
    Reminder,
    parse_band,
    parse_time,
    reminder_due,
    zone_of,
)
from bot.texts import welcome_calls as texts
from db.enums import (
    CallAnswer,
    CallOccurrenceStatus,
    MemberStatus,
)
from db.models import Member, WelcomeCall, WelcomeCallInvite, WelcomeCallOccurrence


async def host(
    *,
    session: AsyncSession,
    guild_id: int,
    user_id: int,
    band: str,
    weekday: int,
    at: str,
    now: datetime,
    channel_id: int | None = None,
    location: str | None = None,
    size: int | None = None,
    timezone: str | None = None,
) -> Hosted:
    """An organizer's new weekly call; its first occurrence (at least `LEAD` ahead) and invites."""
    member = await _member(session, guild_id, user_id)
    if member is None or not await _is_host(session, member):
        raise NotAllowedError(texts.NOT_AN_ORGANIZER)
    parsed = parse_band(band)
    minute = parse_time(at)
    zone = timezone or member.timezone
    if not zone:
        raise BandError(texts.NO_ZONE)
    zone_of(zone)
    if (channel_id is None) == (location is None or not location.strip()):
        raise BandError(texts.ONE_PLACE)
    most = await guild_size(session, guild_id)
    wanted = size if size is not None else most
    if wanted > most:
        raise BandError(texts.TOO_BIG.format(size=most))
    if wanted < 2:
        raise BandError(texts.TOO_SMALL)
    call = WelcomeCall(
        guild_id=guild_id,
        host_member_id=member.id,
        band_low_minutes=parsed.low,
        band_high_minutes=parsed.high,
        weekday=weekday % 7,
        local_minute=minute,
        timezone=zone,
        duration_minutes=int(DURATION / timedelta(minutes=1)),
        channel_id=channel_id,
        location=location.strip()[:100] if location and channel_id is None else None,
        size=wanted,
        created_at=now,
    )
    session.add(call)
    await session.flush()
    occurrence = await _schedule(session, call, now + LEAD, now)
    return Hosted(_call_event(call, occurrence, user_id), call.weekday, minute, zone)


async def events_due(*, session: AsyncSession, now: datetime) -> list[CallEvent]:
    """Upcoming occurrences whose Discord event is still to make (the adapter makes each, then
    `record_event`)."""
    rows = await session.execute(
        select(WelcomeCallOccurrence).where(
            WelcomeCallOccurrence.status == CallOccurrenceStatus.SCHEDULED,
            WelcomeCallOccurrence.event_id.is_(None),
            WelcomeCallOccurrence.starts_at > now,
        )
    )
    occurrences = list(rows.scalars())
    events = await _events(session, occurrences)
    return [events[occurrence.id] for occurrence in occurrences]


async def record_event(*, session: AsyncSession, occurrence_id: int, event_id: int) -> bool:
    """The event made for an occurrence; False when it is not wanted (any more): the call was
    called off meanwhile, or another run made one first. The adapter cancels such an event."""
    occurrence = await session.get(WelcomeCallOccurrence, occurrence_id, with_for_update=True)
    if occurrence is None or occurrence.status != CallOccurrenceStatus.SCHEDULED:
        return False
    if occurrence.event_id is None:
        occurrence.event_id = event_id
    return occurrence.event_id == event_id


async def invites_due(*, session: AsyncSession, now: datetime) -> list[Invite]:
    """Invitations still to send for upcoming calls whose event exists; claimed as sent. First the
    free seats of those calls are offered (`_top_up`): to newcomers who came since, and from
    `OTHERS_FROM` before the start to everyone else waiting."""
    await _top_up(session, now)
    rows = await _invites(
        session,
        WelcomeCallInvite.invited_at.is_(None),
        Member.status == MemberStatus.ACTIVE,  # not one who left since
        WelcomeCallOccurrence.status == CallOccurrenceStatus.SCHEDULED,
        WelcomeCallOccurrence.event_id.is_not(None),
        WelcomeCallOccurrence.starts_at > now,
    )
    events = await _events(session, [occurrence for _, occurrence, _ in rows])
    due = []
    for invite, occurrence, user_id in rows:
        invite.invited_at = now
        due.append(Invite(invite.id, user_id, events[occurrence.id]))
    return due


async def reminders_due(*, session: AsyncSession, now: datetime) -> list[Invite]:
    """The 24 h and 1 h reminders due to members who said they'd come; claimed as sent."""
    rows = await _invites(
        session,
        WelcomeCallInvite.answer == CallAnswer.INTERESTED,
        Member.status == MemberStatus.ACTIVE,
        WelcomeCallOccurrence.status == CallOccurrenceStatus.SCHEDULED,
        WelcomeCallOccurrence.starts_at > now,
        WelcomeCallOccurrence.starts_at <= now + REMIND_DAY,
        or_(WelcomeCallInvite.reminded_day_at.is_(None), WelcomeCallInvite.reminded_hour_at.is_(None)),
    )
    events = await _events(session, [occurrence for _, occurrence, _ in rows])
    due = []
    for invite, occurrence, user_id in rows:
        which = reminder_due(
            occurrence.starts_at,
            now,
            day_sent=invite.reminded_day_at is not None,
            hour_sent=invite.reminded_hour_at is not None,
        )
        if which is None:
            continue
        if which == Reminder.HOUR:
            invite.reminded_hour_at = now
            invite.reminded_day_at = invite.reminded_day_at or now  # never the day's after the hour's
        else:
            invite.reminded_day_at = now
        due.append(Invite(invite.id, user_id, events[occurrence.id], which))
    return due


async def starts_due(*, session: AsyncSession, now: datetime) -> list[CallEvent]:
    """Calls whose start came: under way now (the adapter starts their Discord event)."""
    started = await _occurrences(
        session,
        WelcomeCallOccurrence.status == CallOccurrenceStatus.SCHEDULED,
        WelcomeCallOccurrence.starts_at <= now,
    )
    for occurrence in started:
        occurrence.status, occurrence.started_at = CallOccurrenceStatus.STARTED, now
    events = await _events(session, started)
    return [events[occurrence.id] for occurrence in started]
