"""Unfinished conversations: one reminder, then they expire."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import identities
from bot.services.onboarding._model import stored_answers
from db.enums import MemberStatus, OnboardingStatus, Platform
from db.models import Member, OnboardingSession


@dataclass(frozen=True, slots=True)
class PausedConversation:
    """A conversation to remind a member of, or to tell them has expired."""

    session_id: int
    guild_id: int
    user_id: int
    channel_id: int | None


def _on(platform: Platform | None) -> ColumnElement[bool]:
    """The conversations of one platform's communities (None: every one)."""
    return true() if platform is None else identities.on_platform(Member.guild_id, platform)


async def _claim(
    session: AsyncSession, condition: object, values: dict[str, object], platform: Platform | None
) -> list[PausedConversation]:
    rows = (
        await session.execute(
            select(OnboardingSession.id, Member.guild_id, Member.user_id, OnboardingSession.channel_id)
            .join(Member, OnboardingSession.member_id == Member.id)
            .where(OnboardingSession.status == OnboardingStatus.OPEN, condition, _on(platform))  # type: ignore[arg-type]
            .with_for_update(of=OnboardingSession, skip_locked=True)
        )
    ).all()
    if not rows:
        return []
    await session.execute(
        update(OnboardingSession)
        .where(OnboardingSession.id.in_([row.id for row in rows]))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return [PausedConversation(*row) for row in rows]


async def due_reminders(
    *, session: AsyncSession, now: datetime, platform: Platform | None = None
) -> list[PausedConversation]:
    """Conversations whose one reminder is due; each is returned once, ever. With `platform`,
    only that platform's communities' (each adapter reminds its own members)."""
    claimed = await _claim(
        session, OnboardingSession.reminder_due_at <= now, {"reminder_due_at": None}, platform
    )
    for paused in claimed:
        row = await session.get(OnboardingSession, paused.session_id)
        if row is not None:
            answers = stored_answers(row.answers)
            answers["reminded"] = True
            row.answers = dict(answers)
            row.version += 1  # an answer read before this must not write over it
    return claimed


async def expire_due(
    *, session: AsyncSession, now: datetime, platform: Platform | None = None
) -> list[PausedConversation]:
    """End conversations left unfinished past their expiry; their members can start again. With
    `platform`, only that platform's communities'."""
    expired = await _claim(
        session,
        OnboardingSession.expires_at <= now,
        {"status": OnboardingStatus.EXPIRED, "reminder_due_at": None},
        platform,
    )
    if expired:
        member_ids = select(OnboardingSession.member_id).where(
            OnboardingSession.id.in_([paused.session_id for paused in expired])
        )
        await session.execute(
            update(Member)
            .where(Member.id.in_(member_ids), Member.status == MemberStatus.ONBOARDING)
            .values(status=MemberStatus.NEW)
            .execution_options(synchronize_session=False)
        )
    return expired


async def remember_channel(
    *, session: AsyncSession, session_id: int, channel_id: int, message_id: int
) -> None:
    """Where the conversation's latest message is, so a reminder can point there."""
    row = await session.get(OnboardingSession, session_id)
    if row is not None:
        row.channel_id = channel_id
        row.message_id = message_id
