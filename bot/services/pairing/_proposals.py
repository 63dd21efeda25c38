"""Proposing pairs (instant, batch, or by a moderator's hand) and deciding on them."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import GroundworkError, NotFoundError
from bot.services import outbox
from bot.services.audit import record
from bot.services.geo import great_circle_km
from bot.services.locales import shared_area, visible_precision
from bot.services.matching import (
    COST_UNITS_PER_KM,
    BatchResult,
    CostWeights,
    Mentor,
    MentorIndex,
    Proposal,
    Seeker,
    instant_match,
)
from bot.services.pairing._candidates import (
    mentors,
    seekers,
    spare_places,
    utc_offset_hours,
    waiting_seekers,
)
from bot.services.pairing._history import event, excluded_organizers
from bot.services.pairing._people import (
    check_can_mentor,
    excluded_pair,
    open_mentorship,
    organizer_of,
    pairable_member,
)
from bot.services.pairing._queue import still_waiting, waiting_count
from bot.services.pairing._solve import solve_in_another_process
from bot.texts import pairing as texts
from db.engine import SessionMaker
from db.enums import (
    ChatTaskKind,
    LocalePrecision,
    LocaleSharing,
    MemberStatus,
    MentorshipStatus,
    OrganizerStatus,
)
from db.models import GuildSettings, Locale, Member, Mentorship


@dataclass(frozen=True, slots=True)
class Side:
    """One person of a pairing, as much as they agreed to share."""

    user_id: int
    area: str | None  # their town or region, per their consent; None: not shared
    timezone: str | None
    languages: tuple[str, ...]
    paths: tuple[str, ...]
    experience_note: str | None


@dataclass(frozen=True, slots=True)
class CommonArea:
    """Where two people without a distance between them (one gave no town) are both known to
    be: ``level`` "district", "region" or "country", the finest area they share. ``name`` names
    it, or the area containing it, only as far as both agreed to show (``name_level`` says which);
    None when either shares nothing."""

    level: str
    name: str | None = None
    name_level: str | None = None


@dataclass(frozen=True, slots=True)
class Pairing:
    """A proposed or active mentorship, ready to show to moderators or to introduce."""

    mentorship_id: int
    guild_id: int
    status: MentorshipStatus
    member: Side
    mentor: Side
    distance_km: float | None  # only when both gave a town
    common_area: CommonArea | None  # when there is no distance: the area they share, if any
    utc_gap_hours: float
    review_channel_id: int | None
    introductions_channel_id: int | None
    # Two times to meet (UTC), in both members' waking hours; set when they are introduced.
    suggested_times: tuple[datetime, datetime] | None = None


def _side(member: Member, locale: Locale | None) -> Side:
    return Side(
        user_id=member.user_id,
        area=shared_area(locale, member.locale_sharing),
        timezone=member.timezone,
        languages=tuple(member.languages),
        paths=tuple(member.paths),
        experience_note=member.experience_note,
    )


def _common_area(first: Member, a: Locale, second: Member, b: Locale) -> CommonArea | None:
    if a.district_code is not None and a.district_code == b.district_code:
        level = "district"
    elif a.region_code is not None and a.region_code == b.region_code:
        level = "region"
    elif a.country_code == b.country_code:
        level = "country"
    else:
        return None
    if LocaleSharing.NOTHING in (first.locale_sharing, second.locale_sharing):
        return CommonArea(level)
    shown = {visible_precision(a, first.locale_sharing), visible_precision(b, second.locale_sharing)}
    if level != "country" and "country" not in shown and a.region_name:
        return CommonArea(level, a.region_name, "region")
    return CommonArea(level, a.country_name, "country")


async def pairing_view(session: AsyncSession, mentorship: Mentorship, now: datetime) -> Pairing:
    member = await session.get(Member, mentorship.member_id)
    mentor = await session.get(Member, mentorship.mentor_id)
    guild = await session.get(GuildSettings, mentorship.guild_id)
    assert member is not None and mentor is not None
    member_locale = await session.get(Locale, member.locale_id) if member.locale_id else None
    mentor_locale = await session.get(Locale, mentor.locale_id) if mentor.locale_id else None
    distance, common = None, None
    if member_locale is not None and mentor_locale is not None:
        if member_locale.precision == mentor_locale.precision == LocalePrecision.CITY:
            distance = great_circle_km(
                member_locale.latitude,
                member_locale.longitude,
                mentor_locale.latitude,
                mentor_locale.longitude,
            )
        else:  # an area has no point: its biggest town is not where they live
            common = _common_area(member, member_locale, mentor, mentor_locale)
    return Pairing(
        mentorship_id=mentorship.id,
        guild_id=mentorship.guild_id,
        status=mentorship.status,
        member=_side(member, member_locale),
        mentor=_side(mentor, mentor_locale),
        distance_km=distance,
        common_area=common,
        utc_gap_hours=abs(utc_offset_hours(member.timezone, now) - utc_offset_hours(mentor.timezone, now)),
        review_channel_id=guild.review_channel_id if guild else None,
        introductions_channel_id=guild.introductions_channel_id if guild else None,
    )


async def _create(
    session: AsyncSession,
    *,
    guild_id: int,
    member_id: int,
    mentor_id: int,
    cost: int | None,
    source: str,
    actor_id: int | None,
    now: datetime,
) -> Mentorship:
    """A new proposal; approved at once when a moderator made it or the guild auto-approves."""
    guild = await session.get(GuildSettings, guild_id)
    approved = source == "manual" or (guild is not None and guild.auto_approve_pairings)
    mentorship = Mentorship(
        guild_id=guild_id,
        member_id=member_id,
        mentor_id=mentor_id,
        source=source,
        cost=None if cost is None else cost / COST_UNITS_PER_KM,
        proposed_at=now,
        status=MentorshipStatus.ACTIVE if approved else MentorshipStatus.PROPOSED,
        decided_at=now if approved else None,
        decided_by=actor_id if approved else None,
    )
    try:
        async with session.begin_nested():
            session.add(mentorship)
            await session.flush()
    except IntegrityError:
        # The member got a proposal in the meantime (one open mentorship per member).
        raise GroundworkError(texts.ALREADY_PROPOSED) from None
    session.add(event(mentorship.id, "proposed", actor_id, now, note=source))
    if approved:  # introduced after the commit, durably (bot.services.outbox)
        await outbox.enqueue(
            session=session,
            guild_id=guild_id,
            kind=ChatTaskKind.INTRODUCTION,
            subject_id=mentorship.id,
            now=now,
        )
    member = await session.get(Member, member_id)
    mentor = await session.get(Member, mentor_id)
    await record(
        session=session,
        now=now,
        guild_id=guild_id,
        actor_id=actor_id,
        target_user_id=member.user_id if member else None,
        action="pairing.approved" if approved else "pairing.proposed",
        details={"mentor": mentor.user_id if mentor else None, "source": source, "mentorship": mentorship.id},
    )
    return mentorship


async def propose_for(
    *,
    session: AsyncSession,
    guild_id: int,
    user_id: int,
    now: datetime,
    weights: CostWeights | None = None,
) -> Pairing | None:
    """The instant path: the best allowed organizer with a free place for one waiting member."""
    member = await pairable_member(session, guild_id, user_id, self_=True)
    if member.mentor_requested_at is None or await open_mentorship(session, member.id) is not None:
        return None
    candidates = await mentors(session, guild_id, now)
    (seeker,) = await seekers(session, [member], now)
    proposal = instant_match(seeker, MentorIndex.build(candidates, weights or CostWeights()))
    if proposal is None:
        return None
    mentorship = await _create(
        session,
        guild_id=guild_id,
        member_id=member.id,
        mentor_id=proposal.organizer_id,
        cost=proposal.cost,
        source="instant",
        actor_id=None,
        now=now,
    )
    return await pairing_view(session, mentorship, now)


#: A solver `run_batch` calls on a worker thread instead of the real one (tests pass a slow or
#: scripted one).
BatchSolver = Callable[[Sequence[Seeker], Sequence[Mentor], CostWeights], BatchResult]

#: Proposals written per unit of work. On SQLite a unit of work holds the only connection and
#: the write lock and runs on the event loop, so a whole batch written at once (thousands of
#: proposals, seconds) would keep every interaction waiting; a chunk this size takes a few tens
#: of milliseconds, and interactions are served between chunks.
BATCH_WRITE_CHUNK = 10


async def run_batch(
    *,
    sessions: SessionMaker,
    guild_id: int,
    now: datetime,
    weights: CostWeights | None = None,
    solver: BatchSolver | None = None,
    chunk_size: int = BATCH_WRITE_CHUNK,
) -> tuple[list[Pairing], int]:
    """The batch path: an optimal assignment of everyone waiting, in three steps.

    Read who waits and who has room, in short units of work; solve with no session open (a
    solve takes seconds, and on SQLite an open unit of work holds the only connection and the
    write lock), in another process (see `solve_in_another_process`; a given `solver` runs
    on a worker thread); write the proposals in small units of work that check each against
    the database as it is then (see `apply_batch`). Returns the new pairings and how many
    members are still waiting. Pairs already proposed or introduced are not in the input, so
    they are never reshuffled. What the reads see may change between them: the write checks.
    """
    async with sessions() as session, session.begin():
        candidates = await mentors(session, guild_id, now)
        if not candidates:
            return [], await waiting_count(session, guild_id)
    async with sessions() as session, session.begin():
        sought = await waiting_seekers(session, guild_id, now)
    if not sought:
        return [], 0
    weights = weights or CostWeights()
    if solver is None:
        result = await solve_in_another_process(sought, candidates, weights)
    else:
        result = await asyncio.to_thread(solver, sought, candidates, weights)
    return await apply_batch(
        sessions=sessions, guild_id=guild_id, proposals=result.proposals, now=now, chunk_size=chunk_size
    )


async def apply_batch(
    *,
    sessions: SessionMaker,
    guild_id: int,
    proposals: Sequence[Proposal],
    now: datetime,
    chunk_size: int = BATCH_WRITE_CHUNK,
) -> tuple[list[Pairing], int]:
    """Create the batch's proposals that still hold, `chunk_size` per unit of work, letting
    other work run between chunks. Returns the new pairings and how many members still wait.

    Each chunk commits on its own, so a batch that stops half way (an error, the process
    dying) leaves the proposals of the chunks before it, and nothing of the chunk it was in.
    Written again, or followed by the next batch, nothing is proposed twice: a member with a
    proposal no longer waits (`_apply_chunk` checks), and the database keeps one open
    mentorship per member (`uq_mentorships_one_open_per_member`).
    """
    created: list[Pairing] = []
    for start in range(0, len(proposals), max(1, chunk_size)):
        if start:
            await asyncio.sleep(0)  # let the interactions queued meanwhile have the database
        async with sessions() as session, session.begin():
            chunk = proposals[start : start + max(1, chunk_size)]
            created += await _apply_chunk(session, guild_id, chunk, now)
    async with sessions() as session, session.begin():
        return created, await waiting_count(session, guild_id)


async def _apply_chunk(
    session: AsyncSession, guild_id: int, proposals: Sequence[Proposal], now: datetime
) -> list[Pairing]:
    """Create the proposals that still hold: the member still waits, the organizer still
    mentors and has a free place (counting the ones this chunk just filled), and the pair is
    not excluded since. The others are dropped; the next batch sees the new state."""
    member_ids = [p.member_id for p in proposals]
    organizer_ids = {p.organizer_id for p in proposals}
    waiting = await still_waiting(session, guild_id, member_ids)
    spare = await spare_places(session, guild_id, organizer_ids)
    excluded = await excluded_organizers(session, member_ids)
    # Everyone the new proposals name, and where they live, loaded at once (the views use them).
    people = (
        (await session.execute(select(Member).where(Member.id.in_(waiting | set(spare))))).scalars().all()
    )
    locale_ids = {member.locale_id for member in people if member.locale_id is not None}
    if locale_ids:
        await session.execute(select(Locale).where(Locale.id.in_(locale_ids)))
    created = []
    for proposal in proposals:
        member_id, organizer_id = proposal.member_id, proposal.organizer_id
        if member_id not in waiting or spare.get(organizer_id, 0) <= 0:
            continue
        if organizer_id in excluded.get(member_id, set()):
            continue
        try:
            mentorship = await _create(
                session,
                guild_id=guild_id,
                member_id=member_id,
                mentor_id=organizer_id,
                cost=proposal.cost,
                source="batch",
                actor_id=None,
                now=now,
            )
        except GroundworkError:
            continue  # proposed meanwhile by a commit this unit of work did not see
        spare[organizer_id] -= 1
        waiting.discard(member_id)
        created.append(await pairing_view(session, mentorship, now))
    return created


async def pair_manually(
    *,
    session: AsyncSession,
    guild_id: int,
    member_user_id: int,
    mentor_user_id: int,
    actor_id: int,
    now: datetime,
) -> Pairing:
    """A moderator pairs two members by hand (this is also their approval)."""
    if member_user_id == mentor_user_id:
        raise GroundworkError(texts.SELF_PAIR)
    member = await pairable_member(session, guild_id, member_user_id)
    mentor = await pairable_member(session, guild_id, mentor_user_id)
    current = await open_mentorship(session, member.id)
    if current is not None:
        if current.status == MentorshipStatus.PROPOSED:
            raise GroundworkError(texts.MEMBER_HAS_PROPOSAL, member=member_user_id)
        paired_with = await session.get(Member, current.mentor_id)
        raise GroundworkError(
            texts.MEMBER_HAS_MENTOR, member=member_user_id, mentor=paired_with.user_id if paired_with else 0
        )
    await check_can_mentor(session, mentor)
    if await excluded_pair(session, member.id, mentor.id):
        raise GroundworkError(texts.PAIR_EXCLUDED)
    mentorship = await _create(
        session,
        guild_id=guild_id,
        member_id=member.id,
        mentor_id=mentor.id,
        cost=None,
        source="manual",
        actor_id=actor_id,
        now=now,
    )
    member.mentor_requested_at = None
    return await pairing_view(session, mentorship, now)


async def _check_still_possible(session: AsyncSession, mentorship: Mentorship) -> None:
    """Both still in the server, and the organizer still confirmed and not paused."""
    member = await session.get(Member, mentorship.member_id)
    mentor = await session.get(Member, mentorship.mentor_id)
    if member is None or mentor is None or not member.status == mentor.status == MemberStatus.ACTIVE:
        raise GroundworkError(texts.MEMBER_GONE)
    organizer = await organizer_of(session, mentor)
    who = mentor.user_id
    if organizer is None or organizer.status in (OrganizerStatus.REMOVED, OrganizerStatus.PENDING):
        raise GroundworkError(texts.NOT_AN_ORGANIZER, who=who)
    if organizer.status == OrganizerStatus.PAUSED:
        raise GroundworkError(texts.ORGANIZER_PAUSED, who=who)


async def decide(
    *, session: AsyncSession, mentorship_id: int, actor_id: int, approve: bool, now: datetime
) -> Pairing:
    """A moderator approves or rejects a proposal; of two moderators deciding at once, one wins."""
    mentorship = await session.get(Mentorship, mentorship_id, with_for_update=True)
    if mentorship is None:
        raise NotFoundError(texts.PROPOSAL_GONE.format(status=texts.PROPOSAL_DELETED))
    if mentorship.status != MentorshipStatus.PROPOSED:
        raise GroundworkError(texts.PROPOSAL_GONE.format(status=mentorship.status))
    if approve:
        await _check_still_possible(session, mentorship)
    new_status = MentorshipStatus.ACTIVE if approve else MentorshipStatus.REJECTED
    result = await session.execute(
        update(Mentorship)
        .where(Mentorship.id == mentorship_id, Mentorship.status == MentorshipStatus.PROPOSED)
        .values(status=new_status, decided_at=now, decided_by=actor_id)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise GroundworkError(texts.PROPOSAL_GONE.format(status=texts.PROPOSAL_DECIDED))
    await session.refresh(mentorship)
    session.add(event(mentorship_id, "approved" if approve else "rejected", actor_id, now))
    member_row = await session.get(Member, mentorship.member_id)
    if approve and member_row is not None:
        member_row.mentor_requested_at = None
    if approve:  # introduced after the commit, durably (bot.services.outbox)
        await outbox.enqueue(
            session=session,
            guild_id=mentorship.guild_id,
            kind=ChatTaskKind.INTRODUCTION,
            subject_id=mentorship_id,
            now=now,
        )
    await record(
        session=session,
        now=now,
        guild_id=mentorship.guild_id,
        actor_id=actor_id,
        target_user_id=member_row.user_id if member_row else None,
        action="pairing.approved" if approve else "pairing.rejected",
        details={"mentorship": mentorship_id},
    )
    return await pairing_view(session, mentorship, now)


async def pick_another(
    *,
    session: AsyncSession,
    mentorship_id: int,
    actor_id: int,
    now: datetime,
    weights: CostWeights | None = None,
) -> tuple[Pairing, Pairing | None]:
    """Reject a proposal and propose the next best organizer for the same member."""
    rejected = await decide(
        session=session, mentorship_id=mentorship_id, actor_id=actor_id, approve=False, now=now
    )
    replacement = await propose_for(
        session=session, guild_id=rejected.guild_id, user_id=rejected.member.user_id, now=now, weights=weights
    )
    return rejected, replacement


async def remember_review_message(*, session: AsyncSession, mentorship_id: int, message_id: int) -> None:
    """Where a proposal is shown to moderators."""
    mentorship = await session.get(Mentorship, mentorship_id)
    if mentorship is not None:
        mentorship.review_message_id = message_id


async def guild_of_mentorship(*, session: AsyncSession, mentorship_id: int) -> int | None:
    """The guild a mentorship belongs to (None if it no longer exists)."""
    mentorship = await session.get(Mentorship, mentorship_id)
    return mentorship.guild_id if mentorship is not None else None
