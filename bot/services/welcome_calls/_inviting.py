"""Giving a call's seats: invitation rows for those waiting whose zone fits (`_invite_for`), for a
new occurrence (`_schedule`) and for the free seats of every upcoming call in one tick (`_top_up`).

Who waits, who rests and who is busy are read once as plain columns (`_pool.read_pool`), for one
occurrence or for all those of a tick, and each occurrence's seats are decided in Python in the
order of their starts; a seat given makes its member busy for the occurrences after it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.welcome_calls._pool import Pool, read_pool
from bot.services.welcome_calls._rows import _came_before
from bot.services.welcome_calls._rules import OTHERS_FROM, Band, fits, next_start
from bot.services.welcome_calls._seats import _holds, holds_seat
from db.enums import CallOccurrenceStatus, MemberStatus
from db.models import Member, WelcomeCall, WelcomeCallInvite, WelcomeCallOccurrence


def _near(occurrence: WelcomeCallOccurrence, now: datetime) -> bool:
    """From `OTHERS_FROM` before its start a call's seats go to everyone waiting, not only to
    the newcomers nobody met yet."""
    return occurrence.starts_at - now <= OTHERS_FROM


def _band(call: WelcomeCall) -> Band:
    return Band(call.band_low_minutes, call.band_high_minutes)


async def _owed_seats(
    session: AsyncSession,
    call: WelcomeCall,
    occurrence: WelcomeCallOccurrence,
    first: Sequence[int],
    skip: set[int],
) -> list[int]:
    """Of `first` (told a call was off and promised the next), those this occurrence can take:
    active, not its host, living in its band at its start, not invited to it or to another call."""
    if not first:
        return []
    band = Band(call.band_low_minutes, call.band_high_minutes)
    rows = await session.execute(
        select(Member.id, Member.status, Member.timezone).where(Member.id.in_(list(first)))
    )
    members = {member_id: (status, timezone) for member_id, status, timezone in rows.all()}
    return [
        member_id
        for member_id in dict.fromkeys(first)
        if (member := members.get(member_id)) is not None
        and member[0] == MemberStatus.ACTIVE
        and member_id != call.host_member_id
        and member_id not in skip
        and fits(band, member[1], occurrence.starts_at)
    ]


async def _seats_given(session: AsyncSession, occurrence_id: int, now: datetime) -> dict[int, bool]:
    """Who is invited to an occurrence already, and whether their invitation keeps its seat."""
    rows = await session.execute(
        select(WelcomeCallInvite.member_id, WelcomeCallInvite.answer, WelcomeCallInvite.invited_at).where(
            WelcomeCallInvite.occurrence_id == occurrence_id
        )
    )
    return {member_id: _holds(answer, invited_at, now) for member_id, answer, invited_at in rows.all()}


async def _invite_for(
    session: AsyncSession,
    call: WelcomeCall,
    occurrence: WelcomeCallOccurrence,
    now: datetime,
    first: Sequence[int] = (),
    *,
    pool: Pool | None = None,
    already: dict[int, bool] | None = None,
    flush: bool = True,
) -> list[int]:
    """Invite rows (sent by `invites_due`) for those still waiting whose zone fits, up to the size
    (a place someone said they can't make is offered to the next; nobody is asked twice): never
    one resting after invitations they left unanswered, never one who came to this call before;
    the newcomers nobody met yet first (`seat_order`). Before all of them `first`: members told a
    call was off and promised the next one (`_cancel`), whoever they are, as long as they live in
    the band and have no other call. The members invited.

    `pool` (the guild's members who could be invited, read once for several occurrences: it
    learns who is invited here) and `already` (this occurrence's invitations, `_seats_given`)
    are read when not given. Without `flush`, the rows are left for the caller to flush (with
    those of other occurrences)."""
    if already is None:
        already = await _seats_given(session, occurrence.id, now)
    room = call.size - sum(already.values())
    if room <= 0:
        return []
    band = Band(call.band_low_minutes, call.band_high_minutes)
    near = _near(occurrence, now)
    if pool is None or (near and not pool.covers(band, occurrence.starts_at)):
        pool = await read_pool(
            session, call.guild_id, now, near=[(band, occurrence.starts_at)] if near else ()
        )
    owed = (await _owed_seats(session, call, occurrence, first, set(already) | pool.busy))[:room]
    room -= len(owed)
    chosen: list[int] = []
    if room > 0:
        taken = set(already) | set(owed)
        zones = pool.zones_in(band, occurrence.starts_at)
        came: set[int] | None = None
        # Not near its start, only a newcomer may still come: their seats kept.
        for zone, seeker in pool.in_seat_order(fresh_only=not near):
            member_id = seeker.member_id
            if zone not in zones or member_id == call.host_member_id:
                continue
            if member_id in taken or member_id in pool.busy:
                continue
            # Only a member who met an organizer can have come to this call before: its
            # attendance is recorded with a welcome call's contact, in the same unit of work
            # (`_close`).
            if seeker.met_organizer:
                if came is None:
                    if call.id not in pool.came:
                        pool.came[call.id] = await _came_before(session, call.id)
                    came = pool.came[call.id]
                if member_id in came:
                    continue
            chosen.append(member_id)
            if len(chosen) == room:
                break
    for member_id in owed + chosen:
        session.add(WelcomeCallInvite(occurrence_id=occurrence.id, member_id=member_id))
    pool.busy.update(owed, chosen)
    if flush:
        await session.flush()
    return owed + chosen


async def _schedule(
    session: AsyncSession,
    call: WelcomeCall,
    after: datetime,
    now: datetime,
    first: Sequence[int] = (),
    *,
    seats_now: bool = True,
) -> WelcomeCallOccurrence:
    """The call's next occurrence after `after`, with its seats given (`_invite_for`; `first`
    before everyone). Without `seats_now` (a call that just closed, promising nobody a seat) its
    seats are left to the invitations tick (`_top_up`), which gives them with every other call's
    once its event exists: nobody is invited to it before there is an event to invite them to."""
    starts_at = next_start(call.weekday, call.local_minute, call.timezone, after)
    occurrence = WelcomeCallOccurrence(
        call_id=call.id,
        guild_id=call.guild_id,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=call.duration_minutes),
    )
    session.add(occurrence)
    await session.flush()
    if seats_now or first:
        await _invite_for(session, call, occurrence, now, first, already={})
    return occurrence


async def _top_up(session: AsyncSession, now: datetime) -> None:
    """Invite rows for the free seats of upcoming calls whose event exists: each guild's pool
    read once for all its calls, their invitations in one query."""
    upcoming = [
        WelcomeCallOccurrence.status == CallOccurrenceStatus.SCHEDULED,
        WelcomeCallOccurrence.event_id.is_not(None),
        WelcomeCallOccurrence.starts_at > now,
    ]
    taken = (
        select(WelcomeCallInvite.occurrence_id, func.count().label("taken"))
        .where(holds_seat(now))
        .group_by(WelcomeCallInvite.occurrence_id)
        .subquery()
    )
    rows = (
        await session.execute(
            select(WelcomeCallOccurrence, WelcomeCall)
            .join(WelcomeCall, WelcomeCallOccurrence.call_id == WelcomeCall.id)
            .outerjoin(taken, taken.c.occurrence_id == WelcomeCallOccurrence.id)
            .where(*upcoming, func.coalesce(taken.c.taken, 0) < WelcomeCall.size)
            .order_by(WelcomeCallOccurrence.starts_at, WelcomeCallOccurrence.id)
        )
    ).all()
    if not rows:
        return
    given: dict[int, dict[int, bool]] = {occurrence.id: {} for occurrence, _ in rows}
    invited = await session.execute(
        select(
            WelcomeCallInvite.occurrence_id,
            WelcomeCallInvite.member_id,
            WelcomeCallInvite.answer,
            WelcomeCallInvite.invited_at,
        )
        .join(WelcomeCallOccurrence, WelcomeCallInvite.occurrence_id == WelcomeCallOccurrence.id)
        .where(*upcoming)
    )
    for occurrence_id, member_id, answer, invited_at in invited.all():
        if occurrence_id in given:
            given[occurrence_id][member_id] = _holds(answer, invited_at, now)
    pools: dict[int, Pool] = {}
    for occurrence, call in rows:
        if call.guild_id not in pools:
            near = [
                (_band(its), other.starts_at)
                for other, its in rows
                if its.guild_id == call.guild_id and _near(other, now)
            ]
            pools[call.guild_id] = await read_pool(session, call.guild_id, now, near=near)
        await _invite_for(
            session,
            call,
            occurrence,
            now,
            pool=pools[call.guild_id],
            already=given[occurrence.id],
            flush=False,
        )
    await session.flush()  # every occurrence's new invitations in one statement
