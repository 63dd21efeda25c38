"""Welcome calls' bad input and edges (issue 17): a host who cancels (those invited are told and
invited to the next call), never a call in a time zone the member does not live in, never two
calls at once for one member (a member who moves loses the invitations of their old zone; one who
changes their mind keeps one call). SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime
from typing import Any

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


async def test_changing_ones_mind_never_makes_two_calls_at_once(sessions: SessionMaker) -> None:
    await _world(sessions)
    await _host(sessions)
    first = await _send_invites(sessions)
    await _answer(sessions, first[CHICAGO], False)
    await _host(sessions, HOST_2, band="-8..-5", weekday=4)
    assert set(await _send_invites(sessions)) == {CHICAGO}
    await _answer(sessions, first[CHICAGO], True)  # after all, the first call's day suits them
    assert await _open_invitations(sessions, CHICAGO) == 1


async def test_interested_on_another_calls_event_withdraws_the_first_invitation(
    sessions: SessionMaker,
) -> None:
    await _world(sessions)
    await _host(sessions)
    first = await _send_invites(sessions)
    second = await _host(sessions, HOST_2, band="-8..-5", weekday=4)
    await _send_invites(sessions)  # its event made; everyone in the band is invited to the first
    async with sessions() as session, session.begin():
        assert second.call.occurrence_id is not None
        found = await calls.interested_by_event(
            session=session,
            guild_id=GUILD,
            event_id=second.call.occurrence_id + 8000,
            user_id=CHICAGO,
            now=NOW,
        )
    assert found
    assert await _open_invitations(sessions, CHICAGO) == 1
    # The first invitation's button now says no more than the truth: a yes there moves them back.
    answered = await _answer(sessions, first[CHICAGO], True)
    assert answered.ok and answered.note == calls.AnswerNote.SWITCHED
    assert await _open_invitations(sessions, CHICAGO) == 1
    async with sessions() as session:
        reminded = await calls.reminders_due(session=session, now=second.call.starts_at - 23 * HOUR)
    assert CHICAGO not in {r.user_id for r in reminded}


async def test_a_yes_after_a_no_is_refused_once_the_seat_went_to_someone_else(sessions: SessionMaker) -> None:
    await _world(sessions)
    await _host(sessions, size=2)
    first = await _send_invites(sessions)
    declined = next(iter(first))
    await _answer(sessions, first[declined], False)
    assert len(await _send_invites(sessions)) == 1  # the place given on
    answered = await _answer(sessions, first[declined], True)
    assert not answered.ok and answered.mine and answered.note == calls.AnswerNote.FULL
    assert await _open_invitations(sessions, declined) == 0


async def test_a_member_who_moved_cannot_say_yes_to_the_call_of_their_old_zone(
    sessions: SessionMaker,
) -> None:
    await _world(sessions)
    await _host(sessions)
    invites = await _send_invites(sessions)
    berlin = get_gazetteer().resolve("Berlin, Germany").best
    assert berlin is not None
    async with sessions() as session, session.begin():
        await profile.set_locale(session=session, guild_id=GUILD, user_id=CHICAGO, place=berlin, now=NOW)
    answered = await _answer(sessions, invites[CHICAGO], True)
    assert not answered.ok and answered.note == calls.AnswerNote.NOT_THEIR_ZONE
    assert await _open_invitations(sessions, CHICAGO) == 0
    # A move within the band keeps the invitation.
    denver = get_gazetteer().resolve("Denver, Colorado").best
    assert denver is not None
    async with sessions() as session, session.begin():
        await profile.set_locale(session=session, guild_id=GUILD, user_id=NEW_YORK, place=denver, now=NOW)
    assert await _open_invitations(sessions, NEW_YORK) == 1


async def test_a_call_ended_for_good_seats_those_told_in_another_call_of_their_band(
    sessions: SessionMaker,
) -> None:
    await _world(sessions)
    hosted = await _host(sessions, band="-6..-5")  # New York and Chicago
    invites = await _send_invites(sessions)
    assert set(invites) == {NEW_YORK, CHICAGO}
    other = await _host(sessions, HOST_2, band="-8..-5", weekday=5)
    assert set(await _send_invites(sessions)) == {LOS_ANGELES}  # the others are busy
    async with sessions() as session, session.begin():
        cancelled = await calls.cancel(
            session=session,
            guild_id=GUILD,
            user_id=HOST,
            call_id=hosted.call.call_id,
            for_good=True,
            moderator=False,
            now=NOW,
        )
    assert cancelled.next_call is None and set(cancelled.tell_user_ids) == {NEW_YORK, CHICAGO}
    for user_id in (NEW_YORK, CHICAGO):
        upcoming = cancelled.next_for(user_id)
        assert upcoming is not None and upcoming.occurrence_id == other.call.occurrence_id
    assert set(await _send_invites(sessions)) == {NEW_YORK, CHICAGO}


async def test_an_invitation_left_unanswered_gives_its_seat_on(sessions: SessionMaker) -> None:
    await _world(sessions)
    await _host(sessions, size=2, weekday=5)  # Saturday: three days ahead
    first = await _send_invites(sessions)
    assert len(first) == 2
    quiet, keen = sorted(first)
    await _answer(sessions, first[keen], True)
    later = NOW + calls.ANSWER_WAIT + HOUR
    [third] = set(await _send_invites(sessions, later))  # the seat left unanswered, offered on
    assert third not in first
    # The first invitation stands, but its seat is taken now: a late yes is told so.
    async with sessions() as session, session.begin():
        late = await calls.answer(
            session=session, invite_id=first[quiet].invite_id, user_id=quiet, interested=True, now=later
        )
    assert not late.ok and late.note == calls.AnswerNote.FULL


async def test_who_rests_is_read_as_the_rule_reads_each_members_history(sessions: SessionMaker) -> None:
    """`resting` counts each member's unanswered invitations in the database; `resting_until`
    is the rule over one member's history: both give the same rests."""
    await _world(sessions)
    hosted = await _host(sessions)
    week = 7 * 24 * HOUR
    pending, interested, cant = CallAnswer.PENDING, CallAnswer.INTERESTED, CallAnswer.CANT_MAKE_IT
    # Weeks ago, the answer, came, sent: newest first. A cancelled call counts for nothing, nor
    # does an invitation never sent or one older than the window.
    histories: dict[int, list[tuple[int, CallAnswer, bool, bool]]] = {
        NEW_YORK: [
            (1, pending, False, True),
            (2, pending, False, True),
            (3, interested, False, True),
            (4, pending, False, True),
        ],
        CHICAGO: [(1, pending, True, True), (2, pending, False, False)],  # came without a word
        LOS_ANGELES: [(5, pending, False, True), (6, pending, False, True)],
        BERLIN: [(2, cant, False, True), (17, pending, False, True)],
    }
    cancelled_week = 1
    async with sessions() as session, session.begin():
        members = dict(
            (await session.execute(select(Member.user_id, Member.id).where(Member.guild_id == GUILD)))
            .tuples()
            .all()
        )
        occurrences: dict[tuple[int, bool], WelcomeCallOccurrence] = {}
        for weeks in range(1, 18):
            for off in (False, True):
                starts_at = NOW - weeks * week + (HOUR if off else 0 * HOUR)
                occurrences[weeks, off] = WelcomeCallOccurrence(
                    call_id=hosted.call.call_id,
                    guild_id=GUILD,
                    starts_at=starts_at,
                    ends_at=starts_at + HOUR,
                    status=CallOccurrenceStatus.CANCELLED if off else CallOccurrenceStatus.ENDED,
                )
        session.add_all(occurrences.values())
        await session.flush()
        for user_id, history in histories.items():
            for weeks, answer, came, sent in history:
                session.add(
                    WelcomeCallInvite(
                        occurrence_id=occurrences[weeks, False].id,
                        member_id=members[user_id],
                        answer=answer,
                        attended=came,
                        invited_at=NOW - weeks * week - 24 * HOUR if sent else None,
                    )
                )
            session.add(
                WelcomeCallInvite(
                    occurrence_id=occurrences[cancelled_week, True].id,
                    member_id=members[user_id],
                    invited_at=NOW - week - 24 * HOUR,
                )
            )
    async with sessions() as session:
        by_guild = await calls.resting(session, NOW, guild_id=GUILD)
        by_ids = await calls.resting(session, NOW, member_ids=[members[u] for u in histories])
    window = calls.MAX_REST * 2
    expected: tuple[set[int], set[int]] = (set(), set())
    for user_id, history in histories.items():
        until = calls.resting_until(
            [(NOW - w * week, a, came) for w, a, came, sent in history if sent and w * week < window]
        )
        if until is not None:
            expected[1].add(members[user_id])
            if until > NOW:
                expected[0].add(members[user_id])
    assert by_guild == by_ids == expected == ({members[NEW_YORK]}, {members[NEW_YORK], members[LOS_ANGELES]})
