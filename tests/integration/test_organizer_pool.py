"""Growing the organizer pool (issue 17 item 4): a mentee whose last two check-ins average at least
the guild's organizer_readiness and who logged local activity is suggested to their mentor once;
the mentor endorses, the member says yes, a moderator confirms: an active organizer with one place.
Each step once, only by the right person; /mod overview counts mentees who went on to mentor."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.config import GuildDefaults
from bot.errors import GroundworkError, NotAllowedError, NotFoundError
from bot.services import activity, moderation, organizer_pool, pairing, privacy
from bot.services.checkins import DIMENSIONS
from db.engine import SessionMaker
from db.enums import ActivityKind, CheckInKind, OrganizerStatus
from db.enums import OrganizerSuggestionStatus as Status
from db.models import AuditEntry, Member, Organizer, OrganizerSuggestion
from tests.integration.test_checkins_support import GUILD, START, add_guild, add_member, add_mentor, answered

MENTEE, MENTOR, MOD, STRANGER = 7001, 7100, 7200, 7300
REVIEW_CHANNEL = 880_000


async def _checkin(sessions: SessionMaker, member_id: int, score: int | dict[str, int], days: int) -> None:
    """An answered scheduled check-in `days` after START, every dimension `score` (or as given)."""
    scores = score if isinstance(score, dict) else {d.value: score for d in DIMENSIONS}
    async with sessions() as session, session.begin():
        await answered(session, member_id, scores, START + timedelta(days=days), kind=CheckInKind.SCHEDULED)


async def _log(sessions: SessionMaker, user_id: int = MENTEE) -> None:
    async with sessions() as session, session.begin():
        await activity.log(
            session=session, guild_id=GUILD, user_id=user_id, kind=ActivityKind.OTHER, note=None, now=START
        )


async def _suggest(
    sessions: SessionMaker, member_id: int, days: int = 30
) -> organizer_pool.Suggestion | None:
    async with sessions() as session, session.begin():
        return await organizer_pool.suggest_for(
            session=session, member_id=member_id, now=START + timedelta(days=days)
        )


async def _mentee(sessions: SessionMaker) -> tuple[int, int]:
    """A mentee (baseline 2 everywhere) in an active mentorship; their and their mentor's member ids."""
    await add_guild(sessions, review_channel_id=REVIEW_CHANNEL)
    mentee_id = await add_member(sessions, MENTEE, scores=2, schedule=False)
    return mentee_id, await add_mentor(sessions, mentee_id, MENTOR)


async def _ready(sessions: SessionMaker) -> organizer_pool.Suggestion:
    mentee_id, _ = await _mentee(sessions)
    await _log(sessions)
    await _checkin(sessions, mentee_id, 4, days=14)
    await _checkin(sessions, mentee_id, 5, days=28)
    suggestion = await _suggest(sessions, mentee_id)
    assert suggestion is not None
    return suggestion


async def test_two_high_checkins_and_activity_suggest_a_mentee_once(sessions: SessionMaker) -> None:
    mentee_id, _ = await _mentee(sessions)
    await _log(sessions)
    await _checkin(sessions, mentee_id, 5, days=14)
    assert await _suggest(sessions, mentee_id) is None  # one check-in (the baseline does not count)
    await _checkin(sessions, mentee_id, 4, days=28)
    suggestion = await _suggest(sessions, mentee_id)
    assert suggestion is not None
    assert (suggestion.member_user_id, suggestion.mentor_user_id, suggestion.guild_id) == (
        MENTEE,
        MENTOR,
        GUILD,
    )
    assert suggestion.readiness == pytest.approx(4.5)
    assert await _suggest(sessions, mentee_id, days=31) is None  # once
    await _checkin(sessions, mentee_id, 5, days=42)
    assert await _suggest(sessions, mentee_id, days=43) is None  # still once
    async with sessions() as session:
        rows = (await session.scalars(select(OrganizerSuggestion))).all()
        assert [(r.member_id, r.status) for r in rows] == [(mentee_id, Status.SUGGESTED)]
        entry = await session.scalar(
            select(AuditEntry).where(AuditEntry.action == "organizer_pool.suggested")
        )
        assert entry is not None and entry.target_user_id == MENTEE


