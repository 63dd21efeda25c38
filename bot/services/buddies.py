"""Peer buddies (issue 17, "nobody waits alone"): an isolated member with no mentor in sight is
offered another member in the same position as a buddy.

The rules:
- a member is eligible when they are active, isolated, not an organizer, have not opted out, have no mentor
  (proposed or active) and none is expected within the guild's wait target, are in no open
  buddy group, and did not turn an offer down (or let it run out) in the last `REOFFER_AFTER`
  (doubled for each offer before it they let run out without a word, up to `MAX_REST`);
- a sweep groups the eligible members of a guild in pairs, cheapest first by the matching
  engine's cost (distance, UTC offset, shared path and language), never two who have been
  together before or one of whom said no to the other; the odd one out joins the pair it fits
  best, a trio, rather than being dropped;
- each is asked; nobody is named before everyone said yes. A "no" (or no answer within
  `OFFER_LASTS`) ends the offer; the others are offered someone else in the next sweep;
- everyone said yes: a durable introduction (ChatTaskKind.BUDDY_INTRODUCTION) with an
  icebreaker from what they told the bot and two suggested times; a contact for each;
- a week later, "did you talk?"; "not a good fit" ends the group and both are eligible again,
  never with each other;
- a buddy who leaves or whose data is deleted ends a pair (the other is offered again); a trio
  goes on as a pair;
- a buddy never takes anyone off the mentor list.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from itertools import combinations
from typing import Any

import numpy as np
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import GroundworkError, NotAllowedError, NotFoundError
from bot.services import outbox, waiting
from bot.services.audit import record
from bot.services.contacts import record_contact
from bot.services.locales import shared_area
from bot.services.matching import Mentor, Seeker, pair_cost, peer_costs
from bot.services.members import get_member
from bot.services.pairing import is_open, utc_offset_hours
from bot.services.practice import common_hour
from bot.texts import buddies as texts
from db.enums import (
    Answer,
    BuddyFollowUp,
    BuddyStatus,
    ChatTaskKind,
    Experience,
    HumanContactKind,
    LocalePrecision,
    LocaleSharing,
    MemberStatus,
    OrganizerStatus,
)
from db.models import (
    BuddyGroup,
    BuddyMember,
    BuddyOptOut,
    GuildSettings,
    Locale,
    Member,
    Mentorship,
    Organizer,
)

OFFER_LASTS = timedelta(days=3)
REOFFER_AFTER = timedelta(days=7)  # after a "no" (or no answer), before the next offer
MAX_REST = timedelta(weeks=8)  # the longest rest after offers let run out (see `rest_after`)
FOLLOWUP_AFTER = timedelta(days=7)
FIRST_TIME_AFTER = timedelta(hours=12)
SECOND_TIME_AFTER = timedelta(days=2)  # the second suggestion, on another day
OPEN_GROUP = (BuddyStatus.OFFERED, BuddyStatus.INTRODUCED)
MAX_GROUP = 3


class Icebreaker(enum.StrEnum):
    """What the first question of an introduction is drawn from."""

    SHARED_PATH = "shared_path"  # they picked the same path
    EXPERIENCE = "experience"  # one has organized before, another is new to it
    PATHS = "paths"  # each picked something different


@dataclass(frozen=True, slots=True)
class Buddy:
    """One buddy as the others may see them (place and time zone only as they agreed to share)."""

    user_id: int
    area: str | None
    timezone: str | None
    paths: tuple[str, ...]
    experience: Experience | None


@dataclass(frozen=True, slots=True)
class Offer:
    """ "Someone in the same position: want to be introduced?" to one member; the others unnamed."""

    buddy_id: int  # the member's row in the group (the buttons carry it)
    guild_id: int
    user_id: int
    others: tuple[Buddy, ...]  # user ids kept for the adapter, never shown before every yes


@dataclass(frozen=True, slots=True)
class Introduction:
    group_id: int
    guild_id: int
    buddies: tuple[Buddy, ...]
    shared_paths: tuple[str, ...]
    shared_languages: tuple[str, ...]
    icebreaker: Icebreaker
    experienced_user_id: int | None  # for Icebreaker.EXPERIENCE
    suggested_times: tuple[datetime, datetime]  # UTC
    introductions_channel_id: int | None


@dataclass(frozen=True, slots=True)
class Answered:
    group_id: int
    status: BuddyStatus
    introduce: bool  # everyone said yes: run the introduction now


@dataclass(frozen=True, slots=True)
class FollowUp:
    """ "Did you talk?" to one buddy."""

    buddy_id: int
    guild_id: int
    user_id: int
    other_user_ids: tuple[int, ...]
    thread_id: int | None


@dataclass(frozen=True, slots=True)
class FollowedUp:
    ended: bool
    tell_user_ids: tuple[int, ...]  # the others, when it ended


@dataclass(frozen=True, slots=True)
class Mine:
    """What /buddy shows."""

    status: BuddyStatus | None  # None: no buddy now
    other_user_ids: tuple[int, ...]
    thread_id: int | None
    opted_out: bool


# Who is eligible


def rest_after(silent_in_a_row: int) -> timedelta:
    """How long a member rests after their last "no": `REOFFER_AFTER`, doubled for each offer
    before it they also let run out without a word (1, 2, 4, 8 weeks at most), so a member who
    never answers does not keep stalling the offers of members who do."""
    rest: timedelta = REOFFER_AFTER * 2 ** max(silent_in_a_row - 1, 0)
    return min(rest, MAX_REST)


async def _declined_lately(session: AsyncSession, member_ids: Sequence[int], now: datetime) -> set[int]:
    """Members still resting after turning an offer down or letting it run out (`rest_after`)."""
    rows = await session.execute(
        select(BuddyMember.member_id, BuddyMember.answer, BuddyMember.answered_at, BuddyGroup.ended_at)
        .join(BuddyGroup, BuddyMember.group_id == BuddyGroup.id)
        .where(
            BuddyMember.member_id.in_(member_ids),
            BuddyGroup.status == BuddyStatus.DECLINED,
            BuddyGroup.ended_at > now - MAX_REST,
        )
        .order_by(BuddyMember.member_id, BuddyGroup.ended_at.desc(), BuddyGroup.id.desc())
    )
    latest: dict[int, list[tuple[Answer, datetime | None, datetime | None]]] = {}
    for member_id, answer, answered_at, ended_at in rows.all():
        latest.setdefault(member_id, []).append((answer, answered_at, ended_at))
    resting = set()
    for member_id, offers in latest.items():
        answer, _, ended_at = offers[0]
        if answer != Answer.NO:
            continue  # they said yes; someone else did not: offered again at once
        silent = 0
        for said, answered_at, _ in offers:
            if said != Answer.NO or answered_at is not None:
                break
            silent += 1
        if ended_at is not None and ended_at > now - rest_after(silent):
            resting.add(member_id)
    return resting


async def eligible(
    *, session: AsyncSession, guild_id: int, now: datetime, batch_every: timedelta
) -> list[Member]:
    """The guild's members to be offered a buddy now (see the module docstring), oldest first.

    Set-based: one query finds the isolated members in no open group, without a mentor, not
    opted out and not organizing (ids only: a guild has thousands of isolated members, most
    of them with a buddy already); the rests and the waits are checked for those, and only the
    members left are read whole."""
    opted_out = select(BuddyOptOut.member_id).where(BuddyOptOut.member_id == Member.id).exists()
    organizes = (
        select(Organizer.id)
        .where(Organizer.member_id == Member.id, Organizer.status == OrganizerStatus.ACTIVE)
        .exists()
    )
    in_open_group = (
        select(BuddyMember.id)
        .join(BuddyGroup, BuddyMember.group_id == BuddyGroup.id)
        .where(BuddyMember.member_id == Member.id, BuddyGroup.status.in_(OPEN_GROUP))
        .exists()
    )
    with_mentor = select(Mentorship.id).where(Mentorship.member_id == Member.id, is_open()).exists()
    ids = list(
        (
            await session.execute(
                select(Member.id)
                .where(
                    Member.guild_id == guild_id,
                    Member.status == MemberStatus.ACTIVE,
                    Member.is_isolated.is_(True),
                    ~opted_out,
                    ~organizes,
                    ~in_open_group,
                    ~with_mentor,
                )
                .order_by(Member.onboarded_at, Member.id)
            )
        ).scalars()
    )
    if not ids:
        return []
    target = await waiting.wait_target(session, guild_id)
    busy = await _declined_lately(session, ids, now) | await waiting.mentor_within(
        session=session, guild_id=guild_id, now=now, batch_every=batch_every, target=target
    )
    chosen = [member_id for member_id in ids if member_id not in busy]
    if not chosen:
        return []
    rows = await session.execute(select(Member).where(Member.id.in_(chosen)))
    by_id = {member.id: member for member in rows.scalars()}
    return [by_id[member_id] for member_id in chosen if member_id in by_id]


# Who goes with whom


def _engine_view(member: Member, locale: Locale | None, now: datetime) -> Seeker:
    """The matching engine's view of a member: a point for a town only, the areas they are in."""
    town = locale is not None and locale.precision == LocalePrecision.CITY
    return Seeker(
        member_id=member.id,
        latitude=locale.latitude if locale is not None and town else None,
        longitude=locale.longitude if locale is not None and town else None,
        district=locale.district_code if locale else None,
        region=locale.region_code if locale else None,
        country=locale.country_code if locale else None,
        utc_offset_hours=utc_offset_hours(member.timezone, now),
        languages=frozenset(member.languages),
        paths=frozenset(member.paths),
    )


