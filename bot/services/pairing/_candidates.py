"""From the database to the matching engine: who waits, who can mentor, and at what cost."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.matching import Mentor, Seeker
from bot.services.pairing._history import earlier_mentees, excluded_organizers
from bot.services.pairing._people import OPEN
from db.enums import MemberStatus, OrganizerStatus
from db.models import Locale, Member, Mentorship, Organizer

SECONDS_PER_DAY = 86_400.0


def utc_offset_hours(timezone: str | None, now: datetime) -> float:
    if not timezone:
        return 0.0
    try:
        offset = now.astimezone(ZoneInfo(timezone)).utcoffset()
    except (ZoneInfoNotFoundError, ValueError):
        return 0.0
    return offset.total_seconds() / 3600 if offset is not None else 0.0


async def seekers(session: AsyncSession, members: list[Member], now: datetime) -> list[Seeker]:
    """The engine's view of waiting members (their exclusions included)."""
    if not members:
        return []
    locales = {
        locale.id: locale
        for locale in (
            await session.execute(
                select(Locale).where(Locale.id.in_({m.locale_id for m in members if m.locale_id}))
            )
        ).scalars()
    }
    excluded = await excluded_organizers(session, [m.id for m in members])
    result = []
    for member in members:
        locale = locales.get(member.locale_id or -1)
        waited = (now - (member.mentor_requested_at or now)).total_seconds() / SECONDS_PER_DAY
        result.append(
            Seeker(
                member_id=member.id,
                latitude=locale.latitude if locale else None,
                longitude=locale.longitude if locale else None,
                utc_offset_hours=utc_offset_hours(member.timezone, now),
                languages=frozenset(member.languages),
                paths=frozenset(member.paths),
                waiting_days=max(0.0, waited),
                excluded_organizer_ids=frozenset(excluded.get(member.id, set())),
            )
        )
    return result


async def mentors(session: AsyncSession, guild_id: int, now: datetime) -> list[Mentor]:
    """Confirmed, unpaused organizers of the guild who are still members, with their free places."""
    taken = (
        select(Mentorship.mentor_id, func.count().label("taken"))
        .where(Mentorship.status.in_(OPEN))
        .group_by(Mentorship.mentor_id)
        .subquery()
    )
    rows = (
        await session.execute(
            select(Member, Organizer, Locale, func.coalesce(taken.c.taken, 0))
            .join(Organizer, Organizer.member_id == Member.id)
            .outerjoin(Locale, Member.locale_id == Locale.id)
            .outerjoin(taken, taken.c.mentor_id == Member.id)
            .where(
                Member.guild_id == guild_id,
                Member.status == MemberStatus.ACTIVE,
                Organizer.status == OrganizerStatus.ACTIVE,
            )
        )
    ).all()
    earlier = await earlier_mentees(session, [member.id for member, *_ in rows])
    result = []
    for member, organizer, locale, taken_count in rows:
        spare = organizer.capacity - int(taken_count)
        if spare <= 0:
            continue
        result.append(
            Mentor(
                member_id=member.id,
                latitude=locale.latitude if locale else None,
                longitude=locale.longitude if locale else None,
                utc_offset_hours=utc_offset_hours(member.timezone, now),
                languages=frozenset(organizer.languages or member.languages),
                paths=frozenset(member.paths),
                spare_capacity=spare,
                previous_mentee_ids=frozenset(earlier.get(member.id, set())),
            )
        )
    return result
