"""Onboarding with a Discord server and a Matrix community in one database: each adapter reminds
and expires only its own community's conversations, and a member's open conversation is found
by guild and user (the Matrix adapter's replies carry no session id). SQLite, and PostgreSQL
when configured."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.config import GuildDefaults, OnboardingSettings
from bot.services import identities, onboarding
from bot.services.gazetteer import get_gazetteer
from db.engine import SessionMaker
from db.enums import IdentityKind, Platform

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DISCORD_GUILD, DISCORD_USER = 4242, 1_000_000_000_000_001
SETTINGS = OnboardingSettings(reminder_after_hours=2, expire_after_hours=4)


async def _matrix_ids(sessions: SessionMaker) -> tuple[int, int]:
    async with sessions() as session, session.begin():
        guild = await identities.local_id(
            session=session,
            platform=Platform.MATRIX,
            kind=IdentityKind.COMMUNITY,
            external_id="!s:example.org",
        )
        user = await identities.local_id(
            session=session, platform=Platform.MATRIX, kind=IdentityKind.USER, external_id="@a:example.org"
        )
    return guild, user


async def _begin(sessions: SessionMaker, guild_id: int, user_id: int) -> onboarding.Conversation:
    async with sessions() as session, session.begin():
        return await onboarding.begin(
            session=session,
            guild_id=guild_id,
            user_id=user_id,
            now=START,
            settings=SETTINGS,
            defaults=GuildDefaults(),
        )


async def test_each_platform_reminds_and_expires_only_its_own_conversations(sessions: SessionMaker) -> None:
    matrix_guild, matrix_user = await _matrix_ids(sessions)
    await _begin(sessions, DISCORD_GUILD, DISCORD_USER)
    await _begin(sessions, matrix_guild, matrix_user)
    later = START + timedelta(hours=3)
    async with sessions() as session, session.begin():
        on_matrix = await onboarding.due_reminders(session=session, now=later, platform=Platform.MATRIX)
    async with sessions() as session, session.begin():
        on_discord = await onboarding.due_reminders(session=session, now=later, platform=Platform.DISCORD)
        again = await onboarding.due_reminders(session=session, now=later, platform=Platform.MATRIX)
    assert [(p.guild_id, p.user_id) for p in on_matrix] == [(matrix_guild, matrix_user)]
    assert [(p.guild_id, p.user_id) for p in on_discord] == [(DISCORD_GUILD, DISCORD_USER)]
    assert again == []

    expiry = START + timedelta(hours=5)
    async with sessions() as session, session.begin():
        expired = await onboarding.expire_due(session=session, now=expiry, platform=Platform.MATRIX)
    assert [(p.guild_id, p.user_id) for p in expired] == [(matrix_guild, matrix_user)]
    async with sessions() as session:
        assert (
            await onboarding.open_conversation(session=session, guild_id=matrix_guild, user_id=matrix_user)
            is None
        )
        still = await onboarding.open_conversation(
            session=session, guild_id=DISCORD_GUILD, user_id=DISCORD_USER
        )
    assert still is not None and still.step == onboarding.Step.PLACE
    async with sessions() as session, session.begin():
        rest = await onboarding.expire_due(session=session, now=expiry)  # no platform: every one left
    assert [(p.guild_id, p.user_id) for p in rest] == [(DISCORD_GUILD, DISCORD_USER)]


async def test_the_open_conversation_of_a_member_as_the_database_holds_it(sessions: SessionMaker) -> None:
    guild_id, user_id = await _matrix_ids(sessions)
    async with sessions() as session:
        assert await onboarding.open_conversation(session=session, guild_id=guild_id, user_id=user_id) is None
    started = await _begin(sessions, guild_id, user_id)
    gazetteer = get_gazetteer()
    async with sessions() as session, session.begin():
        answered = await onboarding.answer(
            session=session,
            session_id=started.session_id,
            user_id=user_id,
            step=onboarding.Step.PLACE,
            action=onboarding.Action.TEXT,
            values=["Inverness"],
            now=START,
            settings=SETTINGS,
            resolver=gazetteer,
        )
    async with sessions() as session:
        found = await onboarding.open_conversation(
            session=session, guild_id=guild_id, user_id=user_id, resolver=gazetteer
        )
        other = await onboarding.open_conversation(session=session, guild_id=guild_id, user_id=user_id - 1)
    assert found is not None and other is None
    assert (found.session_id, found.step, found.version) == (
        started.session_id,
        answered.step,
        answered.version,
    )
    assert found.answers == answered.answers
    assert (found.place, found.candidates) == (answered.place, answered.candidates)  # rebuilt from the row
