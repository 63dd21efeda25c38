"""Who came: voice presence during the call, or the host's list for an external one; each
attendee's human contact, the question afterwards, and the next occurrence scheduled."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import NotAllowedError, NotFoundError
from bot.services import contacts
from bot.services.welcome_calls._inviting import _schedule
from bot.services.welcome_calls._model import (
    AttendanceAsk,
    Closed,
    Ended,
    Invite,
)
from bot.services.welcome_calls._rows import (
    _event,
    _events,
    _invites,
    _member,
    _occurrences,
)
from bot.services.welcome_calls._rules import (
    _OPEN,
    EARLY,
    HOST_LIST_WAIT,
    LEAD,
    MIN_PRESENCE,
    presence_in,
)
from bot.texts import welcome_calls as texts
from db.enums import (
    CallAnswer,
    CallFeedback,
    CallOccurrenceStatus,
    HumanContactKind,
    WelcomeCallStatus,
)
from db.models import Member, WelcomeCall, WelcomeCallInvite, WelcomeCallOccurrence, WelcomeCallPresence


async def voice_changed(
    *, session: AsyncSession, guild_id: int, user_id: int, channel_id: int | None, now: datetime
) -> bool:
    """A member joined (`channel_id`), moved or left (None) voice: their stay in a call's channel
    opens or closes. True when a call's presence changed."""
    member = await _member(session, guild_id, user_id)
    if member is None:
        return False
    changed = False
    open_stays = await session.execute(
        select(WelcomeCallPresence, WelcomeCall.channel_id)
        .join(WelcomeCallOccurrence, WelcomeCallPresence.occurrence_id == WelcomeCallOccurrence.id)
        .join(WelcomeCall, WelcomeCallOccurrence.call_id == WelcomeCall.id)
        .where(WelcomeCallPresence.member_id == member.id, WelcomeCallPresence.left_at.is_(None))
    )
    staying = False
    for stay, stay_channel in open_stays.all():
        if stay_channel == channel_id:
            staying = True
            continue
        stay.left_at, changed = now, True
    if channel_id is None or staying:
        return changed
    calls = await session.execute(
        select(WelcomeCallOccurrence)
        .join(WelcomeCall, WelcomeCallOccurrence.call_id == WelcomeCall.id)
        .where(
            WelcomeCall.guild_id == guild_id,
            WelcomeCall.channel_id == channel_id,
            WelcomeCallOccurrence.status.in_(_OPEN),
            WelcomeCallOccurrence.starts_at <= now + EARLY,
            WelcomeCallOccurrence.ends_at > now,
        )
    )
    for occurrence in calls.scalars():
        session.add(WelcomeCallPresence(occurrence_id=occurrence.id, member_id=member.id, joined_at=now))
        changed = True
    return changed


async def _close(
    session: AsyncSession, occurrence: WelcomeCallOccurrence, attendee_ids: set[int], now: datetime
) -> Closed:
    """Attendance recorded (a human contact each, naming the host), the next call scheduled."""
    call = await session.get_one(WelcomeCall, occurrence.call_id)
    attendee_ids.discard(call.host_member_id)
    invites = {
        invite.member_id: invite
        for invite in (
            await session.execute(
                select(WelcomeCallInvite).where(WelcomeCallInvite.occurrence_id == occurrence.id)
            )
        ).scalars()
    }
    for member_id in attendee_ids - set(invites):  # came without an invitation: counted all the same
        invite = WelcomeCallInvite(occurrence_id=occurrence.id, member_id=member_id, invited_at=now)
        session.add(invite)
        invites[member_id] = invite
    await session.flush()
    event = await _event(session, occurrence)
    users: dict[int, int] = {}
    if attendee_ids:
        rows = await session.execute(select(Member.id, Member.user_id).where(Member.id.in_(attendee_ids)))
        users = dict(rows.all())
    attendees = []
    in_order = sorted(attendee_ids)
    for member_id in in_order:
        invite = invites[member_id]
        invite.attended, invite.asked_at = True, now
        attendees.append(Invite(invite.id, users[member_id], event))
    await contacts.record_contacts(
        session=session,
        guild_id=call.guild_id,
        kind=HumanContactKind.WELCOME_CALL,
        subject_id=occurrence.id,
        at=occurrence.starts_at,
        members=((member_id, call.host_member_id) for member_id in in_order),
    )
    occurrence.status, occurrence.closed_at = CallOccurrenceStatus.CLOSED, now
    next_call = None
    if call.status == WelcomeCallStatus.ACTIVE:
        upcoming = await _schedule(session, call, max(occurrence.ends_at, now + LEAD), now, seats_now=False)
        next_call = await _event(session, upcoming)
    return Closed(event, tuple(attendees), next_call)


