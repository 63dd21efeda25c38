"""How long a member waits for a mentor, said honestly (issue 17).

Organizers are few, so the list moves at the pace places open. A member's expected wait comes from
where they stand on the list, the places free now (the next pairing batch proposes those), and how
many mentorships began in the last four weeks (the pace the rest of the list moves at). With no
free place and no mentorship begun lately there is nothing to go on: the wait is unknown, and the
member is offered other company meanwhile rather than a promise.

Members hear it when they ask and when they look (`tell_standing`), and again when it changes
(`due_updates`, a tick job): when the rough wait (`WaitBucket`) moved, or every two weeks while
they still wait, never twice in a day and not in the guild's quiet hours. What each was last told
is a row (`WaitNotice`), so restarts lose nothing and send nothing twice. Moderators see what it
would take to reach everyone within the wait target (`capacity_plan`).
"""

from __future__ import annotations

import enum
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import GuildDefaults
from bot.services import pairing, welcome_calls
from bot.services.geo import great_circle_km
from db.enums import (
    BuddyStatus,
    CircleMemberStatus,
    CircleRole,
    CircleStatus,
    LocalePrecision,
    MemberStatus,
    OrganizerStatus,
    WaitBucket,
)
from db.models import (
    BuddyGroup,
    BuddyMember,
    BuddyOptOut,
    Circle,
    CircleMember,
    GuildSettings,
    Locale,
    Member,
    Mentorship,
    Organizer,
    WaitNotice,
)

PACE_WINDOW = timedelta(days=28)


@dataclass(frozen=True, slots=True)
class MentorWait:
    """Where a waiting member stands, and what that means in time."""

    position: int  # 1: next on the list
    waiting: int  # how many wait in the guild
    free_places: int  # places organizers have free now
    begun_per_week: float  # mentorships begun per week, over the last four weeks
    expected: timedelta | None  # None: nothing to go on (no free place, none begun lately)

    def within(self, target: timedelta) -> bool:
        """Whether a mentor is expected within `target`."""
        return self.expected is not None and self.expected <= target


def expected_wait(
    position: int, free_places: int, begun_per_week: float, *, batch_every: timedelta
) -> timedelta | None:
    """The wait of the `position`-th on the list: the next batch when a place is free for them,
    else the places still to open at the recent pace."""
    if position <= free_places:
        return batch_every
    if begun_per_week <= 0:
        return None
    return batch_every + timedelta(weeks=(position - free_places) / begun_per_week)


async def begun_per_week(session: AsyncSession, guild_id: int, now: datetime) -> float:
    """Mentorships of the guild introduced in the last four weeks, per week."""
    begun = (
        await session.execute(
            select(func.count())
            .select_from(Mentorship)
            .where(Mentorship.guild_id == guild_id, Mentorship.introduced_at >= now - PACE_WINDOW)
        )
    ).scalar_one()
    return int(begun) / (PACE_WINDOW / timedelta(weeks=1))


async def mentor_wait(
    *, session: AsyncSession, guild_id: int, member_id: int, now: datetime, batch_every: timedelta
) -> MentorWait | None:
    """Where `member_id` stands on the list for a mentor; None when they do not wait."""
    standing = await pairing.queue_position(session, guild_id, member_id)
    if standing is None:
        return None
    position, waiting = standing
    free = await pairing.free_places(session, guild_id)
    pace = await begun_per_week(session, guild_id, now)
    return MentorWait(
        position, waiting, free, pace, expected_wait(position, free, pace, batch_every=batch_every)
    )


async def mentor_waits(
    *, session: AsyncSession, guild_id: int, now: datetime, batch_every: timedelta
) -> dict[int, MentorWait]:
    """`mentor_wait` of everyone waiting in the guild, by member id, in three queries (the list,
    the free places, the pace) rather than three per member."""
    listed = await pairing.waiting_ids(session, guild_id)  # as queue_position ranks them
    if not listed:
        return {}
    free = await pairing.free_places(session, guild_id)
    pace = await begun_per_week(session, guild_id, now)
    return {
        member_id: MentorWait(
            position, len(listed), free, pace, expected_wait(position, free, pace, batch_every=batch_every)
        )
        for position, member_id in enumerate(listed, start=1)
    }


