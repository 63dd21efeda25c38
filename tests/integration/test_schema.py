"""The schema: migrations and models agree, and the constraints hold."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from db.base import Base
from db.engine import SessionMaker
from db.enums import MentorshipStatus, OnboardingStatus
from db.migrate import current_revision, head_revision, upgrade
from db.models import GuildSettings, Member, Mentorship, OnboardingSession, ReadinessAnswer, ReadinessCheckIn


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_models_and_migrations_agree(engine: AsyncEngine) -> None:
    """Autogenerate finds nothing to add: the migrations create exactly the models."""
    async with engine.connect() as connection:
        differences = await connection.run_sync(_differences)
    assert differences == []


async def test_database_is_at_head_and_upgrade_twice_is_a_no_op(engine: AsyncEngine) -> None:
    assert await current_revision(engine) == head_revision()
    await upgrade(engine)
    assert await current_revision(engine) == head_revision()


async def _guild_and_members(sessions: SessionMaker, *user_ids: int) -> list[int]:
    async with sessions() as session, session.begin():
        session.add(GuildSettings(guild_id=1))
        members = [Member(guild_id=1, user_id=user_id) for user_id in user_ids]
        session.add_all(members)
        await session.flush()
        return [member.id for member in members]


async def test_a_member_is_unique_per_guild_and_user(sessions: SessionMaker) -> None:
    await _guild_and_members(sessions, 10)
    with pytest.raises(IntegrityError):
        async with sessions() as session, session.begin():
            session.add(Member(guild_id=1, user_id=10))


async def test_a_mentorship_cannot_pair_a_member_with_themselves(sessions: SessionMaker) -> None:
    (member_id,) = await _guild_and_members(sessions, 10)
    with pytest.raises(IntegrityError):
        async with sessions() as session, session.begin():
            session.add(Mentorship(guild_id=1, member_id=member_id, mentor_id=member_id, source="manual"))


async def test_a_member_has_at_most_one_open_mentorship(sessions: SessionMaker) -> None:
    member, mentor_a, mentor_b = await _guild_and_members(sessions, 10, 11, 12)
    async with sessions() as session, session.begin():
        session.add(Mentorship(guild_id=1, member_id=member, mentor_id=mentor_a, source="manual"))
    with pytest.raises(IntegrityError):
        async with sessions() as session, session.begin():
            session.add(Mentorship(guild_id=1, member_id=member, mentor_id=mentor_b, source="manual"))
    async with sessions() as session, session.begin():
        # Ended ones are history and do not count.
        (open_one,) = (await session.execute(select(Mentorship))).scalars().all()
        open_one.status = MentorshipStatus.ENDED
        session.add(Mentorship(guild_id=1, member_id=member, mentor_id=mentor_b, source="manual"))


async def test_a_member_has_at_most_one_open_onboarding_session(sessions: SessionMaker) -> None:
    (member_id,) = await _guild_and_members(sessions, 10)
    async with sessions() as session, session.begin():
        session.add(OnboardingSession(member_id=member_id, step="place", expires_at=datetime.now(UTC)))
    with pytest.raises(IntegrityError):
        async with sessions() as session, session.begin():
            session.add(OnboardingSession(member_id=member_id, step="place", expires_at=datetime.now(UTC)))
    async with sessions() as session, session.begin():
        session.add(
            OnboardingSession(
                member_id=member_id,
                step="place",
                expires_at=datetime.now(UTC),
                status=OnboardingStatus.EXPIRED,
            )
        )


async def test_scores_are_one_to_five_and_unknown_statuses_are_refused(sessions: SessionMaker) -> None:
    (member_id,) = await _guild_and_members(sessions, 10)
    async with sessions() as session, session.begin():
        checkin = ReadinessCheckIn(member_id=member_id, due_at=datetime.now(UTC))
        session.add(checkin)
        await session.flush()
        checkin_id = checkin.id
    with pytest.raises(IntegrityError):
        async with sessions() as session, session.begin():
            session.add(ReadinessAnswer(checkin_id=checkin_id, dimension="time", score=6))
    with pytest.raises(IntegrityError):
        async with sessions() as session, session.begin():
            await session.execute(text("UPDATE readiness_checkins SET status = 'lost'"))


async def test_deleting_a_member_removes_their_rows(sessions: SessionMaker) -> None:
    """Foreign keys are enforced (on SQLite too), so deleting a member leaves nothing behind."""
    (member_id,) = await _guild_and_members(sessions, 10)
    async with sessions() as session, session.begin():
        session.add(ReadinessCheckIn(member_id=member_id, due_at=datetime.now(UTC)))
    async with sessions() as session, session.begin():
        member = await session.get(Member, member_id)
        await session.delete(member)
    async with sessions() as session:
        assert (await session.execute(select(ReadinessCheckIn))).first() is None


async def test_times_come_back_timezone_aware(sessions: SessionMaker) -> None:
    (member_id,) = await _guild_and_members(sessions, 10)
    async with sessions() as session:
        member = await session.get(Member, member_id)
        assert member is not None
        assert member.joined_at.tzinfo is not None
        assert member.joined_at.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
