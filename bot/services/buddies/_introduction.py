"""Introducing buddies who all said yes: an icebreaker, two times to talk, a contact each."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.buddies._model import (
    FIRST_TIME_AFTER,
    FOLLOWUP_AFTER,
    SECOND_TIME_AFTER,
    Buddy,
    Icebreaker,
    Introduction,
)
from bot.services.buddies._rows import _buddy, _members
from bot.services.contacts import record_contacts
from bot.services.practice import common_hour
from db.enums import (
    BuddyStatus,
    Experience,
    HumanContactKind,
    MemberStatus,
)
from db.models import (
    BuddyGroup,
    GuildSettings,
)


def _icebreaker(buddies: Sequence[Buddy], shared_paths: Sequence[str]) -> tuple[Icebreaker, int | None]:
    if shared_paths:
        return Icebreaker.SHARED_PATH, None
    done = [b for b in buddies if b.experience in (Experience.SOME, Experience.EXPERIENCED)]
    if done and any(b.experience in (Experience.NEW, None) for b in buddies):
        return Icebreaker.EXPERIENCE, done[0].user_id
    return Icebreaker.PATHS, None


def suggested_times(timezones: Sequence[str | None], now: datetime) -> tuple[datetime, datetime]:
    """Two times to talk (UTC), each in everyone's evening where there is one, on different days."""
    first = common_hour(timezones, now + FIRST_TIME_AFTER)
    return first, common_hour(timezones, first + SECOND_TIME_AFTER - timedelta(hours=1))


async def introduction_due(*, session: AsyncSession, group_id: int, now: datetime) -> Introduction | None:
    """The buddies to introduce, or None when there is nothing left to do (introduced already,
    called off, or someone is no longer an active member)."""
    row = await session.get(BuddyGroup, group_id, with_for_update=True)
    if row is None or row.status != BuddyStatus.INTRODUCED or row.introduced_at is not None:
        return None
    everyone = await _members(session, group_id)
    if len(everyone) < 2 or any(m.status != MemberStatus.ACTIVE for _, m in everyone):
        return None
    members = [m for _, m in everyone]
    buddies = tuple([await _buddy(session, m) for m in members])
    shared_paths = tuple(p for p in members[0].paths if all(p in m.paths for m in members[1:]))
    shared_languages = tuple(
        code for code in members[0].languages if all(code in m.languages for m in members[1:])
    )
    icebreaker, experienced = _icebreaker(buddies, shared_paths)
    guild = await session.get(GuildSettings, row.guild_id)
    return Introduction(
        group_id=row.id,
        guild_id=row.guild_id,
        buddies=buddies,
        shared_paths=shared_paths,
        shared_languages=shared_languages,
        icebreaker=icebreaker,
        experienced_user_id=experienced,
        suggested_times=suggested_times([m.timezone for m in members], now),
        introductions_channel_id=guild.introductions_channel_id if guild else None,
    )


async def thread_taken(*, session: AsyncSession, thread_id: int) -> bool:
    """Whether buddies were already introduced in `thread_id`."""
    found = await session.scalar(select(BuddyGroup.id).where(BuddyGroup.thread_id == thread_id).limit(1))
    return found is not None


async def record_introduced(
    *, session: AsyncSession, group_id: int, thread_id: int | None, delivered: bool, now: datetime
) -> None:
    """Where the buddies were introduced (a thread, or None: by DM), the follow-up a week on; when
    the introduction reached someone, a human contact for each (naming the other in a pair)."""
    row = await session.get(BuddyGroup, group_id)
    if row is None:
        return
    row.thread_id, row.introduced_at, row.followup_due_at = thread_id, now, now + FOLLOWUP_AFTER
    if not delivered:
        return
    member_ids = [r.member_id for r, _ in await _members(session, group_id)]

    def counterpart(member_id: int) -> int | None:
        others = [m for m in member_ids if m != member_id]
        return others[0] if len(others) == 1 else None

    await record_contacts(
        session=session,
        guild_id=row.guild_id,
        kind=HumanContactKind.BUDDY_INTRODUCTION,
        subject_id=row.id,
        at=now,
        members=((member_id, counterpart(member_id)) for member_id in member_ids),
    )
