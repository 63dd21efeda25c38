"""Conversations stored before the answers were typed load and continue as they are.

The rows below are written as the bot wrote them (plain JSON, keys and values as they were
stored), read back through the service with nothing kept in memory, and finished."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from bot.config import GuildDefaults, OnboardingSettings
from bot.services import onboarding
from bot.services.gazetteer import Gazetteer, get_gazetteer
from bot.services.onboarding import Action, Notice, Step
from db.engine import SessionMaker
from db.enums import Experience, LocaleSharing, MemberStatus
from db.models import Member, OnboardingSession
from tests.support.onboarding import answer_step

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
GUILD = 1000
SETTINGS = OnboardingSettings(expire_after_hours=72, reminder_after_hours=24)


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return get_gazetteer()


async def _stored(
    sessions: SessionMaker, gazetteer: Gazetteer, user_id: int, step: str, answers: object
) -> int:
    """A conversation whose row holds `answers` at `step`, as an older bot left it."""
    async with sessions() as session, session.begin():
        begun = await onboarding.begin(
            session=session, guild_id=GUILD, user_id=user_id, now=NOW, settings=SETTINGS,
            defaults=GuildDefaults(), resolver=gazetteer,
        )  # fmt: skip
        await session.execute(
            update(OnboardingSession)
            .where(OnboardingSession.id == begun.session_id)
            .values(step=step, answers=answers, version=7)
        )
    return begun.session_id


async def test_an_old_row_at_consent_loads_and_completes(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    leeds = gazetteer.resolve("Leeds").candidates[0]
    old = {
        "suggested_languages": ["en"],
        "place": leeds.key,
        "timezone": "Europe/London",
        "languages": ["en", "pl"],
        "experience": "some",
        "experience_note": "Ran a tenants' meeting",
        "mentor_capacity": 2,
        "paths": ["discussion_group", "union"],
        "readiness": {
            "resources": 3,
            "speaking_confidence": 2,
            "political_informedness": 4,
            "articulation": 3,
            "local_awareness": 5,
            "time": 1,
        },
        "reminded": True,
        "return_to_summary": False,
    }
    sid = await _stored(sessions, gazetteer, 1, "consent", old)
    async with sessions() as session:
        shown = await onboarding.current(session=session, session_id=sid, user_id=1, resolver=gazetteer)
    assert (shown.step, shown.answers, shown.place) == (Step.CONSENT, old, leeds)
    summary = await answer_step(
        sessions, gazetteer, session_id=sid, user_id=1, now=NOW, step=Step.CONSENT,
        action=Action.CHOOSE, values=["region", "no"], settings=SETTINGS,
    )  # fmt: skip
    assert summary.step == Step.SUMMARY
    assert onboarding.is_complete(summary.answers)
    assert summary.answers == {**old, "locale_sharing": "region", "organizer_contact_ok": False}
    async with sessions() as session, session.begin():
        done = await onboarding.complete(
            session=session, session_id=sid, user_id=1, now=NOW, resolver=gazetteer
        )
    assert done.place == leeds
    async with sessions() as session:
        member = await session.get(Member, done.member_id)
        assert member is not None
        assert member.status == MemberStatus.ACTIVE
        assert (member.languages, member.experience, member.mentor_capacity) == (
            ["en", "pl"],
            Experience.SOME,
            2,
        )
        assert member.experience_note == "Ran a tenants' meeting"
        assert (member.locale_sharing, member.organizer_contact_ok) == (LocaleSharing.REGION, False)


async def test_an_old_row_between_a_typed_place_and_its_pick_continues(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    found = gazetteer.resolve("Springfield").candidates[:3]
    assert len(found) == 3
    old = {
        "suggested_languages": ["en"],
        "place_candidates": [place.key for place in found],
        "place_pick_reason": "same_name",
    }
    sid = await _stored(sessions, gazetteer, 2, "place_pick", old)
    async with sessions() as session:
        shown = await onboarding.current(session=session, session_id=sid, user_id=2, resolver=gazetteer)
    assert shown.candidates == tuple(found)
    picked = await answer_step(
        sessions, gazetteer, session_id=sid, user_id=2, now=NOW, step=Step.PLACE_PICK,
        action=Action.PICK, values=[found[1].key], settings=SETTINGS,
    )  # fmt: skip
    assert picked.step == Step.PLACE_CONFIRM
    assert picked.answers == {
        "suggested_languages": ["en"],
        "place": found[1].key,
        "timezone": found[1].timezone,
    }
    back = await answer_step(
        sessions, gazetteer, session_id=sid, user_id=2, now=NOW, step=Step.PLACE_CONFIRM,
        action=Action.WRONG_PLACE, values=[], settings=SETTINGS,
    )  # fmt: skip
    assert (back.step, back.notice) == (Step.PLACE, Notice.PLACE_NONE_OF_THESE)
    assert "place" not in back.answers and "place_candidates" not in back.answers


async def test_the_actions_are_the_custom_id_strings_of_today() -> None:
    """Buttons already in members' DMs carry these; they must keep meaning the same."""
    assert {action.value for action in Action} == {
        "text", "area_text", "use_understood", "pick", "yes", "wrong_place", "change_tz", "scores",
        "choose", "change", "confirm", "ask_place", "ask_area", "ask_note", "ask_scores", "ask_consent",
    }  # fmt: skip
    assert {step.value for step in Step} == {
        "place", "place_pick", "place_confirm", "timezone", "languages", "experience", "mentoring",
        "paths", "readiness_1", "readiness_2", "consent", "summary",
    }  # fmt: skip
