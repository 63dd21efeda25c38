"""Introductions between neighbours: the offer after onboarding, asking each neighbour, and
introducing the two only when both said yes.

Consent, as the rules go:
- a member is offered neighbours only while they have not muted these offers;
- a neighbour counts (and is asked) only when they live within the guild's radius (both have
  a town), have not muted offers, share at least their region, and were never asked about
  this member before, either way round: a "no" is never asked again;
- a member who shares nothing is never offered to others; they can still ask to meet their
  own neighbours, and are introduced when a neighbour says yes, with no place shown;
- nobody is named to anyone before both said yes. The neighbour being asked learns only the
  asker's area, as precisely as the asker agreed to share it, and what they would like to do.

Neighbours are asked a handful at a time (`ASK_AT_ONCE`), nearest first: the next ones when
those asked say no, or leave it unanswered for `ASK_WAIT` (`asks_due`; a late yes still
introduces them), until a handful said yes or nobody is left to ask. A member with many
neighbours is not one more request in each of their DMs at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.errors import GroundworkError, NotAllowedError, NotFoundError
from bot.services import identities, nearby, outbox
from bot.services.audit import record, record_all
from bot.services.contacts import record_met
from bot.services.locales import shared_area
from bot.services.meeting_times import suggest_times
from bot.texts import local as texts
from db.enums import (
    Answer,
    ChatTaskKind,
    HumanContactKind,
    IntroductionStatus,
    LocaleSharing,
    MemberStatus,
    OfferStatus,
    Platform,
)
from db.models import GuildSettings, Locale, Member, NeighbourIntroduction, NeighbourOffer

ASK_AT_ONCE = 5  # neighbours asked at once for one member, nearest first
ASK_WAIT = timedelta(days=3)  # unanswered this long: the next neighbour is asked (as a buddy offer lasts)


@dataclass(frozen=True, slots=True)
class Person:
    """One member as another member may see them."""

    user_id: int
    area: str | None  # None: they do not share where they live
    paths: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Offer:
    """The offer "N members live within R km of you: want to meet them?"."""

    offer_id: int
    guild_id: int
    user_id: int
    neighbours: int
    radius_km: float


@dataclass(frozen=True, slots=True)
class Ask:
    """A neighbour to be asked whether they would like to meet the asker. Who the asker is
    stays out of it: only what the asker agreed to share."""

    introduction_id: int
    guild_id: int
    neighbour_user_id: int
    asker_area: str | None
    asker_paths: tuple[str, ...]
    radius_km: float


@dataclass(frozen=True, slots=True)
class Introduction:
    """Two neighbours who both said yes, ready to be introduced."""

    introduction_id: int
    guild_id: int
    requester: Person
    neighbour: Person
    shared_paths: tuple[str, ...]
    introductions_channel_id: int | None
    suggested_times: tuple[datetime, datetime] | None = None  # UTC, in both members' waking hours


@dataclass(frozen=True, slots=True)
class Answered:
    """What came of a neighbour's answer; `introduction_id` is set when both said yes: the
    introduction to make now (`introduction_due` reads what it says, as the outbox does)."""

    status: IntroductionStatus
    introduction_id: int | None
    asks: tuple[Ask, ...] = ()  # after a no: the next neighbours asked in their place


async def person(session: AsyncSession, member: Member) -> Person:
    """A member as other members may see them (their area only as they agreed to share it)."""
    locale = await session.get(Locale, member.locale_id) if member.locale_id else None
    return _seen(member, locale)


def _seen(member: Member, locale: Locale | None) -> Person:
    return Person(member.user_id, shared_area(locale, member.locale_sharing), tuple(member.paths))


@dataclass(frozen=True, slots=True)
class _Pair:
    """An introduction (locked) with its two members, as one query reads them (`_pair`); their
    places and the guild's settings when asked for."""

    intro: NeighbourIntroduction
    requester: Member | None
    neighbour: Member | None
    requester_place: Locale | None = None
    neighbour_place: Locale | None = None
    guild: GuildSettings | None = None


_REQUESTER, _NEIGHBOUR = aliased(Member), aliased(Member)
_REQUESTER_PLACE, _NEIGHBOUR_PLACE = aliased(Locale), aliased(Locale)
# Built once: an alias made per call would be a statement compiled per call.
_PAIR = (
    select(NeighbourIntroduction, _REQUESTER, _NEIGHBOUR)
    .outerjoin(_REQUESTER, NeighbourIntroduction.requester_id == _REQUESTER.id)
    .outerjoin(_NEIGHBOUR, NeighbourIntroduction.neighbour_id == _NEIGHBOUR.id)
    .where(NeighbourIntroduction.id == bindparam("introduction_id"))
    .with_for_update(of=NeighbourIntroduction)
)
_PAIR_WITH_PLACES = (
    _PAIR.add_columns(_REQUESTER_PLACE, _NEIGHBOUR_PLACE, GuildSettings)
    .outerjoin(_REQUESTER_PLACE, _REQUESTER.locale_id == _REQUESTER_PLACE.id)
    .outerjoin(_NEIGHBOUR_PLACE, _NEIGHBOUR.locale_id == _NEIGHBOUR_PLACE.id)
    .outerjoin(GuildSettings, GuildSettings.guild_id == NeighbourIntroduction.guild_id)
)


