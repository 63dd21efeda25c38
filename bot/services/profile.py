"""A member's own profile: seeing it, changing where they live, editing their answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import GroundworkError
from bot.services import nearby
from bot.services.audit import record
from bot.services.gazetteer import Place
from bot.services.locales import locale_id_for
from bot.services.members import get_member
from bot.texts import profile as texts
from db.enums import LocaleSharing, MemberStatus
from db.models import Locale, Member, ReadinessAnswer, ReadinessCheckIn

if TYPE_CHECKING:  # onboarding reads profiles: imported for the type only
    from bot.services.onboarding import Answers


class NotOnboardedError(GroundworkError):
    """The member has not told the bot about themselves yet."""


@dataclass(frozen=True, slots=True)
class Profile:
    """What a member told the bot, as they see it themselves."""

    member_id: int
    place_label: str | None
    precision: str | None
    timezone: str | None
    languages: list[str]
    experience: str | None
    experience_note: str | None
    mentor_capacity: int | None
    paths: list[str]
    locale_sharing: LocaleSharing
    organizer_contact_ok: bool
    latest_readiness: dict[str, int]
    is_isolated: bool


async def active_member(*, session: AsyncSession, guild_id: int, user_id: int) -> Member:
    """The member, who must have finished onboarding."""
    member = await get_member(session=session, guild_id=guild_id, user_id=user_id)
    if member is None or member.status != MemberStatus.ACTIVE:
        raise NotOnboardedError(texts.NOT_ONBOARDED)
    return member


def place_label(locale: Locale) -> str:
    parts = [locale.name] if locale.precision == "city" else []
    if locale.region_name and locale.precision != "country":
        parts.append(locale.region_name)
    parts.append(locale.country_name)
    return ", ".join(dict.fromkeys(parts))


async def latest_readiness(*, session: AsyncSession, member_id: int) -> dict[str, int]:
    """The member's most recent answer on each dimension."""
    rows = await session.execute(
        select(ReadinessAnswer.dimension, ReadinessAnswer.score)
        .join(ReadinessCheckIn, ReadinessAnswer.checkin_id == ReadinessCheckIn.id)
        .where(ReadinessCheckIn.member_id == member_id)
        .order_by(ReadinessAnswer.answered_at)
    )
    latest: dict[str, int] = {}
    for dimension, score in rows.all():
        latest[str(dimension)] = score
    return latest


async def show(*, session: AsyncSession, guild_id: int, user_id: int) -> Profile:
    member = await active_member(session=session, guild_id=guild_id, user_id=user_id)
    locale = await session.get(Locale, member.locale_id) if member.locale_id else None
    return Profile(
        member_id=member.id,
        place_label=place_label(locale) if locale else None,
        precision=str(locale.precision) if locale else None,
        timezone=member.timezone,
        languages=list(member.languages),
        experience=str(member.experience) if member.experience else None,
        experience_note=member.experience_note,
        mentor_capacity=member.mentor_capacity,
        paths=list(member.paths),
        locale_sharing=member.locale_sharing,
        organizer_contact_ok=member.organizer_contact_ok,
        latest_readiness=await latest_readiness(session=session, member_id=member.id),
        is_isolated=member.is_isolated,
    )


async def set_locale(
    *, session: AsyncSession, guild_id: int, user_id: int, place: Place, now: datetime
) -> nearby.NearbySummary:
    """Move a member to `place` (and its time zone); isolation is recomputed on both sides, and
    their invitations to welcome calls of a zone they no longer live in are withdrawn."""
    member = await active_member(session=session, guild_id=guild_id, user_id=user_id)
    radius = await nearby.guild_radius_km(session, guild_id)
    old_neighbours = await nearby.neighbours(session=session, member_id=member.id, radius_km=radius)
    member.locale_id = await locale_id_for(session=session, place=place)
    member.timezone = place.timezone
    await session.flush()
    # Imported here: welcome_calls reads pairing, which reads profiles (latest_readiness).
    from bot.services import welcome_calls

    await welcome_calls.moved(session=session, member_id=member.id, now=now)  # calls of the old zone
    for neighbour in old_neighbours:
        await nearby.refresh_isolation(session=session, member_id=neighbour.member_id)
    summary = await nearby.settle(
        session=session, guild_id=guild_id, member_id=member.id, where=place, radius_km=radius
    )
    member.is_isolated = summary.isolated
    await record(
        session=session,
        now=now,
        guild_id=guild_id,
        actor_id=user_id,
        target_user_id=user_id,
        action="member.locale_changed",
        details={"precision": place.precision},
    )
    return summary


def answers_of(member: Member, locale: Locale | None, readiness: dict[str, int]) -> Answers:
    """A finished member's profile as onboarding answers, so they can edit them in the same conversation."""
    answers: Answers = {
        "languages": list(member.languages),
        "paths": list(member.paths),
        "readiness": readiness,
        "locale_sharing": str(member.locale_sharing),
        "organizer_contact_ok": member.organizer_contact_ok,
        "return_to_summary": True,
    }
    if member.timezone is not None:
        answers["timezone"] = member.timezone
    if member.experience is not None:
        answers["experience"] = str(member.experience)
    if locale is not None:
        answers["place"] = locale.key
    if member.experience_note:
        answers["experience_note"] = member.experience_note
    if member.experience and str(member.experience) != "new":
        answers["mentor_capacity"] = member.mentor_capacity or 0
    return answers
