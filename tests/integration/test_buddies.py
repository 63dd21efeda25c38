"""Peer buddies (issue 17 item 2): who is offered one, who goes with whom, every yes before an
introduction, the follow-up a week later, re-pairing, leaving and deletion; SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.errors import GroundworkError
from bot.services import buddies, members, pairing, privacy
from bot.texts import buddies as buddy_texts
from db.engine import SessionMaker
from db.enums import BuddyFollowUp, BuddyStatus, ChatTaskKind, HumanContactKind
from db.models import BuddyGroup, BuddyMember, BuddyOptOut, ChatTask, HumanContact, Member
from tests.integration.test_local_support import GUILD, NOW, onboard, organizer

DAY = timedelta(days=1)
INVERNESS, ABERDEEN, PLYMOUTH, TRURO, NORWICH, LONDON = 7001, 7002, 7003, 7004, 7005, 7900
TOWNS = {
    INVERNESS: "Inverness, Scotland",
    ABERDEEN: "Aberdeen, Scotland",
    PLYMOUTH: "Plymouth, England",
    TRURO: "Truro, England",
    NORWICH: "Norwich, England",
}


async def _onboard(sessions: SessionMaker, *user_ids: int, **answers: object) -> dict[int, int]:
    return {user_id: await onboard(sessions, user_id, TOWNS[user_id], **answers) for user_id in user_ids}


async def _sweep(
    sessions: SessionMaker, now: object = NOW, batch_every: timedelta = DAY
) -> list[buddies.Offer]:
    async with sessions() as session, session.begin():
        return await buddies.sweep(session=session, guild_id=GUILD, now=now, batch_every=batch_every)  # type: ignore[arg-type]


def _groups(offers: list[buddies.Offer]) -> set[frozenset[int]]:
    return {frozenset({offer.user_id, *(o.user_id for o in offer.others)}) for offer in offers}


async def _answer(
    sessions: SessionMaker, offer: buddies.Offer, yes: bool = True, mute: bool = False
) -> buddies.Answered:
    async with sessions() as session, session.begin():
        return await buddies.answer_offer(
            session=session, buddy_id=offer.buddy_id, user_id=offer.user_id, yes=yes, mute=mute, now=NOW
        )


async def _introduce(
    sessions: SessionMaker, offers: list[buddies.Offer], thread_id: int = 1
) -> buddies.Introduction:
    answered = [await _answer(sessions, offer) for offer in offers]
    assert answered[-1].introduce and not any(a.introduce for a in answered[:-1])
    async with sessions() as session, session.begin():
        intro = await buddies.introduction_due(session=session, group_id=answered[-1].group_id, now=NOW)
        assert intro is not None
        await buddies.record_introduced(
            session=session, group_id=intro.group_id, thread_id=thread_id, delivered=True, now=NOW
        )
    return intro


async def _eligible(sessions: SessionMaker, batch_every: timedelta = DAY) -> set[int]:
    async with sessions() as session:
        found = await buddies.eligible(session=session, guild_id=GUILD, now=NOW, batch_every=batch_every)
    return {m.user_id for m in found}


async def test_eligible_isolated_with_no_mentor_in_sight(sessions: SessionMaker) -> None:
    await _onboard(sessions, INVERNESS, ABERDEEN, PLYMOUTH)
    assert await _eligible(sessions) == {INVERNESS, ABERDEEN, PLYMOUTH}
    # An organizer with a free place: whoever waits first expects a mentor within the target.
    await organizer(sessions, LONDON, "London, England")
    async with sessions() as session, session.begin():
        await pairing.request_mentor(session=session, guild_id=GUILD, user_id=INVERNESS, now=NOW)
    assert await _eligible(sessions) == {ABERDEEN, PLYMOUTH}
    # ...unless the next batch is further away than the guild's wait target (7 days).
    assert await _eligible(sessions, batch_every=timedelta(days=8)) == {INVERNESS, ABERDEEN, PLYMOUTH}
    # With a mentor, or opted out: not offered.
    async with sessions() as session, session.begin():
        await pairing.pair_manually(
            session=session,
            guild_id=GUILD,
            member_user_id=ABERDEEN,
            mentor_user_id=LONDON,
            actor_id=1,
            now=NOW,
        )
        await buddies.set_offers(session=session, guild_id=GUILD, user_id=PLYMOUTH, on=False, now=NOW)
    assert await _eligible(sessions, batch_every=timedelta(days=8)) == {INVERNESS}
    async with sessions() as session, session.begin():
        await buddies.set_offers(session=session, guild_id=GUILD, user_id=PLYMOUTH, on=True, now=NOW)
    assert await _eligible(sessions, batch_every=timedelta(days=8)) == {INVERNESS, PLYMOUTH}


async def test_pairs_by_cost_and_the_odd_one_makes_a_trio(sessions: SessionMaker) -> None:
    await _onboard(sessions, *TOWNS)
    offers = await _sweep(sessions)
    assert _groups(offers) == {frozenset({INVERNESS, ABERDEEN}), frozenset({PLYMOUTH, TRURO, NORWICH})}
    assert len(offers) == 5  # everyone asked, nobody dropped
    # Offered: nobody else is offered them again meanwhile.
    assert await _sweep(sessions) == []


def test_a_shared_path_outweighs_a_little_distance() -> None:
    people = [
        buddies.Seeker(member_id=1, latitude=50.37, longitude=-4.14, paths=frozenset({"a"})),
        buddies.Seeker(member_id=2, latitude=50.26, longitude=-5.05, paths=frozenset({"b"})),
        buddies.Seeker(member_id=3, latitude=50.72, longitude=-3.53, paths=frozenset({"a"})),
    ]
    # 1 and 2 are 65 km apart, 1 and 3 45 km: 3 goes with 1, 2 joins them.
    assert buddies.group(people, set()) == [(1, 3, 2)]
    assert buddies.group(people, {frozenset({1, 2})}) == [(1, 3)]  # 2 may not join 1


async def test_everyone_says_yes_before_an_introduction(sessions: SessionMaker) -> None:
    ids = await _onboard(sessions, INVERNESS, ABERDEEN)
    first, second = await _sweep(sessions)
    assert not (await _answer(sessions, first)).introduce
    async with sessions() as session:
        tasks = await session.scalar(
            select(func.count()).select_from(ChatTask).where(ChatTask.kind == ChatTaskKind.BUDDY_INTRODUCTION)
        )
    assert tasks == 0
    intro = await _introduce(sessions, [second])
    assert {b.user_id for b in intro.buddies} == {INVERNESS, ABERDEEN}
    assert intro.icebreaker == buddies.Icebreaker.SHARED_PATH  # both picked discussion groups
    assert intro.shared_languages == ("en",)
    one, two = intro.suggested_times
    assert NOW + timedelta(hours=12) < one < two and two - one >= timedelta(days=1)
    async with sessions() as session:
        kinds = (
            await session.scalars(
                select(ChatTask.kind).where(ChatTask.kind == ChatTaskKind.BUDDY_INTRODUCTION)
            )
        ).all()
        contacts = (
            await session.execute(select(HumanContact.member_id, HumanContact.counterpart_member_id))
        ).all()
    assert kinds == [ChatTaskKind.BUDDY_INTRODUCTION]
    assert sorted(contacts) == sorted([(ids[INVERNESS], ids[ABERDEEN]), (ids[ABERDEEN], ids[INVERNESS])])
    # A retried introduction records nothing twice.
    async with sessions() as session, session.begin():
        await buddies.record_introduced(
            session=session, group_id=intro.group_id, thread_id=1, delivered=True, now=NOW
        )
        assert await buddies.introduction_due(session=session, group_id=intro.group_id, now=NOW) is None
    async with sessions() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(HumanContact)
            .where(HumanContact.kind == HumanContactKind.BUDDY_INTRODUCTION)
        )
        mine = await buddies.mine(session=session, guild_id=GUILD, user_id=INVERNESS)
    assert count == 2
    assert (
        mine.status == BuddyStatus.INTRODUCED and mine.other_user_ids == (ABERDEEN,) and mine.thread_id == 1
    )
    # A buddy does not take anyone off the mentor list.
    async with sessions() as session, session.begin():
        await pairing.request_mentor(session=session, guild_id=GUILD, user_id=INVERNESS, now=NOW)
        assert await pairing.queue_position(session, GUILD, ids[INVERNESS]) == (1, 1)


async def test_a_no_offers_the_others_someone_else_never_the_one_who_said_no(sessions: SessionMaker) -> None:
    await _onboard(sessions, PLYMOUTH, TRURO)
    plymouth, truro = sorted(await _sweep(sessions), key=lambda o: o.user_id)
    await _answer(sessions, plymouth)
    answered = await _answer(sessions, truro, yes=False)
    assert answered.status == BuddyStatus.DECLINED and not answered.introduce
    await _onboard(sessions, NORWICH)
    offers = await _sweep(sessions)
    # Plymouth (who said yes) is offered Norwich; Truro, who said no, waits (and never gets Plymouth again).
    assert _groups(offers) == {frozenset({PLYMOUTH, NORWICH})}


async def test_an_offer_nobody_answers_runs_out(sessions: SessionMaker) -> None:
    await _onboard(sessions, PLYMOUTH, TRURO, NORWICH)
    offers = await _sweep(sessions)
    assert len(offers) == 3
    await _answer(sessions, offers[0])
    later = NOW + buddies.OFFER_LASTS + timedelta(minutes=1)
    assert (
        await _sweep(sessions, now=later) == []
    )  # the silent two wait a while; the one who said yes has nobody
    async with sessions() as session:
        statuses = (await session.scalars(select(BuddyGroup.status))).all()
    assert statuses == [BuddyStatus.DECLINED]


async def test_follow_up_a_week_later_and_not_a_good_fit_re_pairs(sessions: SessionMaker) -> None:
    await _onboard(sessions, PLYMOUTH, TRURO)
    intro = await _introduce(sessions, await _sweep(sessions))
    async with sessions() as session, session.begin():
        assert await buddies.due_followups(session=session, now=NOW + 6 * DAY) == []
        due = await buddies.due_followups(session=session, now=NOW + 7 * DAY)
    assert {(f.user_id, f.other_user_ids, f.thread_id) for f in due} == {
        (PLYMOUTH, (TRURO,), 1),
        (TRURO, (PLYMOUTH,), 1),
    }
    async with sessions() as session, session.begin():
        assert await buddies.due_followups(session=session, now=NOW + 8 * DAY) == []  # asked once
    first = next(f for f in due if f.user_id == PLYMOUTH)
    second = next(f for f in due if f.user_id == TRURO)
    async with sessions() as session, session.begin():
        talked = await buddies.answer_followup(
            session=session, buddy_id=first.buddy_id, user_id=PLYMOUTH, answer=BuddyFollowUp.NOT_YET, now=NOW
        )
        assert not talked.ended
        ended = await buddies.answer_followup(
            session=session, buddy_id=second.buddy_id, user_id=TRURO, answer=BuddyFollowUp.NOT_A_FIT, now=NOW
        )
    assert ended.ended and ended.tell_user_ids == (PLYMOUTH,)
    async with sessions() as session:
        assert (await session.get(BuddyGroup, intro.group_id)).status == BuddyStatus.ENDED  # type: ignore[union-attr]
    # Both eligible again, never with each other: nobody to pair until someone new arrives.
    assert await _eligible(sessions) == {PLYMOUTH, TRURO}
    assert await _sweep(sessions) == []
    await _onboard(sessions, NORWICH)
    assert _groups(await _sweep(sessions)) == {frozenset({PLYMOUTH, NORWICH})}  # Truro may not join Plymouth


async def test_a_buddy_who_leaves_or_is_deleted_and_the_other_is_offered_again(
    sessions: SessionMaker,
) -> None:
    await _onboard(sessions, INVERNESS, ABERDEEN, PLYMOUTH, TRURO)
    offers = await _sweep(sessions)
    by_group: dict[frozenset[int], list[buddies.Offer]] = {}
    for offer in offers:
        by_group.setdefault(frozenset({offer.user_id, *(o.user_id for o in offer.others)}), []).append(offer)
    await _introduce(sessions, by_group[frozenset({INVERNESS, ABERDEEN})], thread_id=1)
    await _introduce(sessions, by_group[frozenset({PLYMOUTH, TRURO})], thread_id=2)
    async with sessions() as session:
        exported = await privacy.everything_about(session=session, guild_id=GUILD, user_id=TRURO)
    [stored] = exported["buddies"]["groups"]
    assert (stored["status"], stored["answer"]) == ("introduced", "yes")
    assert str(PLYMOUTH) not in str(exported["buddies"])  # never who the others were
    async with sessions() as session, session.begin():
        await members.record_leave(session=session, guild_id=GUILD, user_id=ABERDEEN, now=NOW)
        assert await buddies.member_left(session=session, guild_id=GUILD, user_id=ABERDEEN, now=NOW) == [
            INVERNESS
        ]
        deletion = await privacy.delete_member_data(
            session=session, guild_id=GUILD, user_id=TRURO, now=NOW, reason="request"
        )
    assert deletion.buddies_alone == (PLYMOUTH,)
    async with sessions() as session:
        truro_rows = await session.scalar(
            select(func.count()).select_from(BuddyMember).where(~BuddyMember.member_id.in_(select(Member.id)))
        )
    assert truro_rows == 0
    # The two left alone are offered each other (they have never been together).
    assert _groups(await _sweep(sessions)) == {frozenset({INVERNESS, PLYMOUTH})}


async def test_a_trio_goes_on_as_a_pair_when_one_leaves(sessions: SessionMaker) -> None:
    await _onboard(sessions, PLYMOUTH, TRURO, NORWICH)
    intro = await _introduce(sessions, await _sweep(sessions))
    assert len(intro.buddies) == 3
    async with sessions() as session, session.begin():
        await members.record_leave(session=session, guild_id=GUILD, user_id=NORWICH, now=NOW)
        assert await buddies.member_left(session=session, guild_id=GUILD, user_id=NORWICH, now=NOW) == []
        mine = await buddies.mine(session=session, guild_id=GUILD, user_id=PLYMOUTH)
        contacts = (await session.scalars(select(HumanContact.counterpart_member_id))).all()
    assert mine.status == BuddyStatus.INTRODUCED and mine.other_user_ids == (TRURO,)
    assert contacts == [None, None, None]  # a trio names nobody in particular


async def test_dont_offer_me_a_buddy_answers_the_open_offer(sessions: SessionMaker) -> None:
    await _onboard(sessions, PLYMOUTH, TRURO)
    offer = (await _sweep(sessions))[0]
    answered = await _answer(sessions, offer, yes=False, mute=True)
    assert answered.status == BuddyStatus.DECLINED
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(BuddyOptOut)) == 1
        mine = await buddies.mine(session=session, guild_id=GUILD, user_id=offer.user_id)
    assert mine.status is None and mine.opted_out


def _group_pair_by_pair(people: list[buddies.Seeker], apart: set[frozenset[int]]) -> list[tuple[int, ...]]:
    """buddies.group as it was written first, one pair_cost at a time: the reference."""
    from itertools import combinations

    costs = {
        (a.member_id, b.member_id): buddies.cost(a, b)
        for a, b in combinations(people, 2)
        if frozenset((a.member_id, b.member_id)) not in apart
    }
    taken: set[int] = set()
    pairs: list[list[int]] = []
    for (a, b), _ in sorted(costs.items(), key=lambda item: (item[1], item[0])):
        if a not in taken and b not in taken:
            pairs.append([a, b])
            taken |= {a, b}
    for person in (p.member_id for p in people if p.member_id not in taken):
        options = []
        for index, grouped in enumerate(pairs):
            fits = [costs.get((person, o), costs.get((o, person))) for o in grouped]
            if len(grouped) < buddies.MAX_GROUP and all(f is not None for f in fits):
                options.append((max(f for f in fits if f is not None), index))
        if options:
            pairs[min(options)[1]].append(person)
    return [tuple(grouped) for grouped in pairs]


def test_grouping_everyone_at_once_is_grouping_pair_by_pair() -> None:
    import random

    rng = random.Random(7)
    for _ in range(20):
        count = rng.randint(2, 25)
        people = []
        for i in range(count):
            town = rng.random() < 0.9  # else only their country is known
            people.append(
                buddies.Seeker(
                    member_id=rng.randint(1, 10_000) * 100 + i,
                    latitude=rng.uniform(49, 59) if town else None,
                    longitude=rng.uniform(-8, 2) if town else None,
                    country="GB",
                    utc_offset_hours=rng.choice((0.0, 1.0, -5.0)),
                    languages=frozenset(rng.sample(["en", "cy", "gd"], rng.randint(0, 2))),
                    paths=frozenset(rng.sample(["a", "b", "c"], rng.randint(0, 2))),
                )
            )
        ids = [p.member_id for p in people]
        apart = {frozenset(rng.sample(ids, 2)) for _ in range(rng.randint(0, count))}
        assert buddies.group(people, apart) == _group_pair_by_pair(people, apart)


def test_each_offer_let_run_out_in_a_row_doubles_the_rest() -> None:
    assert [buddies.rest_after(n) for n in range(6)] == [
        7 * DAY,
        7 * DAY,
        14 * DAY,
        28 * DAY,
        56 * DAY,
        56 * DAY,
    ]


async def test_a_member_who_never_answers_is_offered_less_and_less_often(sessions: SessionMaker) -> None:
    """Seen in bench/attention.py: members who never answer were offered again every ten days, so
    the members who do answer kept being offered one of them, and waited three days for nothing."""
    await _onboard(sessions, PLYMOUTH, TRURO)

    async def eligible(now: datetime) -> set[int]:
        async with sessions() as session:
            found = await buddies.eligible(session=session, guild_id=GUILD, now=now, batch_every=DAY)
        return {m.user_id for m in found}

    async def let_run_out(now: datetime) -> datetime:
        offers = await _sweep(sessions, now=now)
        assert offers
        ended = now + buddies.OFFER_LASTS
        assert await _sweep(sessions, now=ended) == []  # ran out: declined, both resting
        return ended

    first_end = await let_run_out(NOW)
    assert await eligible(first_end + 7 * DAY - timedelta(minutes=1)) == set()
    assert await eligible(first_end + 7 * DAY + timedelta(minutes=1)) == {PLYMOUTH, TRURO}
    # Never the same pair again: Norwich comes, and one of them is offered Norwich, and is silent again.
    await _onboard(sessions, NORWICH)
    second_end = await let_run_out(first_end + 7 * DAY + timedelta(minutes=1))
    async with sessions() as session:
        twice = set(
            await session.scalars(
                select(Member.user_id)
                .join(BuddyMember, BuddyMember.member_id == Member.id)
                .group_by(Member.user_id)
                .having(func.count() == 2)
            )
        )
    assert len(twice) == 1 and twice <= {PLYMOUTH, TRURO}
    week_on = await eligible(second_end + 7 * DAY + timedelta(minutes=1))
    assert not twice & week_on and NORWICH in week_on  # the twice silent rests two weeks
    assert twice <= await eligible(second_end + 14 * DAY + timedelta(minutes=1))


async def test_an_offer_that_cannot_reach_its_member_offers_the_other_someone_else_at_once(
    sessions: SessionMaker,
) -> None:
    ids = await _onboard(sessions, PLYMOUTH, TRURO)
    plymouth, truro = sorted(await _sweep(sessions), key=lambda o: o.user_id)
    # Truro's DMs are closed: the offer never reaches them.
    async with sessions() as session, session.begin():
        assert await buddies.not_reached(session=session, buddy_id=truro.buddy_id, now=NOW)
    async with sessions() as session, session.begin():  # once only
        assert not await buddies.not_reached(session=session, buddy_id=truro.buddy_id, now=NOW)
    # Plymouth, who had the offer, hears it was called off when they answer it.
    with pytest.raises(GroundworkError) as called_off:
        await _answer(sessions, plymouth)
    assert called_off.value.template == buddy_texts.CALLED_OFF
    # The next sweep (the same day, not OFFER_LASTS later) offers Plymouth someone else, never
    # Truro, who rests as after an offer let run out.
    await _onboard(sessions, NORWICH)
    offers = await _sweep(sessions, now=NOW + timedelta(minutes=1))
    assert _groups(offers) == {frozenset({PLYMOUTH, NORWICH})}
    assert await _eligible(sessions) == set()
    async with sessions() as session:
        about_truro = await buddies.stored_about(session=session, member_id=ids[TRURO])
    assert [group["status"] for group in about_truro["groups"]] == [str(BuddyStatus.DECLINED)]