async def _pair(session: AsyncSession, introduction_id: int, *, places: bool = False) -> _Pair | None:
    """The introduction and both members in one statement (with `places`: their towns and the
    guild's settings too), instead of a `get` each."""
    found = (
        await session.execute(_PAIR_WITH_PLACES if places else _PAIR, {"introduction_id": introduction_id})
    ).first()
    return None if found is None else _Pair(*found)


async def _candidates(session: AsyncSession, member: Member, radius_km: float) -> list[nearby.Neighbour]:
    """The neighbours `member` may be offered (see the module docstring), nearest first."""
    near = [
        n
        for n in await nearby.neighbours(session=session, member_id=member.id, radius_km=radius_km)
        if n.distance_km is not None and n.locale_sharing != LocaleSharing.NOTHING
    ]
    if not near:
        return []
    ids = [n.member_id for n in near]
    muted = set(
        (
            await session.execute(
                select(Member.id).where(Member.id.in_(ids), Member.neighbour_offers_muted.is_(True))
            )
        ).scalars()
    )
    pairs = await session.execute(
        select(NeighbourIntroduction.requester_id, NeighbourIntroduction.neighbour_id).where(
            or_(
                and_(
                    NeighbourIntroduction.requester_id == member.id,
                    NeighbourIntroduction.neighbour_id.in_(ids),
                ),
                and_(
                    NeighbourIntroduction.neighbour_id == member.id,
                    NeighbourIntroduction.requester_id.in_(ids),
                ),
            )
        )
    )
    asked = {other for pair in pairs.all() for other in pair if other != member.id}
    return [n for n in near if n.member_id not in muted and n.member_id not in asked]


async def make_offer(*, session: AsyncSession, member_id: int, now: datetime) -> Offer | None:
    """After onboarding: offer to meet the neighbours, when there are any to offer."""
    member = await session.get(Member, member_id)
    if member is None or member.status != MemberStatus.ACTIVE or member.neighbour_offers_muted:
        return None
    radius = await nearby.guild_radius_km(session, member.guild_id)
    found = await _candidates(session, member, radius)
    if not found:
        return None
    offer = NeighbourOffer(
        guild_id=member.guild_id, member_id=member.id, neighbours=len(found), radius_km=radius, created_at=now
    )
    session.add(offer)
    await session.flush()
    await record(
        session=session,
        now=now,
        guild_id=member.guild_id,
        actor_id=None,
        target_user_id=member.user_id,
        action="neighbours.offered",
        details={"offer": offer.id, "neighbours": len(found)},
    )
    return Offer(offer.id, member.guild_id, member.user_id, len(found), radius)


async def _mute(session: AsyncSession, member: Member, now: datetime) -> None:
    """No more neighbour offers to or about this member; what they were asked lapses."""
    member.neighbour_offers_muted = True
    await session.execute(
        update(NeighbourIntroduction)
        .where(
            NeighbourIntroduction.neighbour_id == member.id,
            NeighbourIntroduction.status == IntroductionStatus.ASKED,
        )
        .values(status=IntroductionStatus.DECLINED, neighbour_answer=Answer.NO, answered_at=now)
    )
    await record(
        session=session,
        now=now,
        guild_id=member.guild_id,
        actor_id=member.user_id,
        target_user_id=member.user_id,
        action="neighbours.muted",
    )


async def answer_offer(
    *, session: AsyncSession, offer_id: int, user_id: int, answer: OfferStatus, now: datetime
) -> list[Ask]:
    """The member's answer to the offer; on yes, the `ASK_AT_ONCE` nearest neighbours who may be
    asked are asked (the next ones later: `answer_introduction`, `asks_due`)."""
    offer = await session.get(NeighbourOffer, offer_id, with_for_update=True)
    if offer is None:
        raise NotFoundError(texts.OFFER_GONE)
    member = await session.get(Member, offer.member_id)
    if member is None or member.user_id != user_id:
        raise NotAllowedError(texts.NOT_YOUR_OFFER)
    if offer.status != OfferStatus.OPEN:
        raise GroundworkError(texts.OFFER_ANSWERED)
    if member.status != MemberStatus.ACTIVE:
        raise GroundworkError(texts.NOT_ONBOARDED)
    offer.status, offer.answered_at = answer, now
    if answer == OfferStatus.MUTED:
        await _mute(session, member, now)
    if answer != OfferStatus.ACCEPTED:
        return []
    return await _ask(session, offer, member, ASK_AT_ONCE, now)