async def test_no_activity_logged_no_suggestion(sessions: SessionMaker) -> None:
    mentee_id, _ = await _mentee(sessions)
    await _checkin(sessions, mentee_id, 5, days=14)
    await _checkin(sessions, mentee_id, 5, days=28)
    assert await _suggest(sessions, mentee_id) is None
    await _log(sessions)
    assert await _suggest(sessions, mentee_id) is not None


async def test_the_last_two_checkins_against_the_guilds_threshold(sessions: SessionMaker) -> None:
    mentee_id, _ = await _mentee(sessions)
    await _log(sessions)
    await _checkin(sessions, mentee_id, 5, days=1)  # older: not counted
    await _checkin(sessions, mentee_id, 3, days=14)
    mixed = {d.value: 4 for d in DIMENSIONS} | {"time": 5}  # 4.17
    await _checkin(sessions, mentee_id, mixed, days=28)
    async with sessions() as session:
        average = await organizer_pool.readiness_average(session=session, member_id=mentee_id)
    assert average == pytest.approx((3 * 6 + 4 * 5 + 5) / 12)  # 3.58
    assert await _suggest(sessions, mentee_id) is None  # below the default 4.0
    await add_guild(sessions, organizer_readiness=3.5)
    assert await _suggest(sessions, mentee_id) is not None


async def test_the_setting_is_validated() -> None:
    assert moderation.parse_setting("organizer_readiness", "3.5") == 3.5
    for bad in ("0.5", "5.5", "high"):
        with pytest.raises(GroundworkError):
            moderation.parse_setting("organizer_readiness", bad)
    assert GuildDefaults().organizer_readiness == 4.0


async def test_organizers_and_members_without_an_active_mentor_are_not_suggested(
    sessions: SessionMaker,
) -> None:
    mentee_id, mentor_id = await _mentee(sessions)
    await _log(sessions)
    await _checkin(sessions, mentee_id, 5, days=14)
    await _checkin(sessions, mentee_id, 5, days=28)
    async with sessions() as session, session.begin():
        session.add(Organizer(member_id=mentee_id, status=OrganizerStatus.PENDING, capacity=1))
    assert await _suggest(sessions, mentee_id) is None  # already offered to mentor
    assert await _suggest(sessions, mentor_id) is None  # nobody's mentee