def cost(first: Seeker, second: Seeker) -> int:
    """What putting two members together costs (the engine's units): distance, time-zone gap,
    no shared language, no shared path. Symmetric."""
    other = Mentor(
        member_id=second.member_id,
        latitude=second.latitude,
        longitude=second.longitude,
        utc_offset_hours=second.utc_offset_hours,
        languages=second.languages,
        paths=second.paths,
        district=second.district,
        region=second.region,
        country=second.country,
    )
    found = pair_cost(replace(first, member_id=-1), other)
    assert found is not None  # no exclusions here
    return found


def group(people: Sequence[Seeker], apart: set[frozenset[int]]) -> list[tuple[int, ...]]:
    """Member ids in pairs, cheapest first, never a pair in `apart`; whoever is left joins the
    pair they fit best (a trio) when there is one they may join. Every pair is costed at once
    by the engine (`peer_costs`), so a sweep over thousands stays quick."""
    n = len(people)
    if n < 2:
        return []
    ids = [p.member_id for p in people]
    first, second = (np.asarray(a, dtype=np.int64) for a in np.triu_indices(n, k=1))
    units = peer_costs(people, first, second)
    row = {member_id: i for i, member_id in enumerate(ids)}
    allowed = np.ones(len(first), dtype=np.bool_)
    for pair in apart:
        rows = sorted(row[m] for m in pair if m in row)
        if len(rows) == 2:  # the position of (i, j), i < j, in the upper triangle
            i, j = rows
            allowed[i * n - i * (i + 1) // 2 + (j - i - 1)] = False
    first, second, units = first[allowed], second[allowed], units[allowed]
    id_of = np.asarray(ids, dtype=np.int64)
    taken: set[int] = set()
    pairs: list[tuple[int, int]] = []
    order = np.lexsort((id_of[second], id_of[first], units))
    for i, j in zip(first[order].tolist(), second[order].tolist(), strict=True):
        if len(taken) >= n - 1:
            break
        if ids[i] not in taken and ids[j] not in taken:
            pairs.append((ids[i], ids[j]))
            taken |= {ids[i], ids[j]}

    groups = [list(pair) for pair in pairs]
    for person in (member_id for member_id in ids if member_id not in taken):
        i, others = row[person], np.arange(n, dtype=np.int64)
        # Costed (earlier, later) in `people`, as the pairs were.
        with_everyone = peer_costs(people, np.minimum(others, i), np.maximum(others, i)).tolist()

        def between(other: int, person: int = person, costs: list[int] = with_everyone) -> int | None:
            return None if frozenset((person, other)) in apart else costs[row[other]]

        options = []
        for index, members in enumerate(groups):
            fits = [between(other) for other in members]
            if len(members) < MAX_GROUP and all(f is not None for f in fits):
                options.append((max(f for f in fits if f is not None), index))
        if options:
            groups[min(options)[1]].append(person)
    return [tuple(members) for members in groups]


async def _apart(session: AsyncSession, member_ids: Sequence[int]) -> set[frozenset[int]]:
    """Pairs never to be put together again: they were introduced, or one of them said no."""
    groups = select(BuddyMember.group_id).where(BuddyMember.member_id.in_(member_ids))
    rows = (
        await session.execute(
            select(BuddyMember.group_id, BuddyMember.member_id, BuddyMember.answer, BuddyGroup.introduced_at)
            .join(BuddyGroup, BuddyMember.group_id == BuddyGroup.id)
            .where(BuddyMember.group_id.in_(groups))
        )
    ).all()
    by_group: dict[int, list[tuple[int, Answer, bool]]] = {}
    for group_id, member_id, answer, introduced_at in rows:
        by_group.setdefault(group_id, []).append((member_id, answer, introduced_at is not None))
    apart = set()
    for members in by_group.values():
        for (a, a_answer, introduced), (b, b_answer, _) in combinations(members, 2):
            if introduced or Answer.NO in (a_answer, b_answer):
                apart.add(frozenset((a, b)))
    return apart


async def _buddy(session: AsyncSession, member: Member) -> Buddy:
    locale = await session.get(Locale, member.locale_id) if member.locale_id else None
    shares = member.locale_sharing != LocaleSharing.NOTHING
    return Buddy(
        user_id=member.user_id,
        area=shared_area(locale, member.locale_sharing),
        timezone=member.timezone if shares else None,
        paths=tuple(member.paths),
        experience=member.experience,
    )


async def sweep(
    *, session: AsyncSession, guild_id: int, now: datetime, batch_every: timedelta
) -> list[Offer]:
    """Offers that ran out are ended; the eligible members are grouped and each is offered their group."""
    await _expire(session, guild_id, now)
    people = await eligible(session=session, guild_id=guild_id, now=now, batch_every=batch_every)
    if len(people) < 2:
        return []
    locales = {
        locale.id: locale
        for locale in (
            await session.execute(
                select(Locale).where(Locale.id.in_({m.locale_id for m in people if m.locale_id}))
            )
        ).scalars()
    }
    by_id = {m.id: m for m in people}
    views = [_engine_view(m, locales.get(m.locale_id or -1), now) for m in people]
    offers: list[Offer] = []
    for members in group(views, await _apart(session, list(by_id))):
        row = BuddyGroup(guild_id=guild_id, created_at=now, offer_expires_at=now + OFFER_LASTS)
        session.add(row)
        await session.flush()
        rows = [BuddyMember(group_id=row.id, member_id=member_id) for member_id in members]
        session.add_all(rows)
        await session.flush()
        seen = {member_id: await _buddy(session, by_id[member_id]) for member_id in members}
        for buddy_row in rows:
            member = by_id[buddy_row.member_id]
            others = tuple(seen[m] for m in members if m != member.id)
            offers.append(Offer(buddy_row.id, guild_id, member.user_id, others))
            await record(
                session=session,
                now=now,
                guild_id=guild_id,
                actor_id=None,
                target_user_id=member.user_id,
                action="buddies.offered",
                details={"group": row.id},
            )
    return offers


async def not_reached(*, session: AsyncSession, buddy_id: int, now: datetime) -> bool:
    """An offer that could not reach its member (their DMs are closed): their group is called off
    at once, as if they had let it run out (they rest as after silence, `rest_after`), so the
    others are offered someone else in the next sweep instead of waiting `OFFER_LASTS` for an
    answer that cannot come. True when the group was called off (then sweep again)."""
    row = await session.get(BuddyMember, buddy_id)
    if row is None:
        return False
    group_row = await session.get(BuddyGroup, row.group_id, with_for_update=True)
    if group_row is None or group_row.status != BuddyStatus.OFFERED or row.answer != Answer.PENDING:
        return False
    row.answer = Answer.NO  # answered_at stays None: silence, not a no of theirs
    group_row.status, group_row.ended_at = BuddyStatus.DECLINED, now
    member = await session.get(Member, row.member_id)
    await record(
        session=session,
        now=now,
        guild_id=group_row.guild_id,
        actor_id=None,
        target_user_id=member.user_id if member is not None else None,
        action="buddies.not_reached",
        details={"group": group_row.id},
    )
    return True


async def _expire(session: AsyncSession, guild_id: int, now: datetime) -> None:
    """Offers nobody finished answering in time: declined; silence counts as a no (so the silent
    wait `REOFFER_AFTER` and are not offered the same people again)."""
    stale = await session.execute(
        select(BuddyMember, BuddyGroup)
        .join(BuddyGroup, BuddyMember.group_id == BuddyGroup.id)
        .where(
            BuddyGroup.guild_id == guild_id,
            BuddyGroup.status == BuddyStatus.OFFERED,
            BuddyGroup.offer_expires_at <= now,
        )
    )
    for row, group_row in stale.all():
        group_row.status, group_row.ended_at = BuddyStatus.DECLINED, now
        if row.answer == Answer.PENDING:
            row.answer = Answer.NO


async def guilds_with_isolated(*, session: AsyncSession) -> list[int]:
    """Guilds with at least two active isolated members (a sweep could find someone there)."""
    rows = await session.execute(
        select(Member.guild_id)
        .where(Member.status == MemberStatus.ACTIVE, Member.is_isolated.is_(True))
        .group_by(Member.guild_id)
        .having(func.count() >= 2)
    )
    return sorted(rows.scalars())


# Answers


async def _row_of(
    session: AsyncSession, buddy_id: int, user_id: int
) -> tuple[BuddyMember, BuddyGroup, Member]:
    row = await session.get(BuddyMember, buddy_id)
    if row is None:
        raise NotFoundError(texts.GONE)
    group_row = await session.get(BuddyGroup, row.group_id, with_for_update=True)
    member = await session.get(Member, row.member_id)
    if group_row is None:
        raise NotFoundError(texts.GONE)
    if member is None or member.user_id != user_id:
        raise NotAllowedError(texts.NOT_YOURS)
    return row, group_row, member


async def _members(session: AsyncSession, group_id: int) -> list[tuple[BuddyMember, Member]]:
    rows = await session.execute(
        select(BuddyMember, Member)
        .join(Member, BuddyMember.member_id == Member.id)
        .where(BuddyMember.group_id == group_id)
        .order_by(BuddyMember.id)
    )
    return [(row, member) for row, member in rows.all()]


async def answer_offer(
    *, session: AsyncSession, buddy_id: int, user_id: int, yes: bool, mute: bool, now: datetime
) -> Answered:
    """A member's yes or no to their buddy offer (`mute`: no, and no more offers). When everyone
    said yes, the introduction is queued (run it after the commit)."""
    row, group_row, member = await _row_of(session, buddy_id, user_id)
    if group_row.status == BuddyStatus.CANCELLED and row.answer != Answer.NO:
        raise GroundworkError(texts.CALLED_OFF)  # someone else left meanwhile: not their doing
    if group_row.status == BuddyStatus.DECLINED and row.answer == Answer.PENDING:
        raise GroundworkError(texts.CALLED_OFF)  # someone else said no, or could not be reached
    if group_row.status != BuddyStatus.OFFERED or row.answer != Answer.PENDING:
        raise GroundworkError(texts.ANSWERED)
    row.answer, row.answered_at = (Answer.YES if yes and not mute else Answer.NO), now
    if mute:
        await _opt_out(session, member, now)
    if row.answer == Answer.NO:
        group_row.status, group_row.ended_at = BuddyStatus.DECLINED, now
    everyone = await _members(session, group_row.id)
    if any(m.status != MemberStatus.ACTIVE for _, m in everyone):
        group_row.status, group_row.ended_at = BuddyStatus.CANCELLED, now
    elif all(r.answer == Answer.YES for r, _ in everyone):
        group_row.status = BuddyStatus.INTRODUCED
        # introduced after the commit, durably (bot.services.outbox)
        await outbox.enqueue(
            session=session,
            guild_id=group_row.guild_id,
            kind=ChatTaskKind.BUDDY_INTRODUCTION,
            subject_id=group_row.id,
            now=now,
        )
    await record(
        session=session,
        now=now,
        guild_id=group_row.guild_id,
        actor_id=user_id,
        target_user_id=user_id,
        action="buddies.accepted" if row.answer == Answer.YES else "buddies.declined",
        details={"group": group_row.id},
    )
    return Answered(group_row.id, group_row.status, group_row.status == BuddyStatus.INTRODUCED)


# The introduction


def _icebreaker(buddies: Sequence[Buddy], shared_paths: Sequence[str]) -> tuple[Icebreaker, int | None]:
    if shared_paths:
        return Icebreaker.SHARED_PATH, None
    done = [b for b in buddies if b.experience in (Experience.SOME, Experience.EXPERIENCED)]
    if done and any(b.experience in (Experience.NEW, None) for b in buddies):
        return Icebreaker.EXPERIENCE, done[0].user_id
    return Icebreaker.PATHS, None


def suggested_times(timezones: Sequence[str | None], now: datetime) -> tuple[datetime, datetime]:
    """Two times to talk (UTC), each in everyone's evening where there is one, on different days."""
    first = common_hour(timezones, now + FIRST_TIME_AFTER)
    return first, common_hour(timezones, first + SECOND_TIME_AFTER - timedelta(hours=1))


async def introduction_due(*, session: AsyncSession, group_id: int, now: datetime) -> Introduction | None:
    """The buddies to introduce, or None when there is nothing left to do (introduced already,
    called off, or someone is no longer an active member)."""
    row = await session.get(BuddyGroup, group_id, with_for_update=True)
    if row is None or row.status != BuddyStatus.INTRODUCED or row.introduced_at is not None:
        return None
    everyone = await _members(session, group_id)
    if len(everyone) < 2 or any(m.status != MemberStatus.ACTIVE for _, m in everyone):
        return None
    members = [m for _, m in everyone]
    buddies = tuple([await _buddy(session, m) for m in members])
    shared_paths = tuple(p for p in members[0].paths if all(p in m.paths for m in members[1:]))
    shared_languages = tuple(
        code for code in members[0].languages if all(code in m.languages for m in members[1:])
    )
    icebreaker, experienced = _icebreaker(buddies, shared_paths)
    guild = await session.get(GuildSettings, row.guild_id)
    return Introduction(
        group_id=row.id,
        guild_id=row.guild_id,
        buddies=buddies,
        shared_paths=shared_paths,
        shared_languages=shared_languages,
        icebreaker=icebreaker,
        experienced_user_id=experienced,
        suggested_times=suggested_times([m.timezone for m in members], now),
        introductions_channel_id=guild.introductions_channel_id if guild else None,
    )


async def thread_taken(*, session: AsyncSession, thread_id: int) -> bool:
    """Whether buddies were already introduced in `thread_id`."""
    found = await session.scalar(select(BuddyGroup.id).where(BuddyGroup.thread_id == thread_id).limit(1))
    return found is not None


async def record_introduced(
    *, session: AsyncSession, group_id: int, thread_id: int | None, delivered: bool, now: datetime
) -> None:
    """Where the buddies were introduced (a thread, or None: by DM), the follow-up a week on; when
    the introduction reached someone, a human contact for each (naming the other in a pair)."""
    row = await session.get(BuddyGroup, group_id)
    if row is None:
        return
    row.thread_id, row.introduced_at, row.followup_due_at = thread_id, now, now + FOLLOWUP_AFTER
    if not delivered:
        return
    member_ids = [r.member_id for r, _ in await _members(session, group_id)]
    for member_id in member_ids:
        others = [m for m in member_ids if m != member_id]
        await record_contact(
            session=session,
            guild_id=row.guild_id,
            member_id=member_id,
            kind=HumanContactKind.BUDDY_INTRODUCTION,
            subject_id=row.id,
            at=now,
            counterpart_member_id=others[0] if len(others) == 1 else None,
        )


# A week later


async def due_followups(*, session: AsyncSession, now: datetime) -> list[FollowUp]:
    """ "Did you talk?" for every buddy of each group introduced a week ago (claimed: sent once)."""
    due = (
        await session.execute(
            select(BuddyGroup)
            .where(
                BuddyGroup.status == BuddyStatus.INTRODUCED,
                BuddyGroup.followup_due_at <= now,
                BuddyGroup.followup_sent_at.is_(None),
            )
            .with_for_update(skip_locked=True)
        )
    ).scalars()
    result = []
    for row in due:
        row.followup_sent_at = now
        everyone = [(r, m) for r, m in await _members(session, row.id) if m.status == MemberStatus.ACTIVE]
        for buddy_row, member in everyone:
            others = tuple(m.user_id for _, m in everyone if m.id != member.id)
            result.append(FollowUp(buddy_row.id, row.guild_id, member.user_id, others, row.thread_id))
    return result


async def answer_followup(
    *, session: AsyncSession, buddy_id: int, user_id: int, answer: BuddyFollowUp, now: datetime
) -> FollowedUp:
    """A buddy's answer to "did you talk?"; "not a good fit" ends the group (everyone eligible
    again, never with each other)."""
    row, group_row, _ = await _row_of(session, buddy_id, user_id)
    row.followup, row.followup_at = answer, now
    await record(
        session=session,
        now=now,
        guild_id=group_row.guild_id,
        actor_id=user_id,
        target_user_id=user_id,
        action=f"buddies.followup.{answer.value}",
        details={"group": group_row.id},
    )
    if answer != BuddyFollowUp.NOT_A_FIT or group_row.status != BuddyStatus.INTRODUCED:
        return FollowedUp(False, ())
    group_row.status, group_row.ended_at = BuddyStatus.ENDED, now
    others = tuple(
        m.user_id
        for _, m in await _members(session, group_row.id)
        if m.user_id != user_id and m.status == MemberStatus.ACTIVE
    )
    return FollowedUp(True, others)


# Leaving


async def member_gone(*, session: AsyncSession, member_id: int, now: datetime) -> list[int]:
    """A member left or their data goes: their open offers are called off; a pair they were in
    ends (the other is offered again in the next sweep), a trio goes on without them. The user
    ids of those left without a buddy, to be told."""
    open_groups = (
        await session.execute(
            select(BuddyGroup)
            .join(BuddyMember, BuddyMember.group_id == BuddyGroup.id)
            .where(BuddyMember.member_id == member_id, BuddyGroup.status.in_(OPEN_GROUP))
            .with_for_update(of=BuddyGroup)
        )
    ).scalars()
    alone: list[int] = []
    for row in list(open_groups):
        rest = [
            m
            for _, m in await _members(session, row.id)
            if m.id != member_id and m.status == MemberStatus.ACTIVE
        ]
        if row.status == BuddyStatus.OFFERED:
            row.status, row.ended_at = BuddyStatus.CANCELLED, now
        elif len(rest) < 2:
            row.status, row.ended_at = BuddyStatus.ENDED, now
            alone.extend(m.user_id for m in rest)
    return alone


async def member_left(*, session: AsyncSession, guild_id: int, user_id: int, now: datetime) -> list[int]:
    """Someone left the server (see `member_gone`)."""
    member = await get_member(session=session, guild_id=guild_id, user_id=user_id)
    return [] if member is None else await member_gone(session=session, member_id=member.id, now=now)


async def thread_of(*, session: AsyncSession, guild_id: int, user_id: int) -> int | None:
    """The private thread of a member's latest buddy introduction (where a notice reaches them
    when their DMs are closed), or None."""
    member = await get_member(session=session, guild_id=guild_id, user_id=user_id)
    if member is None:
        return None
    found: int | None = await session.scalar(
        select(BuddyGroup.thread_id)
        .join(BuddyMember, BuddyMember.group_id == BuddyGroup.id)
        .where(BuddyMember.member_id == member.id, BuddyGroup.thread_id.is_not(None))
        .order_by(BuddyGroup.id.desc())
        .limit(1)
    )
    return found


# /buddy


async def _opt_out(session: AsyncSession, member: Member, now: datetime) -> None:
    if await session.get(BuddyOptOut, member.id) is None:
        session.add(BuddyOptOut(member_id=member.id, at=now))
    await record(
        session=session,
        now=now,
        guild_id=member.guild_id,
        actor_id=member.user_id,
        target_user_id=member.user_id,
        action="buddies.muted",
    )


async def _active_member(session: AsyncSession, guild_id: int, user_id: int) -> Member:
    member = await get_member(session=session, guild_id=guild_id, user_id=user_id)
    if member is None or member.status != MemberStatus.ACTIVE:
        raise GroundworkError(texts.NOT_ONBOARDED)
    return member


async def mine(*, session: AsyncSession, guild_id: int, user_id: int) -> Mine:
    """A member's buddy group now (introduced, else one offered), and whether they opted out."""
    member = await _active_member(session, guild_id, user_id)
    opted_out = await session.get(BuddyOptOut, member.id) is not None
    rows = (
        await session.execute(
            select(BuddyGroup)
            .join(BuddyMember, BuddyMember.group_id == BuddyGroup.id)
            .where(BuddyMember.member_id == member.id, BuddyGroup.status.in_(OPEN_GROUP))
        )
    ).scalars()
    current = min(rows, key=lambda g: (g.status != BuddyStatus.INTRODUCED, -g.id), default=None)
    if current is None:
        return Mine(None, (), None, opted_out)
    others = tuple(
        m.user_id
        for _, m in await _members(session, current.id)
        if m.id != member.id and m.status == MemberStatus.ACTIVE
    )
    shown = others if current.status == BuddyStatus.INTRODUCED else ()
    return Mine(current.status, shown, current.thread_id, opted_out)


async def set_offers(*, session: AsyncSession, guild_id: int, user_id: int, on: bool, now: datetime) -> None:
    """A member turns buddy offers off (an open offer to them is answered no) or back on."""
    member = await _active_member(session, guild_id, user_id)
    if on:
        await session.execute(delete(BuddyOptOut).where(BuddyOptOut.member_id == member.id))
        await record(
            session=session,
            now=now,
            guild_id=guild_id,
            actor_id=user_id,
            target_user_id=user_id,
            action="buddies.unmuted",
        )
        return
    await _opt_out(session, member, now)
    pending = await session.execute(
        select(BuddyMember, BuddyGroup)
        .join(BuddyGroup, BuddyMember.group_id == BuddyGroup.id)
        .where(BuddyMember.member_id == member.id, BuddyGroup.status == BuddyStatus.OFFERED)
    )
    for row, group_row in pending.all():
        row.answer, row.answered_at = Answer.NO, now
        group_row.status, group_row.ended_at = BuddyStatus.DECLINED, now


async def stored_about(*, session: AsyncSession, member_id: int) -> dict[str, Any]:
    """What /privacy shows of a member's buddies: each offer's outcome and their own answers,
    never who the others were; and whether they opted out."""
    rows = await session.execute(
        select(BuddyGroup, BuddyMember)
        .join(BuddyMember, BuddyMember.group_id == BuddyGroup.id)
        .where(BuddyMember.member_id == member_id)
        .order_by(BuddyGroup.created_at, BuddyGroup.id)
    )
    opted_out = await session.get(BuddyOptOut, member_id)

    def at(moment: datetime | None) -> str | None:
        return moment.isoformat() if moment else None

    return {
        "groups": [
            {
                "status": str(group_row.status),
                "offered_at": at(group_row.created_at),
                "answer": str(row.answer),
                "introduced_at": at(group_row.introduced_at),
                "did_you_talk": str(row.followup) if row.followup else None,
                "ended_at": at(group_row.ended_at),
            }
            for group_row, row in rows.all()
        ],
        "opted_out_at": at(opted_out.at) if opted_out else None,
    }
