"""Everything a moderator may see about one member (/mod member)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import NotFoundError
from bot.services.contacts import Contact, first_and_last
from bot.services.members import get_member
from bot.services.moderation._areas import consented_area, consented_precision
from bot.services.pairing import mentorships_of
from bot.services.profile import latest_readiness
from bot.texts import moderation as texts
from db.enums import MentorshipStatus, OnboardingStatus
from db.models import Locale, OnboardingSession, Organizer


@dataclass(frozen=True, slots=True)
class MemberCard:
    user_id: int
    status: str
    area: str
    precision: str
    timezone: str | None
    languages: list[str]
    experience: str | None
    experience_note: str | None
    paths: list[str]
    organizer_contact_ok: bool
    is_isolated: bool
    waiting_since: datetime | None
    mentor_user_id: int | None
    mentee_user_ids: list[int]
    organizer_status: str | None
    organizer_capacity: int | None
    readiness: dict[str, int]
    checkins_paused: bool
    missed_checkins: int
    dms_closed: bool
    onboarding_step: str | None
    joined_at: datetime
    onboarded_at: datetime | None
    first_contact: Contact | None = None  # the first person the bot put them in touch with
    last_contact: Contact | None = None


async def member_card(*, session: AsyncSession, guild_id: int, user_id: int) -> MemberCard:
    member = await get_member(session=session, guild_id=guild_id, user_id=user_id)
    if member is None:
        raise NotFoundError(texts.UNKNOWN_MEMBER)
    locale = await session.get(Locale, member.locale_id) if member.locale_id else None
    open_rows, others = await mentorships_of(session, member.id, statuses=[MentorshipStatus.ACTIVE])
    mentor = next((others.get(r.mentor_id) for r in open_rows if r.member_id == member.id), None)
    mentees = [others[r.member_id] for r in open_rows if r.mentor_id == member.id and r.member_id in others]
    organizer = (
        await session.execute(select(Organizer).where(Organizer.member_id == member.id))
    ).scalar_one_or_none()
    conversation = (
        await session.execute(
            select(OnboardingSession.step).where(
                OnboardingSession.member_id == member.id, OnboardingSession.status == OnboardingStatus.OPEN
            )
        )
    ).scalar_one_or_none()
    first_contact, last_contact = await first_and_last(session=session, member_id=member.id)
    return MemberCard(
        user_id=member.user_id,
        status=str(member.status),
        area=consented_area(member, locale),
        precision=consented_precision(member, locale),
        timezone=member.timezone,
        languages=list(member.languages),
        experience=str(member.experience) if member.experience else None,
        experience_note=member.experience_note,
        paths=list(member.paths),
        organizer_contact_ok=member.organizer_contact_ok,
        is_isolated=member.is_isolated,
        waiting_since=member.mentor_requested_at,
        mentor_user_id=mentor,
        mentee_user_ids=mentees,
        organizer_status=str(organizer.status) if organizer else None,
        organizer_capacity=organizer.capacity if organizer else None,
        readiness=await latest_readiness(session=session, member_id=member.id),
        checkins_paused=member.checkins_paused,
        missed_checkins=member.missed_checkins,
        dms_closed=member.dms_closed_at is not None,
        onboarding_step=conversation,
        joined_at=member.joined_at,
        onboarded_at=member.onboarded_at,
        first_contact=first_contact,
        last_contact=last_contact,
    )
