"""Honest nearness for members who gave only a county, region or country (issue 14, item 5):
an area has no point, so nobody is measured from its biggest town; a member there is near
others only by a small area they are known to share, and is told "in Utah", never a radius.

Locales are built as rows here (as stored after the gazetteer's change), not resolved."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import GuildDefaults
from bot.services import nearby, pairing
from bot.services.geo import great_circle_km
from bot.services.guilds import ensure_guild
from bot.services.moderation import MemberList, member_page
from cogs.onboarding._completion import isolated_text, nearness_lines
from cogs.pairing._presenter import distance_text, review_embed
from cogs.profile import moved_lines, nearby_message
from db.engine import SessionMaker
from db.enums import LocalePrecision, LocaleSharing, MemberStatus, OrganizerStatus
from db.models import Locale, Member, Mentorship, Organizer

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
GUILD = 1000
RADIUS_KM = 50.0
KM_FIGURE = re.compile(r"\d\s*km\b|within", re.IGNORECASE)

SALT_LAKE_CITY = (40.76, -111.89)  # Utah's biggest town: where a Utah member used to be put
MINNEAPOLIS, DULUTH = (44.98, -93.27), (46.78, -92.10)
CARDIFF = (51.48, -3.18)
MOAB, CASTLE_VALLEY = (38.57, -109.55), (38.64, -109.41)  # both in Grand County, Utah


def town(
    geoname_id: int,
    name: str,
    point: tuple[float, float],
    *,
    region: tuple[str, str],
    country: tuple[str, str],
    district: tuple[str, str] | None = None,
) -> Locale:
    return Locale(
        key=f"city:{geoname_id}",
        precision=LocalePrecision.CITY,
        name=name,
        district_code=district[0] if district else None,
        district_name=district[1] if district else None,
        region_code=region[0],
        region_name=region[1],
        country_code=country[0],
        country_name=country[1],
        latitude=point[0],
        longitude=point[1],
        timezone="UTC",
        extent_km=None,
    )


def area(
    precision: LocalePrecision,
    name: str,
    point: tuple[float, float],
    extent_km: float | None,
    *,
    country: tuple[str, str],
    region: tuple[str, str] | None = None,
    district: str | None = None,
) -> Locale:
    code = {LocalePrecision.DISTRICT: district, LocalePrecision.REGION: region and region[0]}
    return Locale(
        key=f"{precision}:{code.get(precision) or country[0]}",
        precision=precision,
        name=name,
        district_code=district,
        district_name=name if district else None,
        region_code=region[0] if region else None,
        region_name=region[1] if region else None,
        country_code=country[0],
        country_name=country[1],
        latitude=point[0],
        longitude=point[1],
        timezone="UTC",
        extent_km=extent_km,
    )


US, GB, CA = ("US", "United States"), ("GB", "United Kingdom"), ("CA", "Canada")
UT, MN, WALES = ("US.UT", "Utah"), ("US.MN", "Minnesota"), ("GB.WLS", "Wales")
GRAND_COUNTY = "US.UT.019"


def utah(extent_km: float | None = 420.0) -> Locale:
    return area(LocalePrecision.REGION, "Utah", SALT_LAKE_CITY, extent_km, country=US, region=UT)


def grand_county(extent_km: float | None = 10.0, key: str = "district:US.UT.019") -> Locale:
    locale = area(
        LocalePrecision.DISTRICT,
        "Grand County",
        MOAB,
        extent_km,
        country=US,
        region=UT,
        district=GRAND_COUNTY,
    )
    locale.key = key
    return locale


def moab() -> Locale:
    return town(5543307, "Moab", MOAB, region=UT, country=US, district=(GRAND_COUNTY, "Grand County"))


async def add_member(
    session: AsyncSession,
    user_id: int,
    locale: Locale,
    *,
    sharing: LocaleSharing = LocaleSharing.REGION,
    organizer: bool = False,
) -> Member:
    await ensure_guild(session=session, guild_id=GUILD, defaults=GuildDefaults(radius_km=RADIUS_KM))
    if locale.id is None:
        session.add(locale)
        await session.flush()
    member = Member(
        guild_id=GUILD,
        user_id=user_id,
        status=MemberStatus.ACTIVE,
        locale_id=locale.id,
        locale_sharing=sharing,
        timezone="America/Denver",
        languages=["en"],
        onboarded_at=NOW,
    )
    session.add(member)
    await session.flush()
    if organizer:
        session.add(Organizer(member_id=member.id, status=OrganizerStatus.ACTIVE, capacity=1))
        await session.flush()
    return member


async def arrive(session: AsyncSession, member: Member, locale: Locale) -> nearby.NearbySummary:
    """What onboarding does once a member confirmed: settle, and store whether they are alone."""
    summary = await nearby.settle(
        session=session, guild_id=GUILD, member_id=member.id, where=locale, radius_km=RADIUS_KM
    )
    member.is_isolated = summary.isolated
    await session.flush()
    return summary


def said(summary: nearby.NearbySummary) -> str:
    """Everything a member can be told about who is near: onboarding, the mentor offer,
    /nearby and /locale set."""
    return "\n".join(
        [*nearness_lines(summary), isolated_text(summary), nearby_message(summary), *moved_lines(summary)]
    )


async def isolated_flag(session: AsyncSession, member: Member) -> bool:
    await session.refresh(member, ["is_isolated"])
    return member.is_isolated


# -- a region member alone ------------------------------------------------------------------


async def test_a_utah_member_alone_is_isolated_and_told_in_utah_without_a_radius(
    sessions: SessionMaker,
) -> None:
    async with sessions() as session, session.begin():
        # Someone lives in Salt Lake City itself, Utah's stored point: still not "near".
        slc = town(5780993, "Salt Lake City", SALT_LAKE_CITY, region=UT, country=US)
        await arrive(session, await add_member(session, 1, slc), slc)
        state = utah()
        member = await add_member(session, 2, state)
        summary = await arrive(session, member, state)
        assert summary.isolated
        assert (summary.area_precision, summary.area_name) == ("region", "Utah")
        assert summary.within_radius == 0 and summary.bands == ()
        assert summary.same_area == 1  # the Salt Lake City member is known to be in Utah
        assert await nearby.neighbours(session=session, member_id=member.id, radius_km=RADIUS_KM) == []
        assert await nearby.refresh_isolation(session=session, member_id=member.id)
        # ... and the Salt Lake City member is not made "near" by them either.
        slc_member = await session.get_one(Member, 1)
        assert await isolated_flag(session, slc_member)
        assert await nearby.refresh_isolation(session=session, member_id=slc_member.id)
    text = said(summary)
    assert "**1** other member(s) live in Utah." in text
    assert not KM_FIGURE.search(text), text


async def test_the_only_member_in_utah_is_the_first_we_know_of_there(sessions: SessionMaker) -> None:
    async with sessions() as session, session.begin():
        state = utah()
        summary = await arrive(session, await add_member(session, 1, state), state)
    assert summary.isolated and summary.same_area == 0
    assert "You're the first member we know of in Utah" in "\n".join(nearness_lines(summary))
    assert "first member" not in isolated_text(summary)  # the offer does not say it again
    text = said(summary)
    assert "first member within" not in text and not KM_FIGURE.search(text), text


async def test_two_members_who_both_said_utah_are_both_isolated_and_told_of_each_other(
    sessions: SessionMaker,
) -> None:
    async with sessions() as session, session.begin():
        state = utah()
        first = await add_member(session, 1, state)
        await arrive(session, first, state)
        second = await add_member(session, 2, state)
        summary = await arrive(session, second, state)
        assert summary.isolated and summary.same_area == 1
        assert await isolated_flag(session, first)
        assert (await nearby.summarize(session=session, member_id=first.id)).same_area == 1
    assert "**1** other member(s) live in Utah." in said(summary)
    assert not KM_FIGURE.search(said(summary))


async def test_an_area_stored_before_its_extent_was_known_is_not_small(sessions: SessionMaker) -> None:
    async with sessions() as session, session.begin():
        old = grand_county(extent_km=None)
        first = await add_member(session, 1, old)
        await arrive(session, first, old)
        assert (await arrive(session, await add_member(session, 2, old), old)).isolated
        # 2 x 40 km > 50 km: two members of this county may live 80 km apart.
        wide = grand_county(extent_km=40.0, key="district:US.UT.019-wide")
        await arrive(session, await add_member(session, 3, wide), wide)
        assert (await arrive(session, await add_member(session, 4, wide), wide)).isolated


# -- Minnesota: a region member and an organizer 220 km from the biggest city -----------------


async def test_a_minnesota_member_is_isolated_offered_a_mentor_and_never_within_50_km(
    sessions: SessionMaker,
) -> None:
    assert 210 < great_circle_km(*MINNEAPOLIS, *DULUTH) < 230
    async with sessions() as session, session.begin():
        duluth = town(
            5024719, "Duluth", DULUTH, region=MN, country=US, district=("US.MN.137", "St. Louis County")
        )
        organizer = await add_member(session, 100, duluth, sharing=LocaleSharing.TOWN, organizer=True)
        await arrive(session, organizer, duluth)
        state = area(LocalePrecision.REGION, "Minnesota", MINNEAPOLIS, 380.0, country=US, region=MN)
        member = await add_member(session, 1, state)
        summary = await arrive(session, member, state)
        assert summary.isolated and summary.within_radius == 0 and summary.same_area == 1
        assert await isolated_flag(session, organizer)  # neither is near the other
        page = await member_page(session=session, guild_id=GUILD, kind=MemberList.ISOLATED, page=0)
        assert {item.user_id for item in page.items} == {1}  # the organizer (100) is no newcomer
        listed = next(item for item in page.items if item.user_id == 1)
        assert (listed.area, listed.precision) == ("Minnesota, United States", "region")
    # The mentor offer goes to isolated members (cogs.pairing on_member_onboarded).
    told = "\n".join(nearness_lines(summary))
    assert "**1** other member(s) live in Minnesota." in told and "organizer can help" in told
    assert "Minnesota" not in isolated_text(summary) and "/locale set" in isolated_text(summary)
    assert not KM_FIGURE.search(said(summary)), said(summary)
    async with sessions() as session, session.begin():
        await pairing.request_mentor(session=session, guild_id=GUILD, user_id=1, now=NOW)
        proposal = await pairing.propose_for(session=session, guild_id=GUILD, user_id=1, now=NOW)
    assert proposal is not None and proposal.mentor.user_id == 100
    assert proposal.distance_km is None
    assert distance_text(proposal) == "unknown (both in Minnesota)"


# -- Wales and Cardiff: no "0 km" on the pairing card ------------------------------------------


async def test_wales_and_cardiff_are_not_0_km_apart_on_the_pairing_card(sessions: SessionMaker) -> None:
    async with sessions() as session, session.begin():
        cardiff = town(
            2653822, "Cardiff", CARDIFF, region=WALES, country=GB, district=("GB.WLS.X5", "Cardiff")
        )
        mentor = await add_member(session, 100, cardiff, sharing=LocaleSharing.TOWN, organizer=True)
        await arrive(session, mentor, cardiff)
        wales = area(LocalePrecision.REGION, "Wales", CARDIFF, 160.0, country=GB, region=WALES)
        member = await add_member(session, 1, wales)
        assert (await arrive(session, member, wales)).isolated
        await pairing.request_mentor(session=session, guild_id=GUILD, user_id=1, now=NOW)
        proposal = await pairing.propose_for(session=session, guild_id=GUILD, user_id=1, now=NOW)
        assert proposal is not None
        stored = await session.get_one(Mentorship, proposal.mentorship_id)
        assert stored.cost == 300.0  # "same region, distance unknown", not 0 km
    card = review_embed(proposal).description or ""
    assert "Distance: unknown (both in Wales)" in card
    assert not re.search(r"\b0 km", card), card
    assert proposal.distance_km is None


async def test_the_card_names_the_shared_area_only_as_far_as_both_agreed(sessions: SessionMaker) -> None:
    async with sessions() as session, session.begin():
        cardiff = town(2653822, "Cardiff", CARDIFF, region=WALES, country=GB)
        await add_member(session, 100, cardiff, sharing=LocaleSharing.TOWN, organizer=True)
        wales = area(LocalePrecision.REGION, "Wales", CARDIFF, 160.0, country=GB, region=WALES)
        await add_member(session, 1, wales, sharing=LocaleSharing.NOTHING)
        await pairing.request_mentor(session=session, guild_id=GUILD, user_id=1, now=NOW)
        proposal = await pairing.propose_for(session=session, guild_id=GUILD, user_id=1, now=NOW)
    assert proposal is not None and distance_text(proposal) == "unknown (same region)"
    assert "Wales" not in (review_embed(proposal).description or "")


# -- a small district: near, both ways ----------------------------------------------------------


async def test_two_members_of_one_small_district_are_near_each_other(sessions: SessionMaker) -> None:
    async with sessions() as session, session.begin():
        county = grand_county()
        first = await add_member(session, 1, county)
        assert (await arrive(session, first, county)).isolated
        second = await add_member(session, 2, county)
        summary = await arrive(session, second, county)
        assert not summary.isolated
        assert (summary.area_precision, summary.same_area, summary.near_in_area) == ("district", 1, 1)
        assert not await isolated_flag(session, first)
        found = await nearby.neighbours(session=session, member_id=first.id, radius_km=RADIUS_KM)
        assert [(n.user_id, n.distance_km) for n in found] == [(2, None)]
    text = said(summary)
    assert "**1** other member(s) live in Grand County." in text
    assert not KM_FIGURE.search(text), text


async def test_a_district_member_and_a_town_member_in_it_are_near_each_other_both_ways(
    sessions: SessionMaker,
) -> None:
    async with sessions() as session, session.begin():
        here = moab()
        in_town = await add_member(session, 1, here, sharing=LocaleSharing.TOWN)
        assert (await arrive(session, in_town, here)).isolated
        county = grand_county()
        in_county = await add_member(session, 2, county)
        county_summary = await arrive(session, in_county, county)
        assert not county_summary.isolated and county_summary.same_area == 1
        assert not await isolated_flag(session, in_town)  # the town member is no longer alone
        found = await nearby.neighbours(session=session, member_id=in_county.id, radius_km=RADIUS_KM)
        assert [(n.user_id, n.distance_km) for n in found] == [(1, None)]
        # The other way round, measured from the town.
        assert not await nearby.refresh_isolation(session=session, member_id=in_town.id)
        found = await nearby.neighbours(session=session, member_id=in_town.id, radius_km=RADIUS_KM)
        assert [(n.user_id, n.distance_km) for n in found] == [(2, None)]
        town_summary = await nearby.summarize(session=session, member_id=in_town.id)
        # A member in Castle Valley, 14 km away, is within 50 km of Moab as usual.
        valley = town(5416329, "Castle Valley", CASTLE_VALLEY, region=UT, country=US)
        await arrive(session, await add_member(session, 3, valley, sharing=LocaleSharing.TOWN), valley)
        with_valley = await nearby.summarize(session=session, member_id=in_town.id)
    assert not town_summary.isolated
    # Not counted "within N km": their distance is unknown; counted by their small county.
    assert town_summary.within_radius == 0 and all(count == 0 for _, count in town_summary.bands)
    assert town_summary.near_areas == (("Grand County", 1),)
    assert "**1** member(s) in Grand County, close to you, told me only their area." in nearness_lines(
        town_summary
    )
    assert with_valley.within_radius == 1 and [n.user_id for n in with_valley.named] == [3]
    assert "(14 km)" in nearby_message(with_valley) or "(15 km)" in nearby_message(with_valley)
    assert not KM_FIGURE.search(said(county_summary)), said(county_summary)


# -- pairing preference for an unlocated seeker ---------------------------------------------------


async def test_mentors_in_the_same_region_come_first_then_the_same_country_then_elsewhere(
    sessions: SessionMaker,
) -> None:
    async with sessions() as session, session.begin():
        st_george = town(5546220, "St. George", (37.10, -113.58), region=UT, country=US)
        denver = town(5419384, "Denver", (39.74, -104.99), region=("US.CO", "Colorado"), country=US)
        toronto = town(6167865, "Toronto", (43.65, -79.38), region=("CA.08", "Ontario"), country=CA)
        for user_id, place in ((102, toronto), (101, denver), (100, st_george)):
            await add_member(session, user_id, place, sharing=LocaleSharing.TOWN, organizer=True)
        state = utah()
        for user_id in (1, 2, 3):
            await add_member(session, user_id, state)
            await pairing.request_mentor(session=session, guild_id=GUILD, user_id=user_id, now=NOW)
    async with sessions() as session, session.begin():
        first = await pairing.propose_for(session=session, guild_id=GUILD, user_id=1, now=NOW)
    assert first is not None and first.mentor.user_id == 100 and first.distance_km is None
    assert distance_text(first) == "unknown (both in Utah)"
    async with sessions() as session, session.begin():
        second = await pairing.propose_for(session=session, guild_id=GUILD, user_id=2, now=NOW)
    assert second is not None and second.mentor.user_id == 101
    assert distance_text(second) == "unknown (both in United States)"
    batch, waiting = await pairing.run_batch(sessions=sessions, guild_id=GUILD, now=NOW)
    assert [(p.member.user_id, p.mentor.user_id) for p in batch] == [(3, 102)] and waiting == 0
    assert distance_text(batch[0]) == "unknown"
    async with sessions() as session:
        costs = (await session.execute(select(Mentorship.cost).order_by(Mentorship.cost))).scalars().all()
    assert costs == [300.0, 900.0, 2000.0]  # same region, same country, elsewhere: never a distance


async def test_the_batch_prefers_the_same_region_too(sessions: SessionMaker) -> None:
    async with sessions() as session, session.begin():
        denver = town(5419384, "Denver", (39.74, -104.99), region=("US.CO", "Colorado"), country=US)
        st_george = town(5546220, "St. George", (37.10, -113.58), region=UT, country=US)
        await add_member(session, 101, denver, sharing=LocaleSharing.TOWN, organizer=True)
        await add_member(session, 100, st_george, sharing=LocaleSharing.TOWN, organizer=True)
        await add_member(session, 1, utah())
        await pairing.request_mentor(session=session, guild_id=GUILD, user_id=1, now=NOW)
    batch, waiting = await pairing.run_batch(sessions=sessions, guild_id=GUILD, now=NOW)
    assert [(p.member.user_id, p.mentor.user_id) for p in batch] == [(1, 100)] and waiting == 0
