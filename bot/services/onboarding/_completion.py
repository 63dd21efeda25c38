"""Confirming the summary: the answers become the member's profile."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import GroundworkError
from bot.services import nearby
from bot.services.audit import record
from bot.services.gazetteer import Place
from bot.services.locales import locale_for
from bot.services.onboarding._answers import PlaceResolver
from bot.services.onboarding._conversation import StaleAnswerError, load_state
from bot.services.onboarding._flow import Step, is_complete, offers_mentoring
from bot.services.profile import latest_readiness
from bot.texts import onboarding as texts
from db.enums import (
    CheckInKind,
    CheckInStatus,
    Experience,
    LocaleSharing,
    MemberStatus,
    OnboardingStatus,
    OrganizerStatus,
)
from db.models import GuildSettings, Member, OnboardingSession, Organizer, ReadinessAnswer, ReadinessCheckIn


@dataclass(frozen=True, slots=True)
class RegionRole:
    """The region role a member gets: looked up by name, created when missing."""

    name: str


@dataclass(frozen=True, slots=True)
class Completion:
    """What the adapter does and says once a member confirmed their answers."""

    member_id: int
    guild_id: int
    user_id: int
    member_role_id: int | None
    region_role: RegionRole | None
    nearby: nearby.NearbySummary
    isolated: bool
    organizer_status: OrganizerStatus | None
    announce_channel_id: int | None
    # What the announcement may say about where the member is from (None: nothing).
    announce_area: str | None
    place: Place


def region_role_name(place: Place, mode: str, sharing: LocaleSharing) -> str | None:
    """The role that shows the member's area, only as precisely as they agreed to share."""
    if mode == "off" or sharing == LocaleSharing.NOTHING:
        return None
    if mode == "region" and place.region_name:
        return f"{place.region_name}, {place.country_name}"[:100]
    return place.country_name[:100]


def announce_area(place: Place, sharing: LocaleSharing) -> str | None:
    """What a public "new member from ..." line may name: the region at most, never the town."""
    if sharing == LocaleSharing.NOTHING:
        return None
    if place.region_name:
        return f"{place.region_name}, {place.country_name}"
    return place.country_name


async def _register_organizer(
    session: AsyncSession, member: Member, capacity: int, auto_confirm: bool, now: datetime
) -> OrganizerStatus:
    organizer = (
        await session.execute(select(Organizer).where(Organizer.member_id == member.id))
    ).scalar_one_or_none()
    if organizer is None:
        organizer = Organizer(member_id=member.id, languages=list(member.languages))
        session.add(organizer)
    organizer.capacity = capacity
    if organizer.status in (None, OrganizerStatus.PENDING, OrganizerStatus.REMOVED):
        organizer.status = OrganizerStatus.ACTIVE if auto_confirm else OrganizerStatus.PENDING
        if auto_confirm:
            organizer.confirmed_at = now
    await session.flush()
    return organizer.status


async def _record_readiness(
    session: AsyncSession, member_id: int, scores: dict[str, int], now: datetime, *, first_time: bool
) -> None:
    checkin = ReadinessCheckIn(
        member_id=member_id,
        kind=CheckInKind.BASELINE if first_time else CheckInKind.ON_DEMAND,
        status=CheckInStatus.ANSWERED,
        due_at=now,
        sent_at=now,
        answered_at=now,
    )
    session.add(checkin)
    await session.flush()
    await session.execute(
        insert(ReadinessAnswer),
        [
            {"checkin_id": checkin.id, "dimension": dimension, "score": int(score), "answered_at": now}
            for dimension, score in scores.items()
        ],
    )


async def complete(
    *,
    session: AsyncSession,
    session_id: int,
    user_id: int,
    now: datetime,
    resolver: PlaceResolver,
) -> Completion:
    """Apply a confirmed conversation to the member: profile, baseline readiness, organizer offer."""
    state = await load_state(session, session_id, user_id)
    if state.step != Step.SUMMARY:
        raise StaleAnswerError(texts.STALE_STEP)
    answers = state.answers
    place = resolver.place_by_key(answers.get("place", ""))
    if not is_complete(answers) or place is None:
        raise GroundworkError(texts.SUMMARY_INCOMPLETE)
    member = await session.get(Member, state.member_id)
    guild = await session.get(GuildSettings, state.guild_id)
    assert member is not None
    assert guild is not None

    locale = await locale_for(session=session, place=place)
    member.locale_id = locale.id
    member.timezone = answers["timezone"]
    member.languages = list(answers["languages"])
    member.experience = Experience(answers["experience"])
    member.experience_note = answers.get("experience_note") if offers_mentoring(answers) else None
    capacity = int(answers.get("mentor_capacity", 0)) if offers_mentoring(answers) else 0
    member.wants_to_mentor = capacity > 0
    member.mentor_capacity = capacity or None
    member.paths = list(answers["paths"])
    member.locale_sharing = LocaleSharing(answers["locale_sharing"])
    member.organizer_contact_ok = bool(answers["organizer_contact_ok"])
    first_time = member.onboarded_at is None
    member.status = MemberStatus.ACTIVE
    member.onboarded_at = member.onboarded_at or now
    await session.execute(
        update(OnboardingSession)
        .where(OnboardingSession.id == session_id)
        .values(
            status=OnboardingStatus.COMPLETED,
            completed_at=now,
            reminder_due_at=None,
            version=state.version + 1,
        )
    )

    if first_time or answers["readiness"] != await latest_readiness(session=session, member_id=member.id):
        await _record_readiness(session, member.id, answers["readiness"], now, first_time=first_time)
    organizer_status = None
    if capacity > 0:
        organizer_status = await _register_organizer(
            session, member, capacity, guild.auto_confirm_organizers, now
        )
    await session.flush()
    summary = await nearby.settle(session=session, member=member, locale=locale, radius_km=guild.radius_km)
    isolated = summary.isolated
    await record(
        session=session,
        guild_id=member.guild_id,
        actor_id=member.user_id,
        target_user_id=member.user_id,
        action="member.onboarded" if first_time else "member.profile_updated",
        details={"precision": place.precision, "isolated": isolated, "organizer": organizer_status},
    )
    return Completion(
        member_id=member.id,
        guild_id=member.guild_id,
        user_id=member.user_id,
        member_role_id=guild.member_role_id,
        region_role=(
            RegionRole(name)
            if (name := region_role_name(place, guild.region_roles, member.locale_sharing))
            else None
        ),
        nearby=summary,
        isolated=isolated,
        organizer_status=organizer_status,
        announce_channel_id=guild.announce_channel_id,
        announce_area=announce_area(place, member.locale_sharing),
        place=place,
    )
