"""Reading welcome calls' rows, shared by the steps: an occurrence as its event, a member, the
guild's settings, who is busy with another call, an occurrence's invitations and seats taken."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import GuildDefaults
from bot.services.welcome_calls._model import CallEvent
from bot.services.welcome_calls._rules import _OPEN, DEFAULT_SIZE, Band
from bot.services.welcome_calls._seats import holds_seat
from db.enums import CallAnswer, OrganizerStatus
from db.models import GuildSettings, Member, Organizer, WelcomeCall, WelcomeCallInvite, WelcomeCallOccurrence


def _call_event(call: WelcomeCall, occurrence: WelcomeCallOccurrence, host_user_id: int) -> CallEvent:
    return CallEvent(
        occurrence_id=occurrence.id,
        call_id=call.id,
        guild_id=call.guild_id,
        host_user_id=host_user_id,
        band=Band(call.band_low_minutes, call.band_high_minutes),
        starts_at=occurrence.starts_at,
        ends_at=occurrence.ends_at,
        channel_id=call.channel_id,
        location=call.location,
        size=call.size,
        event_id=occurrence.event_id,
    )


async def _event(session: AsyncSession, occurrence: WelcomeCallOccurrence) -> CallEvent:
    call = await session.get_one(WelcomeCall, occurrence.call_id)
    host = await session.get_one(Member, call.host_member_id)
    return _call_event(call, occurrence, host.user_id)


async def _events(
    session: AsyncSession, occurrences: Sequence[WelcomeCallOccurrence]
) -> dict[int, CallEvent]:
    """`_event` for many occurrences (a tick's), their calls and hosts read in one query."""
    call_ids = {occurrence.call_id for occurrence in occurrences}
    if not call_ids:
        return {}
    rows = await session.execute(
        select(WelcomeCall, Member.user_id)
        .join(Member, WelcomeCall.host_member_id == Member.id)
        .where(WelcomeCall.id.in_(call_ids))
    )
    calls = {call.id: (call, host_user_id) for call, host_user_id in rows.all()}
    events = {}
    for occurrence in occurrences:
        call, host_user_id = calls[occurrence.call_id]
        events[occurrence.id] = _call_event(call, occurrence, host_user_id)
    return events


async def _member(session: AsyncSession, guild_id: int, user_id: int) -> Member | None:
    return (
        await session.execute(select(Member).where(Member.guild_id == guild_id, Member.user_id == user_id))
    ).scalar_one_or_none()


async def guild_size(session: AsyncSession, guild_id: int) -> int:
    settings = await session.get(GuildSettings, guild_id)
    return settings.welcome_call_size if settings is not None else DEFAULT_SIZE


async def _is_host(session: AsyncSession, member: Member) -> bool:
    found = await session.execute(
        select(Organizer.id).where(
            Organizer.member_id == member.id,
            Organizer.status.in_((OrganizerStatus.ACTIVE, OrganizerStatus.PAUSED)),
        )
    )
    return found.first() is not None


async def _wait_target(session: AsyncSession, guild_id: int) -> timedelta:
    """The guild's wait target (`wait_target_days`, as bot.services.waiting reads it)."""
    settings = await session.get(GuildSettings, guild_id)
    days = settings.wait_target_days if settings is not None else GuildDefaults().wait_target_days
    return timedelta(days=days)


def _holding(
    invite: type[WelcomeCallInvite], occurrence: type[WelcomeCallOccurrence]
) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """An invitation (`invite`, joined to its `occurrence`; either may be an alias) to a call
    that is on, which its member did not say no to: what makes them busy (never two calls at
    once)."""
    return invite.answer != CallAnswer.CANT_MAKE_IT, occurrence.status.in_(_OPEN)


async def _busy(
    session: AsyncSession, *, guild_id: int | None = None, member_ids: Sequence[int] = ()
) -> set[int]:
    """Members (of the guild, or among `member_ids`) with an open invitation to an upcoming call
    who did not say no: never two calls at once."""
    query = (
        select(WelcomeCallInvite.member_id)
        .join(WelcomeCallOccurrence, WelcomeCallInvite.occurrence_id == WelcomeCallOccurrence.id)
        .where(*_holding(WelcomeCallInvite, WelcomeCallOccurrence))
    )
    if guild_id is not None:
        query = query.where(WelcomeCallOccurrence.guild_id == guild_id)
    else:
        if not member_ids:
            return set()
        query = query.where(WelcomeCallInvite.member_id.in_(list(member_ids)))
    return set((await session.execute(query)).scalars())


async def invited_to_upcoming(session: AsyncSession, member_ids: Sequence[int]) -> set[int]:
    """Which of `member_ids` are invited to an upcoming welcome call (and did not say no)."""
    return await _busy(session, member_ids=member_ids)


async def _came_before(session: AsyncSession, call_id: int) -> set[int]:
    rows = await session.execute(
        select(WelcomeCallInvite.member_id)
        .join(WelcomeCallOccurrence, WelcomeCallInvite.occurrence_id == WelcomeCallOccurrence.id)
        .where(WelcomeCallOccurrence.call_id == call_id, WelcomeCallInvite.attended.is_(True))
    )
    return set(rows.scalars())


async def _invites(
    session: AsyncSession, *conditions: ColumnElement[bool], lock: bool = True
) -> list[tuple[WelcomeCallInvite, WelcomeCallOccurrence, int]]:
    query = (
        select(WelcomeCallInvite, WelcomeCallOccurrence, Member.user_id)
        .join(WelcomeCallOccurrence, WelcomeCallInvite.occurrence_id == WelcomeCallOccurrence.id)
        .join(Member, WelcomeCallInvite.member_id == Member.id)
        .where(*conditions)
        .order_by(WelcomeCallInvite.id)
    )
    if lock:
        query = query.with_for_update(of=WelcomeCallInvite, skip_locked=True)
    return [
        (invite, occurrence, user_id) for invite, occurrence, user_id in (await session.execute(query)).all()
    ]


async def _taken(session: AsyncSession, occurrence_id: int, now: datetime) -> int:
    """An occurrence's seats taken (`holds_seat`)."""
    found = await session.scalar(
        select(func.count())
        .select_from(WelcomeCallInvite)
        .where(WelcomeCallInvite.occurrence_id == occurrence_id, holds_seat(now))
    )
    return int(found or 0)


async def _occurrences(
    session: AsyncSession, *conditions: ColumnElement[bool]
) -> list[WelcomeCallOccurrence]:
    rows = await session.execute(
        select(WelcomeCallOccurrence)
        .where(*conditions)
        .order_by(WelcomeCallOccurrence.starts_at, WelcomeCallOccurrence.id)
        .with_for_update(skip_locked=True)
    )
    return list(rows.scalars())
