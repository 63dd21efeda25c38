"""CSV exports for moderators: members (only what they consented to share) and mentorships.

Large exports are split into several files, each under the size Discord accepts."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.services.moderation._areas import consented_area, consented_precision
from db.enums import LocaleSharing
from db.models import Locale, Member, Mentorship, Organizer

MEMBER_COLUMNS = (
    "user_id",
    "status",
    "area",
    "area_precision",
    "timezone",
    "languages",
    "experience",
    "paths",
    "isolated",
    "waiting_for_mentor_since",
    "organizer",
    "joined_at",
    "onboarded_at",
)
MENTORSHIP_COLUMNS = (
    "mentorship_id",
    "member_user_id",
    "mentor_user_id",
    "status",
    "source",
    "proposed_at",
    "introduced_at",
    "ended_at",
    "end_reason",
)


@dataclass(frozen=True, slots=True)
class ExportFile:
    name: str
    data: bytes


def _iso(value: object) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else ("" if value is None else str(value))


def _line(values: Sequence[object]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(values)
    return buffer.getvalue()


def split_csv(
    name: str, header: Sequence[str], rows: Iterable[Sequence[object]], max_bytes: int
) -> list[ExportFile]:
    """`rows` as CSV files of at most `max_bytes` each (the header repeated in every part)."""
    head = _line(header)
    parts: list[str] = []
    current, size = [head], len(head.encode())
    for row in rows:
        text = _line([_iso(value) for value in row])
        length = len(text.encode())
        if size + length > max_bytes and len(current) > 1:
            parts.append("".join(current))
            current, size = [head], len(head.encode())
        current.append(text)
        size += length
    parts.append("".join(current))
    if len(parts) == 1:
        return [ExportFile(f"{name}.csv", parts[0].encode())]
    return [ExportFile(f"{name}-part{i}.csv", part.encode()) for i, part in enumerate(parts, start=1)]


async def members_export(*, session: AsyncSession, guild_id: int, max_bytes: int) -> list[ExportFile]:
    rows = await session.execute(
        select(Member, Locale, Organizer.status)
        .outerjoin(Locale, Member.locale_id == Locale.id)
        .outerjoin(Organizer, Organizer.member_id == Member.id)
        .where(Member.guild_id == guild_id)
        .order_by(Member.id)
    )

    def lines() -> Iterable[Sequence[object]]:
        for member, locale, organizer_status in rows.all():
            private = member.locale_sharing == LocaleSharing.NOTHING
            yield (
                member.user_id,
                member.status,
                consented_area(member, locale),
                consented_precision(member, locale),
                "" if private else member.timezone,  # a time zone narrows down where someone lives
                " ".join(member.languages),
                member.experience or "",
                " ".join(member.paths),
                member.is_isolated,
                member.mentor_requested_at,
                organizer_status or "",
                member.joined_at,
                member.onboarded_at,
            )

    return split_csv("members", MEMBER_COLUMNS, lines(), max_bytes)


async def mentorships_export(*, session: AsyncSession, guild_id: int, max_bytes: int) -> list[ExportFile]:
    mentee, mentor = aliased(Member), aliased(Member)
    rows = await session.execute(
        select(Mentorship, mentee.user_id, mentor.user_id)
        .join(mentee, Mentorship.member_id == mentee.id)
        .join(mentor, Mentorship.mentor_id == mentor.id)
        .where(Mentorship.guild_id == guild_id)
        .order_by(Mentorship.id)
    )
    lines = (
        (
            m.id,
            mentee_user,
            mentor_user,
            m.status,
            m.source,
            m.proposed_at,
            m.introduced_at,
            m.ended_at,
            m.end_reason or "",
        )
        for m, mentee_user, mentor_user in rows.all()
    )
    return split_csv("mentorships", MENTORSHIP_COLUMNS, lines, max_bytes)
