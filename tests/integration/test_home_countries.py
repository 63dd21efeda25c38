"""The guild's home countries: one grouped query, kept for a few minutes, passed to the resolver
when a member types their place."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.config import GuildDefaults, OnboardingSettings
from bot.services import onboarding
from bot.services.gazetteer import Gazetteer, Place, Resolution, get_gazetteer
from bot.services.home_countries import HomeCountries, choose, home_countries
from bot.services.locales import locale_id_for
from bot.services.onboarding import Step
from db.engine import SessionMaker
from db.enums import MemberStatus
from db.models import Member
from tests.integration.test_checkins_support import add_guild
from tests.support.statements import statements_run

GUILD, OTHER_GUILD = 1000, 2000
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return get_gazetteer()


def _town(gazetteer: Gazetteer, country: str) -> Place:
    return next(p for p in gazetteer.places("city") if p.country_code == country and p.population > 100_000)


async def _members(
    sessions: SessionMaker,
    gazetteer: Gazetteer,
    counts: dict[str, int],
    *,
    guild_id: int = GUILD,
    status: MemberStatus = MemberStatus.ACTIVE,
    first_user: int = 1,
) -> None:
    await add_guild(sessions, guild_id)
    user_id = first_user
    async with sessions() as session, session.begin():
        for country, count in counts.items():
            locale_id = await locale_id_for(session=session, place=_town(gazetteer, country))
            for _ in range(count):
                session.add(Member(guild_id=guild_id, user_id=user_id, status=status, locale_id=locale_id))
                user_id += 1


def test_the_top_countries_with_a_meaningful_share() -> None:
    assert choose({}) == ()
    assert choose({"US": 2}) == ()  # too few members to say anything
    assert choose({"US": 60, "GB": 30, "DE": 10}) == ("US", "GB")
    assert choose({"US": 30, "GB": 30, "DE": 30, "FR": 30, "ES": 30}) == ("DE", "ES", "FR")


async def test_only_active_members_of_the_guild_count(sessions: SessionMaker, gazetteer: Gazetteer) -> None:
    await _members(sessions, gazetteer, {"US": 6, "GB": 3, "DE": 1})
    await _members(sessions, gazetteer, {"FR": 20}, status=MemberStatus.LEFT, first_user=100)
    await _members(sessions, gazetteer, {"IN": 20}, guild_id=OTHER_GUILD, first_user=200)
    async with sessions() as session:
        assert await home_countries(session=session, guild_id=GUILD) == ("US", "GB")
        assert await home_countries(session=session, guild_id=OTHER_GUILD) == ("IN",)
        assert await home_countries(session=session, guild_id=3000) == ()


async def test_one_query_then_kept_for_a_few_minutes(
    sessions: SessionMaker, gazetteer: Gazetteer, engine: Any
) -> None:
    await _members(sessions, gazetteer, {"GB": 5})
    home = HomeCountries(cache_for=timedelta(minutes=5))
    with statements_run(engine) as statements:
        async with sessions() as session:
            assert await home.get(session=session, guild_id=GUILD, now=NOW) == ("GB",)
    assert len(statements) == 1
    await _members(sessions, gazetteer, {"CA": 20}, first_user=100)
    with statements_run(engine) as statements:
        async with sessions() as session:
            assert await home.get(session=session, guild_id=GUILD, now=NOW + timedelta(minutes=4)) == ("GB",)
    assert statements == []
    assert home.cached(GUILD, NOW) == ("GB",)
    async with sessions() as session:
        later = await home.get(session=session, guild_id=GUILD, now=NOW + timedelta(minutes=6))
    assert later == ("CA", "GB")


class Recording:
    """The real gazetteer, remembering the priors it was asked with."""

    def __init__(self, real: Gazetteer) -> None:
        self.real = real
        self.priors: list[tuple[str | None, tuple[str, ...]]] = []

    def resolve(
        self,
        text: str,
        *,
        country_hint: str | None = None,
        home_countries: Collection[str] = (),
        limit: int = 25,
    ) -> Resolution:
        self.priors.append((country_hint, tuple(home_countries)))
        return self.real.resolve(text, country_hint=country_hint, home_countries=home_countries, limit=limit)

    def place_by_key(self, key: str) -> Place | None:
        return self.real.place_by_key(key)


async def test_a_typed_place_is_resolved_with_the_locale_and_the_home_countries(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    await _members(sessions, gazetteer, {"US": 5, "CA": 3})
    recording = Recording(gazetteer)
    async with sessions() as session, session.begin():
        conversation = await onboarding.begin(
            session=session,
            guild_id=GUILD,
            user_id=99,
            now=NOW,
            settings=OnboardingSettings(),
            defaults=GuildDefaults(),
            resolver=recording,
        )
    async with sessions() as session, session.begin():
        await onboarding.answer(
            session=session,
            session_id=conversation.session_id,
            user_id=99,
            step=Step.PLACE,
            action="text",
            values=["Cambridge"],
            now=NOW,
            settings=OnboardingSettings(),
            resolver=recording,
            country_hint="en-US",
            home=HomeCountries(),
        )
    assert recording.priors == [("en-US", ("US", "CA"))]