async def test_endorse_yes_confirm_makes_an_active_organizer_with_one_place(sessions: SessionMaker) -> None:
    suggestion = await _ready(sessions)
    sid, now = suggestion.suggestion_id, START + timedelta(days=30)
    for stranger in (MENTEE, STRANGER):  # only their mentor endorses
        with pytest.raises(NotAllowedError):
            async with sessions() as session, session.begin():
                await organizer_pool.endorse(
                    session=session, suggestion_id=sid, user_id=stranger, endorse=True, now=now
                )
    with pytest.raises(NotAllowedError):  # the member is not asked before their mentor endorsed
        async with sessions() as session, session.begin():
            await organizer_pool.answer(session=session, suggestion_id=sid, user_id=MENTOR, yes=True, now=now)
    async with sessions() as session, session.begin():
        early = await organizer_pool.answer(
            session=session, suggestion_id=sid, user_id=MENTEE, yes=True, now=now
        )
        assert (early.changed, early.status) == (False, Status.SUGGESTED)
        endorsed = await organizer_pool.endorse(
            session=session, suggestion_id=sid, user_id=MENTOR, endorse=True, now=now
        )
    assert (endorsed.changed, endorsed.status, endorsed.member_user_id) == (True, Status.ENDORSED, MENTEE)
    async with sessions() as session, session.begin():
        again = await organizer_pool.endorse(
            session=session, suggestion_id=sid, user_id=MENTOR, endorse=False, now=now
        )
        assert (again.changed, again.status) == (False, Status.ENDORSED)  # a second click changes nothing
        early_decision = await organizer_pool.decide(
            session=session, suggestion_id=sid, actor_id=MOD, confirm=True, now=now
        )
        assert (early_decision.changed, early_decision.status) == (False, Status.ENDORSED)
    with pytest.raises(NotAllowedError):  # only the member says yes
        async with sessions() as session, session.begin():
            await organizer_pool.answer(session=session, suggestion_id=sid, user_id=MENTOR, yes=True, now=now)
    async with sessions() as session, session.begin():
        accepted = await organizer_pool.answer(
            session=session, suggestion_id=sid, user_id=MENTEE, yes=True, now=now
        )
    assert (accepted.changed, accepted.status, accepted.review_channel_id) == (
        True,
        Status.ACCEPTED,
        REVIEW_CHANNEL,
    )
    async with sessions() as session, session.begin():
        await organizer_pool.remember_review_message(session=session, suggestion_id=sid, message_id=5)
        assert await organizer_pool.guild_of(session=session, suggestion_id=sid) == GUILD
        confirmed = await organizer_pool.decide(
            session=session, suggestion_id=sid, actor_id=MOD, confirm=True, now=now
        )
    assert (confirmed.changed, confirmed.status, confirmed.mentor_user_id) == (True, Status.CONFIRMED, MENTOR)
    async with sessions() as session, session.begin():
        twice = await organizer_pool.decide(
            session=session, suggestion_id=sid, actor_id=MOD, confirm=False, now=now
        )
        assert (twice.changed, twice.status) == (False, Status.CONFIRMED)
    async with sessions() as session:
        member = await session.scalar(select(Member).where(Member.user_id == MENTEE))
        assert member is not None
        organizer = await session.scalar(select(Organizer).where(Organizer.member_id == member.id))
        assert organizer is not None
        assert (organizer.status, organizer.capacity, organizer.confirmed_by) == (
            OrganizerStatus.ACTIVE,
            1,
            MOD,
        )
        actions = list(
            await session.scalars(
                select(AuditEntry.action).where(AuditEntry.target_user_id == MENTEE).order_by(AuditEntry.id)
            )
        )
        assert [a for a in actions if a.startswith("organizer")] == [
            "organizer_pool.suggested",
            "organizer_pool.endorsed",
            "organizer_pool.accepted",
            "organizer.added",
            "organizer.confirmed",
            "organizer_pool.confirmed",
        ]
        assert await organizer_pool.went_on_to_mentor(session=session, guild_id=GUILD) == 1
        overview = await moderation.overview(session=session, guild_id=GUILD, now=now)
        assert overview.went_on_to_mentor == 1
    async with sessions() as session, session.begin():  # and they can set their own capacity
        change = await pairing.set_capacity(
            session=session, guild_id=GUILD, user_id=MENTEE, capacity=2, now=now
        )
        assert change.capacity == 2


