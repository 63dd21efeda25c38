"""The activity log: what members did locally, and who may see it.

Who sees a member's log:
- the member themselves: everything;
- their mentor (an active mentorship) and the members of their open circle: everything,
  but only while the member shares their activity (`/log share`);
- moderators: counts by kind, never the notes (unless they are also the mentor or in the
  circle, and the member shares);
- anyone else: nothing.
The check-in suggestions can use `entries_since` / `counts_since` for a member's recent activity;
`stored_about` is local life's part of a member's data export.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import GroundworkError, NotAllowedError
from bot.services.audit import record
from bot.services.members import get_member
from bot.services.typed import typed_text
from bot.texts import local as texts
from db.enums import ActivityKind, CircleMemberStatus, CircleStatus, MemberStatus, MentorshipStatus
from db.models import (
    ActivityEntry,
    Circle,
    CircleMember,
    Member,
    Mentorship,
    NeighbourIntroduction,
    NeighbourOffer,
    PracticeRequest,
)

MAX_NOTE = 500
RECENT = 100  # the latest entries /log view shows, paged
COUNT_WINDOW = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class Audience:
    """Where a shared entry is shown: the mentor (their mentorship thread, else a DM) and the circle."""

    mentor_user_id: int | None
    mentor_thread_id: int | None
    circle_channel_id: int | None


@dataclass(frozen=True, slots=True)
class Logged:
    entry_id: int
    user_id: int
    kind: ActivityKind
    note: str | None
    audience: Audience | None  # None: the member keeps their log private


@dataclass(frozen=True, slots=True)
class Entry:
    kind: ActivityKind
    note: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class LogView:
    """What a viewer may see of a member's log: entries, or counts only."""

    user_id: int
    entries: tuple[Entry, ...] | None  # None: counts only
    counts: dict[ActivityKind, int]  # in the last 30 days


async def _active(session: AsyncSession, guild_id: int, user_id: int, *, self_: bool) -> Member:
    member = await get_member(session=session, guild_id=guild_id, user_id=user_id)
    if member is None or member.status != MemberStatus.ACTIVE:
        if self_:
            raise GroundworkError(texts.NOT_ONBOARDED)
        raise GroundworkError(texts.LOG_NOT_ONBOARDED, who=user_id)
    return member


async def add_entry(
    session: AsyncSession, member: Member, kind: ActivityKind, note: str | None, now: datetime, source: str
) -> ActivityEntry:
    entry = ActivityEntry(
        guild_id=member.guild_id,
        member_id=member.id,
        kind=kind,
        note=typed_text(note, limit=MAX_NOTE) or None,
        source=source,
        at=now,
    )
    session.add(entry)
    await session.flush()
    return entry


async def _mentorship(session: AsyncSession, member_id: int) -> Mentorship | None:
    return (
        await session.execute(
            select(Mentorship).where(
                Mentorship.member_id == member_id, Mentorship.status == MentorshipStatus.ACTIVE
            )
        )
    ).scalar_one_or_none()


async def _circle_ids(session: AsyncSession, member_id: int) -> set[int]:
    """The open circles a member is in."""
    rows = await session.execute(
        select(CircleMember.circle_id)
        .join(Circle, CircleMember.circle_id == Circle.id)
        .where(
            CircleMember.member_id == member_id,
            CircleMember.status == CircleMemberStatus.JOINED,
            Circle.status == CircleStatus.OPEN,
        )
    )
    return set(rows.scalars())


async def _audience(session: AsyncSession, member: Member) -> Audience:
    mentorship = await _mentorship(session, member.id)
    mentor = await session.get(Member, mentorship.mentor_id) if mentorship else None
    circle_ids = await _circle_ids(session, member.id)
    channel_id = await session.scalar(
        select(Circle.channel_id).where(Circle.id.in_(circle_ids)).order_by(Circle.id).limit(1)
    )
    return Audience(
        mentor_user_id=mentor.user_id if mentor else None,
        mentor_thread_id=mentorship.thread_id if mentorship else None,
        circle_channel_id=channel_id,
    )


async def log(
    *, session: AsyncSession, guild_id: int, user_id: int, kind: ActivityKind, note: str | None, now: datetime
) -> Logged:
    """A member records what they did; returns where to show it (when they share)."""
    member = await _active(session, guild_id, user_id, self_=True)
    entry = await add_entry(session, member, kind, note, now, "member")
    audience = await _audience(session, member) if member.share_activity else None
    return Logged(entry.id, user_id, kind, entry.note, audience)


async def set_sharing(
    *, session: AsyncSession, guild_id: int, user_id: int, share: bool, now: datetime
) -> None:
    """Whether the member's mentor and circle may see their log."""
    member = await _active(session, guild_id, user_id, self_=True)
    if member.share_activity != share:
        member.share_activity = share
        await record(
            session=session,
            now=now,
            guild_id=guild_id,
            actor_id=user_id,
            target_user_id=user_id,
            action="activity.shared" if share else "activity.private",
        )


