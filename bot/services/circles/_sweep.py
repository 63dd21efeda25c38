"""Who could be in a circle, and growing circles: new proposals, and offers to join open ones.

A member counts for circles when they are active, live in a known town, have not muted
neighbour offers, and said yes to meeting neighbours (they accepted the offer after
onboarding, or said yes when a neighbour asked). Each such member who is in no circle yet
belongs to the nearest standing circle within the radius: an open one is offered to them
(once: a "no" or leaving is final for that circle), a proposed one (or one rejected in the
last 30 days) keeps them waiting. The others are clustered into new proposals.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.audit import record_all
from bot.services.circles._cluster import find_clusters, nearest_within
from bot.services.circles._model import STANDING, Offer, Proposal, Sweep, add_offer, nearest_organizers
from bot.services.circles._naming import Resident, circle_place
from bot.services.geo import bounding_box, great_circle_km, unit_vectors
from bot.texts import local as texts
from db.enums import (
    Answer,
    CircleMemberStatus,
    CircleRole,
    CircleStatus,
    LocalePrecision,
    LocaleSharing,
    MemberStatus,
    OfferStatus,
)
from db.models import (
    Circle,
    CircleMember,
    GuildSettings,
    Locale,
    Member,
    NeighbourIntroduction,
    NeighbourOffer,
)

REJECTION_COOLDOWN = timedelta(days=30)
MAX_NAME = 100
# Per sweep, at most this many new proposals (densest first) and offers: moderators review a
# handful at a time, and DMs go out at a gentle pace. The rest come in the next sweeps.
MAX_PROPOSALS = 25
MAX_OFFERS = 50


@dataclass(frozen=True, slots=True)
class _Point:
    member_id: int
    user_id: int
    latitude: float
    longitude: float
    resident: Resident


def _said_yes() -> ColumnElement[bool]:
    accepted = (
        select(NeighbourOffer.id)
        .where(NeighbourOffer.member_id == Member.id, NeighbourOffer.status == OfferStatus.ACCEPTED)
        .exists()
    )
    agreed = (
        select(NeighbourIntroduction.id)
        .where(
            NeighbourIntroduction.neighbour_id == Member.id,
            NeighbourIntroduction.neighbour_answer == Answer.YES,
        )
        .exists()
    )
    return or_(accepted, agreed)


def _in_a_circle() -> ColumnElement[bool]:
    return (
        select(CircleMember.id)
        .where(
            CircleMember.member_id == Member.id,
            CircleMember.role == CircleRole.MEMBER,
            CircleMember.status.in_(STANDING),
        )
        .exists()
    )


async def _eligible(session: AsyncSession, guild_id: int, member_id: int | None = None) -> list[_Point]:
    """Members who count for circles and are in none (see the module docstring)."""
    query = (
        select(
            Member.id,
            Member.user_id,
            Member.locale_sharing,
            Locale.name,
            Locale.region_name,
            Locale.latitude,
            Locale.longitude,
        )
        .join(Locale, Member.locale_id == Locale.id)
        .where(
            Member.guild_id == guild_id,
            Member.status == MemberStatus.ACTIVE,
            Member.neighbour_offers_muted.is_(False),
            Locale.precision == LocalePrecision.CITY,
            ~_in_a_circle(),
        )
        .order_by(Member.id)
    )
    # A newcomer is asked about an open circle before they said yes to anything.
    query = query.where(Member.id == member_id) if member_id is not None else query.where(_said_yes())
    return [
        _Point(mid, uid, lat, lon, Resident(town, region, LocaleSharing(sharing)))
        for mid, uid, sharing, town, region, lat, lon in (await session.execute(query)).all()
    ]


async def _standing(
    session: AsyncSession,
    guild_id: int,
    now: datetime,
    *,
    open_only: bool,
    near: tuple[float, float, float] | None = None,
) -> list[Circle]:
    """The guild's standing circles (only the open ones with `open_only`); with `near` (latitude,
    longitude, radius), only those whose centre may lie within the radius of that point: a
    newcomer is offered one of the few near them, not read against every circle of the guild."""
    recently_rejected = and_(
        Circle.status == CircleStatus.REJECTED, Circle.decided_at >= now - REJECTION_COOLDOWN
    )
    condition = (
        Circle.status == CircleStatus.OPEN
        if open_only
        else or_(Circle.status.in_((CircleStatus.OPEN, CircleStatus.PROPOSED)), recently_rejected)
    )
    query = select(Circle).where(Circle.guild_id == guild_id, condition).order_by(Circle.id)
    if near is not None:
        south, north, west, east = bounding_box(*near)
        query = query.where(Circle.latitude.between(south, north))
        if west >= -180 and east <= 180:  # else across the antimeridian: any longitude
            query = query.where(Circle.longitude.between(west, east))
    return list((await session.execute(query)).scalars())


async def _offers(
    session: AsyncSession, points: list[_Point], circles: list[Circle], radius_km: float, now: datetime
) -> tuple[list[Offer], list[int]]:
    """Offer each point the nearest open circle; returns the offers and the points near no circle."""
    xyz = unit_vectors([(p.latitude, p.longitude) for p in points])
    nearest, km = nearest_within(xyz, unit_vectors([(c.latitude, c.longitude) for c in circles]), radius_km)
    rows = await session.execute(
        select(CircleMember.circle_id, CircleMember.member_id).where(
            CircleMember.member_id.in_([p.member_id for p in points]),
            CircleMember.circle_id.in_([c.id for c in circles]),
        )
    )
    seen = {(circle_id, member_id) for circle_id, member_id in rows.all()}
    offers: list[Offer] = []
    free: list[int] = []
    for index, (point, label) in enumerate(zip(points, nearest, strict=True)):
        if label < 0:
            free.append(index)
            continue
        circle = circles[label]
        fresh = (circle.id, point.member_id) not in seen
        if circle.status == CircleStatus.OPEN and fresh and len(offers) < MAX_OFFERS:
            offers.append(
                await add_offer(session, circle, point.member_id, point.user_id, float(km[index]), now)
            )
    return offers, free


async def _propose(
    session: AsyncSession, guild: GuildSettings, groups: list[list[_Point]], now: datetime
) -> list[Proposal]:
    """New proposed circles, one per group (its centre first), in a few statements."""
    made = []
    for members in groups:
        place = circle_place([m.resident for m in members])
        made.append(
            Circle(
                guild_id=guild.guild_id,
                name=texts.CIRCLE_NAME.format(place=place)[:MAX_NAME] if place else "",
                status=CircleStatus.PROPOSED,
                latitude=members[0].latitude,
                longitude=members[0].longitude,
                radius_km=guild.radius_km,
                proposed_at=now,
            )
        )
    session.add_all(made)
    await session.flush()
    organizers = await nearest_organizers(session, guild.guild_id, [(c.latitude, c.longitude) for c in made])
    proposals = []
    for circle, members, organizer in zip(made, groups, organizers, strict=True):
        circle.name = circle.name or texts.CIRCLE_NAME_FALLBACK.format(number=circle.id)
        for m in members:
            session.add(
                CircleMember(
                    circle_id=circle.id,
                    member_id=m.member_id,
                    role=CircleRole.MEMBER,
                    status=CircleMemberStatus.PROPOSED,
                    distance_km=great_circle_km(circle.latitude, circle.longitude, m.latitude, m.longitude),
                    created_at=now,
                )
            )
        await record_all(
            session=session,
            now=now,
            guild_id=guild.guild_id,
            actor_id=None,
            action="circle.proposed",
            targets=[(m.user_id, {"circle": circle.id}) for m in members],
        )
        proposals.append(
            Proposal(
                circle_id=circle.id,
                guild_id=guild.guild_id,
                name=circle.name,
                member_user_ids=tuple(m.user_id for m in members),
                organizer=organizer,
                radius_km=guild.radius_km,
                review_channel_id=guild.review_channel_id,
            )
        )
    await session.flush()
    return proposals


async def sweep(*, session: AsyncSession, guild_id: int, now: datetime) -> Sweep:
    """Offer open circles to those who live near one, and propose new circles for the rest.
    One sweep at a time per guild (the guild's row is locked), so a cluster is proposed once."""
    guild = await session.get(GuildSettings, guild_id, with_for_update=True)
    points = await _eligible(session, guild_id)
    if guild is None or not points:
        return Sweep((), ())
    offers, free = await _offers(
        session, points, await _standing(session, guild_id, now, open_only=False), guild.radius_km, now
    )
    waiting = [points[i] for i in free]
    xyz = unit_vectors([(p.latitude, p.longitude) for p in waiting])
    clusters = await asyncio.to_thread(find_clusters, xyz, guild.radius_km, guild.circle_min_size)
    groups = [[waiting[int(i)] for i in np.asarray(c.members)] for c in clusters[:MAX_PROPOSALS]]
    proposals = await _propose(session, guild, groups, now) if groups else []
    return Sweep(tuple(proposals), tuple(offers))


async def offer_to_newcomer(*, session: AsyncSession, member_id: int, now: datetime) -> Offer | None:
    """A member who just onboarded near an open circle is asked whether they would like to join."""
    member = await session.get(Member, member_id)
    if member is None:
        return None
    points = await _eligible(session, member.guild_id, member_id)
    guild = await session.get(GuildSettings, member.guild_id)
    if not points or guild is None:
        return None
    near = (points[0].latitude, points[0].longitude, guild.radius_km)
    circles = await _standing(session, member.guild_id, now, open_only=True, near=near)
    if not circles:
        return None
    offers, _ = await _offers(session, points, circles, guild.radius_km, now)
    return offers[0] if offers else None