def last_within(waiting: int, free: int, pace: float, target: timedelta, *, batch_every: timedelta) -> int:
    """How many of the first on a list of `waiting` expect a mentor within `target` (the wait
    grows with the position, so they are the first ones)."""
    low, high = 0, waiting  # within(low) holds (or low is 0); within(high + 1) does not
    while low < high:
        middle = (low + high + 1) // 2
        if _within(middle, free, pace, target, batch_every):
            low = middle
        else:
            high = middle - 1
    return low


async def mentor_within(
    *, session: AsyncSession, guild_id: int, now: datetime, batch_every: timedelta, target: timedelta
) -> set[int]:
    """The waiting members of the guild expected to have a mentor within `target` (those for whom
    `mentor_waits` says `within(target)`), read as the first ones on the list only."""
    waiting = await pairing.waiting_count(session, guild_id)
    if not waiting:
        return set()
    free = await pairing.free_places(session, guild_id)
    pace = await begun_per_week(session, guild_id, now)
    first = last_within(waiting, free, pace, target, batch_every=batch_every)
    return set(await pairing.waiting_ids(session, guild_id, limit=first)) if first else set()


async def wait_target(session: AsyncSession, guild_id: int) -> timedelta:
    """The guild's longest acceptable wait for a mentor (`wait_target_days`)."""
    settings = await session.get(GuildSettings, guild_id)
    days = settings.wait_target_days if settings is not None else GuildDefaults().wait_target_days
    return timedelta(days=days)


# -- telling members ------------------------------------------------------------------

REMIND_EVERY = timedelta(days=14)  # still waiting: a word at least this often
MIN_GAP = timedelta(days=1)  # never two updates closer than this
DEFAULT_CAPACITY = 2  # mentees per organizer when the guild has no organizer yet


class WaitNews(enum.StrEnum):
    """Why a waiting member hears about their wait."""

    REQUESTED = "requested"  # they just asked for a mentor
    SHOWN = "shown"  # they looked (/mentor show)
    CHANGED = "changed"  # their rough wait moved
    STILL_WAITING = "still_waiting"  # two weeks without news, or never told yet
    NOT_CONFIRMED = "not_confirmed"  # the mentor proposed for them was not confirmed
    BACK_ON_LIST = "back_on_list"  # their mentorship ended and nobody fits yet


class Meanwhile(enum.StrEnum):
    """What a waiting member can do while they wait (the adapter names the commands)."""

    CIRCLE = "circle"  # they are in a local circle
    NEAR_CIRCLE = "near_circle"  # an open circle meets near them
    BUDDY = "buddy"  # they have a buddy (offered or introduced)
    BUDDY_LATER = "buddy_later"  # a buddy may be offered to them if the wait runs long
    WELCOME_CALL = "welcome_call"  # they are invited to an upcoming welcome call
    NEIGHBOURS = "neighbours"  # they turned neighbour offers off
    PRACTICE = "practice"
    LOG = "log"


@dataclass(frozen=True, slots=True)
class WaitUpdate:
    """What one waiting member is told about their wait."""

    guild_id: int
    user_id: int
    news: WaitNews
    wait: MentorWait
    bucket: WaitBucket
    waiting_since: datetime
    meanwhile: tuple[Meanwhile, ...]


@dataclass(frozen=True, slots=True)
class Told:
    """What a member was last told (a `WaitNotice`)."""

    bucket: WaitBucket
    told_at: datetime


def bucket_of(wait: MentorWait) -> WaitBucket:
    """The rough wait: a free place now, within a week, longer, or unknown."""
    if wait.expected is None:
        return WaitBucket.UNKNOWN
    if wait.position <= wait.free_places:
        return WaitBucket.ROOM
    return WaitBucket.WEEK if wait.expected <= timedelta(weeks=1) else WaitBucket.WEEKS


