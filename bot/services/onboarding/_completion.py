"""Confirming the summary: the answers become the member's profile."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, cast

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import GroundworkError
from bot.services import nearby, outbox
from bot.services.audit import record
from bot.services.gazetteer import Place
from bot.services.locales import STORED_LOCALE_ID, create_locale
from bot.services.onboarding._conversation import Conversation, shown_state
from bot.services.onboarding._flow import Step, is_complete, offers_mentoring
from bot.services.onboarding._store import StaleAnswerError, close_completed, load_state
from bot.services.pairing import status_on_offer
from bot.services.place_answers import PlaceResolver
from bot.services.profile import latest_readiness
from bot.texts import onboarding as texts
from db.base import UTCDateTime
from db.enums import (
    ChatTaskKind,
    CheckInKind,
    CheckInStatus,
    Experience,
    LocaleSharing,
    MemberStatus,
    OrganizerStatus,
)
from db.models import GuildSettings, Locale, Member, Organizer, ReadinessAnswer, ReadinessCheckIn


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


class _Named(Protocol):
    """A place or a stored locale: what a role or an announcement may name."""

    @property
    def region_name(self) -> str | None: ...
    @property
    def country_name(self) -> str: ...


def region_role_name(place: _Named, mode: str, sharing: LocaleSharing) -> str | None:
    """The role that shows the member's area, only as precisely as they agreed to share."""
    if mode == "off" or sharing == LocaleSharing.NOTHING:
        return None
    if mode == "region" and place.region_name:
        return f"{place.region_name}, {place.country_name}"[:100]
    return place.country_name[:100]


def announce_area(place: _Named, sharing: LocaleSharing) -> str | None:
    """What a public "new member from ..." line may name: the region at most, never the town."""
    if sharing == LocaleSharing.NOTHING:
        return None
    if place.region_name:
        return f"{place.region_name}, {place.country_name}"
    return place.country_name


_MEMBERS, _GUILDS = cast(Table, Member.__table__), cast(Table, GuildSettings.__table__)
_CHECKINS = cast(Table, ReadinessCheckIn.__table__)

# Confirming runs once per member; its statements are built once, as the answers' are.
_CONTEXT = (
    select(
        _MEMBERS.c.onboarded_at,
        _GUILDS.c.radius_km,
        _GUILDS.c.auto_confirm_organizers,
        _GUILDS.c.member_role_id,
        _GUILDS.c.region_roles,
        _GUILDS.c.announce_channel_id,
        STORED_LOCALE_ID.label("locale_id"),
    )
    .join(_GUILDS, _MEMBERS.c.guild_id == _GUILDS.c.guild_id)
    .where(_MEMBERS.c.id == bindparam("member_id"))
)
_PROFILE_COLUMNS = (
    "locale_id",
    "timezone",
    "languages",
    "experience",
    "experience_note",
    "wants_to_mentor",
    "mentor_capacity",
    "paths",
    "locale_sharing",
    "organizer_contact_ok",
    "is_isolated",
)
_SAVE_PROFILE = (
    update(_MEMBERS)
    .where(_MEMBERS.c.id == bindparam("member_id"))
    .values(
        status=MemberStatus.ACTIVE,
        onboarded_at=func.coalesce(_MEMBERS.c.onboarded_at, bindparam("now", type_=UTCDateTime())),
        **{name: bindparam(f"new_{name}", type_=_MEMBERS.c[name].type) for name in _PROFILE_COLUMNS},
    )
)
_ORGANIZERS = cast(Table, Organizer.__table__)
_ORGANIZER_STATUS = select(_ORGANIZERS.c.status).where(_ORGANIZERS.c.member_id == bindparam("member_id"))
_NEW_ORGANIZER = insert(_ORGANIZERS)
_UPDATE_ORGANIZER = (
    update(_ORGANIZERS)
    .where(_ORGANIZERS.c.member_id == bindparam("of_member"))
    .values(
        capacity=bindparam("new_capacity"),
        status=bindparam("new_status", type_=_ORGANIZERS.c.status.type),
        confirmed_at=func.coalesce(bindparam("confirmed", type_=UTCDateTime()), _ORGANIZERS.c.confirmed_at),
    )
)
_NEW_CHECKIN = insert(_CHECKINS).returning(_CHECKINS.c.id)
_NEW_ANSWERS = insert(cast(Table, ReadinessAnswer.__table__))


