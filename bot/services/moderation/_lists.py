"""Paged lists for moderators: isolated members, members waiting for a mentor (and the page
bot.services.attention fills with members nobody has met yet)."""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from bot.services.members import counts_as_organizer
from bot.services.moderation._areas import consented_area, consented_precision
from db.enums import MemberStatus, MentorshipStatus
from db.models import Locale, Member, Mentorship

PAGE_SIZE = 10


class MemberList(enum.StrEnum):
    ISOLATED = "isolated"
    UNPAIRED = "unpaired"
    UNATTENDED = "unattended"  # listed by bot.services.attention.unattended


@dataclass(frozen=True, slots=True)
class ListedMember:
    user_id: int
    area: str
    precision: str
    since: datetime | None
    days_waiting: int | None = None  # unattended: whole days since onboarding


@dataclass(frozen=True, slots=True)
class Page:
    kind: MemberList
    items: tuple[ListedMember, ...]
    page: int  # 0-based
    pages: int
    total: int


def _filters(kind: MemberList, guild_id: int) -> list[Any]:
    conditions: list[Any] = [Member.guild_id == guild_id, Member.status == MemberStatus.ACTIVE]
    if kind == MemberList.ISOLATED:
        conditions += [Member.is_isolated.is_(True), ~counts_as_organizer()]  # organizers are not newcomers
        return conditions
    has_open = (
        select(Mentorship.id)
        .where(
            Mentorship.member_id == Member.id,
            Mentorship.status.in_((MentorshipStatus.PROPOSED, MentorshipStatus.ACTIVE)),
        )
        .exists()
    )
    conditions += [Member.mentor_requested_at.is_not(None), ~has_open]
    return conditions


async def member_page(*, session: AsyncSession, guild_id: int, kind: MemberList, page: int) -> Page:
    """One page of the list, oldest waiting (or onboarded) first."""
    if kind == MemberList.UNATTENDED:
        raise ValueError("members nobody has met yet are listed by bot.services.attention.unattended")
    since = Member.mentor_requested_at if kind == MemberList.UNPAIRED else Member.onboarded_at
    return await listed_page(
        session=session, kind=kind, conditions=_filters(kind, guild_id), since=since, page=page
    )


async def listed_page(
    *,
    session: AsyncSession,
    kind: MemberList,
    conditions: Sequence[Any],
    since: InstrumentedAttribute[datetime | None],
    page: int,
    per_page: int = PAGE_SIZE,
    now: datetime | None = None,
) -> Page:
    """One page (0-based, clamped) of the members meeting `conditions`, by `since` oldest first,
    each with their area as precisely as they consented; given `now`, whole days since `since`."""
    total = int(await session.scalar(select(func.count()).select_from(Member).where(*conditions)) or 0)
    pages = max(1, math.ceil(total / per_page))
    page = min(max(page, 0), pages - 1)
    rows = await session.execute(
        select(Member, Locale)
        .outerjoin(Locale, Member.locale_id == Locale.id)
        .where(*conditions)
        .order_by(since, Member.id)
        .offset(page * per_page)
        .limit(per_page)
    )
    items = []
    for member, locale in rows.all():
        moment = getattr(member, since.key)
        items.append(
            ListedMember(
                user_id=member.user_id,
                area=consented_area(member, locale),
                precision=consented_precision(member, locale),
                since=moment,
                days_waiting=(now - moment).days if now is not None and moment is not None else None,
            )
        )
    return Page(kind, tuple(items), page, pages, total)
