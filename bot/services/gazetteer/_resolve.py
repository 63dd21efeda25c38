"""Turning a member's free-text answer into ranked places.

Order of attempts (the first that finds something wins):

1. the whole text as an exact key ("Frankfurt am Main", "Washington, D.C.", "NYC");
2. "head, qualifier[, qualifier…]" when the text has commas: every qualifier must name a
   region or country (exactly, else fuzzily) and the head must lie in all of them
   ("Portland, OR", "Paris, Texas", "Toronto, ON", "Bavaria, Germany");
3. without commas, the last one to three words as a qualifier ("Leeds UK",
   "Springfield Massachusetts"), exact head first, then a fuzzy head inside that area;
4. the fuzzy fallback on the whole text ("Barcelonna", "Sao Paolo").

Ranking policy: by score (a place's own name > another place's alternate name > country
code > other code > fuzzy by edit distance), then by population; a ``country_hint``
multiplies the population of places in that country by ``HINT_FACTOR`` for ranking. The
answer is a *match* when the best place is the only one with the top score or is at least
``DOMINANCE`` times as populous as the next one with that score ("Paris", "London",
"Portland" → Oregon); otherwise *ambiguous* ("Springfield", "Cambridge"). Alternatives are returned either way. Two refinements:

* a region or country whose name a city inside it shares, and which that city makes up at
  least ``SHADOW_SHARE`` of by population, ranks just after the city ("Berlin", "São Paulo",
  "New York" give the city first, the state second; "Mexico", "Quebec" give the area);
* an exact answer naming only cities gets more populous cities one edit away added, and
  becomes ambiguous ("Pittsburg" is a real town in California, but Pittsburgh, PA is more
  likely meant); so does one where a place known by the text only as an alternate name is
  ``ALT_DOMINANCE`` times as populous as the best place of that very name ("Calcutta" is a
  town in South Africa, and Kolkata).

If part of the text had to be ignored (a qualifier naming nothing, or a place not found in
the named area), the answer is at best ambiguous.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Final

from bot.services.gazetteer._index import ALT, NAME, TIER_SCORE, NameIndex
from bot.services.gazetteer._model import MAX_CANDIDATES, Resolution, ResolutionKind
from bot.services.gazetteer._normalize import looks_invalid, normalize, split_qualifiers
from bot.services.gazetteer._tables import CITY, Tables

DOMINANCE: Final = 5.0
ALT_DOMINANCE: Final = 20.0
HINT_FACTOR: Final = 10.0
SHADOW_SHARE: Final = 0.2
MAX_KEY_CHARS: Final = 100
NEAR_MISS_MIN_CHARS: Final = 5

Scores = dict[int, float]


class Resolver:
    def __init__(self, tables: Tables, index: NameIndex) -> None:
        self._t = tables
        self._idx = index

    def country_hint(self, hint: str | None) -> str | None:
        """ "DE", "de", "pt-BR", "en_US" → an ISO country code we know, else None."""
        if not hint:
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
        if not isinstance(text, str) or looks_invalid(text):
            return Resolution("invalid", ())
        key = normalize(text)
        if not key or len(key) > MAX_KEY_CHARS:
            return Resolution("invalid", (), key[:MAX_KEY_CHARS])
        found, forced = self._candidates(text, key)
        if not found:
            return Resolution("not_found", (), key)
        order, ambiguous = self._rank(found, self.country_hint(country_hint))
        kind: ResolutionKind = "ambiguous" if forced or ambiguous else "match"
        count = max(1, min(limit, MAX_CANDIDATES))
        return Resolution(kind, tuple(self._t.place(e) for e in order[:count]), key)

    # -- candidates ---------------------------------------------------------------------

    def _candidates(self, text: str, key: str) -> tuple[Scores, bool]:
        """Scored entities, and whether the answer must be treated as ambiguous."""
        idx = self._idx
        whole = idx.lookup(key)
        if whole:
            return self._with_near_misses(key, whole)
        parts = split_qualifiers(text)
        if len(parts) > 1:
            return self._qualified(parts[0], [self._areas(q, fuzzy=True) for q in parts[1:]])
        tokens = key.split()
        fuzzy: Scores = {}
        for n in range(1, min(3, len(tokens) - 1) + 1):
            areas = self._areas(" ".join(tokens[-n:]), fuzzy=False)
            if not areas:
                continue
            head = " ".join(tokens[:-n])
            exact = self._within(idx.lookup(head), [areas])
            if exact:
                return exact, False
            _merge(fuzzy, self._within(idx.fuzzy(head), [areas]))
        _merge(fuzzy, idx.fuzzy(key))
        return fuzzy, False

    def _with_near_misses(self, key: str, whole: Scores) -> tuple[Scores, bool]:
        t = self._t
        own = [t.pop[e] for e, s in whole.items() if s == TIER_SCORE[NAME]]
        if own and any(
            s == TIER_SCORE[ALT] and t.pop[e] >= ALT_DOMINANCE * max(own) for e, s in whole.items()
        ):
            return whole, True
        if len(key) < NEAR_MISS_MIN_CHARS or any(t.kind[e] != CITY for e in whole):
            return whole, False
        biggest = max(t.pop[e] for e in whole)
        near = {
            e: s
            for e, s in self._idx.fuzzy(key, max_d=1).items()
            if e not in whole and t.kind[e] == CITY and t.pop[e] > biggest
        }
        if not near:
            return whole, False
        return {**whole, **near}, True

    def _qualified(self, head: str, area_sets: list[set[int]]) -> tuple[Scores, bool]:
        idx = self._idx
        constraints = [areas for areas in area_sets if areas]
        ignored_some = len(constraints) < len(area_sets)
        if constraints:
            found = self._within(idx.lookup(head), constraints) or self._within(idx.fuzzy(head), constraints)
            if found:
                return found, ignored_some
        return idx.lookup(head) or idx.fuzzy(head), True

    def _areas(self, key: str, *, fuzzy: bool) -> set[int]:
        """Region and country entities a qualifier names ("or", "texas", "uk", "illinios")."""
        t = self._t
        areas = {e for e in self._idx.lookup(key) if t.kind[e] != CITY}
        if not areas and fuzzy:
            areas = {e for e in self._idx.fuzzy(key, areas_only=True) if t.kind[e] != CITY}
        return areas

    def _within(self, found: Scores, constraints: Iterable[set[int]]) -> Scores:
        """The found entities lying in at least one area of every constraint."""
        contains = self._t.contains
        kept = dict(found)
        for areas in constraints:
            kept = {e: s for e, s in kept.items() if any(contains(a, e) for a in areas)}
        return kept

    # -- ranking ------------------------------------------------------------------------

    def _rank(self, found: Scores, hint: str | None) -> tuple[list[int], bool]:
        t = self._t
        scores = dict(found)
        cities = [e for e in found if t.kind[e] == CITY]
        for area in (e for e in found if t.kind[e] != CITY):
            for city in cities:
                if (
                    found[city] >= found[area]
                    and t.contains(area, city)
                    and t.pop[city] >= SHADOW_SHARE * t.pop[area]
                ):
                    scores[area] = found[area] - 1.0
                    break

        def weight(e: int) -> float:
            return t.pop[e] * (HINT_FACTOR if t.country[e] == hint else 1.0)

        order = sorted(scores, key=lambda e: (-scores[e], -weight(e), t.names[e], e))
        top = order[0]
        peers = [e for e in order[1:] if scores[e] == scores[top]]
        ambiguous = bool(peers) and weight(top) < DOMINANCE * max(weight(peers[0]), 1.0)
        return order, ambiguous


def _merge(into: Scores, more: Scores) -> None:
    for e, s in more.items():
        if s > into.get(e, 0.0):
            into[e] = s
