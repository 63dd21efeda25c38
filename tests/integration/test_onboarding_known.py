"""Answering over the conversation as last shown: one statement when it is current, and never a
wrong answer when it is not (another answer came first, a reminder, the member left)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import GuildDefaults, OnboardingSettings
from bot.errors import GroundworkError, NotFoundError
from bot.services import members, onboarding
from bot.services.gazetteer import Gazetteer, get_gazetteer
from bot.services.onboarding import Step
from db.engine import SessionMaker
from db.models import OnboardingSession
from tests.support.onboarding import answer_step, run_conversation
from tests.support.statements import statements_run

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
GUILD, USER = 1000, 7


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return get_gazetteer()


async def _begin(sessions: SessionMaker, gazetteer: Gazetteer) -> onboarding.Conversation:
    async with sessions() as session, session.begin():
        return await onboarding.begin(
            session=session,
            guild_id=GUILD,
            user_id=USER,
            now=NOW,
            settings=OnboardingSettings(),
            defaults=GuildDefaults(),
            resolver=gazetteer,
        )


async def _say(
    sessions: SessionMaker,
    gazetteer: Gazetteer,
    known: onboarding.Conversation | None,
    step: Step,
    action: str,
    *values: str,
    user_id: int = USER,
    session_id: int | None = None,
) -> onboarding.Conversation:
    sid = session_id if session_id is not None else known.session_id if known else 0
    return await answer_step(
        sessions, gazetteer, session_id=sid, user_id=user_id, now=NOW, step=step, action=action,
        values=list(values), known=known,
    )  # fmt: skip


async def _stored(sessions: SessionMaker, session_id: int) -> OnboardingSession:
    async with sessions() as session:
        row = await session.get(OnboardingSession, session_id)
        assert row is not None
        return row


async def test_an_answer_over_the_current_conversation_is_one_statement(
    engine: AsyncEngine, sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    shown = await _begin(sessions, gazetteer)
    shown = await _say(sessions, gazetteer, shown, Step.PLACE, "text", "Leeds")
    with statements_run(engine) as statements:
        shown = await _say(sessions, gazetteer, shown, Step.PLACE_CONFIRM, "yes")
    assert [s.split()[0] for s in statements] == ["UPDATE"]
    row = await _stored(sessions, shown.session_id)
    assert (row.step, row.version) == (Step.LANGUAGES, shown.version)
    assert row.answers["place"] == shown.answers["place"]


async def test_an_answer_over_an_out_of_date_conversation_is_applied_to_the_stored_one(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    shown = await _begin(sessions, gazetteer)
    at_place = await _say(sessions, gazetteer, shown, Step.PLACE, "text", "Leeds")
    await _say(sessions, gazetteer, at_place, Step.PLACE_CONFIRM, "change_tz")
    # Another window still shows the place confirmation: its answer is refused as stale...
    with pytest.raises(onboarding.StaleAnswerError):
        await _say(sessions, gazetteer, at_place, Step.PLACE_CONFIRM, "yes")
    # ...and an answer to the current step given with an old conversation reads the row first.
    answered = await _say(sessions, gazetteer, at_place, Step.TIMEZONE, "pick", "Europe/Dublin")
    row = await _stored(sessions, shown.session_id)
    assert row.step == Step.LANGUAGES and answered.step == Step.LANGUAGES
    assert row.answers["timezone"] == "Europe/Dublin" and row.answers["place"] == at_place.answers["place"]


async def test_a_reminder_in_between_is_kept(sessions: SessionMaker, gazetteer: Gazetteer) -> None:
    shown = await _begin(sessions, gazetteer)
    async with sessions() as session, session.begin():
        reminded = await onboarding.due_reminders(session=session, now=NOW + timedelta(days=2))
    assert [paused.session_id for paused in reminded] == [shown.session_id]
    shown = await _say(sessions, gazetteer, shown, Step.PLACE, "text", "Leeds")
    row = await _stored(sessions, shown.session_id)
    assert row.answers["reminded"] is True and row.reminder_due_at is None
    assert row.answers["place"] == shown.answers["place"]


async def test_someone_elses_conversation_is_not_answered_with_it(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    shown = await _begin(sessions, gazetteer)
    with pytest.raises(NotFoundError):
        await _say(sessions, gazetteer, shown, Step.PLACE, "text", "Leeds", user_id=USER + 1)
    assert (await _stored(sessions, shown.session_id)).version == 0


async def test_a_member_who_left_cannot_answer_over_what_they_were_shown(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    shown = await _begin(sessions, gazetteer)
    async with sessions() as session, session.begin():
        await members.record_leave(session=session, guild_id=GUILD, user_id=USER, now=NOW)
    with pytest.raises(GroundworkError):
        await _say(sessions, gazetteer, shown, Step.PLACE, "text", "Leeds")
    row = await _stored(sessions, shown.session_id)
    assert row.step == Step.PLACE and "place" not in row.answers


async def test_a_confirmed_conversation_cannot_be_answered_again(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    await run_conversation(sessions, gazetteer, guild_id=GUILD, user_id=USER, now=NOW)
    async with sessions() as session:
        row = (await session.execute(select(OnboardingSession))).scalar_one()
    shown = onboarding.Conversation(
        session_id=row.id,
        guild_id=GUILD,
        user_id=USER,
        step=Step.SUMMARY,
        answers=dict(row.answers),
        member_id=row.member_id,
        version=row.version - 1,  # as it was shown just before confirming
        expires_at=row.expires_at,
    )
    with pytest.raises(onboarding.StaleAnswerError):
        await _say(sessions, gazetteer, shown, Step.SUMMARY, "change", Step.PATHS.value)