@dataclass(frozen=True, slots=True)
class _Context:
    """What confirming needs besides the answers: the member's past, the guild's settings and
    the place's locale, read in one statement."""

    first_time: bool
    radius_km: float
    auto_confirm_organizers: bool
    member_role_id: int | None
    region_roles: str
    announce_channel_id: int | None
    locale_id: int  # the place's locale, stored now if nobody lived there before


async def _context(session: AsyncSession, member_id: int, place: Place) -> _Context:
    row = (await session.execute(_CONTEXT, {"member_id": member_id, "locale_key": place.key})).one()
    locale_id = (
        row.locale_id if row.locale_id is not None else await create_locale(session=session, place=place)
    )
    return _Context(
        first_time=row.onboarded_at is None,
        radius_km=row.radius_km,
        auto_confirm_organizers=row.auto_confirm_organizers,
        member_role_id=row.member_role_id,
        region_roles=row.region_roles,
        announce_channel_id=row.announce_channel_id,
        locale_id=locale_id,
    )


async def _register_organizer(
    session: AsyncSession,
    member_id: int,
    guild_id: int,
    languages: list[str],
    capacity: int,
    auto_confirm: bool,
    now: datetime,
) -> OrganizerStatus:
    """The member offered to mentor: an organizer, with the status `status_on_offer` gives. One
    who newly waits for a moderator's confirmation is posted in the review channel after the
    commit (a chat task)."""
    found = (await session.execute(_ORGANIZER_STATUS, {"member_id": member_id})).scalar_one_or_none()
    current = None if found is None else OrganizerStatus(found)
    status = status_on_offer(current, auto_confirm=auto_confirm)
    confirmed_at = now if status == OrganizerStatus.ACTIVE and current != OrganizerStatus.ACTIVE else None
    if current is None:
        values = {"member_id": member_id, "languages": list(languages), "capacity": capacity}
        await session.execute(_NEW_ORGANIZER, {**values, "status": status, "confirmed_at": confirmed_at})
    else:
        await session.execute(
            _UPDATE_ORGANIZER,
            {
                "of_member": member_id,
                "new_capacity": capacity,
                "new_status": status,
                "confirmed": confirmed_at,
            },
        )
    if status == OrganizerStatus.PENDING and current != OrganizerStatus.PENDING:
        await outbox.enqueue(
            session=session,
            guild_id=guild_id,
            kind=ChatTaskKind.ORGANIZER_REVIEW,
            subject_id=member_id,
            now=now,
        )
    return status