async def _may_read(session: AsyncSession, viewer: Member | None, subject: Member) -> bool:
    """The viewer is the subject, or, while the subject shares, their mentor or in their circle."""
    if viewer is None:
        return False
    if viewer.id == subject.id:
        return True
    if not subject.share_activity:
        return False
    mentorship = await _mentorship(session, subject.id)
    if mentorship is not None and mentorship.mentor_id == viewer.id:
        return True
    return bool(await _circle_ids(session, subject.id) & await _circle_ids(session, viewer.id))


async def counts_since(session: AsyncSession, member_id: int, since: datetime) -> dict[ActivityKind, int]:
    """How many entries of each kind a member logged since `since`."""
    rows = await session.execute(
        select(ActivityEntry.kind, func.count())
        .where(ActivityEntry.member_id == member_id, ActivityEntry.at >= since)
        .group_by(ActivityEntry.kind)
    )
    return dict(Counter({ActivityKind(kind): int(count) for kind, count in rows.all()}))


async def entries_since(session: AsyncSession, member_ids: list[int], since: datetime) -> int:
    """How many entries these members logged since `since` (for counts, never for reading)."""
    if not member_ids:
        return 0
    count = await session.scalar(
        select(func.count())
        .select_from(ActivityEntry)
        .where(ActivityEntry.member_id.in_(member_ids), ActivityEntry.at >= since)
    )
    return int(count or 0)


async def view(
    *,
    session: AsyncSession,
    guild_id: int,
    viewer_user_id: int,
    subject_user_id: int,
    viewer_is_moderator: bool,
    now: datetime,
) -> LogView:
    """A member's log as `viewer_user_id` may see it (see the module docstring)."""
    subject = await _active(session, guild_id, subject_user_id, self_=viewer_user_id == subject_user_id)
    viewer = await get_member(session=session, guild_id=guild_id, user_id=viewer_user_id)
    counts = await counts_since(session, subject.id, now - COUNT_WINDOW)
    if await _may_read(session, viewer, subject):
        rows = await session.execute(
            select(ActivityEntry)
            .where(ActivityEntry.member_id == subject.id)
            .order_by(ActivityEntry.at.desc(), ActivityEntry.id.desc())
            .limit(RECENT)
        )
        entries = tuple(Entry(e.kind, e.note, e.at) for e in rows.scalars())
        return LogView(subject_user_id, entries, counts)
    if viewer_is_moderator:
        return LogView(subject_user_id, None, counts)
    raise NotAllowedError(texts.LOG_PRIVATE, who=subject_user_id)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


async def stored_about(*, session: AsyncSession, member_id: int) -> dict[str, list[dict[str, Any]]]:
    """What local life keeps about one member, for their data export: their own side of each
    introduction (never who the other was, nor how far they live), circles, practice requests
    and log entries."""
    offers = (
        await session.execute(select(NeighbourOffer).where(NeighbourOffer.member_id == member_id))
    ).scalars()
    intros = (
        await session.execute(
            select(NeighbourIntroduction).where(
                or_(
                    NeighbourIntroduction.requester_id == member_id,
                    NeighbourIntroduction.neighbour_id == member_id,
                )
            )
        )
    ).scalars()
    places = await session.execute(
        select(CircleMember, Circle.name)
        .join(Circle, CircleMember.circle_id == Circle.id)
        .where(CircleMember.member_id == member_id)
    )
    practice = (
        await session.execute(select(PracticeRequest).where(PracticeRequest.member_id == member_id))
    ).scalars()
    entries = (
        await session.execute(select(ActivityEntry).where(ActivityEntry.member_id == member_id))
    ).scalars()
    return {
        "neighbour_offers": [
            {"status": str(o.status), "neighbours": o.neighbours, "at": _iso(o.created_at)} for o in offers
        ],
        "neighbour_introductions": [
            {
                "asked_by_you": i.requester_id == member_id,
                "your_answer": str(i.requester_answer if i.requester_id == member_id else i.neighbour_answer),
                "status": str(i.status),
                "at": _iso(i.created_at),
            }
            for i in intros
        ],
        "circles": [
            {"circle": name, "role": str(m.role), "status": str(m.status), "joined_at": _iso(m.joined_at)}
            for m, name in places.all()
        ],
        "practice_requests": [
            {"path": p.path, "status": str(p.status), "happened": p.happened, "at": _iso(p.requested_at)}
            for p in practice
        ],
        "activity_log": [
            {"kind": str(e.kind), "note": e.note, "source": e.source, "at": _iso(e.at)} for e in entries
        ],
    }