async def _room(session: AsyncSession, offer: NeighbourOffer, now: datetime) -> int:
    """How many more neighbours may be asked for `offer` now: `ASK_AT_ONCE` less those who
    said yes and those asked who may still answer within `ASK_WAIT`."""
    taken = await session.scalar(
        select(func.count())
        .select_from(NeighbourIntroduction)
        .where(
            NeighbourIntroduction.offer_id == offer.id,
            or_(
                NeighbourIntroduction.status == IntroductionStatus.INTRODUCED,
                and_(
                    NeighbourIntroduction.status == IntroductionStatus.ASKED,
                    NeighbourIntroduction.created_at > now - ASK_WAIT,
                ),
            ),
        )
    )
    return max(ASK_AT_ONCE - int(taken or 0), 0)


async def _ask_more(session: AsyncSession, offer: NeighbourOffer, now: datetime) -> list[Ask]:
    """The next neighbours asked for an accepted offer, as many as there is room for."""
    member = await session.get(Member, offer.member_id)
    if (
        member is None
        or member.status != MemberStatus.ACTIVE
        or offer.status != OfferStatus.ACCEPTED
        or member.neighbour_offers_muted
    ):
        return []
    room = await _room(session, offer, now)
    return await _ask(session, offer, member, room, now) if room else []


async def _ask(
    session: AsyncSession, offer: NeighbourOffer, member: Member, count: int, now: datetime
) -> list[Ask]:
    """The `count` nearest neighbours who may still be asked, asked."""
    found = (await _candidates(session, member, offer.radius_km))[:count]
    rows = [
        NeighbourIntroduction(
            guild_id=member.guild_id,
            offer_id=offer.id,
            requester_id=member.id,
            neighbour_id=n.member_id,
            distance_km=n.distance_km,
            created_at=now,
        )
        for n in found
    ]
    session.add_all(rows)
    await session.flush()
    asker = await person(session, member)
    await record_all(
        session=session,
        now=now,
        guild_id=member.guild_id,
        actor_id=None,
        action="neighbours.asked",
        targets=[(n.user_id, {"introduction": row.id}) for n, row in zip(found, rows, strict=True)],
    )
    return [
        Ask(row.id, member.guild_id, n.user_id, asker.area, asker.paths, offer.radius_km)
        for n, row in zip(found, rows, strict=True)
    ]


async def answer_introduction(
    *, session: AsyncSession, introduction_id: int, user_id: int, answer: Answer, mute: bool, now: datetime
) -> Answered:
    """The neighbour's answer. Both said yes: the two are to be introduced. A no: the next
    neighbour who may be asked is asked in their place (`Answered.asks`)."""
    found = await _pair(session, introduction_id)
    if found is None:
        raise NotFoundError(texts.INTRO_GONE)
    intro, neighbour, requester = found.intro, found.neighbour, found.requester
    if neighbour is None or neighbour.user_id != user_id:
        raise NotAllowedError(texts.NOT_YOUR_INTRO)
    if intro.status != IntroductionStatus.ASKED:
        raise GroundworkError(texts.INTRO_GONE)
    if requester is None or not requester.status == neighbour.status == MemberStatus.ACTIVE:
        intro.status = IntroductionStatus.CANCELLED
        return Answered(intro.status, None)
    intro.neighbour_answer, intro.answered_at = answer, now
    yes = answer == Answer.YES and not mute
    intro.status = IntroductionStatus.INTRODUCED if yes else IntroductionStatus.DECLINED
    if mute:
        await _mute(session, neighbour, now)
    await record(
        session=session,
        now=now,
        guild_id=intro.guild_id,
        actor_id=user_id,
        target_user_id=requester.user_id,
        action="neighbours.introduced" if yes else "neighbours.declined",
        details={"introduction": intro.id},
    )
    if not yes:  # the next neighbour is asked in their place
        offer = await session.get(NeighbourOffer, intro.offer_id) if intro.offer_id else None
        asks = await _ask_more(session, offer, now) if offer is not None else []
        return Answered(intro.status, None, tuple(asks))
    # introduced after the commit, durably (bot.services.outbox)
    await outbox.enqueue(
        session=session,
        guild_id=intro.guild_id,
        kind=ChatTaskKind.NEIGHBOUR_INTRODUCTION,
        subject_id=intro.id,
        now=now,
    )
    return Answered(intro.status, intro.id)