async def _record_readiness(
    session: AsyncSession, member_id: int, scores: dict[str, int], now: datetime, *, first_time: bool
) -> None:
    checkin_id = (
        await session.execute(
            _NEW_CHECKIN,
            {
                "member_id": member_id,
                "kind": CheckInKind.BASELINE if first_time else CheckInKind.ON_DEMAND,
                "status": CheckInStatus.ANSWERED,
                "due_at": now,
                "sent_at": now,
                "answered_at": now,
            },
        )
    ).scalar_one()
    await session.execute(
        _NEW_ANSWERS,
        [
            {"checkin_id": checkin_id, "dimension": dimension, "score": int(score), "answered_at": now}
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
    known: Conversation | None = None,
) -> Completion:
    """Apply a confirmed conversation to the member: profile, baseline readiness, organizer offer.

    `known`, the summary as shown, spares reading the row when it is still at that version.
    """
    state = shown_state(known, session_id, user_id, Step.SUMMARY)
    if state is None or not await close_completed(session, state, now):
        state = await load_state(session, session_id, user_id)
        if state.step != Step.SUMMARY or not await close_completed(session, state, now):
            raise StaleAnswerError(texts.STALE_STEP)
    answers = state.answers
    place = resolver.place_by_key(answers.get("place", ""))
    if not is_complete(answers) or place is None:
        raise GroundworkError(texts.SUMMARY_INCOMPLETE)
    context = await _context(session, state.member_id, place)
    member_id, guild_id = state.member_id, state.guild_id
    capacity = int(answers.get("mentor_capacity", 0)) if offers_mentoring(answers) else 0
    sharing = LocaleSharing(answers["locale_sharing"])
    summary = await nearby.settle(
        session=session, guild_id=guild_id, member_id=member_id, where=place, radius_km=context.radius_km
    )
    await session.execute(
        _SAVE_PROFILE,
        {
            "member_id": member_id,
            "now": now,
            "new_locale_id": context.locale_id,
            "new_timezone": answers["timezone"],
            "new_languages": list(answers["languages"]),
            "new_experience": Experience(answers["experience"]),
            "new_experience_note": answers.get("experience_note") if offers_mentoring(answers) else None,
            "new_wants_to_mentor": capacity > 0,
            "new_mentor_capacity": capacity or None,
            "new_paths": list(answers["paths"]),
            "new_locale_sharing": sharing,
            "new_organizer_contact_ok": bool(answers["organizer_contact_ok"]),
            "new_is_isolated": summary.isolated,
        },
    )
    first_time = context.first_time
    if first_time or answers["readiness"] != await latest_readiness(session=session, member_id=member_id):
        await _record_readiness(session, member_id, answers["readiness"], now, first_time=first_time)
    organizer_status = None
    if capacity > 0:
        organizer_status = await _register_organizer(
            session, member_id, guild_id, answers["languages"], capacity, context.auto_confirm_organizers, now
        )
    await record(
        session=session,
        now=now,
        guild_id=guild_id,
        actor_id=user_id,
        target_user_id=user_id,
        action="member.onboarded" if first_time else "member.profile_updated",
        details={"precision": place.precision, "isolated": summary.isolated, "organizer": organizer_status},
    )
    # Their roles and the welcome line follow the commit, durably (bot.services.outbox).
    for kind in (ChatTaskKind.MEMBER_ROLES, ChatTaskKind.ANNOUNCEMENT):
        await outbox.enqueue(session=session, guild_id=guild_id, kind=kind, subject_id=member_id, now=now)
    return Completion(
        member_id=member_id,
        guild_id=guild_id,
        user_id=user_id,
        member_role_id=context.member_role_id,
        region_role=(
            RegionRole(name) if (name := region_role_name(place, context.region_roles, sharing)) else None
        ),
        nearby=summary,
        isolated=summary.isolated,
        organizer_status=organizer_status,
        announce_channel_id=context.announce_channel_id,
        announce_area=announce_area(place, sharing),
        place=place,
    )


@dataclass(frozen=True, slots=True)
class RolesDue:
    """The roles an onboarded member is to have, as things stand now."""

    guild_id: int
    user_id: int
    member_role_id: int | None
    region_role: RegionRole | None


@dataclass(frozen=True, slots=True)
class AnnouncementDue:
    """The public welcome line of an onboarded member, as things stand now."""

    guild_id: int
    channel_id: int | None
    area: str | None  # what it may say about where they are from (None: nothing)


async def _onboarded(
    session: AsyncSession, member_id: int
) -> tuple[Member, GuildSettings, Locale | None] | None:
    row = (
        await session.execute(
            select(Member, GuildSettings, Locale)
            .join(GuildSettings, GuildSettings.guild_id == Member.guild_id)
            .outerjoin(Locale, Locale.id == Member.locale_id)
            .where(Member.id == member_id)
        )
    ).first()
    if row is None or row.Member.status != MemberStatus.ACTIVE:
        return None  # they left, or were deleted: nothing to give or announce
    return row.Member, row.GuildSettings, row.Locale


async def roles_due(*, session: AsyncSession, member_id: int) -> RolesDue | None:
    """The outbox's step after onboarding: the member role and the region role (only as
    precise as they agreed to share); None when they are no longer an active member."""
    found = await _onboarded(session, member_id)
    if found is None:
        return None
    member, guild, locale = found
    name = region_role_name(locale, guild.region_roles, member.locale_sharing) if locale else None
    return RolesDue(member.guild_id, member.user_id, guild.member_role_id, RegionRole(name) if name else None)


async def announcement_due(*, session: AsyncSession, member_id: int) -> AnnouncementDue | None:
    """The outbox's step after onboarding: one line in the announcement channel, naming the
    region at most; None when they are no longer an active member."""
    found = await _onboarded(session, member_id)
    if found is None:
        return None
    member, guild, locale = found
    area = announce_area(locale, member.locale_sharing) if locale else None
    return AnnouncementDue(member.guild_id, guild.announce_channel_id, area)