async def _present(session: AsyncSession, occurrence: WelcomeCallOccurrence, now: datetime) -> set[int]:
    stays = await session.execute(
        select(WelcomeCallPresence).where(WelcomeCallPresence.occurrence_id == occurrence.id)
    )
    by_member: dict[int, list[tuple[datetime, datetime | None]]] = {}
    for stay in stays.scalars():
        if stay.left_at is None:
            stay.left_at = min(now, occurrence.ends_at)
        by_member.setdefault(stay.member_id, []).append((stay.joined_at, stay.left_at))
    return {
        member_id
        for member_id, spans in by_member.items()
        if presence_in(spans, occurrence.starts_at, occurrence.ends_at) >= MIN_PRESENCE
    }


async def ends_due(*, session: AsyncSession, now: datetime) -> list[Ended]:
    """Calls whose end came: a voice call is counted from presence and closed; an external one
    waits for the host's list (asked once)."""
    ended = []
    due = await _occurrences(
        session, WelcomeCallOccurrence.status.in_(_OPEN), WelcomeCallOccurrence.ends_at <= now
    )
    events = await _events(session, due)  # their calls and hosts, in one query
    external = [o.id for o in due if events[o.id].channel_id is None]
    invited: dict[int, list[tuple[int, bool]]] = {occurrence_id: [] for occurrence_id in external}
    if external:  # the invitations of every external call that ended, in one query
        for invite, _, user_id in await _invites(
            session, WelcomeCallInvite.occurrence_id.in_(external), lock=False
        ):
            if invite.invited_at:
                invited[invite.occurrence_id].append((user_id, invite.answer == CallAnswer.INTERESTED))
    for occurrence in due:
        occurrence.status, occurrence.ended_at = CallOccurrenceStatus.ENDED, now
        event = events[occurrence.id]
        if event.channel_id is not None:
            closed = await _close(session, occurrence, await _present(session, occurrence, now), now)
            ended.append(Ended(closed.call, closed, None))
            continue
        occurrence.host_asked_at = now
        invitees = sorted(invited[occurrence.id], key=lambda item: (not item[1], item[0]))
        ended.append(Ended(event, None, AttendanceAsk(event, tuple(invitees))))
    # A host who never said who came: the call is closed without a count, so the next one is on.
    for occurrence in await _occurrences(
        session,
        WelcomeCallOccurrence.status == CallOccurrenceStatus.ENDED,
        WelcomeCallOccurrence.host_asked_at <= now - HOST_LIST_WAIT,
    ):
        closed = await _close(session, occurrence, set(), now)
        ended.append(Ended(closed.call, closed, None, just_ended=False))
    return ended


async def host_attendance(
    *,
    session: AsyncSession,
    occurrence_id: int,
    user_id: int,
    attended_user_ids: Sequence[int],
    now: datetime,
) -> Closed:
    """The host's one-tap list for an external call: who came (among the guild's members)."""
    found = (
        await session.execute(
            select(WelcomeCallOccurrence, WelcomeCall, Member)
            .join(WelcomeCall, WelcomeCallOccurrence.call_id == WelcomeCall.id)
            .join(Member, WelcomeCall.host_member_id == Member.id)
            .where(WelcomeCallOccurrence.id == occurrence_id)
            .with_for_update(of=WelcomeCallOccurrence)
        )
    ).first()
    if found is None:
        raise NotFoundError(texts.NO_SUCH_CALL)
    occurrence, call, host_member = found
    if host_member.user_id != user_id:
        raise NotAllowedError(texts.NOT_YOUR_CALL)
    if occurrence.status != CallOccurrenceStatus.ENDED:
        raise NotFoundError(texts.HOST_TOO_LATE)
    ids = list(attended_user_ids)
    rows = (
        await session.execute(
            select(Member.id).where(Member.guild_id == call.guild_id, Member.user_id.in_(ids))
        )
        if ids
        else None
    )
    return await _close(session, occurrence, set(rows.scalars()) if rows is not None else set(), now)


async def feedback(
    *, session: AsyncSession, invite_id: int, user_id: int, answer: CallFeedback, now: datetime
) -> bool:
    """An attendee's answer to "how was it?" (theirs only; the first answer stands)."""
    invite = await session.get(WelcomeCallInvite, invite_id, with_for_update=True)
    if invite is None or not invite.attended:
        return False
    member = await session.get(Member, invite.member_id)
    if member is None or member.user_id != user_id:
        return False
    if invite.feedback is None:
        invite.feedback, invite.feedback_at = answer, now
    return True
