"""Name index: exact dictionary lookup plus a length-bucketed fuzzy fallback.

Every name, alternate name, alias and code of a place is stored under its normalized key
as a packed hit ``entity * 4 + tier``. Tiers rank how much a hit says:

* NAME (score 100): a place's own name, a hand-written alias;
* ALT (score 99): a city's GeoNames alternate name ("Muenchen", "Bombay") or a region's
  ISO 3166-2 name ("Bayern");
* COUNTRY_CODE (95): ISO 3166-1 alpha-2/alpha-3 ("DE", "DEU");
* CODE (90): region codes ("IL", "ON", "BY"), airport-like city codes ("PDX"), and any
  alternate name of three letters or fewer.

A place's own name beats another place's alternate name ("Islamabad" is Islamabad, not
Chattogram, one of whose alternate names it is; "Trnava" is not Tirana); the fuzzy
fallback trusts ALT less still (alternate names include historical and neighbourhood
names: Amman was "Philadelphia").

The fuzzy fallback compares a query only with *name* keys (city names, region and country
names and aliases, not the 300k alternate names) whose length is within the allowed edit
distance and whose character set could be (see ``_Pools``), using RapidFuzz's optimal
string alignment distance (a transposition is one edit) with a cut-off.
"""

from __future__ import annotations

import string
from collections import defaultdict
from collections.abc import Iterable
from typing import Any, Final, cast

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.services.gazetteer import _aliases
from bot.services.gazetteer._normalize import normalize, normalize_many
from bot.services.gazetteer._tables import Tables

NAME: Final = 0
COUNTRY_CODE: Final = 1
CODE: Final = 2
ALT: Final = 3
TIER_SCORE: Final = (100.0, 95.0, 90.0, 99.0)
FUZZY_PENALTY: Final = (15.0, 15.0, 15.0, 19.0)  # at distance 1; 10 more per further edit
FUZZY_LIMIT: Final = 40
# Alternate names in other scripts than Latin ("Москва", "東京") are indexed, for exact
# matches only, for cities of at least this population: a third of the start-up time and
# memory would otherwise go to names of small towns that are rarely typed that way.
NATIVE_SCRIPT_MIN_POPULATION: Final = 100_000
_BEYOND_LATIN: Final = "\u0250"  # names starting at or after IPA Extensions


def max_distance(key: str) -> int:
    """Edit distance the fuzzy fallback allows for a query key of this length."""
    return _distance_for_length(len(key))


def _distance_for_length(n: int) -> int:
    if n < 4:
        return 0
    if n <= 7:
        return 1
    if n <= 13:
        return 2
    return 3


def _code_like(key: str, original: str) -> bool:
    """Three letters or fewer, or an upper-case word of four ("PDX", "NYC", "LAX")."""
    return key.isascii() and (len(key) <= 3 or (len(original) <= 4 and original.isupper()))


def _letter_bits() -> npt.NDArray[np.uint32]:
    bits = np.zeros(256, dtype=np.uint32)
    for i, ch in enumerate(string.ascii_lowercase):
        bits[ord(ch)] = 1 << i
    for ch in string.digits:
        bits[ord(ch)] = 1 << 26
    bits[ord(" ")] = 1 << 27
    return bits


_LETTER_BITS: Final = _letter_bits()
_BYTE_POPCOUNT: Final = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)
_NUMPY_POPCOUNT: Any = getattr(np, "bitwise_count", None)  # numpy >= 2.0


def popcount(values: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint8]:
    """Set bits of each element (pyproject allows numpy 1.26, which lacks bitwise_count)."""
    if _NUMPY_POPCOUNT is not None:
        return cast(npt.NDArray[np.uint8], _NUMPY_POPCOUNT(values))
    per_byte = _BYTE_POPCOUNT[values.view(np.uint8)].reshape(-1, 4)
    return cast(npt.NDArray[np.uint8], per_byte.sum(axis=1, dtype=np.uint8))


