"""Promises kept and organizers seen (issue 18 items 5 and 3), through the service layer on SQLite
and PostgreSQL: a mentee's "We haven't met yet" enqueues a nudge for their mentor (the mentor's
own answer does not), with two times from the answer that a retry repeats; an introduction
carries two suggested times from its approval; a member who offers to mentor and waits for
confirmation enqueues a review post, and nothing is due once they are confirmed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.config import GuildDefaults
from bot.services import outbox, pairing
from bot.services.gazetteer import Gazetteer, get_gazetteer
from bot.services.meeting_times import NOTICE
from db.engine import SessionMaker
from db.enums import ChatTaskKind, OrganizerStatus
from db.models import ChatTask, Member
from tests.support.onboarding import Answers, run_conversation

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
GUILD = 1000
AUTO = GuildDefaults(auto_confirm_organizers=True)
BY_HAND = GuildDefaults(auto_confirm_organizers=False)


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return get_gazetteer()


async def _onboard(
    sessions: SessionMaker,
    gazetteer: Gazetteer,
    user_id: int,
    place: str,
    *,
    defaults: GuildDefaults = AUTO,
    capacity: int = 0,
) -> None:
    answers = Answers(place=place, experience="experienced" if capacity else "new", mentor_capacity=capacity)
    await run_conversation(
        sessions, gazetteer, guild_id=GUILD, user_id=user_id, now=NOW, answers=answers, defaults=defaults
    )


async def _introduced(sessions: SessionMaker, gazetteer: Gazetteer) -> int:
    await _onboard(sessions, gazetteer, 100, "Manchester", capacity=1)  # auto-confirmed: no review post
    await _onboard(sessions, gazetteer, 1, "Leeds")
    async with sessions() as session, session.begin():
        await pairing.request_mentor(session=session, guild_id=GUILD, user_id=1, now=NOW)
        proposal = await pairing.propose_for(session=session, guild_id=GUILD, user_id=1, now=NOW)
        assert proposal is not None
        await pairing.decide(
            session=session, mentorship_id=proposal.mentorship_id, actor_id=9, approve=True, now=NOW
        )
    return proposal.mentorship_id


async def _tasks(sessions: SessionMaker, kind: ChatTaskKind) -> list[tuple[int, bool]]:
    async with sessions() as session:
        rows = await session.execute(
            select(ChatTask.subject_id, ChatTask.done_at.is_(None))
            .where(ChatTask.kind == kind)
            .order_by(ChatTask.id)
        )
        return [(subject, open_) for subject, open_ in rows.all()]


async def test_an_introduction_suggests_two_times_from_its_approval(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    mentorship_id = await _introduced(sessions, gazetteer)
    assert await _tasks(sessions, ChatTaskKind.ORGANIZER_REVIEW) == []  # the organizer was auto-confirmed
    async with sessions() as session, session.begin():
        due = await pairing.introduction_due(
            session=session, mentorship_id=mentorship_id, now=NOW + timedelta(hours=3)
        )
    async with sessions() as session, session.begin():
        retried = await pairing.introduction_due(
            session=session, mentorship_id=mentorship_id, now=NOW + timedelta(days=1)
        )
    assert due is not None and retried is not None and due.suggested_times is not None
    first, second = due.suggested_times
    assert NOW + NOTICE <= first < second
    assert retried.suggested_times == due.suggested_times  # a retry says the same


async def test_the_mentees_we_havent_met_nudges_the_mentor_and_the_mentors_does_not(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    mentorship_id = await _introduced(sessions, gazetteer)
    async with sessions() as session, session.begin():
        await pairing.record_introduction(
            session=session, mentorship_id=mentorship_id, thread_id=55, delivered=True, now=NOW
        )
    later = NOW + timedelta(days=15)
    async with sessions() as session, session.begin():
        await pairing.record_feedback(
            session=session,
            mentorship_id=mentorship_id,
            user_id=100,
            answer=pairing.Feedback.NOT_MET,
            now=later,
        )
        assert not await outbox.waiting(
            session=session, kind=ChatTaskKind.MENTOR_NUDGE, subject_id=mentorship_id
        )
    assert await _tasks(sessions, ChatTaskKind.MENTOR_NUDGE) == []
    async with sessions() as session, session.begin():
        await pairing.record_feedback(
            session=session,
            mentorship_id=mentorship_id,
            user_id=1,
            answer=pairing.Feedback.NOT_MET,
            now=later,
        )
        assert await outbox.waiting(session=session, kind=ChatTaskKind.MENTOR_NUDGE, subject_id=mentorship_id)
    assert await _tasks(sessions, ChatTaskKind.MENTOR_NUDGE) == [(mentorship_id, True)]
    async with sessions() as session:
        nudge = await pairing.nudge_due(
            session=session, mentorship_id=mentorship_id, now=later + timedelta(hours=1)
        )
        again = await pairing.nudge_due(
            session=session, mentorship_id=mentorship_id, now=later + timedelta(days=2)
        )
    assert nudge is not None and (nudge.member_user_id, nudge.mentor_user_id) == (1, 100)
    assert later + NOTICE <= nudge.suggested_times[0] < nudge.suggested_times[1]
    assert again == nudge  # counted from the answer, not from the attempt
    async with sessions() as session:
        stuck = await outbox._stuck(session, list((await session.scalars(select(ChatTask))).all()))
    assert [(s.kind, s.user_ids) for s in stuck if s.kind == ChatTaskKind.MENTOR_NUDGE] == [
        (ChatTaskKind.MENTOR_NUDGE, (1, 100))
    ]
    # Once the mentorship ended there is nothing to nudge.
    async with sessions() as session, session.begin():
        await pairing.record_feedback(
            session=session,
            mentorship_id=mentorship_id,
            user_id=1,
            answer=pairing.Feedback.NOT_A_FIT,
            now=later,
        )
    async with sessions() as session:
        assert await pairing.nudge_due(session=session, mentorship_id=mentorship_id, now=later) is None


async def test_an_offer_to_mentor_awaiting_confirmation_is_posted_for_review_once(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    await _onboard(sessions, gazetteer, 200, "York", defaults=BY_HAND, capacity=2)
    async with sessions() as session:
        member_id = await session.scalar(select(Member.id).where(Member.user_id == 200))
    assert member_id is not None
    assert await _tasks(sessions, ChatTaskKind.ORGANIZER_REVIEW) == [(member_id, True)]
    async with sessions() as session:
        review = await pairing.organizer_review_due(session=session, member_id=member_id)
        assert await pairing.pending_organizer(session=session, member_id=member_id) == (GUILD, 200)
    assert review is not None
    assert (review.user_id, review.guild_id, review.capacity, review.languages) == (200, GUILD, 2, ("en",))
    assert review.experience == "experienced"
    # The post is made once: the step is done, and nothing is due again.
    async with sessions() as session, session.begin():
        task = await outbox.claim(
            session=session, kind=ChatTaskKind.ORGANIZER_REVIEW, subject_id=member_id, now=NOW, worker="w"
        )
        assert task is not None
        await outbox.done(session=session, task_id=task.task_id, now=NOW)
    assert await _tasks(sessions, ChatTaskKind.ORGANIZER_REVIEW) == [(member_id, False)]
    async with sessions() as session, session.begin():
        change = await pairing.confirm_organizer(
            session=session, guild_id=GUILD, user_id=200, actor_id=9, now=NOW
        )
    assert change.status == OrganizerStatus.ACTIVE
    async with sessions() as session:
        assert await pairing.organizer_review_due(session=session, member_id=member_id) is None


async def test_an_organizer_a_moderator_adds_as_pending_is_posted_for_review_too(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    await _onboard(sessions, gazetteer, 300, "Leeds", defaults=BY_HAND)
    async with sessions() as session, session.begin():
        change = await pairing.add_organizer(
            session=session, guild_id=GUILD, user_id=300, capacity=1, languages=[], actor_id=9, now=NOW
        )
    assert change.status == OrganizerStatus.PENDING and change.member_id is not None
    assert await _tasks(sessions, ChatTaskKind.ORGANIZER_REVIEW) == [(change.member_id, True)]
    async with sessions() as session, session.begin():  # added again while waiting: still one post
        await pairing.add_organizer(
            session=session, guild_id=GUILD, user_id=300, capacity=2, languages=[], actor_id=9, now=NOW
        )
    assert await _tasks(sessions, ChatTaskKind.ORGANIZER_REVIEW) == [(change.member_id, True)]
