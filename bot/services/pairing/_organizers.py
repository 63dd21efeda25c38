"""Experienced organizers: joining, confirmation, capacity, pausing, and their mentees."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import GroundworkError
from bot.services import languages as language_list
from bot.services import outbox
from bot.services.audit import record
from bot.services.pairing._people import organizer_of, pairable_member, taken_places
from bot.services.profile import latest_readiness
from bot.services.typed import typed_text
from bot.texts import pairing as texts
from db.enums import ChatTaskKind, MemberStatus, MentorshipStatus, OrganizerStatus
from db.models import GuildSettings, Member, Mentorship, Organizer

MAX_CAPACITY = 10


@dataclass(frozen=True, slots=True)
class OrganizerChange:
    """An organizer after a change, for the adapter's reply."""

    user_id: int
    status: OrganizerStatus
    capacity: int
    taken: int
    member_id: int | None = None  # their member row (the subject of their review post)


@dataclass(frozen=True, slots=True)
class OrganizerReview:
    """A member who offered to mentor and waits for a moderator: posted in the review channel."""

    member_id: int
    guild_id: int
    user_id: int
    capacity: int
    languages: tuple[str, ...]
    experience: str | None
    experience_note: str | None  # their own words: shown without pings
    review_channel_id: int | None


@dataclass(frozen=True, slots=True)
class Mentee:
    """One of an organizer's mentees, with their latest readiness."""

    user_id: int
    since: datetime | None
    readiness: dict[str, int]


def status_on_offer(current: OrganizerStatus | None, *, auto_confirm: bool) -> OrganizerStatus:
    """The status of an organizer who (again) offers or is put forward to mentor: active when
    the guild confirms organizers itself, pending a moderator otherwise; a confirmed or paused
    organizer keeps their status."""
    if current in (None, OrganizerStatus.PENDING, OrganizerStatus.REMOVED):
        return OrganizerStatus.ACTIVE if auto_confirm else OrganizerStatus.PENDING
    return current


def _check_capacity(capacity: int) -> None:
    if not 0 <= capacity <= MAX_CAPACITY:
        raise GroundworkError(texts.CAPACITY_RANGE.format(maximum=MAX_CAPACITY))


def parse_languages(text: str | None) -> list[str]:
    """Language codes from "en, es fr"; unknown codes are refused by name."""
    text = typed_text(text, limit=200)
    codes = [code.strip().lower() for code in text.replace(",", " ").split() if code.strip()]
    unknown = [code for code in codes if code not in language_list.LANGUAGES]
    if unknown:
        raise GroundworkError(texts.BAD_LANGUAGES.format(codes=", ".join(unknown[:5])[:200]))
    return language_list.known(codes)


async def _change(session: AsyncSession, member: Member, organizer: Organizer) -> OrganizerChange:
    return OrganizerChange(
        member.user_id,
        organizer.status,
        organizer.capacity,
        await taken_places(session, member.id),
        member.id,
    )


async def add_organizer(
    *,
    session: AsyncSession,
    guild_id: int,
    user_id: int,
    capacity: int,
    languages: list[str],
    actor_id: int,
    now: datetime,
) -> OrganizerChange:
    """A moderator makes a member an organizer; confirmed at once when the guild auto-confirms."""
    _check_capacity(capacity)
    member = await pairable_member(session, guild_id, user_id)
    guild = await session.get(GuildSettings, guild_id)
    organizer = await organizer_of(session, member)
    previous = None if organizer is None else organizer.status
    if organizer is None:
        organizer = Organizer(member_id=member.id, added_by=actor_id)
        session.add(organizer)
    organizer.capacity = capacity
    organizer.languages = languages or list(member.languages)
    auto = guild is not None and guild.auto_confirm_organizers
    status = status_on_offer(organizer.status, auto_confirm=auto)
    if status == OrganizerStatus.ACTIVE and organizer.status != OrganizerStatus.ACTIVE:
        organizer.confirmed_by, organizer.confirmed_at = actor_id, now
    organizer.status = status
    await session.flush()
    if status == OrganizerStatus.PENDING and previous != OrganizerStatus.PENDING:
        # Waiting for a moderator: posted in the review channel after the commit (a chat task).
        await outbox.enqueue(
            session=session,
            guild_id=guild_id,
            kind=ChatTaskKind.ORGANIZER_REVIEW,
            subject_id=member.id,
            now=now,
        )
    await record(
        session=session,
        now=now,
        guild_id=guild_id,
        actor_id=actor_id,
        target_user_id=user_id,
        action="organizer.added",
        details={"capacity": capacity, "status": str(organizer.status)},
    )
    return await _change(session, member, organizer)


