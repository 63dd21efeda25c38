"""Pairing rules through the service layer, on a real database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.config import GuildDefaults
from bot.errors import GroundworkError
from bot.services import pairing
from bot.services.gazetteer import Gazetteer, get_gazetteer
from db.engine import SessionMaker
from db.enums import MentorshipEndReason, MentorshipStatus
from db.models import AuditEntry, Member, Mentorship
from tests.support.onboarding import Answers, run_conversation

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
GUILD = 1000
AUTO = GuildDefaults(auto_confirm_organizers=True)


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return get_gazetteer()


async def _member(
    sessions: SessionMaker, gazetteer: Gazetteer, user_id: int, place: str, **answers: object
) -> None:
    await run_conversation(
        sessions,
        gazetteer,
        guild_id=GUILD,
        user_id=user_id,
        now=NOW,
        answers=Answers(place=place, **answers),
        defaults=AUTO,  # type: ignore[arg-type]
    )


async def _organizer(
    sessions: SessionMaker, gazetteer: Gazetteer, user_id: int, place: str, capacity: int = 1
) -> None:
    await _member(sessions, gazetteer, user_id, place, experience="experienced", mentor_capacity=capacity)


async def _ask(sessions: SessionMaker, user_id: int, when: datetime = NOW) -> pairing.Pairing | None:
    async with sessions() as session, session.begin():
        await pairing.request_mentor(session=session, guild_id=GUILD, user_id=user_id, now=when)
        return await pairing.propose_for(session=session, guild_id=GUILD, user_id=user_id, now=when)


async def test_a_member_is_proposed_the_nearest_organizer_with_room(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    await _organizer(sessions, gazetteer, 100, "Paris")
    await _organizer(sessions, gazetteer, 101, "Manchester")
    await _member(sessions, gazetteer, 1, "Leeds")
    proposal = await _ask(sessions, 1)
    assert proposal is not None
    assert proposal.mentor.user_id == 101
    assert proposal.status == MentorshipStatus.PROPOSED
    assert proposal.distance_km is not None and proposal.distance_km < 70
    # Manchester is full now: the next member gets Paris.
    await _member(sessions, gazetteer, 2, "Bradford")
    second = await _ask(sessions, 2)
    assert second is not None and second.mentor.user_id == 100


async def test_nobody_with_room_leaves_the_member_waiting(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    await _organizer(sessions, gazetteer, 100, "Paris", capacity=1)
    await _member(sessions, gazetteer, 1, "Leeds")
    await _member(sessions, gazetteer, 2, "York")
    assert await _ask(sessions, 1) is not None
    assert await _ask(sessions, 2) is None
    async with sessions() as session:
        waiting = await pairing.waiting_members(session=session, guild_id=GUILD)
        assert [m.user_id for m in waiting] == [2]


async def test_a_paused_organizer_gets_nobody_new(sessions: SessionMaker, gazetteer: Gazetteer) -> None:
    await _organizer(sessions, gazetteer, 100, "Manchester")
    async with sessions() as session, session.begin():
        await pairing.set_paused(session=session, guild_id=GUILD, user_id=100, paused=True, now=NOW)
    await _member(sessions, gazetteer, 1, "Leeds")
    assert await _ask(sessions, 1) is None


async def test_manual_pairing_refuses_what_cannot_be(sessions: SessionMaker, gazetteer: Gazetteer) -> None:
    await _organizer(sessions, gazetteer, 100, "Manchester", capacity=1)
    await _member(sessions, gazetteer, 1, "Leeds")
    await _member(sessions, gazetteer, 2, "York")

    async def pair(member: int, mentor: int) -> pairing.Pairing:
        async with sessions() as session, session.begin():
            return await pairing.pair_manually(
                session=session,
                guild_id=GUILD,
                member_user_id=member,
                mentor_user_id=mentor,
                actor_id=9,
                now=NOW,
            )

    with pytest.raises(GroundworkError, match="own mentor"):
        await pair(1, 1)
    with pytest.raises(GroundworkError, match="isn't an organizer"):
        await pair(1, 2)
    with pytest.raises(GroundworkError, match="hasn't finished onboarding"):
        await pair(1, 777)
    done = await pair(1, 100)
    assert done.status == MentorshipStatus.ACTIVE
    with pytest.raises(GroundworkError, match="no free place"):
        await pair(2, 100)
    with pytest.raises(GroundworkError):
        await pair(1, 100)  # already paired


async def test_two_moderators_approving_at_once_pair_once(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    await _organizer(sessions, gazetteer, 100, "Manchester")
    await _member(sessions, gazetteer, 1, "Leeds")
    proposal = await _ask(sessions, 1)
    assert proposal is not None
    async with sessions() as session, session.begin():
        await pairing.decide(
            session=session, mentorship_id=proposal.mentorship_id, actor_id=8, approve=True, now=NOW
        )
    with pytest.raises(GroundworkError, match="already decided"):
        async with sessions() as session, session.begin():
            await pairing.decide(
                session=session, mentorship_id=proposal.mentorship_id, actor_id=9, approve=False, now=NOW
            )
    async with sessions() as session:
        statuses = (await session.execute(select(Mentorship.status))).scalars().all()
        assert statuses == [MentorshipStatus.ACTIVE]


async def test_pick_another_proposes_the_next_best(sessions: SessionMaker, gazetteer: Gazetteer) -> None:
    await _organizer(sessions, gazetteer, 100, "Manchester")
    await _organizer(sessions, gazetteer, 101, "Paris")
    await _member(sessions, gazetteer, 1, "Leeds")
    proposal = await _ask(sessions, 1)
    assert proposal is not None and proposal.mentor.user_id == 100
    async with sessions() as session, session.begin():
        rejected, replacement = await pairing.pick_another(
            session=session, mentorship_id=proposal.mentorship_id, actor_id=9, now=NOW
        )
    assert rejected.status == MentorshipStatus.REJECTED
    assert replacement is not None and replacement.mentor.user_id == 101


async def test_not_a_good_fit_ends_and_requeues_without_that_organizer(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    await _organizer(sessions, gazetteer, 100, "Manchester")
    await _organizer(sessions, gazetteer, 101, "Paris")
    await _member(sessions, gazetteer, 1, "Leeds")
    proposal = await _ask(sessions, 1)
    assert proposal is not None
    async with sessions() as session, session.begin():
        await pairing.decide(
            session=session, mentorship_id=proposal.mentorship_id, actor_id=9, approve=True, now=NOW
        )
        await pairing.record_introduction(
            session=session, mentorship_id=proposal.mentorship_id, thread_id=55, delivered=True, now=NOW
        )
    later = NOW + timedelta(days=15)
    async with sessions() as session, session.begin():
        due = await pairing.due_followups(session=session, now=later)
    assert [(f.member_user_id, f.mentor_user_id) for f in due] == [(1, 100)]
    async with sessions() as session, session.begin():
        assert await pairing.due_followups(session=session, now=later) == []
    with pytest.raises(GroundworkError):
        async with sessions() as session, session.begin():
            await pairing.record_feedback(
                session=session,
                mentorship_id=proposal.mentorship_id,
                user_id=55555,
                answer=pairing.Feedback.NOT_A_FIT,
                now=later,
            )
    async with sessions() as session, session.begin():
        ended = await pairing.record_feedback(
            session=session,
            mentorship_id=proposal.mentorship_id,
            user_id=1,
            answer=pairing.Feedback.NOT_A_FIT,
            now=later,
        )
    assert ended is not None and ended.requeued and ended.reason == MentorshipEndReason.NOT_A_FIT
    again = await _ask(sessions, 1, later)
    assert again is not None and again.mentor.user_id == 101  # never Manchester again


async def test_an_organizer_leaving_puts_their_mentees_back_on_the_list(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    await _organizer(sessions, gazetteer, 100, "Manchester", capacity=2)
    await _member(sessions, gazetteer, 1, "Leeds")
    assert await _ask(sessions, 1) is not None
    async with sessions() as session, session.begin():
        ended = await pairing.member_left(session=session, guild_id=GUILD, user_id=100, now=NOW)
    assert [(e.member_user_id, e.reason, e.requeued) for e in ended] == [
        (1, MentorshipEndReason.ORGANIZER_LEFT, True)
    ]
    async with sessions() as session:
        waiting = await pairing.waiting_members(session=session, guild_id=GUILD)
        assert [m.user_id for m in waiting] == [1]
        actions = (await session.execute(select(AuditEntry.action))).scalars().all()
        assert "organizer.removed" in actions and "pairing.ended" in actions


async def test_a_mentorship_a_moderator_ended_does_not_put_the_member_back_first(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    """Seen in bench/attention.py: a mentee whose mentorship a moderator ended kept their old place
    (when they first asked), so the next batch paired them again ahead of everyone waiting."""
    await _organizer(sessions, gazetteer, 100, "Manchester", capacity=2)
    await _member(sessions, gazetteer, 1, "Leeds")
    assert await _ask(sessions, 1) is not None
    async with sessions() as session, session.begin():
        ended = await pairing.end_for_member(session=session, guild_id=GUILD, user_id=1, actor_id=9, now=NOW)
    assert not ended.requeued
    async with sessions() as session:
        assert await pairing.waiting_members(session=session, guild_id=GUILD) == []
    later = NOW + timedelta(days=1)
    assert await _ask(sessions, 1, later) is not None  # asking again puts them on the list, last


async def test_the_batch_assigns_the_waiting_and_never_reshuffles_introduced_pairs(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    await _organizer(sessions, gazetteer, 100, "Manchester", capacity=1)
    await _organizer(sessions, gazetteer, 101, "Lyon", capacity=1)
    await _member(sessions, gazetteer, 1, "Leeds")
    first = await _ask(sessions, 1)
    assert first is not None and first.mentor.user_id == 100
    async with sessions() as session, session.begin():
        await pairing.decide(
            session=session, mentorship_id=first.mentorship_id, actor_id=9, approve=True, now=NOW
        )
    for user_id, place in ((2, "York"), (3, "Grenoble")):
        await _member(sessions, gazetteer, user_id, place)
        async with sessions() as session, session.begin():
            await pairing.request_mentor(session=session, guild_id=GUILD, user_id=user_id, now=NOW)
    created, still_waiting = await pairing.run_batch(sessions=sessions, guild_id=GUILD, now=NOW)
    assert [(p.member.user_id, p.mentor.user_id) for p in created] == [(3, 101)]
    assert still_waiting == 1
    async with sessions() as session:
        mentorship = await session.get(Mentorship, first.mentorship_id)
        assert mentorship is not None and mentorship.status == MentorshipStatus.ACTIVE


async def test_organizer_mentees_show_latest_readiness(sessions: SessionMaker, gazetteer: Gazetteer) -> None:
    await _organizer(sessions, gazetteer, 100, "Manchester")
    await _member(sessions, gazetteer, 1, "Leeds")
    proposal = await _ask(sessions, 1)
    assert proposal is not None
    async with sessions() as session, session.begin():
        await pairing.decide(
            session=session, mentorship_id=proposal.mentorship_id, actor_id=9, approve=True, now=NOW
        )
        await pairing.record_introduction(
            session=session, mentorship_id=proposal.mentorship_id, thread_id=None, delivered=True, now=NOW
        )
    async with sessions() as session:
        (mentee,) = await pairing.mentees(session=session, guild_id=GUILD, user_id=100)
        assert mentee.user_id == 1
        assert mentee.readiness["time"] == 3
        member = (await session.execute(select(Member).where(Member.user_id == 1))).scalar_one()
        assert member.mentor_requested_at is None
