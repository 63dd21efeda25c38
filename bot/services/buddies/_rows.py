"""Reading a buddy group's rows, shared by the steps of an offer."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import NotAllowedError, NotFoundError
from bot.services.audit import record
from bot.services.buddies._model import (
    Buddy,
)
from bot.services.locales import shared_area
from bot.texts import buddies as texts
from db.enums import (
    LocaleSharing,
)
from db.models import (
    BuddyGroup,
    BuddyMember,
    BuddyOptOut,
    Locale,
    Member,
)


async def _buddy(session: AsyncSession, member: Member) -> Buddy:
    locale = await session.get(Locale, member.locale_id) if member.locale_id else None
    shares = member.locale_sharing != LocaleSharing.NOTHING
    return Buddy(
        user_id=member.user_id,
        area=shared_area(locale, member.locale_sharing),
        timezone=member.timezone if shares else None,
        paths=tuple(member.paths),
        experience=member.experience,
    )


async def _row_of(
    session: AsyncSession, buddy_id: int, user_id: int
) -> tuple[BuddyMember, BuddyGroup, Member]:
    row = await session.get(BuddyMember, buddy_id)
    if row is None:
        raise NotFoundError(texts.GONE)
    group_row = await session.get(BuddyGroup, row.group_id, with_for_update=True)
    member = await session.get(Member, row.member_id)
    if group_row is None:
        raise NotFoundError(texts.GONE)
    if member is None or member.user_id != user_id:
        raise NotAllowedError(texts.NOT_YOURS)
    return row, group_row, member


async def _members(session: AsyncSession, group_id: int) -> list[tuple[BuddyMember, Member]]:
    rows = await session.execute(
        select(BuddyMember, Member)
        .join(Member, BuddyMember.member_id == Member.id)
        .where(BuddyMember.group_id == group_id)
        .order_by(BuddyMember.id)
    )
    return [(row, member) for row, member in rows.all()]


async def _opt_out(session: AsyncSession, member: Member, now: datetime) -> None:
    if await session.get(BuddyOptOut, member.id) is None:
        session.add(BuddyOptOut(member_id=member.id, at=now))
    await record(
        session=session,
        now=now,
        guild_id=member.guild_id,
        actor_id=member.user_id,
        target_user_id=member.user_id,
        action="buddies.muted",
    )
