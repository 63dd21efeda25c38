"""A member's answer to an invitation, and the invitations taken back: never two calls at once,
never a call outside the member's time zone."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.services.welcome_calls._inviting import _invite_for
from bot.services.welcome_calls._model import (
    Answered,
    AnswerNote,
)
from bot.services.welcome_calls._rows import (
    _holding,
    _member,
    _taken,
)
from bot.services.welcome_calls._rules import (
    Band,
    fits,
)
from bot.services.welcome_calls._seats import _keeps_seat
from db.enums import (
    CallAnswer,
    CallOccurrenceStatus,
)
from db.models import Member, WelcomeCall, WelcomeCallInvite, WelcomeCallOccurrence

_OTHER_INVITE, _OTHER_OCCURRENCE = aliased(WelcomeCallInvite), aliased(WelcomeCallOccurrence)
# An invitation with its member, occurrence and call, and whether the member holds another one
# they did not say no to (`_open_invites_of`, read only then): one statement, built once.
_ANSWERING = (
    select(
        WelcomeCallInvite,
        Member,
        WelcomeCallOccurrence,
        WelcomeCall,
        select(_OTHER_INVITE.id)
        .join(_OTHER_OCCURRENCE, _OTHER_INVITE.occurrence_id == _OTHER_OCCURRENCE.id)
        .where(
            _OTHER_INVITE.member_id == WelcomeCallInvite.member_id,
            _OTHER_INVITE.occurrence_id != WelcomeCallInvite.occurrence_id,
            *_holding(_OTHER_INVITE, _OTHER_OCCURRENCE),
        )
        .exists()
        .label("invited_elsewhere"),
    )
    .join(Member, WelcomeCallInvite.member_id == Member.id)
    .join(WelcomeCallOccurrence, WelcomeCallInvite.occurrence_id == WelcomeCallOccurrence.id)
    .join(WelcomeCall, WelcomeCallOccurrence.call_id == WelcomeCall.id)
    .where(WelcomeCallInvite.id == bindparam("invite_id"))
    .with_for_update(of=WelcomeCallInvite)
)


async def answer(
    *, session: AsyncSession, invite_id: int, user_id: int, interested: bool, now: datetime
) -> Answered:
    """Interested / can't make it, by the invited member only, while the call is upcoming."""
    found = (await session.execute(_ANSWERING, {"invite_id": invite_id})).first()
    if found is None:
        return Answered(False, False, None)
    invite, member, occurrence, call, invited_elsewhere = found
    if member.user_id != user_id:
        return Answered(False, False, None)
    if occurrence.status != CallOccurrenceStatus.SCHEDULED:
        return Answered(False, True, invite.answer)
    note = None
    if interested and invite.answer != CallAnswer.INTERESTED:
        band = Band(call.band_low_minutes, call.band_high_minutes)
        if not fits(band, member.timezone, occurrence.starts_at):  # they moved since
            return Answered(False, True, invite.answer, AnswerNote.NOT_THEIR_ZONE)
        if not _keeps_seat(invite, now) and await _taken(session, occurrence.id, now) >= call.size:
            return Answered(False, True, invite.answer, AnswerNote.FULL)  # their seat was given on
    first_no = not interested and invite.answer != CallAnswer.CANT_MAKE_IT
    invite.answer = CallAnswer.INTERESTED if interested else CallAnswer.CANT_MAKE_IT
    invite.answered_at = now
    await session.flush()
    if interested and invited_elsewhere and await _withdraw_others(session, member.id, occurrence.id, now):
        note = AnswerNote.SWITCHED  # never two calls at once: the one they said yes to stands
    if first_no:  # their place goes to the next one waiting in the band
        await _invite_for(session, call, occurrence, now)
    return Answered(True, True, invite.answer, note)


async def _withdraw(
    session: AsyncSession,
    invite: WelcomeCallInvite,
    occurrence: WelcomeCallOccurrence,
    now: datetime,
) -> None:
    """An invitation taken back (the member moved, or said yes to another call): one never sent
    goes; one sent counts as a no (no reminders, not busy). Its seat is offered on."""
    if invite.invited_at is None:
        await session.delete(invite)
    else:
        invite.answer = CallAnswer.CANT_MAKE_IT
    await session.flush()
    if occurrence.status == CallOccurrenceStatus.SCHEDULED and occurrence.starts_at > now:
        await _invite_for(session, await session.get_one(WelcomeCall, occurrence.call_id), occurrence, now)