def _masks(keys: list[str]) -> npt.NDArray[np.uint32]:
    """For each ASCII key, the set of its characters as a bit mask (all digits share one bit)."""
    if not keys:
        return np.zeros(0, dtype=np.uint32)
    chars = np.frombuffer("\n".join(keys).encode("ascii"), dtype=np.uint8)
    starts = np.zeros(len(keys), dtype=np.intp)
    starts[1:] = np.cumsum([len(k) + 1 for k in keys[:-1]])
    return np.bitwise_or.reduceat(_LETTER_BITS[chars], starts)


class _Pools:
    """Keys grouped by length, with a character-set filter in front of the edit distance.

    ``candidates(key, d)`` returns the keys of length len(key)-d … len(key)+d that could be
    within d edits: every character missing from one string needs an edit of its own, so
    a key is kept only if neither string has more than d characters the other lacks. This
    bound is exact (it never drops a true match) and keeps about 2 % of a length bucket,
    so RapidFuzz then scores a few hundred strings instead of ~15,000.
    """

    def __init__(self, keys: Iterable[str]) -> None:
        by_len: dict[int, list[str]] = defaultdict(list)
        for key in sorted(set(keys)):
            by_len[len(key)].append(key)
        self._by_len = dict(by_len)
        self._masks = {n: _masks(group) for n, group in self._by_len.items()}
        self._cache: dict[tuple[int, int], tuple[list[str], npt.NDArray[np.uint32]]] = {}

    def _pool(self, n: int, d: int) -> tuple[list[str], npt.NDArray[np.uint32]]:
        found = self._cache.get((n, d))
        if found is None:
            sizes = [size for size in range(n - d, n + d + 1) if size in self._by_len]
            keys = [k for size in sizes for k in self._by_len[size]]
            masks = np.concatenate([self._masks[size] for size in sizes]) if sizes else _masks([])
            found = self._cache[(n, d)] = (keys, masks)
        return found

    def candidates(self, key: str, d: int) -> list[str]:
        keys, masks = self._pool(len(key), d)
        if not keys:
            return keys
        mine = np.bitwise_or.reduce(_LETTER_BITS[np.frombuffer(key.encode("ascii"), dtype=np.uint8)])
        theirs_only = popcount(masks & ~mine)
        mine_only = popcount(~masks & mine)
        return [keys[i] for i in np.flatnonzero(np.maximum(theirs_only, mine_only) <= d)]

    def warm(self) -> None:
        """Precompute every pool a query can ask for, so queries never write the cache."""
        for n in range(4, max(self._by_len, default=0) + 4):
            for d in range(1, _distance_for_length(n) + 1):
                self._pool(n, d)

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_len.values())


