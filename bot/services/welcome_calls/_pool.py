"""Who could be invited to a call, read as plain columns once for many calls (a `Pool`).

An invitations tick offers the free seats of every upcoming call of a guild, hundreds of them in
a large one; each used to read the members waiting in its band as whole rows, with their rests,
contacts and invitations. A pool reads the guild's members waiting for attention once, as ids,
time zones and dates with two flags (met anyone, met an experienced organizer), plus who rests
and who is busy with another call, in a few queries; each call's seats are then decided in Python
(`_inviting.choose`), and a seat given counts at once for the calls after it (`busy`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import pairing
from bot.services.welcome_calls._rows import _busy, _wait_target
from bot.services.welcome_calls._rules import MAX_REST, Band, offset_minutes, rested_until
from bot.services.welcome_calls._seats import EXPERIENCED_CONTACTS, Seeker, is_fresh, seat_order
from db.enums import CallAnswer, CallOccurrenceStatus, MemberStatus, OrganizerStatus
from db.models import HumanContact, Member, Organizer, WelcomeCallInvite, WelcomeCallOccurrence


@dataclass(frozen=True, slots=True)
class Waiting:
    """One member waiting for attention, as plain values."""

    member_id: int
    timezone: str
    waiting_since: datetime  # asked for a mentor, else onboarded, else joined
    onboarded_at: datetime | None
    met_anyone: bool
    met_organizer: bool  # a mentor, or a welcome call's host


@dataclass(slots=True)
class Pool:
    """A guild's members who could be invited, read once (`read_pool`) for the calls of one step:
    the newcomers nobody met yet within the wait target (`is_fresh`), all a call more than
    `OTHERS_FROM` ahead may invite, and everyone waiting who lives in `zones` (those of the calls
    nearer than that). `busy` grows as seats are given."""

    guild_id: int
    now: datetime
    target: timedelta
    near: frozenset[tuple[Band, datetime]]  # the calls' bands and starts everyone was read for
    by_zone: dict[str, list[Seeker]]  # not resting
    busy: set[int]
    came: dict[int, set[int]] = field(default_factory=dict)  # call id -> members who came to it
    # in_seat_order's lists, sorted once a step: everyone (False), the fresh newcomers (True)
    _ordered: dict[bool, list[tuple[str, Seeker]]] = field(default_factory=dict, init=False, repr=False)

    def covers(self, band: Band, at: datetime) -> bool:
        """Whether everyone waiting in `band` at `at` was read, not only the fresh newcomers."""
        return (band, at) in self.near

    def zones_in(self, band: Band, at: datetime) -> frozenset[str]:
        """The time zones of the pool that lie in `band` at `at` (a call's start)."""
        return frozenset(zone for zone in self.by_zone if _fits_at(band, zone, at))

    def in_seat_order(self, *, fresh_only: bool) -> list[tuple[str, Seeker]]:
        """Everyone in the pool with their zone, in `seat_order` (only the fresh newcomers of
        `is_fresh` with `fresh_only`), sorted once for all the calls of a step: the order is the
        same for any of them, so a call's seats go to the first who fit it and are free."""
        if False not in self._ordered:
            everyone = [(zone, seeker) for zone, seekers in self.by_zone.items() for seeker in seekers]
            rank = {
                member_id: i
                for i, member_id in enumerate(seat_order([s for _, s in everyone], self.now, self.target))
            }
            everyone.sort(key=lambda pair: rank[pair[1].member_id])
            self._ordered[False] = everyone
        if fresh_only and True not in self._ordered:
            self._ordered[True] = [
                pair for pair in self._ordered[False] if is_fresh(pair[1], self.now, self.target)
            ]
        return self._ordered[fresh_only]


def _fits_at(band: Band, zone: str, at: datetime) -> bool:
    offset = _offset_at(zone, at)
    return offset is not None and band.fits(offset)


_BY_ID = 500  # more members than this: their rests are read by guild, not by an IN list of ids


@lru_cache(maxsize=65_536)
def _offset_at(zone: str, at: datetime) -> int | None:
    """`offset_minutes`, remembered: a call's start is looked at by every tick until it comes."""
    return offset_minutes(zone, at)


def _not_an_organizer() -> ColumnElement[bool]:
    return (
        ~select(Organizer.id)
        .where(Organizer.member_id == Member.id, Organizer.status != OrganizerStatus.REMOVED)
        .exists()
    )


async def waiting_for_attention(
    session: AsyncSession,
    guild_id: int,
    now: datetime,
    *,
    fresh_within: timedelta | None = None,
    zones: Iterable[str] | None = None,
) -> list[Waiting]:
    """Active members with a time zone who wait for attention: on the mentor list
    (`pairing.waiting_condition`), or onboarded and met nobody yet; never an organizer. With
    `fresh_within`, only those nobody met yet who onboarded within it (the newcomers of
    `is_fresh`); with `zones`, only those living in one of them: one query, columns only."""
    met_anyone = select(HumanContact.id).where(HumanContact.member_id == Member.id).exists()
    met_organizer = (
        select(HumanContact.id)
        .where(HumanContact.member_id == Member.id, HumanContact.kind.in_(EXPERIENCED_CONTACTS))
        .exists()
    )
    conditions: list[ColumnElement[bool]] = [
        Member.guild_id == guild_id,
        Member.status == MemberStatus.ACTIVE,
        Member.timezone.is_not(None),
        _not_an_organizer(),
    ]
    if zones is not None:
        conditions.append(Member.timezone.in_(sorted(zones)))
    if fresh_within is not None:
        conditions += [Member.onboarded_at > now - fresh_within, ~met_anyone]
    else:
        on_list = and_(*pairing.waiting_condition(guild_id))
        conditions.append(or_(on_list, and_(Member.onboarded_at.is_not(None), ~met_anyone)))
    rows = await session.execute(
        select(
            Member.id,
            Member.timezone,
            Member.mentor_requested_at,
            Member.onboarded_at,
            Member.joined_at,
            met_anyone.label("met_anyone"),
            met_organizer.label("met_organizer"),
        ).where(*conditions)
    )
    return [
        Waiting(
            member_id=member_id,
            timezone=timezone,
            waiting_since=asked or onboarded or joined,
            onboarded_at=onboarded,
            met_anyone=bool(anyone),
            met_organizer=bool(organizer),
        )
        for member_id, timezone, asked, onboarded, joined, anyone, organizer in rows.all()
        if timezone is not None  # never: the query's own condition, for the type
    ]


async def resting(
    session: AsyncSession,
    now: datetime,
    *,
    guild_id: int | None = None,
    member_ids: Sequence[int] = (),
) -> tuple[set[int], set[int]]:
    """Who rests after invitations they left unanswered (`resting_until`), and who left their
    latest invitation unanswered (rested or not): from the invitations sent for calls that have
    started since and were not called off, of a guild's members or of `member_ids`."""
    conditions = [
        WelcomeCallInvite.invited_at.is_not(None),
        WelcomeCallOccurrence.starts_at <= now,
        WelcomeCallOccurrence.starts_at > now - MAX_REST * 2,
        WelcomeCallOccurrence.status != CallOccurrenceStatus.CANCELLED,
    ]
    if guild_id is not None:
        conditions.append(WelcomeCallOccurrence.guild_id == guild_id)
    elif member_ids:
        conditions.append(WelcomeCallInvite.member_id.in_(list(member_ids)))
    else:
        return set(), set()
    # The run of invitations left unanswered since the member's latest answer (or coming) in
    # the window, counted and dated by the database: one row per member who left their latest
    # unanswered, not one per invitation.
    answered = or_(WelcomeCallInvite.answer != CallAnswer.PENDING, WelcomeCallInvite.attended.is_(True))
    last_answered = (
        select(WelcomeCallInvite.member_id, func.max(WelcomeCallOccurrence.starts_at).label("at"))
        .join(WelcomeCallOccurrence, WelcomeCallInvite.occurrence_id == WelcomeCallOccurrence.id)
        .where(*conditions, answered)
        .group_by(WelcomeCallInvite.member_id)
        .subquery()
    )
    rows = await session.execute(
        select(WelcomeCallInvite.member_id, func.count(), func.max(WelcomeCallOccurrence.starts_at))
        .join(WelcomeCallOccurrence, WelcomeCallInvite.occurrence_id == WelcomeCallOccurrence.id)
        .outerjoin(last_answered, last_answered.c.member_id == WelcomeCallInvite.member_id)
        .where(
            *conditions,
            ~answered,
            or_(last_answered.c.at.is_(None), WelcomeCallOccurrence.starts_at > last_answered.c.at),
        )
        .group_by(WelcomeCallInvite.member_id)
    )
    rest, ignored = set(), set()
    for member_id, silent, latest in rows.all():
        ignored.add(member_id)
        if now < rested_until(latest, silent):  # as `resting_until` of their history
            rest.add(member_id)
    return rest, ignored


async def _zones(session: AsyncSession, guild_id: int) -> list[str]:
    """The time zones the guild's active members live in."""
    rows = await session.execute(
        select(Member.timezone)
        .where(
            Member.guild_id == guild_id, Member.status == MemberStatus.ACTIVE, Member.timezone.is_not(None)
        )
        .distinct()
    )
    return [zone for zone in rows.scalars() if zone is not None]


async def read_pool(
    session: AsyncSession, guild_id: int, now: datetime, *, near: Sequence[tuple[Band, datetime]] = ()
) -> Pool:
    """The guild's members who could be invited now: the fresh newcomers, and with `near` (the
    bands and starts of calls less than `OTHERS_FROM` ahead) everyone waiting who lives in one
    of those bands then; who of them rests, and who is busy with another call."""
    target = await _wait_target(session, guild_id)
    waiting = {
        w.member_id: w for w in await waiting_for_attention(session, guild_id, now, fresh_within=target)
    }
    zones: frozenset[str] = frozenset()
    if near:
        zones = frozenset(
            zone for zone in await _zones(session, guild_id) if any(_fits_at(b, zone, at) for b, at in near)
        )
    if zones:
        for w in await waiting_for_attention(session, guild_id, now, zones=zones):
            waiting.setdefault(w.member_id, w)
    if len(waiting) > _BY_ID:  # most of the guild's recent invitations are theirs: read by guild
        rest, ignored = await resting(session, now, guild_id=guild_id)
    else:
        rest, ignored = await resting(session, now, member_ids=list(waiting))
    by_zone: dict[str, list[Seeker]] = {}
    for w in waiting.values():
        if w.member_id in rest:
            continue
        seeker = Seeker(
            w.member_id,
            w.waiting_since,
            w.onboarded_at,
            w.met_anyone,
            w.met_organizer,
            w.member_id in ignored,
        )
        by_zone.setdefault(w.timezone, []).append(seeker)
    busy = await _busy(session, guild_id=guild_id)
    return Pool(guild_id, now, target, frozenset(near), by_zone, busy)
