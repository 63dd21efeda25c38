"""Members' control of their own data: see it, export it, delete it; and deletion after leaving.

Deleting a member removes their row, and with it (foreign keys, ON DELETE CASCADE) every row
that is about them: onboarding conversations, check-ins and answers, their organizer record,
mentorships on either side and their history, town offers, human contacts, and whatever later
features attach to the member. Rows about other people that name them stay but no longer say
who: the person another member met (ON DELETE SET NULL), the moderator who decided a pairing or
a circle, confirmed or added an organizer, or acted in a mentorship's history becomes NULL, and
their id inside the audit log's details (the mentor of a mentee's pairing, for one) becomes
"deleted". Audit entries about them are kept, emptied, and one anonymous line records the
deletion itself. Places (locales) are shared, not personal: kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Text, cast, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import GroundworkError
from bot.services import activity, buddies, waiting, welcome_calls
from bot.services.audit import record
from bot.services.members import get_member
from bot.services.pairing import OPEN, Ended, end_all_for, mentorships_of
from bot.texts import privacy as texts
from db.base import Base
from db.enums import MemberStatus, MentorshipEndReason
from db.models import (
    AuditEntry,
    Circle,
    HumanContact,
    Locale,
    Member,
    Mentorship,
    MentorshipEvent,
    OnboardingSession,
    Organizer,
    OrganizerSuggestion,
    ReadinessAnswer,
    ReadinessCheckIn,
)

# What stands in for a deleted person's id inside the audit log's details.
DELETED = "deleted"

# Columns never worth exporting (internal bookkeeping).
_SKIP = {"claimed_by"}


def _row(obj: Base) -> dict[str, Any]:
    """A model row as JSON-ready values."""
    out: dict[str, Any] = {}
    for column in obj.__table__.columns:
        if column.key in _SKIP:
            continue
        value = getattr(obj, column.key)
        out[column.key] = value.isoformat() if isinstance(value, datetime) else value
    return out


async def _member_or_refuse(session: AsyncSession, guild_id: int, user_id: int) -> Member:
    member = await get_member(session=session, guild_id=guild_id, user_id=user_id)
    if member is None:
        raise GroundworkError(texts.NOTHING_STORED)
    return member


async def everything_about(*, session: AsyncSession, guild_id: int, user_id: int) -> dict[str, Any]:
    """All the bot stores about one member of one guild, as plain data (for /privacy show and export)."""
    member = await _member_or_refuse(session, guild_id, user_id)
    locale = await session.get(Locale, member.locale_id) if member.locale_id else None
    checkins = (
        (
            await session.execute(
                select(ReadinessCheckIn)
                .where(ReadinessCheckIn.member_id == member.id)
                .order_by(ReadinessCheckIn.due_at)
            )
        )
        .scalars()
        .all()
    )
    answers = (
        (
            await session.execute(
                select(ReadinessAnswer).where(ReadinessAnswer.checkin_id.in_([c.id for c in checkins]))
            )
        )
        .scalars()
        .all()
    )
    by_checkin: dict[int, list[dict[str, Any]]] = {}
    for answer in answers:
        by_checkin.setdefault(answer.checkin_id, []).append(
            {"dimension": str(answer.dimension), "score": answer.score, "at": answer.answered_at.isoformat()}
        )
    mentorships, people = await mentorships_of(session, member.id)
    organizer = (
        await session.execute(select(Organizer).where(Organizer.member_id == member.id))
    ).scalar_one_or_none()
    sessions = (
        (await session.execute(select(OnboardingSession).where(OnboardingSession.member_id == member.id)))
        .scalars()
        .all()
    )
    audit = (
        (
            await session.execute(
                select(AuditEntry)
                .where(
                    AuditEntry.guild_id == guild_id,
                    or_(AuditEntry.target_user_id == user_id, AuditEntry.actor_id == user_id),
                )
                .order_by(AuditEntry.at)
            )
        )
        .scalars()
        .all()
    )
    contacts = await session.scalars(
        select(HumanContact).where(HumanContact.member_id == member.id).order_by(HumanContact.at)
    )
    suggested = await session.scalar(
        select(OrganizerSuggestion).where(OrganizerSuggestion.member_id == member.id)
    )
    return {
        "member": {key: value for key, value in _row(member).items() if key not in ("id",)},
        "locale": _row(locale) if locale else None,
        "onboarding_conversations": [_row(s) for s in sessions],
        "organizer": _row(organizer) if organizer else None,
        # Suggested as a future organizer: where it stands (not who decided it).
        "organizer_suggestion": {
            key: value
            for key, value in _row(suggested).items()
            if key in ("status", "readiness", "suggested_at", "endorsed_at", "answered_at", "decided_at")
        }
        if suggested
        else None,
        "mentorships": [
            {
                **{k: v for k, v in _row(m).items() if k not in ("member_id", "mentor_id")},
                "role": "mentee" if m.member_id == member.id else "mentor",
                "mentor_user_id": people.get(m.mentor_id),
                "mentee_user_id": people.get(m.member_id),
            }
            for m in mentorships
        ],
        "readiness_checkins": [{**_row(c), "answers": by_checkin.get(c.id, [])} for c in checkins],
        "audit_log": [_row(entry) for entry in audit],
        "local": await activity.stored_about(session=session, member_id=member.id),
        # How and when they met someone through the bot; like local life, never who the other was.
        "human_contacts": [{"kind": str(c.kind), "at": c.at.isoformat()} for c in contacts],
        # What they were last told about their wait for a mentor (their place, roughly how long).
        "mentor_wait_notice": await waiting.stored_about(session=session, member_id=member.id),
        # Buddy offers and introductions: how they answered and when, never who the others were.
        "buddies": await buddies.stored_about(session=session, member_id=member.id),
        # Welcome calls they were invited to or host: their own answers, never who else came.
        "welcome_calls": await welcome_calls.stored_about(session=session, member_id=member.id),
    }


@dataclass(frozen=True, slots=True)
class Deletion:
    """What deleting a member's data ended, so the organizers affected can be told."""

    guild_id: int
    ended_mentorships: tuple[Ended, ...]
    buddies_alone: tuple[int, ...] = ()  # user ids whose buddy they were: to be told
    calls_off: tuple[welcome_calls.Cancelled, ...] = ()  # welcome calls they hosted: those invited told


