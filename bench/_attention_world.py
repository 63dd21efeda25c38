"""The simulated organization of bench/attention.py: who joins when, where, and how they behave.

Everything here is drawn once from a seed, before any service runs, so both behaviours (today's
and the new one) see exactly the same people arriving on the same days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np

from bot.services.gazetteer import Place, get_gazetteer

START = datetime(2027, 1, 4, 12, 0, tzinfo=UTC)
GUILD = 424242
MODERATOR = 1  # a moderator's user id: confirms what a moderator confirms
PATHS = ("run_for_office", "solidarity_network", "discussion_group", "coalitions", "community_life", "remote")

ORGANIZER_SHARE = 0.03  # experienced organizers among those who join
SILENT_SHARE = 0.20  # members who never answer anything
MENTORSHIP_DAYS = (90, 20)  # mean, standard deviation: how long a mentorship lasts
PAUSE_PER_DAY = 1 / 120  # an active organizer's chance of pausing on a given day
PAUSE_DAYS = (14, 60)  # how long a pause lasts (uniform)
RISING_SHARE = 0.25  # mentees whose readiness rises (two check-ins of 4-5) and who log activity
CHECKIN_DAYS = (30, 60)  # days into a mentorship of the rising mentees' two check-ins


@dataclass(frozen=True, slots=True)
class Person:
    """One member of the simulation, as drawn: everything the services do not decide."""

    user_id: int
    day: int  # the day they join and onboard (0-based)
    place: Place
    languages: tuple[str, ...]
    paths: tuple[str, ...]
    organizer_capacity: int  # 0: not an experienced organizer
    silent: bool  # never answers anything
    rising: bool  # readiness rises while mentored, and they log local activity
    mentorship_days: int  # how long a mentorship with them lasts


def towns() -> tuple[list[Place], np.ndarray]:
    """Every town the gazetteer knows (settlements of 500+ people) and its population."""
    places = list(get_gazetteer().places("city"))
    return places, np.array([max(p.population, 1) for p in places], dtype=np.float64)


def draw(count: int, days: int, seed: int = 17) -> list[Person]:
    """`count` members joining over `days` days, more as the organization grows (arrivals rise
    linearly from 1x to 3x), in towns drawn by population; sorted by the day they join."""
    rng = np.random.default_rng(seed)
    places, population = towns()
    chosen = rng.choice(len(places), size=count, p=population / population.sum())
    # Arrival density proportional to 1 + 2t on [0, 1]: inverse CDF of (t + t^2) / 2.
    u = rng.uniform(size=count)
    day = np.minimum((np.sqrt(1 + 8 * u) - 1) / 2 * days, days - 1).astype(int)
    organizer = rng.uniform(size=count) < ORGANIZER_SHARE
    silent = ~organizer & (rng.uniform(size=count) < SILENT_SHARE / (1 - ORGANIZER_SHARE))
    capacity = rng.integers(1, 6, size=count)
    rising = rng.uniform(size=count) < RISING_SHARE
    lasts = np.maximum(rng.normal(*MENTORSHIP_DAYS, size=count), 30).astype(int)
    people = []
    for i in np.argsort(day, kind="stable"):
        place = places[int(chosen[i])]
        local = _language(place.country_code)
        languages = ("en",) if local == "en" else ((local,) if rng.uniform() < 0.5 else (local, "en"))
        paths = tuple(rng.choice(PATHS, size=int(rng.integers(1, 3)), replace=False).tolist())
        people.append(
            Person(
                user_id=10_000 + int(i),
                day=int(day[i]),
                place=place,
                languages=languages,
                paths=paths,
                organizer_capacity=int(capacity[i]) if organizer[i] else 0,
                silent=bool(silent[i]),
                rising=bool(rising[i]) and not silent[i],
                mentorship_days=int(lasts[i]),
            )
        )
    return people


_LANGUAGES = {
    "US": "en", "GB": "en", "CA": "en", "AU": "en", "NZ": "en", "IE": "en", "IN": "en", "NG": "en",
    "DE": "de", "AT": "de", "FR": "fr", "ES": "es", "MX": "es", "AR": "es", "CO": "es", "IT": "it",
    "BR": "pt", "PT": "pt", "RU": "ru", "JP": "ja", "CN": "zh", "PL": "pl", "NL": "nl", "TR": "tr",
}  # fmt: skip


def _language(country: str) -> str:
    return _LANGUAGES.get(country, "en")


def at(day: int, hours: float = 0.0) -> datetime:
    """The simulated clock on `day`, `hours` after midday."""
    return START + timedelta(days=day, hours=hours)