async def test_not_yet_no_thanks_and_not_now_are_respected_then_asked_again_much_later(
    sessions: SessionMaker,
) -> None:
    suggestion = await _ready(sessions)
    sid, now = suggestion.suggestion_id, START + timedelta(days=30)
    async with sessions() as session, session.begin():
        not_yet = await organizer_pool.endorse(
            session=session, suggestion_id=sid, user_id=MENTOR, endorse=False, now=now
        )
    assert (not_yet.changed, not_yet.status) == (True, Status.NOT_YET)
    async with sessions() as session, session.begin():  # nobody is asked after a "not yet"
        unchanged = await organizer_pool.answer(
            session=session, suggestion_id=sid, user_id=MENTEE, yes=True, now=now
        )
        assert unchanged.changed is False
    assert await _suggest(sessions, (await _member_id(sessions, MENTEE)), days=60) is None  # recently
    again = await _suggest(sessions, await _member_id(sessions, MENTEE), days=30 + 91)
    assert again is not None and again.suggestion_id == sid  # the same row, asked afresh
    later = START + timedelta(days=121)
    async with sessions() as session, session.begin():
        await organizer_pool.endorse(
            session=session, suggestion_id=sid, user_id=MENTOR, endorse=True, now=later
        )
        declined = await organizer_pool.answer(
            session=session, suggestion_id=sid, user_id=MENTEE, yes=False, now=later
        )
    assert (declined.status, declined.review_channel_id) == (Status.DECLINED, None)
    again = await _suggest(sessions, await _member_id(sessions, MENTEE), days=121 + 91)
    assert again is not None
    latest = START + timedelta(days=212)
    async with sessions() as session, session.begin():
        await organizer_pool.endorse(
            session=session, suggestion_id=sid, user_id=MENTOR, endorse=True, now=latest
        )
        await organizer_pool.answer(session=session, suggestion_id=sid, user_id=MENTEE, yes=True, now=latest)
        not_now = await organizer_pool.decide(
            session=session, suggestion_id=sid, actor_id=MOD, confirm=False, now=latest
        )
    assert (not_now.changed, not_now.status) == (True, Status.NOT_NOW)
    member_id = await _member_id(sessions, MENTEE)
    async with sessions() as session:
        assert await session.scalar(select(Organizer.id).where(Organizer.member_id == member_id)) is None
        assert await organizer_pool.went_on_to_mentor(session=session, guild_id=GUILD) == 0


async def _member_id(sessions: SessionMaker, user_id: int) -> int:
    async with sessions() as session:
        member_id = await session.scalar(select(Member.id).where(Member.user_id == user_id))
    assert member_id is not None
    return member_id


async def test_overview_counts_former_mentees_who_organize_however_they_were_confirmed(
    sessions: SessionMaker,
) -> None:
    mentee_id, _ = await _mentee(sessions)  # MENTOR is an organizer but was nobody's mentee
    second = await add_member(sessions, MENTEE + 1, scores=2, schedule=False)
    third = await add_member(sessions, MENTEE + 2, scores=2, schedule=False)
    for member_id in (second, third):
        await add_mentor(sessions, member_id, MENTOR + member_id)
    async with sessions() as session, session.begin():
        session.add(
            Organizer(member_id=mentee_id, status=OrganizerStatus.ACTIVE, capacity=3)
        )  # by /organizer add
        session.add(Organizer(member_id=second, status=OrganizerStatus.PAUSED, capacity=1))
        session.add(Organizer(member_id=third, status=OrganizerStatus.PENDING, capacity=1))  # not yet
    async with sessions() as session:
        assert await organizer_pool.went_on_to_mentor(session=session, guild_id=GUILD) == 2
        assert await organizer_pool.went_on_to_mentor(session=session, guild_id=GUILD + 1) == 0


async def test_a_stale_or_unknown_suggestion_is_refused(sessions: SessionMaker) -> None:
    await add_guild(sessions)
    with pytest.raises(NotFoundError):
        async with sessions() as session, session.begin():
            await organizer_pool.endorse(
                session=session, suggestion_id=999, user_id=MENTOR, endorse=True, now=START
            )
    async with sessions() as session:
        assert await organizer_pool.guild_of(session=session, suggestion_id=999) is None


