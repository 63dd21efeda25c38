"""Local life's chat steps in the durable outbox, through the service layer (SQLite, and
PostgreSQL when configured): two neighbours' introduction, practice partners' introduction, a
circle's join, leave and closing are enqueued with their decision (and not after a rollback), and
their `*_due` reads say what is left to do."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from bot.services import circles, neighbours, outbox, practice
from db.engine import SessionMaker
from db.enums import Answer, ChatTaskKind
from db.models import ChatTask
from tests.integration.test_local_support import (
    GUILD,
    NOW,
    accept,
    answer,
    introduction,
    leave_server,
    meet_everyone,
    offer,
    onboard,
    proposed_circle,
)

LEEDS, BRADFORD, HARROGATE, LATE, LYON = 1, 2, 3, 4, 5
THREAD = 777
LOCAL_KINDS = (
    ChatTaskKind.NEIGHBOUR_INTRODUCTION,
    ChatTaskKind.PRACTICE_INTRODUCTION,
    ChatTaskKind.CIRCLE_JOIN,
    ChatTaskKind.CIRCLE_LEAVE,
    ChatTaskKind.CIRCLE_CLOSE,
)


class RollbackError(Exception):
    """Raised inside a unit of work to roll it back."""


async def _tasks(sessions: SessionMaker) -> list[tuple[ChatTaskKind, int]]:
    async with sessions() as session:
        rows = await session.execute(
            select(ChatTask.kind, ChatTask.subject_id)
            .where(ChatTask.kind.in_(LOCAL_KINDS))
            .order_by(ChatTask.id)
        )
        return [(kind, subject) for kind, subject in rows.all()]


async def _neighbour_asked(sessions: SessionMaker) -> neighbours.Ask:
    await onboard(sessions, LEEDS, "Leeds")
    bradford = await onboard(sessions, BRADFORD, "Bradford")
    made = await offer(sessions, bradford)
    assert made is not None
    [ask] = await accept(sessions, made.offer_id, BRADFORD)
    return ask


async def test_two_neighbours_saying_yes_enqueue_their_introduction_with_the_answer(
    sessions: SessionMaker,
) -> None:
    ask = await _neighbour_asked(sessions)
    with pytest.raises(RollbackError):
        async with sessions() as session, session.begin():
            await neighbours.answer_introduction(
                session=session,
                introduction_id=ask.introduction_id,
                user_id=ask.neighbour_user_id,
                answer=Answer.YES,
                mute=False,
                now=NOW,
            )
            raise RollbackError
    assert await _tasks(sessions) == []
    answered = await answer(sessions, ask)
    assert answered.introduction_id == ask.introduction_id
    assert await _tasks(sessions) == [(ChatTaskKind.NEIGHBOUR_INTRODUCTION, ask.introduction_id)]

    async with sessions() as session, session.begin():
        due = await neighbours.introduction_due(session=session, introduction_id=ask.introduction_id)
        assert due is not None and due.introduction_id == ask.introduction_id
        assert not await neighbours.thread_taken(session=session, thread_id=THREAD)
        await neighbours.record_introduced(
            session=session, introduction_id=ask.introduction_id, thread_id=THREAD, delivered=True, now=NOW
        )
    async with sessions() as session, session.begin():
        assert await neighbours.introduction_due(session=session, introduction_id=ask.introduction_id) is None
        assert await neighbours.thread_taken(session=session, thread_id=THREAD)


async def test_a_no_enqueues_nothing_and_a_neighbour_who_left_is_not_introduced(
    sessions: SessionMaker,
) -> None:
    ask = await _neighbour_asked(sessions)
    await answer(sessions, ask, yes=False)
    assert await _tasks(sessions) == []
    async with sessions() as session:
        assert await neighbours.introduction_due(session=session, introduction_id=ask.introduction_id) is None

    both_yes, *_ = await meet_everyone(sessions, await onboard(sessions, LATE, "Leeds"), LATE)
    intro = await introduction(sessions, both_yes)
    await leave_server(sessions, intro.neighbour.user_id)
    async with sessions() as session:
        gone = await neighbours.introduction_due(session=session, introduction_id=intro.introduction_id)
    assert gone is None


async def _practice(sessions: SessionMaker, user_id: int) -> practice.Requested:
    async with sessions() as session, session.begin():
        return await practice.request(session=session, guild_id=GUILD, user_id=user_id, path=None, now=NOW)


async def test_practice_partners_are_enqueued_with_their_pairing_and_due_until_introduced(
    sessions: SessionMaker,
) -> None:
    await onboard(sessions, LEEDS, "Leeds")
    await onboard(sessions, LYON, "Lyon")
    await _practice(sessions, LEEDS)
    with pytest.raises(RollbackError):
        async with sessions() as session, session.begin():
            rolled = await practice.request(session=session, guild_id=GUILD, user_id=LYON, path=None, now=NOW)
            assert rolled.match is not None
            raise RollbackError
    assert await _tasks(sessions) == []
    match = (await _practice(sessions, LYON)).match
    assert match is not None
    assert await _tasks(sessions) == [(ChatTaskKind.PRACTICE_INTRODUCTION, match.pairing_id)]

    async with sessions() as session, session.begin():
        assert await practice.introduction_due(session=session, pairing_id=match.pairing_id) == match
        assert not await practice.thread_taken(session=session, thread_id=THREAD)
        await practice.record_thread(
            session=session, pairing_id=match.pairing_id, thread_id=THREAD, delivered=True, now=NOW
        )
    async with sessions() as session:
        assert await practice.introduction_due(session=session, pairing_id=match.pairing_id) is None
        assert await practice.thread_taken(session=session, thread_id=THREAD)


async def test_a_practice_partner_who_left_is_not_introduced(sessions: SessionMaker) -> None:
    await onboard(sessions, LEEDS, "Leeds")
    await onboard(sessions, LYON, "Lyon")
    await _practice(sessions, LEEDS)
    match = (await _practice(sessions, LYON)).match
    assert match is not None
    await leave_server(sessions, LEEDS)
    async with sessions() as session:
        assert await practice.introduction_due(session=session, pairing_id=match.pairing_id) is None


async def _open_circle(sessions: SessionMaker) -> int:
    circle_id = await proposed_circle(sessions)
    async with sessions() as session, session.begin():
        await circles.decide(session=session, circle_id=circle_id, actor_id=9, approve=True, now=NOW)
    return circle_id


async def test_joining_leaving_and_closing_a_circle_enqueue_their_steps(sessions: SessionMaker) -> None:
    circle_id = await _open_circle(sessions)
    late = await onboard(sessions, LATE, "Leeds")
    async with sessions() as session, session.begin():
        invite = await circles.offer_to_newcomer(session=session, member_id=late, now=NOW)
    assert invite is not None
    before = await _tasks(sessions)
    with pytest.raises(RollbackError):
        async with sessions() as session, session.begin():
            await circles.answer_offer(
                session=session, membership_id=invite.membership_id, user_id=LATE, join=True, now=NOW
            )
            raise RollbackError
    assert await _tasks(sessions) == before
    async with sessions() as session, session.begin():
        joined = await circles.answer_offer(
            session=session, membership_id=invite.membership_id, user_id=LATE, join=True, now=NOW
        )
    assert joined is not None and joined.membership_id == invite.membership_id
    assert (await _tasks(sessions))[len(before) :] == [(ChatTaskKind.CIRCLE_JOIN, invite.membership_id)]
    async with sessions() as session:
        assert await circles.joining_due(session=session, membership_id=invite.membership_id) == joined
        assert await circles.leaving_due(session=session, membership_id=invite.membership_id) is None

    left = []
    for user_id in (LEEDS, BRADFORD, HARROGATE, LATE):
        async with sessions() as session, session.begin():
            left += await circles.leave(session=session, guild_id=GUILD, user_id=user_id, now=NOW)
    assert [gone.closed for gone in left] == [False, False, False, True]
    assert (await _tasks(sessions))[len(before) + 1 :] == [
        *((ChatTaskKind.CIRCLE_LEAVE, gone.membership_id) for gone in left),
        (ChatTaskKind.CIRCLE_CLOSE, circle_id),
    ]
    async with sessions() as session:
        assert await circles.joining_due(session=session, membership_id=invite.membership_id) is None
        first = await circles.leaving_due(session=session, membership_id=left[0].membership_id)
        assert first is not None and first.user_id == LEEDS and first.closed  # it closed since
        closed = await circles.closing_due(session=session, circle_id=circle_id)
        assert closed is not None and closed.circle_id == circle_id


async def test_an_open_circle_needs_no_closing(sessions: SessionMaker) -> None:
    circle_id = await _open_circle(sessions)
    async with sessions() as session:
        assert await circles.closing_due(session=session, circle_id=circle_id) is None


async def test_moderators_see_who_each_stuck_local_step_is_about(sessions: SessionMaker) -> None:
    await _open_circle(sessions)  # Bradford asked to meet Leeds, who said yes
    await onboard(sessions, LYON, "Lyon")
    await _practice(sessions, LEEDS)
    match = (await _practice(sessions, LYON)).match
    assert match is not None
    async with sessions() as session, session.begin():
        [gone] = await circles.leave(session=session, guild_id=GUILD, user_id=BRADFORD, now=NOW)
        await session.execute(update(ChatTask).values(attempts=outbox.KEEPS_FAILING))
    async with sessions() as session:
        listed = await outbox.stuck(session=session, guild_id=GUILD)
    about = {
        kind: [(row.subject_id, row.user_ids) for row in listed if row.kind == kind] for kind in LOCAL_KINDS
    }
    # who asked, then the neighbour; who waited first, then the other; the member who left
    assert [people for _, people in about[ChatTaskKind.NEIGHBOUR_INTRODUCTION]] == [
        (BRADFORD, LEEDS),
        (HARROGATE, LEEDS),
        (HARROGATE, BRADFORD),
    ]
    assert [people for _, people in about[ChatTaskKind.PRACTICE_INTRODUCTION]] == [(LEEDS, LYON)]
    assert about[ChatTaskKind.CIRCLE_LEAVE] == [(gone.membership_id, (BRADFORD,))]