async def delete_member_data(
    *, session: AsyncSession, guild_id: int, user_id: int, now: datetime, reason: str
) -> Deletion:
    """Remove everything personal about a member; keep one anonymous audit line."""
    # Their row is locked first: of two deletions at once (a deleted account's removal and its
    # rename, say) the second waits, then finds nothing and says so.
    member = (
        await session.execute(
            select(Member).where(Member.guild_id == guild_id, Member.user_id == user_id).with_for_update()
        )
    ).scalar_one_or_none()
    if member is None:
        raise GroundworkError(texts.NOTHING_STORED)
    # Then their open mentorships: one someone else is ending right now (they left the
    # server as their account was deleted, say) is waited for and then no longer open, not ended twice.
    await session.execute(
        select(Mentorship.id)
        .where(
            or_(Mentorship.member_id == member.id, Mentorship.mentor_id == member.id),
            Mentorship.status.in_(OPEN),
        )
        .with_for_update()
    )
    gone = MentorshipEndReason.DATA_DELETED
    ended = await end_all_for(session=session, member=member, now=now, as_mentor=gone, as_mentee=gone)
    alone = await buddies.member_gone(session=session, member_id=member.id, now=now)
    calls_off = await welcome_calls.host_left(session=session, guild_id=guild_id, user_id=user_id, now=now)
    await session.execute(delete(Member).where(Member.id == member.id))
    await _forget(session, guild_id=guild_id, user_id=user_id)
    await record(
        session=session,
        now=now,
        guild_id=guild_id,
        actor_id=None,
        target_user_id=None,
        action="member.data_deleted",
        details={"reason": reason},
    )
    return Deletion(guild_id, tuple(ended), tuple(alone), tuple(calls_off))