async def confirm_organizer(
    *, session: AsyncSession, guild_id: int, user_id: int, actor_id: int, now: datetime
) -> OrganizerChange:
    """A moderator confirms a pending organizer."""
    member = await pairable_member(session, guild_id, user_id)
    organizer = await organizer_of(session, member)
    if organizer is None or organizer.status == OrganizerStatus.REMOVED:
        raise GroundworkError(texts.NOT_AN_ORGANIZER, who=user_id)
    if organizer.status == OrganizerStatus.PENDING:
        organizer.status = OrganizerStatus.ACTIVE
        organizer.confirmed_by, organizer.confirmed_at = actor_id, now
        await record(
            session=session,
            now=now,
            guild_id=guild_id,
            actor_id=actor_id,
            target_user_id=user_id,
            action="organizer.confirmed",
        )
    return await _change(session, member, organizer)


async def organizer_review_due(*, session: AsyncSession, member_id: int) -> OrganizerReview | None:
    """The organizer to post for review, or None when there is nothing to do: confirmed (or
    removed) meanwhile, or no longer a member."""
    member = await session.get(Member, member_id)
    if member is None or member.status != MemberStatus.ACTIVE:
        return None
    organizer = await organizer_of(session, member)
    if organizer is None or organizer.status != OrganizerStatus.PENDING:
        return None
    guild = await session.get(GuildSettings, member.guild_id)
    return OrganizerReview(
        member_id=member.id,
        guild_id=member.guild_id,
        user_id=member.user_id,
        capacity=organizer.capacity,
        languages=tuple(organizer.languages),
        experience=str(member.experience) if member.experience else None,
        experience_note=member.experience_note,
        review_channel_id=guild.review_channel_id if guild else None,
    )


async def pending_organizer(*, session: AsyncSession, member_id: int) -> tuple[int, int] | None:
    """(guild id, user id) of the member a review post is about, if they are still a member."""
    member = await session.get(Member, member_id)
    return None if member is None else (member.guild_id, member.user_id)


async def _own_organizer(session: AsyncSession, guild_id: int, user_id: int) -> tuple[Member, Organizer]:
    member = await pairable_member(session, guild_id, user_id, self_=True)
    organizer = await organizer_of(session, member)
    if organizer is None or organizer.status == OrganizerStatus.REMOVED:
        raise GroundworkError(texts.YOU_ARE_NOT_AN_ORGANIZER)
    return member, organizer


async def set_capacity(
    *, session: AsyncSession, guild_id: int, user_id: int, capacity: int, now: datetime
) -> OrganizerChange:
    _check_capacity(capacity)
    member, organizer = await _own_organizer(session, guild_id, user_id)
    organizer.capacity = capacity
    await record(
        session=session,
        now=now,
        guild_id=guild_id,
        actor_id=user_id,
        target_user_id=user_id,
        action="organizer.capacity",
        details={"capacity": capacity},
    )
    return await _change(session, member, organizer)


async def set_paused(
    *, session: AsyncSession, guild_id: int, user_id: int, paused: bool, now: datetime
) -> OrganizerChange:
    member, organizer = await _own_organizer(session, guild_id, user_id)
    if organizer.status in (OrganizerStatus.ACTIVE, OrganizerStatus.PAUSED):
        organizer.status = OrganizerStatus.PAUSED if paused else OrganizerStatus.ACTIVE
    await record(
        session=session,
        now=now,
        guild_id=guild_id,
        actor_id=user_id,
        target_user_id=user_id,
        action="organizer.paused" if paused else "organizer.resumed",
    )
    return await _change(session, member, organizer)


async def mentees(*, session: AsyncSession, guild_id: int, user_id: int) -> list[Mentee]:
    """An organizer's active mentees, each with their latest readiness."""
    member, _ = await _own_organizer(session, guild_id, user_id)
    rows = await session.execute(
        select(Member.id, Member.user_id, Mentorship.introduced_at)
        .join(Mentorship, Mentorship.member_id == Member.id)
        .where(Mentorship.mentor_id == member.id, Mentorship.status == MentorshipStatus.ACTIVE)
        .order_by(Mentorship.introduced_at)
    )
    return [
        Mentee(
            user_id=mentee_user,
            since=since,
            readiness=await latest_readiness(session=session, member_id=mentee_id),
        )
        for mentee_id, mentee_user, since in rows.all()
    ]
