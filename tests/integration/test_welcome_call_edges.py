"""Welcome calls' bad input and edges (issue 17): a host who cancels (those invited are told and
invited to the next call), never a call in a time zone the member does not live in, never two
calls at once for one member. SQLite and PostgreSQL.

The tests marked xfail (strict) show rules bot/services/welcome_calls.py does not keep yet; each
reason says what is missing. When it is fixed the test passes, and the mark must go."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.services import profile
from bot.services import welcome_calls as calls
from bot.services.gazetteer import get_gazetteer
from db.engine import SessionMaker
from db.enums import CallAnswer, CallOccurrenceStatus
from db.models import Member, WelcomeCallInvite, WelcomeCallOccurrence
from tests.integration.test_local_support import GUILD, NOW, onboard, organizer

NEW_YORK, CHICAGO, LOS_ANGELES, BERLIN, SYDNEY, BRISBANE = 9101, 9102, 9103, 9104, 9105, 9106
HOST, HOST_2 = 9910, 9911
VOICE = 556
HOUR = calls.REMIND_HOUR


async def _world(sessions: SessionMaker, *extra: tuple[int, str]) -> None:
    await organizer(sessions, HOST, "Philadelphia, Pennsylvania")
    await organizer(sessions, HOST_2, "Denver, Colorado")
    for user_id, place in (
        (NEW_YORK, "New York City"),
        (CHICAGO, "Chicago, Illinois"),
        (LOS_ANGELES, "Los Angeles, California"),
        (BERLIN, "Berlin, Germany"),
        *extra,
    ):
        await onboard(sessions, user_id, place)


async def _host(sessions: SessionMaker, user_id: int = HOST, **options: Any) -> calls.Hosted:
    values: dict[str, Any] = {"band": "UTC-8..-5", "weekday": 3, "at": "18:00", "channel_id": VOICE}
    values.update(options)
    async with sessions() as session, session.begin():
        return await calls.host(session=session, guild_id=GUILD, user_id=user_id, now=NOW, **values)


async def _send_invites(sessions: SessionMaker, now: datetime = NOW) -> dict[int, calls.Invite]:
    async with sessions() as session, session.begin():
        for event in await calls.events_due(session=session, now=now):
            await calls.record_event(
                session=session, occurrence_id=event.occurrence_id, event_id=event.occurrence_id + 8000
            )
        return {invite.user_id: invite for invite in await calls.invites_due(session=session, now=now)}


async def _answer(sessions: SessionMaker, invite: calls.Invite, interested: bool) -> calls.Answered:
    async with sessions() as session, session.begin():
        return await calls.answer(
            session=session,
            invite_id=invite.invite_id,
            user_id=invite.user_id,
            interested=interested,
            now=NOW,
        )


async def _cancel(sessions: SessionMaker, hosted: calls.Hosted) -> calls.Cancelled:
    async with sessions() as session, session.begin():
        return await calls.cancel(
            session=session,
            guild_id=GUILD,
            user_id=HOST,
            call_id=hosted.call.call_id,
            for_good=False,
            moderator=False,
            now=NOW,
        )


async def _open_invitations(sessions: SessionMaker, user_id: int) -> int:
    """How many upcoming calls `user_id` is invited to and did not say no to."""
    async with sessions() as session:
        found = await session.scalar(
            select(func.count())
            .select_from(WelcomeCallInvite)
            .join(WelcomeCallOccurrence, WelcomeCallInvite.occurrence_id == WelcomeCallOccurrence.id)
            .join(Member, WelcomeCallInvite.member_id == Member.id)
            .where(
                Member.user_id == user_id,
                WelcomeCallInvite.answer != CallAnswer.CANT_MAKE_IT,
                WelcomeCallOccurrence.status.in_(
                    (CallOccurrenceStatus.SCHEDULED, CallOccurrenceStatus.STARTED)
                ),
            )
        )
    return int(found or 0)


# -- a host who cancels --------------------------------------------------------------------


async def test_a_host_who_cancels_tells_those_invited_and_invites_them_to_the_next(
    sessions: SessionMaker,
) -> None:
    await _world(sessions)
    hosted = await _host(sessions)
    invites = await _send_invites(sessions)
    assert set(invites) == {NEW_YORK, CHICAGO, LOS_ANGELES}
    await _answer(sessions, invites[NEW_YORK], True)
    await _answer(sessions, invites[CHICAGO], False)
    cancelled = await _cancel(sessions, hosted)
    # Told: whoever had not said no (interested or not answered yet); Chicago said no already.
    assert set(cancelled.tell_user_ids) == {NEW_YORK, LOS_ANGELES}
    assert cancelled.next_call is not None and cancelled.next_call.starts_at > hosted.call.starts_at
    again = await _send_invites(sessions)
    assert {NEW_YORK, LOS_ANGELES} <= set(again)
    assert {invite.call.occurrence_id for invite in again.values()} == {cancelled.next_call.occurrence_id}
    # Their old invitations are dead: answering one changes nothing.
    assert not (await _answer(sessions, invites[NEW_YORK], True)).ok


@pytest.mark.xfail(
    strict=True,
    reason="welcome_calls._cancel seats the next call by seat_order, not those just told first: "
    "one who had the place someone could not make is told 'I'll invite you to the next one' "
    "and is not invited when the call is full",
)
async def test_a_host_who_cancels_invites_everyone_told_to_the_next_even_when_it_is_full(
    sessions: SessionMaker,
) -> None:
    await _world(sessions)
    hosted = await _host(sessions, size=2)
    first = await _send_invites(sessions)
    declined = next(iter(first))
    await _answer(sessions, first[declined], False)
    [freed] = set(await _send_invites(sessions))  # the place they could not make, given on
    cancelled = await _cancel(sessions, hosted)
    told = set(cancelled.tell_user_ids)
    assert freed in told and declined not in told
    assert told <= set(await _send_invites(sessions))


# -- never a call in a time zone they do not live in ----------------------------------------


async def test_a_member_is_only_invited_to_a_call_for_the_zone_they_live_in_at_its_start(
    sessions: SessionMaker,
) -> None:
    await _world(sessions, (SYDNEY, "Sydney, Australia"), (BRISBANE, "Brisbane, Australia"))
    await _host(sessions, band="-8..-6")  # New York is UTC-5 in November: not theirs
    assert set(await _send_invites(sessions)) == {CHICAGO, LOS_ANGELES}
    # Sydney keeps summer time in November (UTC+11), Brisbane never does (UTC+10): a +10 call is
    # Brisbane's only, though both share a standard offset.
    await _host(sessions, HOST_2, band="+10..+10", at="20:00", timezone="Australia/Brisbane")
    assert set(await _send_invites(sessions)) == {BRISBANE}
    for user_id in (NEW_YORK, BERLIN, SYDNEY):
        assert await _open_invitations(sessions, user_id) == 0


@pytest.mark.xfail(
    strict=True,
    reason="an invitation is checked against the band only when it is made: after a member "
    "moves (profile.set_locale) they are still reminded of a call outside their new zone, and "
    "stay busy for the calls of where they live now",
)
async def test_a_member_who_moves_is_no_longer_invited_to_the_call_of_their_old_zone(
    sessions: SessionMaker,
) -> None:
    await _world(sessions)
    hosted = await _host(sessions)
    invites = await _send_invites(sessions)
    await _answer(sessions, invites[NEW_YORK], True)
    berlin = get_gazetteer().resolve("Berlin, Germany").best
    assert berlin is not None
    async with sessions() as session, session.begin():
        await profile.set_locale(session=session, guild_id=GUILD, user_id=NEW_YORK, place=berlin, now=NOW)
    async with sessions() as session, session.begin():
        reminded = await calls.reminders_due(session=session, now=hosted.call.starts_at - 23 * HOUR)
    assert NEW_YORK not in {r.user_id for r in reminded}
    await _host(sessions, HOST_2, band="0..+2", at="19:00", timezone="Europe/Berlin")
    assert NEW_YORK in set(await _send_invites(sessions))  # Berlin's call is theirs now


# -- never two calls at once ------------------------------------------------------------------


async def test_a_member_is_never_invited_to_two_calls_at_once(sessions: SessionMaker) -> None:
    await _world(sessions)
    await _host(sessions)
    first = await _send_invites(sessions)
    await _answer(sessions, first[CHICAGO], False)  # can't make it: free for another call
    # Two more calls over the same zones, a voice one and an external one.
    await _host(sessions, HOST_2, band="-8..-5", weekday=4)
    assert set(await _send_invites(sessions)) == {CHICAGO}
    await _host(sessions, HOST_2, band="-7..-5", weekday=5, channel_id=None, location="https://m.example/a")
    assert await _send_invites(sessions) == {}
    for user_id in (NEW_YORK, CHICAGO, LOS_ANGELES):
        assert await _open_invitations(sessions, user_id) == 1


@pytest.mark.xfail(
    strict=True,
    reason="welcome_calls.answer takes 'interested' on an invitation the member said no to while "
    "they hold another call's invitation (and interested_by_event takes any call's event): "
    "interested in two calls at once, reminded of both",
)
async def test_changing_ones_mind_never_makes_two_calls_at_once(sessions: SessionMaker) -> None:
    await _world(sessions)
    await _host(sessions)
    first = await _send_invites(sessions)
    await _answer(sessions, first[CHICAGO], False)
    await _host(sessions, HOST_2, band="-8..-5", weekday=4)
    assert set(await _send_invites(sessions)) == {CHICAGO}
    await _answer(sessions, first[CHICAGO], True)  # after all, the first call's day suits them
    assert await _open_invitations(sessions, CHICAGO) == 1