async def _forget(session: AsyncSession, *, guild_id: int, user_id: int) -> None:
    """Their Discord id out of every row of the guild that stays: rows about others name them no more."""
    guild_members = select(Member.id).where(Member.guild_id == guild_id)
    guild_mentorships = select(Mentorship.id).where(Mentorship.guild_id == guild_id)
    who_did_it: tuple[tuple[Any, Any, Any], ...] = (
        (Organizer, Organizer.added_by, Organizer.member_id.in_(guild_members)),
        (Organizer, Organizer.confirmed_by, Organizer.member_id.in_(guild_members)),
        (Mentorship, Mentorship.decided_by, Mentorship.guild_id == guild_id),
        (Mentorship, Mentorship.ended_by, Mentorship.guild_id == guild_id),
        (MentorshipEvent, MentorshipEvent.actor_id, MentorshipEvent.mentorship_id.in_(guild_mentorships)),
        (Circle, Circle.decided_by, Circle.guild_id == guild_id),
        (OrganizerSuggestion, OrganizerSuggestion.decided_by, OrganizerSuggestion.guild_id == guild_id),
        (AuditEntry, AuditEntry.actor_id, AuditEntry.guild_id == guild_id),
    )
    for model, column, in_guild in who_did_it:
        await session.execute(
            update(model)
            .where(column == user_id, in_guild)
            .values({column.key: None})
            .execution_options(synchronize_session=False)
        )
    # Entries about them stay (they record what moderators and the bot did) but no longer say who.
    await session.execute(
        update(AuditEntry)
        .where(AuditEntry.guild_id == guild_id, AuditEntry.target_user_id == user_id)
        .values(target_user_id=None, details={})
        .execution_options(synchronize_session=False)
    )
    # Entries about others may name them in their details ({"mentor": <id>}): the id goes.
    named = await session.execute(
        select(AuditEntry.id, AuditEntry.details).where(
            AuditEntry.guild_id == guild_id, cast(AuditEntry.details, Text).contains(str(user_id))
        )
    )
    for entry_id, details in named.all():
        cleaned = _without_id(details, user_id)
        if cleaned != details:
            await session.execute(
                update(AuditEntry)
                .where(AuditEntry.id == entry_id)
                .values(details=cleaned)
                .execution_options(synchronize_session=False)
            )


def summary_lines(data: dict[str, Any]) -> list[str]:
    """`privacy show`'s lines about what `everything_about` found (plain text, on every platform):
    the profile, the choices, and how many of each thing are kept."""
    member, locale = data["member"], data["locale"]
    place = (
        ", ".join(p for p in (locale["name"], locale["region_name"], locale["country_name"]) if p)
        if locale
        else "—"
    )
    return [
        texts.SHOW_PROFILE.format(
            status=member["status"],
            onboarded=(member["onboarded_at"] or "—")[:10],
            place=place,
            sharing=member["locale_sharing"],
        ),
        texts.SHOW_CONSENT.format(
            contact=texts.SHOW_YES if member["organizer_contact_ok"] else texts.SHOW_NO,
            offers=texts.SHOW_OFFERS_MUTED if member["neighbour_offers_muted"] else texts.SHOW_OFFERS_ON,
            activity=texts.SHOW_YES if member["share_activity"] else texts.SHOW_NO,
        ),
        texts.SHOW_COUNTS.format(
            conversations=len(data["onboarding_conversations"]),
            checkins=len(data["readiness_checkins"]),
            answers=sum(len(c["answers"]) for c in data["readiness_checkins"]),
            mentorships=len(data["mentorships"]),
            audit=len(data["audit_log"]),
        ),
    ]


def _without_id(value: Any, user_id: int) -> Any:
    """`value` (JSON: dicts, lists, numbers, strings) with `user_id` replaced by DELETED wherever it
    stands as a number, a key, or a run of digits in a string."""
    if isinstance(value, dict):
        return {_without_id(key, user_id): _without_id(item, user_id) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_id(item, user_id) for item in value]
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return DELETED if value == user_id else value
    if isinstance(value, str):
        return re.sub(rf"(?<![0-9]){user_id}(?![0-9])", DELETED, value)
    return value


async def guilds_with_data(*, session: AsyncSession, user_id: int) -> list[int]:
    """The guilds where groundwork keeps anything about this Discord user (as a member)."""
    rows = await session.execute(select(Member.guild_id).where(Member.user_id == user_id))
    return sorted(rows.scalars().all())


async def expired_departures(
    *, session: AsyncSession, now: datetime, retention_days: int
) -> list[tuple[int, int]]:
    """(guild id, user id) of members who left longer ago than the retention period."""
    cutoff = now - timedelta(days=retention_days)
    rows = await session.execute(
        select(Member.guild_id, Member.user_id).where(
            Member.status == MemberStatus.LEFT, Member.left_at <= cutoff
        )
    )
    return [(guild_id, user_id) for guild_id, user_id in rows.all()]
