"""The outbox carries every chat step that follows a decision (a circle's space, an onboarded
member's roles and welcome line), not only introductions: each is
committed with its decision (a rolled-back decision leaves none), and its handler finds out
from the database what is still to do."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import ORMExecuteState, Session

from bot.services import circles, onboarding, outbox
from bot.services.gazetteer import Gazetteer, get_gazetteer
from db.engine import SessionMaker
from db.enums import ChatTaskKind
from db.models import ChatTask, GuildSettings, Member
from tests.integration.test_local_support import (
    GUILD,
    NOW,
    leave_server,
    organizer,
    proposed_circle,
)
from tests.support.onboarding import Answers, run_conversation

LEEDS, BRADFORD, HARROGATE, MANCHESTER_ORG = 1, 2, 3, 90


class RollbackError(Exception):
    """Raised inside a unit of work to roll the decision back."""


async def _tasks(sessions: SessionMaker, kind: ChatTaskKind) -> list[ChatTask]:
    async with sessions() as session:
        return list((await session.execute(select(ChatTask).where(ChatTask.kind == kind))).scalars())


async def _proposed_circle(sessions: SessionMaker) -> int:
    await organizer(sessions, MANCHESTER_ORG, "Manchester")
    return await proposed_circle(sessions)


async def _decide(sessions: SessionMaker, circle_id: int, *, approve: bool = True) -> circles.Decision:
    async with sessions() as session, session.begin():
        return await circles.decide(
            session=session, circle_id=circle_id, actor_id=4000, approve=approve, now=NOW
        )


async def test_an_opened_circle_and_its_space_task_commit_together(sessions: SessionMaker) -> None:
    circle_id = await _proposed_circle(sessions)
    decision = await _decide(sessions, circle_id)
    [task] = await _tasks(sessions, ChatTaskKind.CIRCLE_SPACE)
    assert (task.guild_id, task.subject_id, task.due_at, task.done_at) == (GUILD, circle_id, NOW, None)

    # What the handler opens the circle with is read back from the database, as decided.
    async with sessions() as session:
        due = await circles.opening_due(session=session, circle_id=circle_id)
    assert due is not None and due.space.channel_id is None
    assert set(due.member_user_ids) == set(decision.member_user_ids) == {LEEDS, BRADFORD, HARROGATE}
    assert due.organizer_user_id == decision.organizer_user_id == MANCHESTER_ORG
    assert due.paths == decision.paths

    # Its channel, recorded as soon as it exists, is what a retry continues; it is taken.
    async with sessions() as session, session.begin():
        await circles.record_space(session=session, circle_id=circle_id, channel_id=777, is_thread=False)
    async with sessions() as session:
        due = await circles.opening_due(session=session, circle_id=circle_id)
        assert await circles.space_taken(session=session, channel_id=777)
        assert not await circles.space_taken(session=session, channel_id=778)
    assert due is not None and due.space.channel_id == 777


async def test_a_rolled_back_approval_leaves_no_task_and_a_rejection_makes_none(
    sessions: SessionMaker,
) -> None:
    circle_id = await _proposed_circle(sessions)
    with pytest.raises(RollbackError):
        async with sessions() as session, session.begin():
            await circles.decide(session=session, circle_id=circle_id, actor_id=4000, approve=True, now=NOW)
            assert len(list((await session.execute(select(ChatTask))).scalars())) >= 1
            raise RollbackError
    assert await _tasks(sessions, ChatTaskKind.CIRCLE_SPACE) == []
    await _decide(sessions, circle_id, approve=False)
    assert await _tasks(sessions, ChatTaskKind.CIRCLE_SPACE) == []
    async with sessions() as session:
        assert await circles.opening_due(session=session, circle_id=circle_id) is None


async def test_a_circle_that_closed_before_its_space_was_made_needs_none(sessions: SessionMaker) -> None:
    circle_id = await _proposed_circle(sessions)
    await _decide(sessions, circle_id)
    for user_id in (LEEDS, BRADFORD, HARROGATE):
        await leave_server(sessions, user_id)
    async with sessions() as session:
        assert await circles.opening_due(session=session, circle_id=circle_id) is None


async def test_every_kind_is_stored_and_claimed(sessions: SessionMaker) -> None:
    """The database accepts every kind the code knows (the migrations widened the CHECK)."""
    async with sessions() as session, session.begin():
        for number, kind in enumerate(ChatTaskKind, start=1):
            await outbox.enqueue(session=session, guild_id=GUILD, kind=kind, subject_id=number, now=NOW)
    async with sessions() as session, session.begin():
        claimed = await outbox.claim_due(session=session, now=NOW, worker="w", limit=50)
    assert sorted(task.kind for task in claimed) == sorted(ChatTaskKind)


@pytest.fixture
def gazetteer() -> Gazetteer:
    return get_gazetteer()


@contextmanager
def refusing_commits_with_tasks() -> Iterator[None]:
    """Every unit of work that wrote a chat task fails as it commits (rolled back)."""

    def note(session: Session, _context: object) -> None:
        if any(isinstance(row, ChatTask) for row in session.new):
            session.info["wrote_task"] = True

    def note_insert(state: ORMExecuteState) -> None:  # outbox.enqueue inserts with a statement
        if state.is_insert and getattr(state.statement, "table", None) is ChatTask.__table__:
            state.session.info["wrote_task"] = True

    def refuse(session: Session) -> None:
        if session.info.pop("wrote_task", False):
            raise RollbackError

    event.listen(Session, "after_flush", note)
    event.listen(Session, "do_orm_execute", note_insert)
    event.listen(Session, "before_commit", refuse)
    try:
        yield
    finally:
        event.remove(Session, "before_commit", refuse)
        event.remove(Session, "do_orm_execute", note_insert)
        event.remove(Session, "after_flush", note)


async def test_onboarding_commits_its_roles_and_announcement_tasks_with_the_profile(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    async with sessions() as session, session.begin():
        session.add(
            GuildSettings(guild_id=GUILD, member_role_id=55, announce_channel_id=66, region_roles="region")
        )
    completion = await run_conversation(
        sessions, gazetteer, guild_id=GUILD, user_id=LEEDS, now=NOW, answers=Answers(place="Leeds")
    )
    tasks = await _tasks(sessions, ChatTaskKind.MEMBER_ROLES) + await _tasks(
        sessions, ChatTaskKind.ANNOUNCEMENT
    )
    assert [(t.kind, t.subject_id, t.guild_id, t.due_at) for t in tasks] == [
        (ChatTaskKind.MEMBER_ROLES, completion.member_id, GUILD, NOW),
        (ChatTaskKind.ANNOUNCEMENT, completion.member_id, GUILD, NOW),
    ]
    # What the handlers carry out is read back from the database: what the member was told.
    async with sessions() as session:
        roles = await onboarding.roles_due(session=session, member_id=completion.member_id)
        announcement = await onboarding.announcement_due(session=session, member_id=completion.member_id)
    assert roles == onboarding.RolesDue(GUILD, LEEDS, 55, completion.region_role)
    assert completion.region_role == onboarding.RegionRole("England, United Kingdom")
    assert announcement == onboarding.AnnouncementDue(GUILD, 66, completion.announce_area)

    await leave_server(sessions, LEEDS)  # gone before the step ran: nothing to do
    async with sessions() as session:
        assert await onboarding.roles_due(session=session, member_id=completion.member_id) is None
        assert await onboarding.announcement_due(session=session, member_id=completion.member_id) is None


async def test_a_member_who_shares_nothing_gets_no_region_role_and_an_anonymous_line(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    answers = Answers(place="Leeds", sharing="nothing")
    completion = await run_conversation(
        sessions, gazetteer, guild_id=GUILD, user_id=LEEDS, now=NOW, answers=answers
    )
    async with sessions() as session:
        roles = await onboarding.roles_due(session=session, member_id=completion.member_id)
        announcement = await onboarding.announcement_due(session=session, member_id=completion.member_id)
    assert roles is not None and roles.region_role is None
    assert announcement is not None and announcement.area is None


async def test_a_rolled_back_onboarding_leaves_no_roles_or_announcement_task(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    with refusing_commits_with_tasks(), pytest.raises(RollbackError):
        await run_conversation(sessions, gazetteer, guild_id=GUILD, user_id=LEEDS, now=NOW)
    async with sessions() as session:
        assert (await session.execute(select(ChatTask))).scalars().all() == []
        member = (await session.execute(select(Member).where(Member.user_id == LEEDS))).scalar_one()
    assert member.onboarded_at is None  # the profile went with them
