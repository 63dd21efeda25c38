"""Welcome calls (issue 17 item 3) on the database: who is invited (those waiting in the band,
never elsewhere, never to two calls), answers, reminders claimed once, voice presence counted,
contacts recorded, the next call scheduled, the host's list for an external call, cancelling, and
what /mod attention shows; SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.errors import NotAllowedError, NotFoundError
from bot.services import pairing, privacy, privacy_export, waiting
from bot.services import welcome_calls as calls
from db.engine import SessionMaker
from db.enums import CallAnswer, CallFeedback, HumanContactKind
from db.models import HumanContact, Member, WelcomeCallInvite, WelcomeCallPresence
from tests.integration.test_local_support import GUILD, NOW, leave_server, onboard, organizer

NEW_YORK, CHICAGO, LOS_ANGELES, BERLIN, BOSTON, HOST, HOST_2 = 9001, 9002, 9003, 9004, 9005, 9900, 9901
MINUTE, HOUR = timedelta(minutes=1), timedelta(hours=1)
VOICE = 555


async def _world(sessions: SessionMaker) -> None:
    await organizer(sessions, HOST, "Philadelphia, Pennsylvania")
    await organizer(sessions, HOST_2, "Denver, Colorado")
    for user_id, place in (
        (NEW_YORK, "New York City"),
        (CHICAGO, "Chicago, Illinois"),
        (LOS_ANGELES, "Los Angeles, California"),
        (BERLIN, "Berlin, Germany"),
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
                session=session, occurrence_id=event.occurrence_id, event_id=event.occurrence_id + 7000
            )
        return {invite.user_id: invite for invite in await calls.invites_due(session=session, now=now)}


async def _answer(
    sessions: SessionMaker, invite: calls.Invite, interested: bool, user_id: int | None = None
) -> calls.Answered:
    async with sessions() as session, session.begin():
        return await calls.answer(
            session=session,
            invite_id=invite.invite_id,
            user_id=user_id or invite.user_id,
            interested=interested,
            now=NOW,
        )


async def _reminders(sessions: SessionMaker, now: datetime) -> list[tuple[int, calls.Reminder | None]]:
    async with sessions() as session, session.begin():
        return [(r.user_id, r.reminder) for r in await calls.reminders_due(session=session, now=now)]


async def _voice(sessions: SessionMaker, user_id: int, channel_id: int | None, now: datetime) -> bool:
    async with sessions() as session, session.begin():
        return await calls.voice_changed(
            session=session, guild_id=GUILD, user_id=user_id, channel_id=channel_id, now=now
        )


async def _ends(sessions: SessionMaker, now: datetime) -> list[calls.Ended]:
    async with sessions() as session, session.begin():
        return await calls.ends_due(session=session, now=now)


async def test_a_voice_call_from_invitation_to_the_next_week(sessions: SessionMaker) -> None:
    await _world(sessions)
    with pytest.raises(NotAllowedError):  # only organizers host
        await _host(sessions, NEW_YORK)
    hosted = await _host(sessions)
    start = hosted.call.starts_at
    assert start == datetime(2026, 11, 26, 23, 0, tzinfo=NOW.tzinfo)  # Thursday 18:00 in Philadelphia
    assert hosted.call.band == calls.Band(-480, -300) and hosted.call.size == 8

    # Invited: those waiting in UTC-8..-5; Berlin never, nor the other organizer.
    invites = await _send_invites(sessions)
    assert set(invites) == {NEW_YORK, CHICAGO, LOS_ANGELES}
    assert await _send_invites(sessions) == {}  # claimed once

    assert not (await _answer(sessions, invites[NEW_YORK], True, user_id=CHICAGO)).ok  # not theirs
    assert (await _answer(sessions, invites[NEW_YORK], True)).answer == CallAnswer.INTERESTED
    assert (await _answer(sessions, invites[CHICAGO], False)).answer == CallAnswer.CANT_MAKE_IT
    await _answer(sessions, invites[LOS_ANGELES], True)

    # Reminders to those coming: 24 h, then 1 h before, each once.
    assert await _reminders(sessions, start - 25 * HOUR) == []
    assert sorted(await _reminders(sessions, start - 23 * HOUR)) == [
        (NEW_YORK, calls.Reminder.DAY),
        (LOS_ANGELES, calls.Reminder.DAY),
    ]
    assert await _reminders(sessions, start - 22 * HOUR) == []
    assert len(await _reminders(sessions, start - 30 * MINUTE)) == 2
    assert await _reminders(sessions, start - 20 * MINUTE) == []

    # A second call in an overlapping band that week: never two calls for one member.
    second = await _host(sessions, HOST_2, band="-7..-5", channel_id=None, location="https://meet.example/x")
    assert set(await _send_invites(sessions)) == {CHICAGO}  # said no to the first; the others are taken
    assert second.call.location == "https://meet.example/x"

    # The call: New York stays half an hour, Los Angeles five minutes, the host is there too.
    async with sessions() as session, session.begin():
        assert [e.occurrence_id for e in await calls.starts_due(session=session, now=start)] == [
            hosted.call.occurrence_id
        ]
    assert await _voice(sessions, NEW_YORK, VOICE, start + MINUTE)
    assert await _voice(sessions, HOST, VOICE, start - 5 * MINUTE)
    assert not await _voice(sessions, NEW_YORK, VOICE, start + 2 * MINUTE)  # still there
    assert await _voice(sessions, NEW_YORK, None, start + 31 * MINUTE)
    assert await _voice(sessions, LOS_ANGELES, VOICE, start + 55 * MINUTE)
    assert not await _voice(sessions, BERLIN, 777, start)  # another channel: nothing

    [ended] = [
        e for e in await _ends(sessions, start + HOUR) if e.call.occurrence_id == hosted.call.occurrence_id
    ]
    assert ended.closed is not None and ended.ask_host is None
    assert [a.user_id for a in ended.closed.attendees] == [NEW_YORK]
    async with sessions() as session:
        contact = (
            await session.execute(
                select(HumanContact, Member.user_id)
                .join(Member, HumanContact.counterpart_member_id == Member.id)
                .where(HumanContact.kind == HumanContactKind.WELCOME_CALL)
            )
        ).one()
        assert contact.user_id == HOST
        came = await session.get_one(Member, contact.HumanContact.member_id)
        assert came.user_id == NEW_YORK
    # The next week's call, and the invitations again: not New York (came), not Chicago (invited
    # to the other call).
    upcoming = ended.closed.next_call
    assert upcoming is not None and upcoming.starts_at == start + timedelta(weeks=1)
    again = await _send_invites(sessions, start + HOUR)
    assert set(again) == {LOS_ANGELES}

    # One question afterwards, answered by the attendee only.
    [asked] = ended.closed.attendees
    async with sessions() as session, session.begin():
        assert await calls.feedback(
            session=session, invite_id=asked.invite_id, user_id=NEW_YORK, answer=CallFeedback.GLAD, now=start
        )
        assert not await calls.feedback(
            session=session,
            invite_id=invites[LOS_ANGELES].invite_id,
            user_id=LOS_ANGELES,
            answer=CallFeedback.GLAD,
            now=start,
        )

    # The host calls the next one off: those invited are told and invited to the one after.
    async with sessions() as session, session.begin():
        with pytest.raises(NotAllowedError):
            await calls.cancel(
                session=session,
                guild_id=GUILD,
                user_id=NEW_YORK,
                call_id=hosted.call.call_id,
                for_good=False,
                moderator=False,
                now=start + HOUR,
            )
    async with sessions() as session, session.begin():
        cancelled = await calls.cancel(
            session=session,
            guild_id=GUILD,
            user_id=HOST,
            call_id=hosted.call.call_id,
            for_good=False,
            moderator=False,
            now=start + HOUR,
        )
    assert cancelled.tell_user_ids == (LOS_ANGELES,) and cancelled.call.event_id is not None
    assert cancelled.next_call is not None and cancelled.next_call.starts_at == start + timedelta(weeks=2)
    assert set(await _send_invites(sessions, start + HOUR)) == {LOS_ANGELES}

    # /mod attention: the calls on, and where one more would help (Berlin's band).
    async with sessions() as session:
        plan = await calls.plan(session=session, guild_id=GUILD, now=start + HOUR)
        listed = await calls.listing(session=session, guild_id=GUILD)
    assert plan.scheduled == 2 and plan.invited == 2
    assert plan.band is not None and plan.band.fits(60) and plan.would_reach >= 1
    assert [item.call.call_id for item in listed] == [second.call.call_id, hosted.call.call_id]


async def test_an_external_call_is_counted_from_the_hosts_list(sessions: SessionMaker) -> None:
    await _world(sessions)
    hosted = await _host(sessions, channel_id=None, location="https://meet.example/welcome", size=2)
    invites = await _send_invites(sessions)
    assert len(invites) == 2  # the size caps the invitations: the newcomers first
    first = next(iter(invites))
    await _answer(sessions, invites[first], True)
    [ended] = await _ends(sessions, hosted.call.ends_at)
    assert ended.closed is None and ended.ask_host is not None
    assert ended.ask_host.invitees[0] == (first, True)  # those who said yes first
    assert await _ends(sessions, hosted.call.ends_at + HOUR) == []  # asked once
    async with sessions() as session, session.begin():
        with pytest.raises(NotAllowedError):
            await calls.host_attendance(
                session=session,
                occurrence_id=hosted.call.occurrence_id,
                user_id=first,
                attended_user_ids=[first],
                now=NOW,
            )
    async with sessions() as session, session.begin():
        closed = await calls.host_attendance(
            session=session,
            occurrence_id=hosted.call.occurrence_id,
            user_id=HOST,
            attended_user_ids=[first, BERLIN],
            now=hosted.call.ends_at + HOUR,
        )
    # Berlin joined without an invitation: counted all the same, and asked too.
    assert {a.user_id for a in closed.attendees} == {first, BERLIN}
    assert closed.next_call is not None
    async with sessions() as session:
        attended = (
            (await session.execute(select(WelcomeCallInvite).where(WelcomeCallInvite.attended)))
            .scalars()
            .all()
        )
        contacts = (await session.execute(select(HumanContact))).scalars().all()
    assert len(attended) == 2 and {c.kind for c in contacts} == {HumanContactKind.WELCOME_CALL}


async def test_a_call_ended_for_good_invites_nobody_again(sessions: SessionMaker) -> None:
    await _world(sessions)
    hosted = await _host(sessions)
    await _send_invites(sessions)
    async with sessions() as session, session.begin():
        cancelled = await calls.cancel(
            session=session,
            guild_id=GUILD,
            user_id=1,
            call_id=hosted.call.call_id,
            for_good=True,
            moderator=True,
            now=NOW,
        )
    assert cancelled.for_good and cancelled.next_call is None
    assert set(cancelled.tell_user_ids) == {NEW_YORK, CHICAGO, LOS_ANGELES}
    async with sessions() as session:
        assert await calls.listing(session=session, guild_id=GUILD) == []
    # Free again for another host's call.
    await _host(sessions, HOST_2, band="-8..-5")
    assert set(await _send_invites(sessions)) == {NEW_YORK, CHICAGO, LOS_ANGELES}


async def test_a_member_who_left_is_neither_invited_nor_reminded(sessions: SessionMaker) -> None:
    await _world(sessions)
    hosted = await _host(sessions)
    await leave_server(sessions, CHICAGO)
    invites = await _send_invites(sessions)
    assert set(invites) == {NEW_YORK, LOS_ANGELES}
    await _answer(sessions, invites[NEW_YORK], True)
    await leave_server(sessions, NEW_YORK)
    assert await _reminders(sessions, hosted.call.starts_at - 23 * HOUR) == []


async def test_a_waiting_member_hears_of_their_welcome_call_meanwhile(sessions: SessionMaker) -> None:
    await _world(sessions)
    async with sessions() as session, session.begin():
        await pairing.request_mentor(session=session, guild_id=GUILD, user_id=NEW_YORK, now=NOW)

    async def meanwhile() -> tuple[waiting.Meanwhile, ...]:
        async with sessions() as session, session.begin():
            update = await waiting.tell_standing(
                session=session,
                guild_id=GUILD,
                user_id=NEW_YORK,
                now=NOW,
                batch_every=timedelta(days=1),
                news=waiting.WaitNews.SHOWN,
            )
        assert update is not None
        return update.meanwhile

    assert waiting.Meanwhile.WELCOME_CALL not in await meanwhile()
    hosted = await _host(sessions)
    invites = await _send_invites(sessions)
    assert waiting.Meanwhile.WELCOME_CALL in await meanwhile()
    await _answer(sessions, invites[NEW_YORK], False)  # can't make it: not counted on
    assert waiting.Meanwhile.WELCOME_CALL not in await meanwhile()
    assert hosted.call.occurrence_id


async def test_interested_on_the_discord_event_counts_like_the_button(sessions: SessionMaker) -> None:
    await _world(sessions)
    hosted = await _host(sessions, size=2)
    invites = await _send_invites(sessions)
    left_out = ({NEW_YORK, CHICAGO, LOS_ANGELES} - set(invites)).pop()
    event_id = hosted.call.occurrence_id + 7000  # as _send_invites recorded it

    async def interested(user_id: int, event: int = event_id) -> bool:
        async with sessions() as session, session.begin():
            return await calls.interested_by_event(
                session=session, guild_id=GUILD, event_id=event, user_id=user_id, now=NOW
            )

    assert await interested(next(iter(invites)))
    assert await interested(left_out)  # found it themselves: counted, and reminded
    assert not await interested(left_out, event=1)  # not one of our calls
    assert not await interested(424242)  # nobody we know
    reminded = await _reminders(sessions, hosted.call.starts_at - 23 * HOUR)
    assert {user for user, _ in reminded} == {next(iter(invites)), left_out}


async def test_a_host_who_leaves_ends_their_calls(sessions: SessionMaker) -> None:
    await _world(sessions)
    await _host(sessions)
    invites = await _send_invites(sessions)
    await _answer(sessions, invites[CHICAGO], False)
    async with sessions() as session, session.begin():
        ended = await calls.host_left(session=session, guild_id=GUILD, user_id=HOST, now=NOW)
        assert await calls.host_left(session=session, guild_id=GUILD, user_id=NEW_YORK, now=NOW) == []
    [cancelled] = ended
    assert cancelled.for_good and cancelled.next_call is None
    assert set(cancelled.tell_user_ids) == {NEW_YORK, LOS_ANGELES}  # not Chicago, who said no
    async with sessions() as session, session.begin():
        assert await calls.listing(session=session, guild_id=GUILD) == []
        assert await calls.host_left(session=session, guild_id=GUILD, user_id=HOST, now=NOW) == []


async def test_a_place_someone_cannot_make_goes_to_the_next_waiting(sessions: SessionMaker) -> None:
    await _world(sessions)
    await _host(sessions, size=2)
    first = await _send_invites(sessions)
    [left_out] = {NEW_YORK, CHICAGO, LOS_ANGELES} - set(first)
    declined = next(iter(first))
    await _answer(sessions, first[declined], False)
    assert set(await _send_invites(sessions)) == {left_out}  # the freed place
    await _answer(sessions, first[declined], False)  # saying it again frees nothing more
    await _answer(sessions, first[declined], True)  # changing their mind: coming after all
    assert await _send_invites(sessions) == {}


async def test_privacy_export_shows_a_members_calls_and_deletion_removes_them(sessions: SessionMaker) -> None:
    await _world(sessions)
    hosted = await _host(sessions)
    start = hosted.call.starts_at
    invites = await _send_invites(sessions)
    await _answer(sessions, invites[NEW_YORK], True)
    await _voice(sessions, NEW_YORK, VOICE, start + 10 * MINUTE)
    await _voice(sessions, NEW_YORK, None, start + 40 * MINUTE)
    [ended] = [e for e in await _ends(sessions, start + HOUR) if e.closed is not None]
    assert ended.closed is not None
    [came] = ended.closed.attendees
    async with sessions() as session, session.begin():
        await calls.feedback(
            session=session,
            invite_id=came.invite_id,
            user_id=NEW_YORK,
            answer=CallFeedback.GLAD,
            now=start + HOUR,
        )

    async def exported(user_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
        async with sessions() as session:
            data = await privacy.everything_about(session=session, guild_id=GUILD, user_id=user_id)
        return data, privacy_export.readable(data, server="s", now=NOW, names={})

    data, readable = await exported(NEW_YORK)
    assert privacy_export.unaccounted(data) == set()
    [invitation] = readable["Welcome calls"]["Invitations"]
    assert invitation["You came"] == "yes" and invitation["Your answer"] == "I'd like to come"
    assert invitation["Minutes in the voice channel during the call"] == 30
    assert invitation["How it was"] == "glad I came" and invitation["For time zones"] == "UTC-8..-5"
    assert "1 welcome call invitation" in privacy_export.summary(data)
    host_data, host_readable = await exported(HOST)
    assert privacy_export.unaccounted(host_data) == set()
    [call] = host_readable["Welcome calls"]["Calls you host"]
    assert call["Day"] == "Thursday" and call["Time, in your time zone"] == "18:00"

    async with sessions() as session, session.begin():
        await privacy.delete_member_data(
            session=session, guild_id=GUILD, user_id=NEW_YORK, now=NOW, reason="asked"
        )
    async with sessions() as session:
        assert (await session.execute(select(WelcomeCallPresence))).scalars().all() == []  # hers only
        left = {
            user_id
            for (user_id,) in (
                await session.execute(
                    select(Member.user_id).join(WelcomeCallInvite, WelcomeCallInvite.member_id == Member.id)
                )
            ).all()
        }
    assert NEW_YORK not in left and left  # the others' invitations stay


async def test_an_event_made_after_the_call_was_called_off_or_made_twice_is_not_kept(
    sessions: SessionMaker,
) -> None:
    await _world(sessions)
    hosted = await _host(sessions)
    async with sessions() as session, session.begin():
        assert await calls.record_event(session=session, occurrence_id=hosted.call.occurrence_id, event_id=11)
        assert await calls.record_event(session=session, occurrence_id=hosted.call.occurrence_id, event_id=11)
        assert not await calls.record_event(
            session=session, occurrence_id=hosted.call.occurrence_id, event_id=12
        )
    async with sessions() as session, session.begin():
        await calls.cancel(
            session=session,
            guild_id=GUILD,
            user_id=HOST,
            call_id=hosted.call.call_id,
            for_good=True,
            moderator=False,
            now=NOW,
        )
        assert not await calls.record_event(
            session=session, occurrence_id=hosted.call.occurrence_id, event_id=11
        )


async def test_an_external_call_whose_host_never_answers_still_goes_on_next_week(
    sessions: SessionMaker,
) -> None:
    await _world(sessions)
    hosted = await _host(sessions, channel_id=None, location="https://meet.example/welcome")
    await _send_invites(sessions)
    end = hosted.call.ends_at
    [asked] = await _ends(sessions, end)
    assert asked.ask_host is not None and asked.just_ended
    assert await _ends(sessions, end + calls.HOST_LIST_WAIT - MINUTE) == []
    [closed] = await _ends(sessions, end + calls.HOST_LIST_WAIT)
    assert closed.closed is not None and not closed.just_ended and closed.closed.attendees == ()
    assert closed.closed.next_call is not None
    assert closed.closed.next_call.starts_at == hosted.call.starts_at + timedelta(weeks=1)
    async with sessions() as session, session.begin():
        with pytest.raises(NotFoundError):  # too late for the list now
            await calls.host_attendance(
                session=session,
                occurrence_id=hosted.call.occurrence_id,
                user_id=HOST,
                attended_user_ids=[],
                now=end,
            )


async def _next_week(sessions: SessionMaker, occurrence_start: datetime) -> calls.Ended:
    """The voice call starting at `occurrence_start` ends (nobody came); the next is scheduled."""
    async with sessions() as session, session.begin():
        await calls.starts_due(session=session, now=occurrence_start)
    [ended] = await _ends(sessions, occurrence_start + HOUR)
    return ended


async def test_a_member_who_leaves_invitations_unanswered_rests_longer_each_time(
    sessions: SessionMaker,
) -> None:
    await _world(sessions)
    hosted = await _host(sessions)
    starts_at, asked_at = hosted.call.starts_at, NOW
    asked: list[set[int]] = []
    for _ in range(6):
        invites = await _send_invites(sessions, asked_at)
        asked.append(set(invites))
        if NEW_YORK in invites:
            await _answer(sessions, invites[NEW_YORK], True)  # coming (and then does not)
        if CHICAGO in invites:
            await _answer(sessions, invites[CHICAGO], False)  # a plain "can't make it": not silence
        # Los Angeles never answers.
        ended = await _next_week(sessions, starts_at)
        assert ended.closed is not None and ended.closed.next_call is not None
        starts_at = ended.closed.next_call.starts_at
        asked_at = starts_at - 24 * HOUR
    everyone = {NEW_YORK, CHICAGO, LOS_ANGELES}
    # Silent once: a week's rest; asked again, silent twice: two weeks; then asked again.
    assert asked == [everyone, everyone - {LOS_ANGELES}, everyone] + [everyone - {LOS_ANGELES}] * 2 + [
        everyone
    ]


async def test_a_calls_seats_go_to_newcomers_nobody_met_newest_first(sessions: SessionMaker) -> None:
    await _world(sessions)
    async with sessions() as session, session.begin():
        members = {
            m.user_id: m
            for m in (await session.execute(select(Member).where(Member.guild_id == GUILD))).scalars()
        }
        # New York has waited a month (beyond the wait target); Chicago came two days ago,
        # Los Angeles yesterday.
        members[NEW_YORK].onboarded_at = NOW - 30 * 24 * HOUR
        members[CHICAGO].onboarded_at = NOW - 2 * 24 * HOUR
        members[LOS_ANGELES].onboarded_at = NOW - 24 * HOUR
    await _host(sessions, size=2)
    assert set(await _send_invites(sessions)) == {LOS_ANGELES, CHICAGO}


async def test_seats_are_kept_for_newcomers_until_two_days_before_the_call(sessions: SessionMaker) -> None:
    await _world(sessions)
    async with sessions() as session, session.begin():
        for member in (await session.execute(select(Member).where(Member.guild_id == GUILD))).scalars():
            member.onboarded_at = NOW - 30 * 24 * HOUR  # everyone has waited a month
    hosted = await _host(sessions, weekday=1)  # next Tuesday, six days ahead
    assert await _send_invites(sessions) == {}  # the long waiting are not asked yet
    boston = await onboard(sessions, BOSTON, "Boston, Massachusetts")  # a newcomer mid-week
    assert boston
    assert set(await _send_invites(sessions, NOW + HOUR)) == {BOSTON}
    later = hosted.call.starts_at - calls.OTHERS_FROM
    assert set(await _send_invites(sessions, later)) == {NEW_YORK, CHICAGO, LOS_ANGELES}
