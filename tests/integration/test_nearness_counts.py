"""What a town member is told about who is near, counted town by town (issue 16's guard: the
survey reads one row per town, not one per member) and checked against a member-by-member
count: the distance bands, "within the radius", the nearest who may be named, and every near
member who was alone until now is alone no longer, however far down the list they are."""

from __future__ import annotations

import random

import pytest

from bot.services import nearby
from bot.services.geo import great_circle_km
from db.engine import SessionMaker
from db.enums import LocaleSharing, MemberStatus
from db.models import Locale, Member
from tests.integration.test_nearness_coarse import RADIUS_KM, US, UT, add_member, arrive, town

CENTRE = (40.0, -105.0)


def scattered_towns(rnd: random.Random, count: int) -> list[Locale]:
    """Towns up to ~300 km from the centre, a third of them within about 60 km."""
    towns = []
    for n in range(count):
        spread = 0.5 if n % 3 == 0 else 2.7
        lat = CENTRE[0] + rnd.uniform(-spread, spread)
        lon = CENTRE[1] + rnd.uniform(-spread * 1.3, spread * 1.3)
        towns.append(town(9_000_000 + n, f"Town {n}", (lat, lon), region=UT, country=US))
    return towns


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_a_survey_counted_by_town_says_what_counting_member_by_member_says(
    sessions: SessionMaker, seed: int
) -> None:
    rnd = random.Random(seed)
    async with sessions() as session, session.begin():
        towns = scattered_towns(rnd, 40)
        others: list[tuple[Member, Locale]] = []
        for user_id in range(1, 400):
            where = rnd.choice(towns)
            sharing = rnd.choice([LocaleSharing.TOWN, LocaleSharing.REGION, LocaleSharing.NOTHING])
            member = await add_member(session, user_id, where, sharing=sharing)
            member.is_isolated = rnd.random() < 0.3
            if rnd.random() < 0.05:
                member.status = MemberStatus.LEFT
            others.append((member, where))
        home = town(9_999_999, "Home", CENTRE, region=UT, country=US)
        newcomer = await add_member(session, 10_000, home)
        await session.flush()

        def km(where: Locale) -> float:
            return great_circle_km(CENTRE[0], CENTRE[1], where.latitude, where.longitude)

        active = [(m, w) for m, w in others if m.status == MemberStatus.ACTIVE]
        alone_near = {m.id for m, w in active if m.is_isolated and km(w) <= RADIUS_KM}
        alone_far = {m.id for m, w in others if m.is_isolated and m.id not in alone_near}
        summary = await arrive(session, newcomer, home)

        for band, counted in summary.bands:
            assert counted == sum(1 for _, w in active if km(w) <= band)
        assert summary.within_radius == sum(1 for _, w in active if km(w) <= RADIUS_KM)
        assert summary.isolated is (summary.within_radius == 0)
        shared = sorted(
            (km(w), m.id) for m, w in active if m.locale_sharing == LocaleSharing.TOWN and km(w) <= RADIUS_KM
        )
        assert len(summary.named) == min(len(shared), nearby.NAMED_AT_MOST)
        distances = [n.distance_km for n in summary.named]
        assert distances == sorted(distances)
        assert [round(d or 0.0, 6) for d in distances] == [round(d, 6) for d, _ in shared][: len(distances)]
        assert all(n.locale_sharing == LocaleSharing.TOWN for n in summary.named)

        for member, _ in others:
            await session.refresh(member, ["is_isolated"])
        still_alone = {m.id for m, _ in others if m.is_isolated}
        assert alone_near and not (alone_near & still_alone)
        assert alone_far <= still_alone
