"""The countries most of a guild's active members live in: a ranking prior for place answers.

"Cambridge" typed in a guild whose members are mostly in the United States should offer
Cambridge, Massachusetts before Cambridge, England; a hint, never a filter. One grouped
query per guild, kept in-process for a few minutes: onboarding asks on every typed place.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import MemberStatus
from db.models import Locale, Member

MAX_HOME_COUNTRIES: Final = 3
# A country counts as a home country when at least this share of the located active members
# live there, and at least MIN_MEMBERS of them: a guild of two members has no prior.
MIN_SHARE: Final = 0.15
MIN_MEMBERS: Final = 3
CACHE_FOR: Final = timedelta(minutes=5)
MAX_GUILDS_CACHED: Final = 10_000

# Built once: the count of the guild's active members per country they live in.
_PER_COUNTRY = (
    select(Locale.country_code, func.count())
    .select_from(Member)
    .join(Locale, Member.locale_id == Locale.id)
    .where(Member.guild_id == bindparam("guild_id"), Member.status == MemberStatus.ACTIVE)
    .group_by(Locale.country_code)
)


def choose(counts: dict[str, int]) -> tuple[str, ...]:
    """The top few countries by members, each with a meaningful share of them."""
    total = sum(counts.values())
    if total == 0:
        return ()
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return tuple(
        code
        for code, count in ranked[:MAX_HOME_COUNTRIES]
        if count >= MIN_MEMBERS and count / total >= MIN_SHARE
    )


@dataclass(frozen=True, slots=True)
class _Entry:
    countries: tuple[str, ...]
    until: datetime


class HomeCountries:
    """Per-guild home countries, computed by one grouped query and kept for CACHE_FOR.

    One instance per bot (or per benchmark run): the cache belongs to the database it read.
    """

    def __init__(self, cache_for: timedelta = CACHE_FOR, max_guilds: int = MAX_GUILDS_CACHED) -> None:
        self._cache_for = cache_for
        self._max_guilds = max_guilds
        self._entries: OrderedDict[int, _Entry] = OrderedDict()

    async def get(self, *, session: AsyncSession, guild_id: int, now: datetime) -> tuple[str, ...]:
        """The guild's home countries as ISO codes, most members first (may be empty)."""
        entry = self._entries.get(guild_id)
        if entry is not None and entry.until > now:
            return entry.countries
        countries = await home_countries(session=session, guild_id=guild_id)
        self._entries[guild_id] = _Entry(countries, now + self._cache_for)
        self._entries.move_to_end(guild_id)
        while len(self._entries) > self._max_guilds:
            self._entries.popitem(last=False)
        return countries

    def cached(self, guild_id: int, now: datetime) -> tuple[str, ...]:
        """The guild's home countries if they are at hand, else none: for answers that may
        not wait for the database (autocomplete)."""
        entry = self._entries.get(guild_id)
        return entry.countries if entry is not None and entry.until > now else ()

    def forget(self, guild_id: int) -> None:
        self._entries.pop(guild_id, None)


async def home_countries(*, session: AsyncSession, guild_id: int) -> tuple[str, ...]:
    """The guild's home countries, read now (one grouped query)."""
    rows = await session.execute(_PER_COUNTRY, {"guild_id": guild_id})
    return choose({str(code): int(count) for code, count in rows.all()})