async def _open_invites_of(
    session: AsyncSession, member_id: int, *, besides: int | None = None
) -> list[tuple[WelcomeCallInvite, WelcomeCallOccurrence, WelcomeCall]]:
    """A member's invitations to calls that are on, which they did not say no to (`besides`: not
    the one to that occurrence)."""
    conditions = [
        WelcomeCallInvite.member_id == member_id,
        *_holding(WelcomeCallInvite, WelcomeCallOccurrence),
    ]
    if besides is not None:
        conditions.append(WelcomeCallInvite.occurrence_id != besides)
    rows = await session.execute(
        select(WelcomeCallInvite, WelcomeCallOccurrence, WelcomeCall)
        .join(WelcomeCallOccurrence, WelcomeCallInvite.occurrence_id == WelcomeCallOccurrence.id)
        .join(WelcomeCall, WelcomeCallOccurrence.call_id == WelcomeCall.id)
        .where(*conditions)
        .order_by(WelcomeCallOccurrence.starts_at, WelcomeCallInvite.id)
        .with_for_update(of=WelcomeCallInvite)
    )
    return [(invite, occurrence, call) for invite, occurrence, call in rows.all()]


async def _withdraw_others(session: AsyncSession, member_id: int, keep: int, now: datetime) -> int:
    """A member said yes to occurrence `keep`: their invitations to other calls are withdrawn
    (never two calls at once). How many."""
    others = [
        (invite, occurrence)
        for invite, occurrence, _ in await _open_invites_of(session, member_id, besides=keep)
    ]
    for invite, occurrence in others:
        await _withdraw(session, invite, occurrence, now)
    return len(others)


async def moved(*, session: AsyncSession, member_id: int, now: datetime) -> int:
    """A member's time zone changed (they moved: `profile.set_locale`): their invitations to
    upcoming calls whose band no longer holds them at the call's start are withdrawn and the
    seats offered on; the calls of where they live now may invite them. How many withdrawn."""
    member = await session.get_one(Member, member_id)
    withdrawn = 0
    for invite, occurrence, call in await _open_invites_of(session, member_id):
        band = Band(call.band_low_minutes, call.band_high_minutes)
        if occurrence.status != CallOccurrenceStatus.SCHEDULED or fits(
            band, member.timezone, occurrence.starts_at
        ):
            continue
        await _withdraw(session, invite, occurrence, now)
        withdrawn += 1
    return withdrawn


async def interested_by_event(
    *, session: AsyncSession, guild_id: int, event_id: int, user_id: int, now: datetime
) -> bool:
    """A member marked the call's Discord event Interested: as good as the invitation's button
    (invited or not: they found it themselves), so they are reminded. False when it is no upcoming
    call of ours, or they are not a member we know."""
    occurrence = (
        await session.execute(
            select(WelcomeCallOccurrence).where(
                WelcomeCallOccurrence.guild_id == guild_id,
                WelcomeCallOccurrence.event_id == event_id,
                WelcomeCallOccurrence.status == CallOccurrenceStatus.SCHEDULED,
            )
        )
    ).scalar_one_or_none()
    member = await _member(session, guild_id, user_id)
    if occurrence is None or member is None:
        return False
    invite = (
        await session.execute(
            select(WelcomeCallInvite)
            .where(WelcomeCallInvite.occurrence_id == occurrence.id, WelcomeCallInvite.member_id == member.id)
            .with_for_update()
        )
    ).scalar_one_or_none()
    if invite is None:
        invite = WelcomeCallInvite(occurrence_id=occurrence.id, member_id=member.id, invited_at=now)
        session.add(invite)
    invite.answer, invite.answered_at = CallAnswer.INTERESTED, now
    await session.flush()
    await _withdraw_others(session, member.id, occurrence.id, now)  # never two calls at once
    return True
