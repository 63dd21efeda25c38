"""One simulated year of bench/attention.py, driven through the real services, day by day.

The bench plays the members, organizers and moderators (their clicks, as the cogs would pass
them) and the outbox worker (an introduction that is due is delivered); every decision (who is
isolated, who is paired with whom, who is offered a buddy, who is suggested as an organizer) is
the services'. Each step is one unit of work, as in the bot.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import _attention_calls as calls
import _attention_pool as pool
from _attention_world import GUILD, MODERATOR, PAUSE_DAYS, PAUSE_PER_DAY, Person, at
from sqlalchemy import func, select

from bot.errors import GroundworkError
from bot.services import (
    buddies,
    circles,
    locales,
    nearby,
    neighbours,
    newcomers,
    pairing,
    waiting,
)
from bot.services.matching import BatchResult, CostWeights, Mentor, Seeker, batch_match
from db.engine import SessionMaker
from db.enums import (
    Answer,
    Experience,
    LocaleSharing,
    MemberStatus,
    MentorshipStatus,
    OfferStatus,
)
from db.models import GuildSettings, Member, Mentorship, Organizer

BATCH_EVERY = timedelta(days=1)  # the pairing batch runs daily
NEIGHBOURS_WHO_ANSWER = 3  # of the neighbours asked, the nearest few who are not silent say yes
CIRCLE_SWEEP_EVERY = 7  # days
WAIT_UPDATES_EVERY = 7  # days (the bot's tick is more often; no figure depends on it)


def _solver(seekers: Sequence[Seeker], mentors: Sequence[Mentor], weights: CostWeights) -> BatchResult:
    return batch_match(seekers, mentors, weights)


@dataclass
class Load:
    """Mentor load as seen each day: the most mentees one organizer had, and over capacity."""

    most: int = 0
    most_capacity: int = 0
    over_capacity_days: int = 0
    worst_over: int = 0


class Clock:
    """The simulated clock the session factory lends to column defaults (db.base.CLOCK)."""

    def __init__(self) -> None:
        self.now = at(0)

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Simulation:
    """One behaviour (`new`: buddies, neighbours, circles, honest waiting, organizer pool) on one
    database, over the same people."""

    sessions: SessionMaker
    people: Sequence[Person]
    days: int
    new: bool
    clock: Clock = field(default_factory=Clock)
    progress: Callable[[int], None] | None = None  # told every 30 simulated days
    seed: int = 5
    by_user: dict[int, Person] = field(default_factory=dict)
    member_ids: dict[int, int] = field(default_factory=dict)
    ends: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))  # day -> mentee user ids
    resumes: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))  # day -> organizer users
    checkins: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))  # day -> mentee users
    load: Load = field(default_factory=Load)
    guild_id: int = GUILD
    next_event_id: int = 900_000
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def __post_init__(self) -> None:
        self.by_user = {p.user_id: p for p in self.people}
        self.rng = random.Random(self.seed)
        self.calls_rng = random.Random(self.seed + 2)
        self.pauses = random.Random(self.seed + 1)  # its own draws: both behaviours see the same pauses

    async def setup(self) -> None:
        async with self.sessions() as s, s.begin():
            s.add(
                GuildSettings(
                    guild_id=GUILD,
                    auto_approve_pairings=True,  # a mentor proposal is introduced without a review
                    auto_confirm_organizers=True,
                    review_channel_id=2,
                    introductions_channel_id=3,
                )
            )

    async def run(self) -> None:
        await self.setup()
        joining: dict[int, list[Person]] = defaultdict(list)
        for person in self.people:
            joining[person.day].append(person)
        for day in range(self.days):
            for i, person in enumerate(joining[day]):
                self.clock.now = at(day, 8 * i / len(joining[day]))
                await self.join(person, self.clock.now)
            now = self.clock.now = at(day, 10)
            await self.organizers_pause(day, now)
            await self.pair(day, now)
            await self.end_mentorships(day, now)
            if self.new:
                await self.buddies(now)
                if day % CIRCLE_SWEEP_EVERY == 0:
                    await self.circles(now)
                await pool.grow(self, day, now)
                if day % WAIT_UPDATES_EVERY == 0:
                    await self.honest_waiting(now)
                await calls.tick(self, now)
            await self.measure_load()
            if self.progress is not None and day % 30 == 29:
                self.progress(day + 1)

    # -- members arrive ---------------------------------------------------------------

    async def join(self, p: Person, now: datetime) -> None:
        """A member finished onboarding: their profile (setup), then the services decide."""
        async with self.sessions() as s, s.begin():
            locale_id = await locales.locale_id_for(session=s, place=p.place)
            member = Member(
                guild_id=GUILD,
                user_id=p.user_id,
                status=MemberStatus.ACTIVE,
                locale_id=locale_id,
                locale_sharing=LocaleSharing.TOWN,
                organizer_contact_ok=True,
                timezone=p.place.timezone,
                languages=list(p.languages),
                experience=Experience.EXPERIENCED if p.organizer_capacity else Experience.NEW,
                wants_to_mentor=p.organizer_capacity > 0,
                mentor_capacity=p.organizer_capacity or None,
                paths=list(p.paths),
                joined_at=now,
                onboarded_at=now,
                created_at=now,
                updated_at=now,
            )
            s.add(member)
            await s.flush()
            self.member_ids[p.user_id] = member.id
            radius = await nearby.guild_radius_km(s, GUILD)
            summary = await nearby.settle(
                session=s, guild_id=GUILD, member_id=member.id, where=p.place, radius_km=radius
            )
            member.is_isolated = isolated = summary.isolated
            if p.organizer_capacity:
                await pairing.add_organizer(
                    session=s,
                    guild_id=GUILD,
                    user_id=p.user_id,
                    capacity=p.organizer_capacity,
                    languages=list(p.languages),
                    actor_id=MODERATOR,
                    now=now,
                )
            elif not p.silent:  # "find me a mentor"
                await pairing.request_mentor(session=s, guild_id=GUILD, user_id=p.user_id, now=now)
        if self.new and p.organizer_capacity:
            await calls.maybe_host(self, p.user_id, p.place.timezone, now, self.calls_rng)
        if self.new:  # as the adapters do once a member is onboarded
            async with self.sessions() as s, s.begin():
                offer = await newcomers.offer_nearby(
                    session=s, member_id=self.member_ids[p.user_id], isolated=isolated, now=now
                )
            if isinstance(offer, circles.Offer):
                await self.join_circle(offer, now)
            elif offer is not None:
                await self.meet_neighbours(p, offer, now)

    # -- mentors (both behaviours) ----------------------------------------------------

    async def pair(self, day: int, now: datetime) -> None:
        created, _ = await pairing.run_batch(sessions=self.sessions, guild_id=GUILD, now=now, solver=_solver)
        for pairing_view in created:
            async with self.sessions() as s, s.begin():
                due = await pairing.introduction_due(
                    session=s, mentorship_id=pairing_view.mentorship_id, now=now
                )
                if due is None:
                    continue
                await pairing.record_introduction(
                    session=s, mentorship_id=due.mentorship_id, thread_id=None, delivered=True, now=now
                )
            mentee = pairing_view.member.user_id
            self.ends[day + self.by_user[mentee].mentorship_days].append(mentee)
            if self.new and self.by_user[mentee].rising:
                for offset in (30, 60):
                    self.checkins[day + offset].append(mentee)
            self.counts["mentorships"] += 1

    async def end_mentorships(self, day: int, now: datetime) -> None:
        for user_id in self.ends.pop(day, []):
            async with self.sessions() as s, s.begin():
                try:
                    await pairing.end_for_member(
                        session=s, guild_id=GUILD, user_id=user_id, actor_id=MODERATOR, now=now
                    )
                except GroundworkError:  # ended already (e.g. its mentor left)
                    continue

    async def organizers_pause(self, day: int, now: datetime) -> None:
        for user_id in self.resumes.pop(day, []):
            async with self.sessions() as s, s.begin():
                await pairing.set_paused(session=s, guild_id=GUILD, user_id=user_id, paused=False, now=now)
        async with self.sessions() as s:
            active = list(
                await s.scalars(
                    select(Member.user_id)
                    .join(Organizer, Organizer.member_id == Member.id)
                    .where(Member.guild_id == GUILD, Organizer.status == "active")
                )
            )
        for user_id in active:
            if self.pauses.random() < PAUSE_PER_DAY:
                async with self.sessions() as s, s.begin():
                    await pairing.set_paused(session=s, guild_id=GUILD, user_id=user_id, paused=True, now=now)
                self.resumes[day + self.pauses.randint(*PAUSE_DAYS)].append(user_id)
                self.counts["pauses"] += 1

    async def measure_load(self) -> None:
        taken = (
            select(Mentorship.mentor_id, func.count().label("taken"))
            .where(Mentorship.status.in_((MentorshipStatus.PROPOSED, MentorshipStatus.ACTIVE)))
            .group_by(Mentorship.mentor_id)
            .subquery()
        )
        async with self.sessions() as s:
            rows = (
                await s.execute(
                    select(taken.c.taken, Organizer.capacity).join(
                        Organizer, Organizer.member_id == taken.c.mentor_id
                    )
                )
            ).all()
        over = [t - c for t, c in rows if t > c]
        for t, c in rows:
            if t > self.load.most:
                self.load.most, self.load.most_capacity = t, c
        if over:
            self.load.over_capacity_days += 1
            self.load.worst_over = max(self.load.worst_over, *over)

    # -- the new behaviour ------------------------------------------------------------

    def answers(self, user_id: int) -> bool:
        return not self.by_user[user_id].silent

    async def meet_neighbours(self, p: Person, offer: neighbours.Offer, now: datetime) -> None:
        if p.silent:
            return
        self.counts["neighbour offers"] += 1
        async with self.sessions() as s, s.begin():
            asks = await neighbours.answer_offer(
                session=s, offer_id=offer.offer_id, user_id=p.user_id, answer=OfferStatus.ACCEPTED, now=now
            )
        answering = [a for a in asks if self.answers(a.neighbour_user_id)][:NEIGHBOURS_WHO_ANSWER]
        for ask in answering:
            later = now + timedelta(hours=self.rng.uniform(1, 48))
            async with self.sessions() as s, s.begin():
                answered = await neighbours.answer_introduction(
                    session=s,
                    introduction_id=ask.introduction_id,
                    user_id=ask.neighbour_user_id,
                    answer=Answer.YES,
                    mute=False,
                    now=later,
                )
                if answered.introduction_id is None:
                    continue
                if await neighbours.introduction_due(session=s, introduction_id=ask.introduction_id):
                    await neighbours.record_introduced(
                        session=s,
                        introduction_id=ask.introduction_id,
                        thread_id=None,
                        delivered=True,
                        now=later,
                    )
                    self.counts["neighbour introductions"] += 1

    async def join_circle(self, offer: circles.Offer, now: datetime) -> None:
        if not self.answers(offer.user_id):
            return
        async with self.sessions() as s, s.begin():
            await circles.answer_offer(
                session=s, membership_id=offer.membership_id, user_id=offer.user_id, join=True, now=now
            )
        self.counts["circle joins"] += 1

    async def circles(self, now: datetime) -> None:
        async with self.sessions() as s, s.begin():
            found = await circles.sweep(session=s, guild_id=GUILD, now=now)
        for proposal in found.proposals:  # a moderator opens each
            async with self.sessions() as s, s.begin():
                try:
                    await circles.decide(
                        session=s, circle_id=proposal.circle_id, actor_id=MODERATOR, approve=True, now=now
                    )
                except GroundworkError:  # too few still here
                    continue
            self.counts["circles opened"] += 1
        for offer in found.offers:
            await self.join_circle(offer, now)

    async def buddies(self, now: datetime) -> None:
        async with self.sessions() as s, s.begin():
            offers = await buddies.sweep(session=s, guild_id=GUILD, now=now, batch_every=BATCH_EVERY)
        self.counts["buddy offers"] += len(offers)
        for offer in offers:
            if not self.answers(offer.user_id):
                continue
            later = now + timedelta(hours=2)
            async with self.sessions() as s, s.begin():
                answered = await buddies.answer_offer(
                    session=s, buddy_id=offer.buddy_id, user_id=offer.user_id, yes=True, mute=False, now=later
                )
                if not answered.introduce:
                    continue
                intro = await buddies.introduction_due(session=s, group_id=answered.group_id, now=later)
                if intro is not None:
                    await buddies.record_introduced(
                        session=s, group_id=intro.group_id, thread_id=None, delivered=True, now=later
                    )
                    self.counts["buddy introductions"] += 1

    async def honest_waiting(self, now: datetime) -> None:
        async with self.sessions() as s, s.begin():
            told = await waiting.due_updates(session=s, guild_id=GUILD, now=now, batch_every=BATCH_EVERY)
        self.counts["wait updates"] += len(told)