class NameIndex:
    def __init__(self, tables: Tables) -> None:
        self.exact: dict[str, int | list[int]] = {}
        fuzzy_keys: list[str] = []
        area_keys: list[str] = []
        self._add_cities(tables, fuzzy_keys)
        self._add_areas(tables, area_keys)
        self._add_aliases(tables, area_keys, fuzzy_keys)
        self.names = _Pools(k for k in fuzzy_keys + area_keys if len(k) >= 4 and k.isascii())
        self.areas = _Pools(k for k in area_keys if len(k) >= 4 and k.isascii())
        self.names.warm()
        self.areas.warm()

    def _put(self, key: str, e: int, tier: int) -> None:
        hits = self.exact.get(key)
        packed = e * 4 + tier
        if hits is None:
            self.exact[key] = packed
        elif isinstance(hits, int):
            if hits != packed:
                self.exact[key] = [hits, packed]
        elif packed not in hits:
            hits.append(packed)

    def _add_cities(self, t: Tables, fuzzy_keys: list[str]) -> None:
        primary = normalize_many(t.names[: t.n_cities])
        for e, key in enumerate(primary):
            if key:
                self._put(key, e, NAME)
        fuzzy_keys.extend(primary)
        owners: list[int] = []
        raw: list[str] = []
        pop = t.pop
        for e, alts in enumerate(t.alternates):
            if pop[e] < NATIVE_SCRIPT_MIN_POPULATION:
                alts = [a for a in alts if a < _BEYOND_LATIN]
            owners.extend([e] * len(alts))
            raw.extend(alts)
        t.alternates = []
        keys = normalize_many(raw)
        exact = self.exact
        get = exact.get
        # Hot loop (300k alternate names): inlined _put. A city's own duplicates are adjacent,
        # so comparing with the last hit drops most of them; lookup() takes the best anyway.
        for e, key, original in zip(owners, keys, raw, strict=True):
            hit = e * 4 + CODE if len(key) < 5 and _code_like(key, original) else e * 4 + ALT
            hits = get(key)
            if hits is None:
                exact[key] = hit
            elif isinstance(hits, int):
                if hits != hit:
                    exact[key] = [hits, hit]
            elif hits[-1] != hit:
                hits.append(hit)
        exact.pop("", None)

    def _add_areas(self, t: Tables, area_keys: list[str]) -> None:
        for region, e in t.region_entity.items():
            iso, aliases = t.region_extra[region]
            for name, tier in ((t.names[e], NAME), *((alias, ALT) for alias in aliases)):
                key = normalize(name)
                if key:
                    self._put(key, e, tier)
                    area_keys.append(key)
            code = region.split(".", 1)[1]
            for short in {code, iso}:
                if short.isalpha() and len(short) <= 3:
                    self._put(short.casefold(), e, CODE)
        for cc, e in t.country_entity.items():
            key = normalize(t.names[e])
            self._put(key, e, NAME)
            area_keys.append(key)
            self._put(cc.casefold(), e, COUNTRY_CODE)
            if cc in t.country_iso3:
                self._put(t.country_iso3[cc].casefold(), e, COUNTRY_CODE)

    def _add_aliases(self, t: Tables, area_keys: list[str], fuzzy_keys: list[str]) -> None:
        for cc, aliases in _aliases.COUNTRY_ALIASES.items():
            e = t.country_entity.get(cc)
            if e is not None:
                for alias in aliases:
                    key = normalize(alias)
                    self._put(key, e, NAME)
                    area_keys.append(key)
        for alias, gid in _aliases.CITY_ALIASES.items():
            e = t.city_entity.get(gid)
            if e is not None:
                key = normalize(alias)
                self._put(key, e, NAME)
                fuzzy_keys.append(key)

    def lookup(self, key: str) -> dict[int, float]:
        """Entities whose name, alias or code is exactly key, with the best tier's score."""
        found: dict[int, float] = {}
        hits = self.exact.get(key)
        if hits is None:
            return found
        for packed in (hits,) if isinstance(hits, int) else hits:
            e, score = packed >> 2, TIER_SCORE[packed & 3]
            if score > found.get(e, 0.0):
                found[e] = score
        return found

    def fuzzy(self, key: str, *, max_d: int | None = None, areas_only: bool = False) -> dict[int, float]:
        """Entities whose name is within the edit distance allowed for key (not key itself).

        A hit at distance d scores its tier's score minus ``FUZZY_PENALTY`` minus 10 per
        further edit.
        """
        d = max_distance(key) if max_d is None else min(max_d, max_distance(key))
        if d <= 0 or not key.isascii():
            return {}
        pools = self.areas if areas_only else self.names
        matches = process.extract(
            key, pools.candidates(key, d), scorer=OSA.distance, score_cutoff=d, limit=FUZZY_LIMIT
        )
        found: dict[int, float] = {}
        for other, dist, _ in matches:
            if dist == 0:
                continue
            hits = self.exact[other]
            for packed in (hits,) if isinstance(hits, int) else hits:
                e, tier = packed >> 2, packed & 3
                score = TIER_SCORE[tier] - FUZZY_PENALTY[tier] - 10.0 * (dist - 1)
                if score > found.get(e, 0.0):
                    found[e] = score
        return found
