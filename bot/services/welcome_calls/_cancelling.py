"""A call called off (by its host, a moderator, or the host leaving): those invited are told and
invited first to the next call of their band with room."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import NotAllowedError, NotFoundError
from bot.services.welcome_calls._inviting import _invite_for, _schedule
from bot.services.welcome_calls._model import (
    CallEvent,
    Cancelled,
)
from bot.services.welcome_calls._pool import read_pool
from bot.services.welcome_calls._rows import (
    _event,
    _invites,
    _member,
)
from bot.services.welcome_calls._rules import (
    OTHERS_FROM,
    Band,
)
from bot.texts import welcome_calls as texts
from db.enums import (
    CallAnswer,
    CallOccurrenceStatus,
    WelcomeCallStatus,
)
from db.models import Member, WelcomeCall, WelcomeCallInvite, WelcomeCallOccurrence


async def cancel(
    *,
    session: AsyncSession,
    guild_id: int,
    user_id: int,
    call_id: int,
    for_good: bool,
    moderator: bool,
    now: datetime,
) -> Cancelled:
    """The host (or a moderator) calls off the next occurrence: the invited who had not said no
    are told; unless `for_good`, the one after is scheduled and they are invited to it first."""
    call = await session.get(WelcomeCall, call_id, with_for_update=True)
    if call is None or call.guild_id != guild_id or call.status != WelcomeCallStatus.ACTIVE:
        raise NotFoundError(texts.NO_SUCH_CALL)
    host_member = await session.get_one(Member, call.host_member_id)
    if host_member.user_id != user_id and not moderator:
        raise NotAllowedError(texts.NOT_YOUR_CALL)
    cancelled = await _cancel(session, call, for_good=for_good, now=now)
    if cancelled is None:
        raise NotFoundError(texts.NO_SUCH_CALL)
    return cancelled


async def _cancel(
    session: AsyncSession, call: WelcomeCall, *, for_good: bool, now: datetime
) -> Cancelled | None:
    """The call's next occurrence called off (None: none is upcoming; `for_good` ends the call anyway)."""
    if for_good:
        call.status, call.cancelled_at = WelcomeCallStatus.CANCELLED, now
    upcoming = (
        await session.execute(
            select(WelcomeCallOccurrence)
            .where(
                WelcomeCallOccurrence.call_id == call.id,
                WelcomeCallOccurrence.status == CallOccurrenceStatus.SCHEDULED,
            )
            .order_by(WelcomeCallOccurrence.starts_at)
            .limit(1)
        )
    ).scalar_one_or_none()
    if upcoming is None:
        return None
    upcoming.status, upcoming.closed_at = CallOccurrenceStatus.CANCELLED, now
    await session.flush()
    rows = await _invites(session, WelcomeCallInvite.occurrence_id == upcoming.id, lock=False)
    told_rows = [
        (invite, user)
        for invite, _, user in rows
        if invite.invited_at and invite.answer != CallAnswer.CANT_MAKE_IT
    ]
    told = tuple(user for _, user in told_rows)
    # Those told are owed a seat: the interested first, then the others, in the order invited.
    owed = [
        invite.member_id
        for invite, _ in sorted(
            told_rows, key=lambda row: (row[0].answer != CallAnswer.INTERESTED, row[0].id)
        )
    ]
    event = await _event(session, upcoming)
    next_call = None
    if not for_good:
        later = await _schedule(session, call, upcoming.ends_at, now, first=owed)
        next_call = await _event(session, later)
    seated = await _seat_owed(session, call.guild_id, owed, now)
    user_of = {invite.member_id: user for invite, user in told_rows}
    invited_to = tuple((user_of[member_id], seated[member_id]) for member_id in owed if member_id in seated)
    return Cancelled(event, told, next_call, for_good, invited_to)


async def _open_invitation(
    session: AsyncSession, member_ids: Sequence[int]
) -> dict[int, WelcomeCallOccurrence]:
    """Each of `member_ids`' invitation to an upcoming call they did not say no to (at most one)."""
    if not member_ids:
        return {}
    rows = await session.execute(
        select(WelcomeCallInvite.member_id, WelcomeCallOccurrence)
        .join(WelcomeCallOccurrence, WelcomeCallInvite.occurrence_id == WelcomeCallOccurrence.id)
        .where(
            WelcomeCallInvite.member_id.in_(list(member_ids)),
            WelcomeCallInvite.answer != CallAnswer.CANT_MAKE_IT,
            WelcomeCallOccurrence.status == CallOccurrenceStatus.SCHEDULED,
        )
        .order_by(WelcomeCallOccurrence.starts_at)
    )
    found: dict[int, WelcomeCallOccurrence] = {}
    for member_id, occurrence in rows.all():
        found.setdefault(member_id, occurrence)
    return found


async def _seat_owed(
    session: AsyncSession, guild_id: int, owed: Sequence[int], now: datetime
) -> dict[int, CallEvent]:
    """Members told a call was off, each seated in the soonest upcoming call of their band with
    room (`_invite_for` takes them first) unless already invited to one: each one's next call.
    Those no call has room for are not in it."""
    found = await _open_invitation(session, owed)
    left = [member_id for member_id in owed if member_id not in found]
    if left:
        rows = await session.execute(
            select(WelcomeCallOccurrence, WelcomeCall)
            .join(WelcomeCall, WelcomeCallOccurrence.call_id == WelcomeCall.id)
            .where(
                WelcomeCallOccurrence.guild_id == guild_id,
                WelcomeCallOccurrence.status == CallOccurrenceStatus.SCHEDULED,
                WelcomeCallOccurrence.starts_at > now,
                WelcomeCall.status == WelcomeCallStatus.ACTIVE,
            )
            .order_by(WelcomeCallOccurrence.starts_at, WelcomeCallOccurrence.id)
        )
        upcoming = rows.all()
        near = [
            (Band(call.band_low_minutes, call.band_high_minutes), occurrence.starts_at)
            for occurrence, call in upcoming
            if occurrence.starts_at - now <= OTHERS_FROM
        ]
        pool = await read_pool(session, guild_id, now, near=near) if upcoming else None
        for occurrence, call in upcoming:
            if not left:
                break
            invited = await _invite_for(session, call, occurrence, now, first=left, pool=pool)
            for member_id in set(invited) & set(left):
                found[member_id] = occurrence
            left = [member_id for member_id in left if member_id not in found]
    return {member_id: await _event(session, occurrence) for member_id, occurrence in found.items()}


async def host_left(*, session: AsyncSession, guild_id: int, user_id: int, now: datetime) -> list[Cancelled]:
    """A host who left the server: their calls end, and those invited to the next one are told."""
    member = await _member(session, guild_id, user_id)
    if member is None:
        return []
    rows = await session.execute(
        select(WelcomeCall)
        .where(WelcomeCall.host_member_id == member.id, WelcomeCall.status == WelcomeCallStatus.ACTIVE)
        .with_for_update()
    )
    found = [await _cancel(session, call, for_good=True, now=now) for call in rows.scalars()]
    return [cancelled for cancelled in found if cancelled is not None]