def update_due(last: Told | None, bucket: WaitBucket, now: datetime) -> WaitNews | None:
    """Whether a waiting member should hear again: their rough wait moved, or two weeks passed
    (or they were never told); never within a day of the last word."""
    if last is None:
        return WaitNews.STILL_WAITING
    if now - last.told_at < MIN_GAP:
        return None
    if bucket != last.bucket:
        return WaitNews.CHANGED
    if now - last.told_at >= REMIND_EVERY:
        return WaitNews.STILL_WAITING
    return None


def in_quiet_hours(local_hour: int, start: int, end: int) -> bool:
    """Whether a local hour lies in the guild's quiet window [start, end), wrapping past midnight."""
    if start == end:
        return False
    return start <= local_hour < end if start < end else local_hour >= start or local_hour < end


def local_hour(timezone: str | None, now: datetime) -> int:
    return int((now.hour + now.minute / 60 + pairing.utc_offset_hours(timezone, now)) // 1) % 24


@dataclass(frozen=True, slots=True)
class _Company:
    """Who the waiting have near them: the guild's open circles and who is in one, who has a
    buddy (offered or introduced), who turned buddies off, and who is invited to a welcome call;
    read once for everyone waiting."""

    open_circles: Sequence[tuple[float, float, float]]  # latitude, longitude, radius_km
    joined: set[int]  # member ids
    with_buddy: set[int]
    no_buddies: set[int]
    welcome_call: set[int]  # invited to an upcoming welcome call


async def _company(session: AsyncSession, guild_id: int, member_ids: Sequence[int]) -> _Company:
    ids = list(member_ids)
    circles = await session.execute(
        select(Circle.latitude, Circle.longitude, Circle.radius_km).where(
            Circle.guild_id == guild_id, Circle.status == CircleStatus.OPEN
        )
    )
    joined = await session.execute(
        select(CircleMember.member_id).where(
            CircleMember.member_id.in_(ids),
            CircleMember.role == CircleRole.MEMBER,
            CircleMember.status == CircleMemberStatus.JOINED,
        )
    )
    buddies = await session.execute(
        select(BuddyMember.member_id)
        .join(BuddyGroup, BuddyMember.group_id == BuddyGroup.id)
        .where(
            BuddyMember.member_id.in_(ids),
            BuddyGroup.status.in_((BuddyStatus.OFFERED, BuddyStatus.INTRODUCED)),
        )
    )
    opted_out = await session.execute(select(BuddyOptOut.member_id).where(BuddyOptOut.member_id.in_(ids)))
    return _Company(
        [(lat, lon, radius) for lat, lon, radius in circles.all()],
        set(joined.scalars()),
        set(buddies.scalars()),
        set(opted_out.scalars()),
        await welcome_calls.invited_to_upcoming(session, ids),
    )


def _meanwhile(
    member: Member, locale: Locale | None, company: _Company, bucket: WaitBucket
) -> tuple[Meanwhile, ...]:
    found: list[Meanwhile] = []
    if member.id in company.joined:
        found.append(Meanwhile.CIRCLE)
    elif (
        locale is not None
        and locale.precision == LocalePrecision.CITY
        and locale.latitude is not None
        and locale.longitude is not None
        and any(
            great_circle_km(locale.latitude, locale.longitude, lat, lon) <= radius
            for lat, lon, radius in company.open_circles
        )
    ):
        found.append(Meanwhile.NEAR_CIRCLE)
    if member.id in company.with_buddy:
        found.append(Meanwhile.BUDDY)
    elif member.is_isolated and member.id not in company.no_buddies and bucket != WaitBucket.ROOM:
        found.append(Meanwhile.BUDDY_LATER)  # bot.services.buddies offers one when the wait runs long
    if member.id in company.welcome_call:
        found.append(Meanwhile.WELCOME_CALL)
    if member.neighbour_offers_muted:
        found.append(Meanwhile.NEIGHBOURS)
    return (*found, Meanwhile.PRACTICE, Meanwhile.LOG)


def _remember(
    notices: dict[int, WaitNotice], session: AsyncSession, update: WaitUpdate, member_id: int, now: datetime
) -> None:
    notice = notices.get(member_id)
    if notice is None:
        session.add(
            WaitNotice(member_id=member_id, bucket=update.bucket, position=update.wait.position, told_at=now)
        )
    else:
        notice.bucket, notice.position, notice.told_at = update.bucket, update.wait.position, now


async def _notices(session: AsyncSession, member_ids: Sequence[int]) -> dict[int, WaitNotice]:
    rows = await session.execute(select(WaitNotice).where(WaitNotice.member_id.in_(list(member_ids))))
    return {notice.member_id: notice for notice in rows.scalars()}


async def tell_standing(
    *,
    session: AsyncSession,
    guild_id: int,
    user_id: int,
    now: datetime,
    batch_every: timedelta,
    news: WaitNews,
) -> WaitUpdate | None:
    """Where a member stands on the list, to tell them now (recorded as told); None when they do
    not wait (not on the list, or a mentor proposed or found)."""
    member = (
        await session.execute(select(Member).where(Member.guild_id == guild_id, Member.user_id == user_id))
    ).scalar_one_or_none()
    if member is None:
        return None
    wait = await mentor_wait(
        session=session, guild_id=guild_id, member_id=member.id, now=now, batch_every=batch_every
    )
    if wait is None or member.mentor_requested_at is None:
        return None
    locale = await session.get(Locale, member.locale_id) if member.locale_id is not None else None
    company = await _company(session, guild_id, [member.id])
    update = WaitUpdate(
        guild_id,
        user_id,
        news,
        wait,
        bucket_of(wait),
        member.mentor_requested_at,
        _meanwhile(member, locale, company, bucket_of(wait)),
    )
    _remember(await _notices(session, [member.id]), session, update, member.id, now)
    return update


async def stored_about(*, session: AsyncSession, member_id: int) -> dict[str, object] | None:
    """What a member was last told about their wait, for their /privacy export."""
    notice = await session.get(WaitNotice, member_id)
    if notice is None:
        return None
    return {"wait": str(notice.bucket), "position": notice.position, "told_at": notice.told_at.isoformat()}


async def due_updates(
    *, session: AsyncSession, guild_id: int, now: datetime, batch_every: timedelta
) -> list[WaitUpdate]:
    """The waiting members of a guild who should hear about their wait now, recorded as told
    (send after the commit). One run at a time per guild: the guild's settings row is locked.

    The list is read as plain columns (who, their zone, since when) with what each was last
    told; only the members who hear now are read whole, with their places and company."""
    guild = await session.get(GuildSettings, guild_id, with_for_update=True)
    if guild is None:
        return []
    waiting = pairing.waiting_condition(guild_id)
    listed = (
        await session.execute(
            select(Member.id, Member.timezone, Member.mentor_requested_at)
            .where(*waiting)
            .order_by(Member.mentor_requested_at, Member.id)  # list order, as queue_position counts
        )
    ).all()
    if not listed:
        return []
    free = await pairing.free_places(session, guild_id)
    pace = await begun_per_week(session, guild_id, now)
    notices = {
        notice.member_id: notice
        for notice in (
            await session.execute(
                select(WaitNotice).where(WaitNotice.member_id.in_(select(Member.id).where(*waiting)))
            )
        ).scalars()
    }
    due: list[tuple[int, MentorWait, WaitBucket, WaitNews]] = []
    for position, (member_id, timezone, requested_at) in enumerate(listed, start=1):
        if in_quiet_hours(local_hour(timezone, now), guild.quiet_hours_start, guild.quiet_hours_end):
            continue
        wait = MentorWait(
            position, len(listed), free, pace, expected_wait(position, free, pace, batch_every=batch_every)
        )
        bucket = bucket_of(wait)
        notice = notices.get(member_id)
        news = update_due(Told(notice.bucket, notice.told_at) if notice else None, bucket, now)
        if news is None or requested_at is None:
            continue
        due.append((member_id, wait, bucket, news))
    if not due:
        return []
    ids = [member_id for member_id, *_ in due]
    members = {m.id: m for m in (await session.execute(select(Member).where(Member.id.in_(ids)))).scalars()}
    locale_ids = {m.locale_id for m in members.values() if m.locale_id is not None}
    locales = (
        {
            locale.id: locale
            for locale in (await session.execute(select(Locale).where(Locale.id.in_(locale_ids)))).scalars()
        }
        if locale_ids
        else {}
    )
    company = await _company(session, guild_id, ids)
    updates: list[WaitUpdate] = []
    for member_id, wait, bucket, news in due:
        member = members[member_id]
        assert member.mentor_requested_at is not None  # on the list
        locale = locales.get(member.locale_id) if member.locale_id is not None else None
        update = WaitUpdate(
            guild_id,
            member.user_id,
            news,
            wait,
            bucket,
            member.mentor_requested_at,
            _meanwhile(member, locale, company, bucket),
        )
        _remember(notices, session, update, member.id, now)
        updates.append(update)
    return updates


# -- capacity planning (/mod attention) -----------------------------------------------


@dataclass(frozen=True, slots=True)
class CapacityPlan:
    """What /mod attention shows: the list, the places, the pace, and what would clear the list."""

    waiting: int
    free_places: int
    begun_per_week: float
    last_expected: timedelta | None  # the wait of the last on the list; None: nothing to go on
    target: timedelta
    capacity: int  # the guild's typical organizer capacity
    organizers_needed: int | None  # more organizers of `capacity`; None: the batch is slower than the target
    calls: welcome_calls.CallsPlan | None = None  # welcome calls on, and where one more would reach most


def typical_capacity(capacities: Sequence[int]) -> int:
    """The median capacity of the guild's organizers (the lower middle of an even count), or
    `DEFAULT_CAPACITY` without any."""
    usable = [capacity for capacity in capacities if capacity > 0]
    return int(statistics.median_low(usable)) if usable else DEFAULT_CAPACITY


def organizers_needed(
    waiting: int,
    free_places: int,
    begun_per_week: float,
    *,
    capacity: int,
    target: timedelta,
    batch_every: timedelta,
) -> int | None:
    """How many more organizers with `capacity` free places each would bring the last on the list
    a mentor within `target` at the recent pace (0: already so); None when even a free place waits
    for the next batch longer than the target."""
    if waiting <= free_places:
        return 0
    if batch_every > target or capacity <= 0:
        return None
    moving = begun_per_week * ((target - batch_every) / timedelta(weeks=1))  # places opening in time
    needed = max(0, math.ceil((waiting - free_places - moving) / capacity))
    while True:  # the float above may round either way: check with the wait itself
        if needed > 0 and _within(
            waiting, free_places + (needed - 1) * capacity, begun_per_week, target, batch_every
        ):
            needed -= 1
        elif not _within(waiting, free_places + needed * capacity, begun_per_week, target, batch_every):
            needed += 1
        else:
            return needed


def _within(position: int, free: int, pace: float, target: timedelta, batch_every: timedelta) -> bool:
    expected = expected_wait(position, free, pace, batch_every=batch_every)
    return expected is not None and expected <= target


async def capacity_plan(
    *, session: AsyncSession, guild_id: int, now: datetime, batch_every: timedelta
) -> CapacityPlan:
    """The figures of /mod attention for one guild."""
    waiting = len(await pairing.waiting_members(session=session, guild_id=guild_id))
    free = await pairing.free_places(session, guild_id)
    pace = await begun_per_week(session, guild_id, now)
    target = await wait_target(session, guild_id)
    capacities = await session.execute(
        select(Organizer.capacity)
        .join(Member, Member.id == Organizer.member_id)
        .where(
            Member.guild_id == guild_id,
            Member.status == MemberStatus.ACTIVE,
            Organizer.status.in_((OrganizerStatus.ACTIVE, OrganizerStatus.PAUSED)),
        )
    )
    capacity = typical_capacity(list(capacities.scalars()))
    return CapacityPlan(
        waiting=waiting,
        free_places=free,
        begun_per_week=pace,
        last_expected=expected_wait(waiting, free, pace, batch_every=batch_every) if waiting else None,
        target=target,
        capacity=capacity,
        organizers_needed=organizers_needed(
            waiting, free, pace, capacity=capacity, target=target, batch_every=batch_every
        ),
        calls=await welcome_calls.plan(session=session, guild_id=guild_id, now=now),
    )
