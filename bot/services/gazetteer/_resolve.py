"""Turning a member's free-text answer into ranked places.

Order of attempts (the first that finds something wins):

0. a postal code ("59801", "SW1A 1AA", "H2X 1Y4"): the town it belongs to, one per country
   the code exists in (then the member is asked which);
1. the whole text as an exact key ("Frankfurt am Main", "Washington, D.C.", "NYC");
2. "head, qualifier[, qualifier…]" when the text has commas: every qualifier must name a
   district, region or country (exactly, else fuzzily) and the head must lie in all of them
   ("Portland, OR", "Ely, MN", "Dingle, Kerry", "Moab, Grand County", "Bavaria, Germany"):
   the qualifier wins over population;
3. without commas, the last one to three words as a qualifier, and one more before them
   ("Leeds UK", "Tofino BC", "Springfield Massachusetts", "Marfa TX USA"), exact head
   first, then a fuzzy head inside that area;
4. the fuzzy fallback on the whole text ("Barcelonna", "Sao Paolo").

Ranking policy: by score (a place's own name > another place's alternate name > country
code > other code > fuzzy by edit distance), then by population, where a ``country_hint``
(the member's client language) or one of the guild's ``home_countries`` multiplies the
population of places in that country by ``HINT_FACTOR`` (a prior, never a filter). The
answer is a *match* when the best place is named as typed and is the only one with the
top score or is at least ``DOMINANCE`` times as populous (so weighted) as the next one
with that score ("Paris", "London", "Portland" → Oregon); otherwise *ambiguous*
("Springfield", "Cambridge"). A place found only fuzzily is never a match: it is offered
as "did you mean" (``near_names``) among the choices. Alternatives are returned either way.
Two refinements:

* an area whose name a town found exactly inside it shares (or a district of that town's
  region: a city's own district), and which that town makes up at least
  ``SHADOW_SHARE`` of by population (of the dataset's towns), ranks just after the town ("Berlin", "São Paulo",
  "New York" give the city first, the state second; "Mexico", "Quebec" give the area);
* an exact answer naming only towns gets more populous towns one edit away added, and
  becomes ambiguous ("Pittsburg" is a real town in California, but Pittsburgh, PA is more
  likely meant); so does one where a place known by the text only as an alternate name is
  ``ALT_DOMINANCE`` times as populous as the best place of that very name ("Calcutta" is a
  town in South Africa, and Kolkata), which then comes first.

If part of the text had to be ignored (a qualifier naming nothing, or a place not found in
the named area), the answer is at best ambiguous, and the area it named is ``understood``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from bot.services.gazetteer._index import ALT, CODE, NAME, TIER_SCORE, NameIndex
from bot.services.gazetteer._model import MAX_CANDIDATES, Resolution, ResolutionKind
from bot.services.gazetteer._normalize import MAX_INPUT_CHARS, looks_invalid, normalize, split_qualifiers
from bot.services.gazetteer._postal import PostalCodes, PostalHit, looks_like_postal_code
from bot.services.gazetteer._tables import CITY, DISTRICT, Tables
from bot.services.geo import KM_PER_DEGREE_LATITUDE, great_circle_km_from

DOMINANCE: Final = 5.0
ALT_DOMINANCE: Final = 20.0
HINT_FACTOR: Final = 10.0
SHADOW_SHARE: Final = 0.12
MAX_KEY_CHARS: Final = 100
NEAR_MISS_MIN_CHARS: Final = 5
EXACT_MIN_SCORE: Final = TIER_SCORE[CODE]  # below this, a hit was found by edit distance
POSTAL_TOWN_KM: Final = 20.0  # a postal code's town: the town it names within this, ...
POSTAL_CENTRE_KM: Final = 5.0  # ... else the biggest town within this of its centre, else the nearest

Scores = dict[int, float]


@dataclass(slots=True)
class _Found:
    scores: Scores
    forced: bool = False  # part of the text was ignored: at best ambiguous
    understood: int | None = None  # the area a qualifier named, when nothing was found in it


class Resolver:
    def __init__(self, tables: Tables, index: NameIndex, postal: PostalCodes) -> None:
        self._t = tables
        self._idx = index
        self._postal = postal
        self._by_latitude = _towns_by_latitude(tables)

    def country_hint(self, hint: str | None) -> str | None:
        """ "DE", "de", "pt-BR", "en_US" → an ISO country code we know, else None."""
        if not hint or not isinstance(hint, str):
            return None
        code = hint.replace("_", "-").rsplit("-", 1)[-1].strip().upper()
        return code if code in self._t.country_entity else None

    def resolve(
        self,
        text: str,
        *,
        country_hint: str | None = None,
        home_countries: Collection[str] = (),
        limit: int = MAX_CANDIDATES,
    ) -> Resolution:
        if not isinstance(text, str):
            return Resolution("invalid", ())
        count = max(1, min(limit, MAX_CANDIDATES))
        hint = self.country_hint(country_hint)
        homes = frozenset(c for c in home_countries if c in self._t.country_entity)
        if len(text) <= MAX_INPUT_CHARS and looks_like_postal_code(text):
            return self._postal_code(text, hint, homes, count)
        if looks_invalid(text):
            return Resolution("invalid", ())
        key = normalize(text)
        if not key or len(key) > MAX_KEY_CHARS:
            return Resolution("invalid", (), key[:MAX_KEY_CHARS])
        found = self._candidates(text, key)
        understood = None if found.understood is None else self._t.place(found.understood)
        if not found.scores:
            return Resolution("not_found", (), key, understood=understood)
        order, ambiguous = self._rank(found.scores, hint, homes)
        near = found.scores[order[0]] < EXACT_MIN_SCORE
        kind: ResolutionKind = "ambiguous" if found.forced or ambiguous or near else "match"
        places = tuple(self._t.place(e) for e in order[:count])
        return Resolution(kind, places, key, near_names=near, understood=understood)

    # -- postal codes -------------------------------------------------------------------

    def _postal_code(self, text: str, hint: str | None, homes: frozenset[str], count: int) -> Resolution:
        """The towns a postal code belongs to; the code itself is not kept (``query`` is empty)."""
        towns: list[int] = []
        for hit in self._postal.lookup(text, country_hint=hint):
            town = self._town_of(hit)
            if town is not None and town not in towns:
                towns.append(town)
        if not towns:
            return Resolution("not_found", (), postal=True)
        preferred = {hint} | homes
        towns.sort(key=lambda e: self._t.country[e] not in preferred)  # stable: the lookup's order
        kind: ResolutionKind = "match" if len(towns) == 1 else "ambiguous"
        return Resolution(kind, tuple(self._t.place(e) for e in towns[:count]), postal=True)

    def _town_of(self, hit: PostalHit) -> int | None:
        """The town a postal code's place is: the town of that name nearby, else the biggest
        town very near the code's centre (a city, not its suburb), else the nearest town."""
        t = self._t
        by_latitude = self._by_latitude.get(hit.country_code)
        if by_latitude is None:
            return None
        lats = t.lat[by_latitude]
        band = POSTAL_TOWN_KM / KM_PER_DEGREE_LATITUDE
        near = by_latitude[
            np.searchsorted(lats, hit.latitude - band) : np.searchsorted(lats, hit.latitude + band)
        ]
        km = great_circle_km_from(hit.latitude, hit.longitude, t.lat[near], t.lon[near])
        close = [
            (int(e), float(d)) for e, d in zip(near.tolist(), km.tolist(), strict=True) if d <= POSTAL_TOWN_KM
        ]
        # "London (Jackson / Old Victoria)", "Hamburg Sankt Georg": the town is the name's start.
        named_as = {
            **self._idx.lookup(normalize(hit.place_name)),
            **self._idx.lookup(_first_part(hit.place_name)),
        }
        named = [e for e, _ in close if e in named_as]
        central = [e for e, d in close if d <= POSTAL_CENTRE_KM]
        if named or central:
            return max(named or central, key=lambda e: (t.pop[e], -e))
        if close:
            return min(close, key=lambda ed: ed[1])[0]
        everywhere = great_circle_km_from(hit.latitude, hit.longitude, lats, t.lon[by_latitude])
        return int(by_latitude[int(np.argmin(everywhere))])

    # -- candidates ---------------------------------------------------------------------

    def _candidates(self, text: str, key: str) -> _Found:
        """Scored entities, whether the answer must be treated as ambiguous, what was understood."""
        idx = self._idx
        whole = idx.lookup(key)
        if whole:
            return self._with_near_misses(key, whole)
        parts = split_qualifiers(text)
        if len(parts) > 1:
            return self._qualified(parts[0], parts[1:])
        fuzzy: Scores = {}
        found, understood = self._trailing(key.split(), [], fuzzy)
        if found:
            return _Found(found)
        _merge(fuzzy, idx.fuzzy(key))
        return _Found(fuzzy, understood=understood if not fuzzy else None)

    def _trailing(
        self, tokens: list[str], constraints: list[set[int]], fuzzy: Scores, depth: int = 0
    ) -> tuple[Scores, int | None]:
        """Exact places named by the words before one or two trailing qualifiers ("Leeds UK",
        "Marfa TX USA", "Dingle Co Kerry Ireland"); fuzzy heads inside them go to `fuzzy`.
        Also the first area a qualifier named."""
        idx = self._idx
        understood: int | None = None
        for n in range(1, min(3, len(tokens) - 1) + 1):
            areas = self._areas(" ".join(tokens[-n:]), fuzzy=False)
            if not areas:
                continue
            within = [*constraints, areas]
            head = tokens[:-n]
            exact = self._within(idx.lookup(" ".join(head)), within)
            if exact:
                return exact, None
            _merge(fuzzy, self._within(idx.fuzzy(" ".join(head)), within))
            understood = understood if understood is not None else self._biggest(areas)
            if depth == 0:
                deeper, _ = self._trailing(head, within, fuzzy, depth + 1)
                if deeper:
                    return deeper, None
        return {}, understood

    def _with_near_misses(self, key: str, whole: Scores) -> _Found:
        t = self._t
        own = [t.pop[e] for e, s in whole.items() if s == TIER_SCORE[NAME]]
        dominant = {
            e: TIER_SCORE[NAME]
            for e, s in whole.items()
            if own and s == TIER_SCORE[ALT] and t.pop[e] >= ALT_DOMINANCE * max(own)
        }
        if dominant:  # "Bombay": Mumbai first, then the small town of that very name
            return _Found({**whole, **dominant}, forced=True)
        if len(key) < NEAR_MISS_MIN_CHARS or any(t.kind[e] != CITY for e in whole):
            return _Found(whole)
        biggest = max(t.pop[e] for e in whole)
        near = {
            e: s
            for e, s in self._idx.fuzzy(key, max_d=1).items()
            if e not in whole and t.kind[e] == CITY and t.pop[e] > biggest
        }
        if not near:
            return _Found(whole)
        return _Found({**whole, **near}, forced=True)

    def _qualified(self, head: str, qualifiers: list[str]) -> _Found:
        idx = self._idx
        exact = [self._areas(q, fuzzy=False) for q in qualifiers]
        # A qualifier found only by edit distance ("Minn" ~ Linn County) may name the wrong
        # area: the answer is then at best ambiguous.
        guessed = [areas or self._areas(q, fuzzy=True) for q, areas in zip(qualifiers, exact, strict=True)]
        constraints = [areas for areas in guessed if areas]
        unsure = len(constraints) < len(qualifiers) or any(not areas for areas in exact)
        if constraints:
            found = self._within(idx.lookup(head), constraints) or self._within(idx.fuzzy(head), constraints)
            if found:
                return _Found(found, forced=unsure)
        understood = self._biggest(constraints[0]) if constraints else None
        anywhere = idx.lookup(head) or idx.fuzzy(head)
        return _Found(anywhere, forced=True, understood=understood)

    def _areas(self, key: str, *, fuzzy: bool) -> set[int]:
        """District, region and country entities a qualifier names ("or", "texas", "uk", "kerry")."""
        t = self._t
        areas = {e for e in self._idx.lookup(key) if t.kind[e] != CITY}
        if not areas and fuzzy:
            areas = {e for e in self._idx.fuzzy(key, areas_only=True) if t.kind[e] != CITY}
        return areas

    def _biggest(self, areas: Iterable[int]) -> int:
        return max(areas, key=lambda e: (self._t.pop[e], -e))

    def _within(self, found: Scores, constraints: Iterable[set[int]]) -> Scores:
        """The found entities lying in at least one area of every constraint."""
        contains = self._t.contains
        kept = dict(found)
        for areas in constraints:
            kept = {e: s for e, s in kept.items() if any(contains(a, e) for a in areas)}
        return kept

    # -- ranking ------------------------------------------------------------------------

    def _around(self, area: int, city: int) -> bool:
        """Whether the area is around the town: contains it, or is a district of the town's
        region named like it (a city's own district, where the data does not say so)."""
        t = self._t
        if t.contains(area, city):
            return True
        return t.kind[area] == DISTRICT and t.region.codes[area] == t.region.codes[city]

    def _rank(self, found: Scores, hint: str | None, homes: frozenset[str]) -> tuple[list[int], bool]:
        t = self._t
        scores = dict(found)
        cities = [e for e in found if t.kind[e] == CITY]
        for area in (e for e in found if t.kind[e] != CITY):
            for city in cities:
                if (
                    found[city] >= EXACT_MIN_SCORE
                    and self._around(area, city)
                    and t.pop[city] >= SHADOW_SHARE * t.pop[area]
                ):
                    scores[area] = min(found[area], found[city]) - 1.0
                    break
        preferred = homes | {hint} if hint else homes

        def weight(e: int) -> float:
            return float(t.pop[e]) * (HINT_FACTOR if t.country[e] in preferred else 1.0)

        order = sorted(scores, key=lambda e: (-scores[e], -weight(e), t.names[e], e))
        top = order[0]
        peers = [e for e in order[1:] if scores[e] == scores[top]]
        ambiguous = bool(peers) and weight(top) < DOMINANCE * max(weight(peers[0]), 1.0)
        return order, ambiguous


def _first_part(name: str) -> str:
    """ "London (Jackson / Old Victoria)" → "london"; "Hamburg Sankt Georg" → "hamburg"."""
    head = name.split("(", 1)[0].split(",", 1)[0].split(" - ", 1)[0]
    key = normalize(head)
    return key if key != normalize(name) else key.split(" ", 1)[0]


def _towns_by_latitude(t: Tables) -> dict[str, npt.NDArray[np.intp]]:
    """The towns of each country, south to north."""
    codes = t.country.codes[: t.n_cities]
    order = np.lexsort((t.lat[: t.n_cities], codes))
    bounds = np.flatnonzero(np.diff(codes[order])) + 1
    return {str(t.country.vocab[codes[run[0]]]): run for run in np.split(order, bounds) if len(run)}


def _merge(into: Scores, more: Scores) -> None:
    for e, s in more.items():
        if s > into.get(e, 0.0):
            into[e] = s