async def test_deletion_removes_the_members_suggestion_and_the_moderators_name(
    sessions: SessionMaker,
) -> None:
    suggestion = await _ready(sessions)
    sid, now = suggestion.suggestion_id, START + timedelta(days=30)
    await add_member(sessions, MOD, scores=None, schedule=False)
    async with sessions() as session, session.begin():
        await organizer_pool.endorse(
            session=session, suggestion_id=sid, user_id=MENTOR, endorse=True, now=now
        )
        await organizer_pool.answer(session=session, suggestion_id=sid, user_id=MENTEE, yes=True, now=now)
        await organizer_pool.decide(session=session, suggestion_id=sid, actor_id=MOD, confirm=False, now=now)
    async with sessions() as session:
        exported = await privacy.everything_about(session=session, guild_id=GUILD, user_id=MENTEE)
    assert exported["organizer_suggestion"]["status"] == Status.NOT_NOW
    assert "decided_by" not in exported["organizer_suggestion"]
    async with sessions() as session, session.begin():
        await privacy.delete_member_data(
            session=session, guild_id=GUILD, user_id=MOD, now=now, reason="request"
        )
    async with sessions() as session:
        row = await session.get(OrganizerSuggestion, sid)
        assert row is not None and row.decided_by is None
    async with sessions() as session, session.begin():
        await privacy.delete_member_data(
            session=session, guild_id=GUILD, user_id=MENTOR, now=now, reason="request"
        )
    async with sessions() as session:
        row = await session.get(OrganizerSuggestion, sid)
        assert row is not None and row.mentor_member_id is None
    async with sessions() as session, session.begin():
        await privacy.delete_member_data(
            session=session, guild_id=GUILD, user_id=MENTEE, now=now, reason="request"
        )
    async with sessions() as session:
        assert await session.get(OrganizerSuggestion, sid) is None


async def test_a_suggestion_the_mentor_never_heard_of_is_taken_back_and_made_again(
    sessions: SessionMaker,
) -> None:
    suggestion = await _ready(sessions)
    async with sessions() as session, session.begin():
        await organizer_pool.withdraw(session=session, suggestion_id=suggestion.suggestion_id)
    again = await _suggest(sessions, await _member_id(sessions, MENTEE), days=44)  # the next check-in
    assert again is not None
    now = START + timedelta(days=44)
    async with sessions() as session, session.begin():
        await organizer_pool.endorse(
            session=session, suggestion_id=again.suggestion_id, user_id=MENTOR, endorse=True, now=now
        )
        await organizer_pool.withdraw(session=session, suggestion_id=again.suggestion_id)  # answered: stays
        await organizer_pool.member_not_reached(session=session, suggestion_id=again.suggestion_id)
    async with sessions() as session, session.begin():  # the member's DMs were closed: endorse again
        endorsed = await organizer_pool.endorse(
            session=session, suggestion_id=again.suggestion_id, user_id=MENTOR, endorse=True, now=now
        )
    assert (endorsed.changed, endorsed.status) == (True, Status.ENDORSED)


async def test_the_daily_sweep_notices_activity_logged_after_the_checkins(sessions: SessionMaker) -> None:
    mentee_id, _ = await _mentee(sessions)
    others = [await add_member(sessions, MENTEE + i, scores=2, schedule=False) for i in (1, 2, 3)]
    for i, member_id in enumerate([mentee_id, *others]):
        if member_id != mentee_id:
            await add_mentor(sessions, member_id, MENTOR + 1 + i)
        await _checkin(sessions, member_id, 5, days=14)
        await _checkin(sessions, member_id, 5 if member_id != others[1] else 2, days=28)
    await _log(sessions)  # after her check-ins; others[0] logs too, others[1] is below, others[2] never logs
    await _log(sessions, MENTEE + 1)
    await _log(sessions, MENTEE + 2)

    async def swept_all() -> list[int]:
        found, after = [], 0
        while True:
            async with sessions() as session, session.begin():
                swept = await organizer_pool.sweep(
                    session=session, guild_id=GUILD, now=START + timedelta(days=30), after=after, chunk=2
                )
            found += [s.member_user_id for s in swept.suggestions]
            if swept.last_member_id is None:
                return found
            after = swept.last_member_id

    assert sorted(await swept_all()) == [MENTEE, MENTEE + 1]
    assert await swept_all() == []  # once