async def asks_due(*, session: AsyncSession, now: datetime, platform: Platform | None = None) -> list[Ask]:
    """The next neighbours to ask for accepted offers whose asks went unanswered for `ASK_WAIT`
    (looked at for `ASK_WAIT` after that: asks older still were topped up by then)."""
    offer_ids = (
        (
            await session.execute(
                select(NeighbourIntroduction.offer_id)
                .where(
                    NeighbourIntroduction.status == IntroductionStatus.ASKED,
                    NeighbourIntroduction.offer_id.is_not(None),
                    NeighbourIntroduction.created_at <= now - ASK_WAIT,
                    NeighbourIntroduction.created_at > now - 2 * ASK_WAIT,
                    NeighbourIntroduction.offer_id.in_(
                        select(NeighbourOffer.id).where(
                            identities.on_platform(NeighbourOffer.guild_id, platform)
                        )
                    ),
                )
                .distinct()
            )
        )
        .scalars()
        .all()
    )
    asks: list[Ask] = []
    for offer_id in sorted(oid for oid in offer_ids if oid is not None):
        offer = await session.get(NeighbourOffer, offer_id, with_for_update=True)
        if offer is not None:
            asks += await _ask_more(session, offer, now)
    return asks


async def introduction_due(*, session: AsyncSession, introduction_id: int) -> Introduction | None:
    """The two neighbours to introduce, or None when there is nothing left to do: they were
    introduced already, it was called off, or one of them is no longer an active member."""
    found = await _pair(session, introduction_id, places=True)
    if found is None:
        return None
    intro, requester, neighbour = found.intro, found.requester, found.neighbour
    if intro.status != IntroductionStatus.INTRODUCED or intro.introduced_at is not None:
        return None
    if requester is None or neighbour is None:
        return None
    if not requester.status == neighbour.status == MemberStatus.ACTIVE:
        return None
    first, second = _seen(requester, found.requester_place), _seen(neighbour, found.neighbour_place)
    return Introduction(
        introduction_id=intro.id,
        guild_id=intro.guild_id,
        requester=first,
        neighbour=second,
        shared_paths=tuple(p for p in first.paths if p in second.paths),
        introductions_channel_id=found.guild.introductions_channel_id if found.guild else None,
        # From when both had said yes: a retried introduction suggests the same times.
        suggested_times=suggest_times(
            (requester.timezone, neighbour.timezone), intro.answered_at or intro.created_at
        ),
    )


async def thread_taken(*, session: AsyncSession, thread_id: int) -> bool:
    """Whether two neighbours were already introduced in `thread_id`."""
    found = await session.scalar(
        select(NeighbourIntroduction.id).where(NeighbourIntroduction.thread_id == thread_id).limit(1)
    )
    return found is not None


async def record_introduced(
    *, session: AsyncSession, introduction_id: int, thread_id: int | None, delivered: bool, now: datetime
) -> None:
    """Where the two were introduced (a thread, or None: by DM); when the introduction reached
    someone (`delivered`), a human contact for both."""
    intro = await session.get(NeighbourIntroduction, introduction_id)
    if intro is None:
        return
    intro.thread_id, intro.introduced_at = thread_id, now
    if delivered:
        await record_met(
            session=session,
            guild_id=intro.guild_id,
            pair=(intro.requester_id, intro.neighbour_id),
            kind=HumanContactKind.NEIGHBOUR_INTRODUCTION,
            subject_id=intro.id,
            at=now,
        )


async def member_left(*, session: AsyncSession, guild_id: int, user_id: int) -> int:
    """Someone left the server: every introduction still waiting on or for them is called off."""
    member_id = await session.scalar(
        select(Member.id).where(Member.guild_id == guild_id, Member.user_id == user_id)
    )
    if member_id is None:
        return 0
    result = await session.execute(
        update(NeighbourIntroduction)
        .where(
            or_(
                NeighbourIntroduction.requester_id == member_id,
                NeighbourIntroduction.neighbour_id == member_id,
            ),
            NeighbourIntroduction.status == IntroductionStatus.ASKED,
        )
        .values(status=IntroductionStatus.CANCELLED)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def set_offers(*, session: AsyncSession, guild_id: int, user_id: int, on: bool, now: datetime) -> None:
    """A member turns neighbour offers back on, or off (as "don't ask again" does)."""
    member = (
        await session.execute(select(Member).where(Member.guild_id == guild_id, Member.user_id == user_id))
    ).scalar_one_or_none()
    if member is None or member.status != MemberStatus.ACTIVE:
        raise GroundworkError(texts.NOT_ONBOARDED)
    if not on:
        await _mute(session, member, now)
        return
    member.neighbour_offers_muted = False
    await record(
        session=session,
        now=now,
        guild_id=guild_id,
        actor_id=user_id,
        target_user_id=user_id,
        action="neighbours.unmuted",
    )
