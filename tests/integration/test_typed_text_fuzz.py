"""Arbitrary text, as a modified client could send it, through every service that takes what a
member typed: nothing crashes, and what is stored is what ``typed_text`` makes of it.

NUL bytes (refused by PostgreSQL), lone surrogates (refused by every database driver), other
control characters, combining marks and very long strings are all in the alphabet.
"""

from __future__ import annotations

import unicodedata
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.config import GuildDefaults, OnboardingSettings
from bot.errors import GroundworkError
from bot.services import activity, checkins, onboarding
from bot.services.checkins import Delivery, DeliveryStatus
from bot.services.gazetteer import get_gazetteer
from bot.services.moderation import parse_setting
from bot.services.onboarding import Step
from bot.services.pairing import parse_languages
from bot.services.typed import typed_text
from db.engine import SessionMaker
from db.enums import ActivityKind
from db.models import ActivityEntry, OnboardingSession, ReadinessCheckIn
from tests.integration.test_checkins_support import START, add_member
from tests.support.onboarding import answer_step

# Every code point, surrogates included (hypothesis leaves them out unless told).
ANYTHING = st.text(st.characters(exclude_categories=()), max_size=1200)
EXAMPLES = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
USER = 4242


def _storable(text: str) -> bool:
    return "\x00" not in text and not any(0xD800 <= ord(ch) <= 0xDFFF for ch in text)


@given(text=ANYTHING)
def test_typed_text_keeps_only_what_can_be_stored(text: str) -> None:
    cleaned = typed_text(text, limit=500)
    assert _storable(cleaned) and len(cleaned) <= 500
    assert unicodedata.is_normalized("NFC", cleaned) or len(cleaned) == 500
    assert typed_text(cleaned, limit=500) == cleaned


@pytest.fixture
async def member(sessions: SessionMaker) -> int:
    return await add_member(sessions, USER, schedule=False, scores=None)


@given(note=ANYTHING)
@EXAMPLES
async def test_a_log_entry_of_any_text_is_stored_clean(
    sessions: SessionMaker, member: int, note: str
) -> None:
    async with sessions() as session, session.begin():
        logged = await activity.log(
            session=session, guild_id=1, user_id=USER, kind=ActivityKind.OTHER, note=note, now=START
        )
    async with sessions() as session:
        stored = await session.get(ActivityEntry, logged.entry_id)
    assert stored is not None and stored.note == (typed_text(note, limit=activity.MAX_NOTE) or None)


@pytest.fixture
async def open_checkin(sessions: SessionMaker) -> int:
    member_id = await add_member(sessions, USER)
    async with sessions() as session:
        due = (
            (
                await session.execute(
                    select(ReadinessCheckIn.due_at).where(ReadinessCheckIn.member_id == member_id)
                )
            )
            .scalars()
            .all()
        )
    now = max(d for d in due if d is not None) + timedelta(minutes=1)
    async with sessions() as session, session.begin():
        claim = await checkins.claim_due(
            session=session, now=now, worker="w", limit=5, grace=timedelta(hours=12)
        )
    [item] = claim.due
    async with sessions() as session, session.begin():
        await checkins.record_delivery(
            session=session,
            checkin_id=item.checkin_id,
            worker="w",
            delivery=Delivery(DeliveryStatus.SENT, channel_id=77, message_id=1),
            now=now,
        )
    return item.checkin_id


@given(note=ANYTHING)
@EXAMPLES
async def test_a_checkin_note_of_any_text_is_stored_clean(
    sessions: SessionMaker, open_checkin: int, note: str
) -> None:
    async with sessions() as session, session.begin():
        state = await checkins.record_note(
            session=session, checkin_id=open_checkin, user_id=USER, note=note, now=START
        )
    assert state.note == (typed_text(note, limit=1000) or None)
    async with sessions() as session:
        row = await session.get(ReadinessCheckIn, open_checkin)
    assert row is not None and row.note == state.note


@given(text=ANYTHING)
@settings(max_examples=200, deadline=None)
def test_place_answers_of_any_text_never_crash(text: str) -> None:
    result = get_gazetteer().resolve(text)
    assert result.kind in ("match", "ambiguous", "not_found", "invalid")
    assert _storable(result.query)


@given(key=ANYTHING, raw=ANYTHING, languages=ANYTHING)
@settings(max_examples=200, deadline=None)
def test_settings_and_languages_of_any_text_are_refused_or_parsed(key: str, raw: str, languages: str) -> None:
    for parse in (lambda: parse_setting(key, raw), lambda: parse_setting("radius_km", raw)):
        try:
            parse()
        except GroundworkError as refused:
            assert _storable(refused.user_message)
    try:
        parse_languages(languages)
    except GroundworkError as refused:
        assert _storable(refused.user_message)


class _Users:
    """A new member for every example (a conversation moves on once answered)."""

    def __init__(self) -> None:
        self.next = 9000

    def __call__(self) -> int:
        self.next += 1
        return self.next


@pytest.fixture
def users() -> _Users:
    return _Users()


async def _conversation(sessions: SessionMaker, user_id: int) -> onboarding.Conversation:
    async with sessions() as session, session.begin():
        return await onboarding.begin(
            session=session,
            guild_id=1,
            user_id=user_id,
            now=START,
            settings=OnboardingSettings(),
            defaults=GuildDefaults(),
            resolver=get_gazetteer(),
        )


async def _say(
    sessions: SessionMaker, sid: int, user_id: int, step: Step, action: str, *values: str
) -> onboarding.Conversation:
    return await answer_step(
        sessions, get_gazetteer(), session_id=sid, user_id=user_id, now=START, step=step,
        action=action, values=list(values),
    )  # fmt: skip


@given(place=ANYTHING)
@EXAMPLES
async def test_a_place_answer_of_any_text_is_refused_or_stored_clean(
    sessions: SessionMaker, users: _Users, place: str
) -> None:
    user_id = users()
    sid = (await _conversation(sessions, user_id)).session_id
    try:
        await _say(sessions, sid, user_id, Step.PLACE, "text", place)
    except GroundworkError as refused:
        assert _storable(refused.user_message)
    async with sessions() as session:
        stored = await session.get(OnboardingSession, sid)
    assert stored is not None and _storable(repr(stored.answers))


@given(note=ANYTHING)
@EXAMPLES
async def test_an_experience_note_of_any_text_is_stored_clean(
    sessions: SessionMaker, users: _Users, note: str
) -> None:
    user_id = users()
    sid = (await _conversation(sessions, user_id)).session_id
    await _say(sessions, sid, user_id, Step.PLACE, "text", "Leeds")
    await _say(sessions, sid, user_id, Step.PLACE_CONFIRM, "yes")
    await _say(sessions, sid, user_id, Step.LANGUAGES, "pick", "en")
    answered = await _say(sessions, sid, user_id, Step.EXPERIENCE, "pick", "experienced", note)
    expected = typed_text(note, limit=1000)
    assert answered.answers.get("experience_note", "") == expected
    async with sessions() as session:
        stored = await session.get(OnboardingSession, sid)
    assert stored is not None and stored.answers.get("experience_note", "") == expected
