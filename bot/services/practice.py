"""Practice partners: two members who asked are paired for one practice call.

Distance does not matter, time zones do: a partner is someone waiting whose UTC offset is at
most `MAX_OFFSET_GAP_HOURS` away (the same path first, then the closest offset, then who
waited longest). The bot suggests the first hour, from tomorrow, that falls in both members'
evenings (else both members' daytime), and a day after it asks each whether it happened; a
"yes" counts toward their activity. A member's time zone is named to their partner only
when they share at least their region.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import GroundworkError, NotAllowedError, NotFoundError
from bot.services import identities, outbox
from bot.services.activity import add_entry
from bot.services.audit import record
from bot.services.contacts import record_met
from bot.services.meeting_times import second_time
from bot.services.members import get_member
from bot.services.pairing import utc_offset_hours
from bot.texts import local as texts
from db.enums import (
    ActivityKind,
    ChatTaskKind,
    HumanContactKind,
    LocaleSharing,
    MemberStatus,
    OrganizingPath,
    Platform,
    PracticeStatus,
)
from db.models import GuildSettings, Member, PracticePairing, PracticeRequest

MAX_OFFSET_GAP_HOURS = 3.0
EVENING = (18, 21)  # local hours a call may start in
DAYTIME = (9, 21)
FIRST_SLOT_AFTER = timedelta(hours=12)
SEARCH_DAYS = 7
FOLLOWUP_AFTER = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Partner:
    """One side of a practice pairing."""

    user_id: int
    path: str
    timezone: str | None  # None: not shared with the partner
    local_start: datetime | None  # the suggested time on their clock, when their zone is shared


@dataclass(frozen=True, slots=True)
class Match:
    pairing_id: int
    guild_id: int
    suggested_at: datetime
    sides: tuple[Partner, Partner]
    introductions_channel_id: int | None
    second_at: datetime | None = None  # another day's time in both members' waking hours


@dataclass(frozen=True, slots=True)
class Requested:
    """The result of /practice: waiting (since when), or paired."""

    request_id: int
    waiting_since: datetime | None
    already_waiting: bool
    match: Match | None


@dataclass(frozen=True, slots=True)
class FollowUp:
    """Ask `user_id` whether their call with `partner_user_id` happened."""

    request_id: int
    user_id: int
    partner_user_id: int


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def suggest_slot(first: str | None, second: str | None, now: datetime) -> datetime:
    """The first whole hour from `now` + 12 h in both evenings, else in both daytimes (UTC)."""
    return common_hour((first, second), now + FIRST_SLOT_AFTER)


def common_hour(timezones: Sequence[str | None], after: datetime) -> datetime:
    """The first whole hour after `after` in everyone's evening, else in everyone's daytime (UTC)."""
    zones = [_zone(timezone) for timezone in timezones]
    start = after.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    for low, high in (EVENING, DAYTIME):
        for hour in range(SEARCH_DAYS * 24):
            slot = start + timedelta(hours=hour)
            if all(low <= slot.astimezone(zone).hour < high for zone in zones):
                return slot
    return start


def _side(member: Member, path: str, at: datetime) -> Partner:
    shared = member.locale_sharing != LocaleSharing.NOTHING and member.timezone is not None
    return Partner(
        user_id=member.user_id,
        path=path,
        timezone=member.timezone if shared else None,
        local_start=at.astimezone(_zone(member.timezone)) if shared else None,
    )


async def _partner(
    session: AsyncSession, request: PracticeRequest, member: Member, now: datetime
) -> tuple[PracticeRequest, Member] | None:
    rows = await session.execute(
        select(PracticeRequest, Member)
        .join(Member, PracticeRequest.member_id == Member.id)
        .where(
            PracticeRequest.guild_id == request.guild_id,
            PracticeRequest.status == PracticeStatus.WAITING,
            PracticeRequest.id != request.id,
            Member.status == MemberStatus.ACTIVE,
        )
        .order_by(PracticeRequest.requested_at, PracticeRequest.id)
        .with_for_update(of=PracticeRequest, skip_locked=True)
    )
    mine = utc_offset_hours(member.timezone, now)
    best = None
    for other, other_member in rows.all():
        gap = abs(utc_offset_hours(other_member.timezone, now) - mine)
        if gap > MAX_OFFSET_GAP_HOURS:
            continue
        rank = (other.path != request.path, gap)
        if best is None or rank < best[0]:
            best = (rank, other, other_member)
    return None if best is None else (best[1], best[2])


async def request(
    *, session: AsyncSession, guild_id: int, user_id: int, path: str | None, now: datetime
) -> Requested:
    """A member asks for a practice partner (for `path`, by default their first chosen one);
    paired at once when someone suitable is waiting."""
    member = await get_member(session=session, guild_id=guild_id, user_id=user_id)
    if member is None or member.status != MemberStatus.ACTIVE:
        raise GroundworkError(texts.NOT_ONBOARDED)
    path = OrganizingPath(path or next(iter(member.paths), OrganizingPath.COMMUNITY_LIFE)).value
    waiting = (
        await session.execute(
            select(PracticeRequest).where(
                PracticeRequest.member_id == member.id, PracticeRequest.status == PracticeStatus.WAITING
            )
        )
    ).scalar_one_or_none()
    if waiting is not None:
        return Requested(waiting.id, waiting.requested_at, True, None)
    mine = PracticeRequest(guild_id=guild_id, member_id=member.id, path=path, requested_at=now)
    session.add(mine)
    await session.flush()
    await record(
        session=session,
        now=now,
        guild_id=guild_id,
        actor_id=user_id,
        target_user_id=user_id,
        action="practice.requested",
    )
    found = await _partner(session, mine, member, now)
    if found is None:
        return Requested(mine.id, now, False, None)
    other, other_member = found
    at = suggest_slot(other_member.timezone, member.timezone, now)
    pairing = PracticePairing(
        guild_id=guild_id, suggested_at=at, followup_due_at=at + FOLLOWUP_AFTER, created_at=now
    )
    session.add(pairing)
    await session.flush()
    for row in (other, mine):
        row.status, row.pairing_id = PracticeStatus.PAIRED, pairing.id
    for paired in (member, other_member):
        await record(
            session=session,
            now=now,
            guild_id=guild_id,
            actor_id=None,
            target_user_id=paired.user_id,
            action="practice.paired",
            details={"pairing": pairing.id},
        )
    # introduced after the commit, durably (bot.services.outbox)
    await outbox.enqueue(
        session=session,
        guild_id=guild_id,
        kind=ChatTaskKind.PRACTICE_INTRODUCTION,
        subject_id=pairing.id,
        now=now,
    )
    match = await _match(session, pairing, ((other, other_member), (mine, member)))
    return Requested(mine.id, None, False, match)


async def _match(
    session: AsyncSession,
    pairing: PracticePairing,
    sides: tuple[tuple[PracticeRequest, Member], tuple[PracticeRequest, Member]],
) -> Match:
    """The pairing as the two are introduced: the one who waited first, then the other."""
    guild = await session.get(GuildSettings, pairing.guild_id)
    (first, first_member), (second, second_member) = sides
    return Match(
        pairing_id=pairing.id,
        guild_id=pairing.guild_id,
        suggested_at=pairing.suggested_at,
        second_at=second_time((first_member.timezone, second_member.timezone), pairing.suggested_at),
        sides=(
            _side(first_member, first.path, pairing.suggested_at),
            _side(second_member, second.path, pairing.suggested_at),
        ),
        introductions_channel_id=guild.introductions_channel_id if guild else None,
    )


async def introduction_due(*, session: AsyncSession, pairing_id: int) -> Match | None:
    """The two partners to introduce, or None when there is nothing left to do: the pairing is
    gone, was introduced in a thread already, or one of them is no longer an active member. (An
    introduction by DM leaves no mark here; its chat task being done is the record.)"""
    pairing = await session.get(PracticePairing, pairing_id, with_for_update=True)
    if pairing is None or pairing.thread_id is not None:
        return None
    rows = (
        await session.execute(
            select(PracticeRequest, Member)
            .join(Member, PracticeRequest.member_id == Member.id)
            .where(PracticeRequest.pairing_id == pairing.id)
            .order_by(PracticeRequest.requested_at, PracticeRequest.id)
        )
    ).all()
    if len(rows) != 2 or any(member.status != MemberStatus.ACTIVE for _, member in rows):
        return None
    (first, first_member), (second, second_member) = rows
    return await _match(session, pairing, ((first, first_member), (second, second_member)))


async def thread_taken(*, session: AsyncSession, thread_id: int) -> bool:
    """Whether practice partners were already introduced in `thread_id`."""
    found = await session.scalar(
        select(PracticePairing.id).where(PracticePairing.thread_id == thread_id).limit(1)
    )
    return found is not None


async def cancel(*, session: AsyncSession, request_id: int, user_id: int) -> None:
    """A waiting member stops waiting."""
    row = await session.get(PracticeRequest, request_id, with_for_update=True)
    member = await session.get(Member, row.member_id) if row else None
    if row is None or member is None or member.user_id != user_id:
        raise NotAllowedError(texts.NOT_YOUR_PRACTICE)
    if row.status != PracticeStatus.WAITING:
        raise GroundworkError(texts.PRACTICE_NOT_WAITING)
    row.status = PracticeStatus.CANCELLED


async def record_thread(
    *, session: AsyncSession, pairing_id: int, thread_id: int | None, delivered: bool, now: datetime
) -> None:
    """Where the partners were introduced (a thread, or None: by DM); when the introduction
    reached someone (`delivered`), a human contact for both: a peer they will talk with."""
    pairing = await session.get(PracticePairing, pairing_id)
    if pairing is None:
        return
    pairing.thread_id = thread_id
    sides = (
        await session.scalars(
            select(PracticeRequest.member_id)
            .where(PracticeRequest.pairing_id == pairing_id)
            .order_by(PracticeRequest.id)
        )
    ).all()
    if delivered and len(sides) == 2:
        await record_met(
            session=session,
            guild_id=pairing.guild_id,
            pair=(sides[0], sides[1]),
            kind=HumanContactKind.PRACTICE_INTRODUCTION,
            subject_id=pairing.id,
            at=now,
        )


async def due_followups(
    *, session: AsyncSession, now: datetime, platform: Platform | None = None
) -> list[FollowUp]:
    """Pairings (of `platform`'s communities) whose "did it happen?" is due: each is returned once
    (claimed with SKIP LOCKED)."""
    pairings = (
        (
            await session.execute(
                select(PracticePairing)
                .where(
                    PracticePairing.followup_due_at <= now,
                    identities.on_platform(PracticePairing.guild_id, platform),
                )
                .order_by(PracticePairing.followup_due_at)
                .with_for_update(skip_locked=True)
            )
        )
        .scalars()
        .all()
    )
    due = []
    for pairing in pairings:
        pairing.followup_due_at, pairing.followup_sent_at = None, now
        rows = (
            await session.execute(
                select(PracticeRequest.id, Member.user_id, Member.status)
                .join(Member, PracticeRequest.member_id == Member.id)
                .where(PracticeRequest.pairing_id == pairing.id)
                .order_by(PracticeRequest.id)
            )
        ).all()
        if len(rows) != 2:
            continue
        for (request_id, user_id, status), (_, partner, _) in zip(rows, reversed(rows), strict=True):
            if status == MemberStatus.ACTIVE:
                due.append(FollowUp(request_id, user_id, partner))
    return due


async def answer_followup(
    *, session: AsyncSession, request_id: int, user_id: int, happened: bool, now: datetime
) -> None:
    """A member's answer to "did it happen?": a yes goes in their activity log."""
    row = await session.get(PracticeRequest, request_id, with_for_update=True)
    if row is None:
        raise NotFoundError(texts.PRACTICE_GONE)
    member = await session.get(Member, row.member_id)
    if member is None or member.user_id != user_id:
        raise NotAllowedError(texts.NOT_YOUR_PRACTICE)
    if row.happened is not None:
        raise GroundworkError(texts.PRACTICE_ANSWERED)
    row.happened, row.answered_at = happened, now
    if happened:
        await add_entry(session, member, ActivityKind.PRACTICE_CALL, None, now, "practice")


async def member_left(*, session: AsyncSession, guild_id: int, user_id: int) -> None:
    """Someone who left stops waiting for a partner."""
    member = await get_member(session=session, guild_id=guild_id, user_id=user_id)
    if member is None:
        return
    rows = await session.execute(
        select(PracticeRequest).where(
            PracticeRequest.member_id == member.id, PracticeRequest.status == PracticeStatus.WAITING
        )
    )
    for row in rows.scalars():
        row.status = PracticeStatus.CANCELLED
