"""Name index: exact lookup by hashed key plus a length-sorted fuzzy fallback.

Every name, alternate name, alias and code of a place is stored under a 64-bit hash of its
normalized key (a sorted array, searched by bisection: a million keys in a few MiB, where
a dict of strings would take hundreds) as a packed hit ``entity * 4 + tier``. Tiers rank how much a hit says:

* NAME (score 100): a place's own name, a hand-written alias;
* ALT (score 99): a city's GeoNames alternate name ("Muenchen", "Bombay"), a region's
  ISO 3166-2 name ("Bayern") or a district's other names ("Grand" for Grand County);
* COUNTRY_CODE (95): ISO 3166-1 alpha-2/alpha-3 ("DE", "DEU");
* CODE (90): region codes ("IL", "ON", "BY"), airport-like city codes ("PDX"), and any
  alternate name of three letters or fewer.

A place's own name beats another place's alternate name ("Islamabad" is Islamabad, not
Chattogram, one of whose alternate names it is; "Trnava" is not Tirana); the fuzzy
fallback trusts ALT less still (alternate names include historical and neighbourhood
names: Amman was "Philadelphia").

The fuzzy fallback compares a query only with *name* keys (city names, region and country
names and aliases, not the 900k alternate names) whose length is within the allowed edit
distance and whose character set could be (see ``_Pools``), using RapidFuzz's optimal
string alignment distance (a transposition is one edit) with a cut-off.
"""

from __future__ import annotations

import hashlib
import string
from collections.abc import Iterable, Mapping, Sequence
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


def _letter_classes() -> npt.NDArray[np.int8]:
    """Byte -> character class: a-z are 0-25, every digit 26, space 27, anything else -1."""
    classes = np.full(256, -1, dtype=np.int8)
    for i, ch in enumerate(string.ascii_lowercase):
        classes[ord(ch)] = i
    for ch in string.digits:
        classes[ord(ch)] = 26
    classes[ord(" ")] = 27
    return classes


_CLASSES: Final = _letter_classes()
_TWICE_SHIFT: Final = 32  # bit class + 32: the class occurs at least twice
_BYTE_POPCOUNT: Final = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)
_NUMPY_POPCOUNT: Any = getattr(np, "bitwise_count", None)  # numpy >= 2.0


def popcount(values: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint8]:
    """Set bits of each element (pyproject allows numpy 1.26, which lacks bitwise_count)."""
    if _NUMPY_POPCOUNT is not None:
        return cast(npt.NDArray[np.uint8], _NUMPY_POPCOUNT(values))
    width = values.dtype.itemsize
    per_byte = _BYTE_POPCOUNT[values.view(np.uint8)].reshape(-1, width)
    return cast(npt.NDArray[np.uint8], per_byte.sum(axis=1, dtype=np.uint8))


def _masks(keys: list[str]) -> npt.NDArray[np.uint64]:
    """For each ASCII key, the multiset of its character classes as a bit mask: one bit for
    each class it has, another for each class it has twice or more."""
    if not keys:
        return np.zeros(0, dtype=np.uint64)
    chars = np.frombuffer("\n".join(keys).encode("ascii"), dtype=np.uint8)
    lengths = np.fromiter((len(k) + 1 for k in keys), dtype=np.intp, count=len(keys))
    starts = np.zeros(len(keys), dtype=np.intp)
    starts[1:] = np.cumsum(lengths[:-1])
    owner = np.repeat(np.arange(len(keys)), lengths)[: len(chars)]
    classes = _CLASSES[chars].astype(np.int64)
    known = classes >= 0
    bits = np.where(
        known, np.left_shift(np.uint64(1), np.maximum(classes, 0).astype(np.uint64)), np.uint64(0)
    )
    order = np.lexsort((classes, owner))
    again = np.zeros(len(chars), dtype=np.bool_)
    again[1:] = (classes[order][1:] == classes[order][:-1]) & (owner[order][1:] == owner[order][:-1])
    twice = np.zeros(len(chars), dtype=np.bool_)
    twice[order] = again
    bits = bits | np.where(twice & known, bits << np.uint64(_TWICE_SHIFT), np.uint64(0))
    return cast(npt.NDArray[np.uint64], np.bitwise_or.reduceat(bits, starts))


def _mask_of(key: str) -> np.uint64:
    """``_masks`` of one key."""
    seen: set[int] = set()
    bits = 0
    for byte in key.encode("ascii"):
        cls = int(_CLASSES[byte])
        if cls >= 0:
            bits |= 1 << (cls + _TWICE_SHIFT if cls in seen else cls)
            seen.add(cls)
    return np.uint64(bits)


def key_hash(key: str) -> int:
    """A stable 64-bit hash of a lookup key (the exact index stores hashes, not keys)."""
    return int.from_bytes(
        hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little"
    )


class _Pools:
    """Fuzzy keys sorted by length, with a character filter in front of the edit distance.

    ``candidates(key, d)`` returns the keys of length len(key)-d … len(key)+d (one contiguous
    run of the sorted keys) that could be within d edits. Each string is summed up as which
    character classes it has, once and twice or more (``_masks``); one edit changes at most
    one of those features on each side, so a key is kept only if neither string has more than
    d features the other lacks. This bound is exact (it never drops a true match) and keeps a
    few per cent of the run, so RapidFuzz then scores a few hundred strings.
    """

    def __init__(self, keys: list[str], masks: npt.NDArray[np.uint64] | None = None) -> None:
        """keys: distinct ASCII keys, sorted by length (``sort_keys``); masks: theirs, if known."""
        self._keys = np.array(keys, dtype=object)
        self.masks = _masks(keys) if masks is None else masks
        self._lengths = np.fromiter(map(len, keys), dtype=np.int32, count=len(keys))

    @staticmethod
    def sort_keys(keys: Iterable[str]) -> list[str]:
        return sorted(set(keys), key=lambda k: (len(k), k))

    def candidates(self, key: str, d: int) -> list[str]:
        lo = int(self._lengths.searchsorted(len(key) - d, side="left"))
        hi = int(self._lengths.searchsorted(len(key) + d, side="right"))
        if lo >= hi:
            return []
        masks = self.masks[lo:hi]
        mine = _mask_of(key)
        close = np.maximum(popcount(masks & ~mine), popcount(~masks & mine)) <= d
        return cast(list[str], self._keys[lo:hi][close].tolist())

    @property
    def keys(self) -> list[str]:
        return cast(list[str], self._keys.tolist())

    def __len__(self) -> int:
        return len(self._keys)


class NameIndex:
    """Exact lookup by hashed key, plus fuzzy pools of names (see the module docstring)."""

    def __init__(
        self,
        hashes: npt.NDArray[np.uint64],
        starts: npt.NDArray[np.int32],
        hits: npt.NDArray[np.int32],
        names: _Pools,
        areas: _Pools,
    ) -> None:
        self._hashes = hashes
        self._starts = starts
        self._hits = hits
        self.names = names
        self.areas = areas

    # -- building ------------------------------------------------------------------------

    @classmethod
    def build(cls, t: Tables, alternates: Sequence[Sequence[str]]) -> NameIndex:
        """Index every name, alternate name (``alternates[e]`` for town e), alias and code."""
        builder = _Builder()
        primary = normalize_many(t.names[: t.n_cities])
        for e, key in enumerate(primary):
            builder.put(key, e, NAME)
        builder.name_keys.extend(primary)
        builder.add_alternates(t, alternates)
        builder.add_areas(t)
        builder.add_aliases(t)
        return builder.finish()

    def to_arrays(self) -> dict[str, npt.NDArray[Any]]:
        return {
            "i_hashes": self._hashes,
            "i_starts": self._starts,
            "i_hits": self._hits,
            "i_names": _blob(self.names.keys),
            "i_name_masks": self.names.masks,
            "i_areas": _blob(self.areas.keys),
            "i_area_masks": self.areas.masks,
        }

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, npt.NDArray[Any]]) -> NameIndex:
        return cls(
            arrays["i_hashes"],
            arrays["i_starts"],
            arrays["i_hits"],
            _Pools(_unblob(arrays["i_names"]), arrays["i_name_masks"]),
            _Pools(_unblob(arrays["i_areas"]), arrays["i_area_masks"]),
        )

    # -- queries -------------------------------------------------------------------------

    def lookup(self, key: str) -> dict[int, float]:
        """Entities whose name, alias or code is exactly key, with the best tier's score."""
        found: dict[int, float] = {}
        if not key:
            return found
        h = key_hash(key)
        hashes = self._hashes
        i = int(hashes.searchsorted(np.uint64(h)))
        if i >= len(hashes) or int(hashes[i]) != h:
            return found
        start, end = self._starts[i : i + 2].tolist()
        for packed in self._hits[start:end].tolist():
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
            for e, exact in self.lookup(other).items():
                tier = TIER_SCORE.index(exact)
                score = exact - FUZZY_PENALTY[tier] - 10.0 * (dist - 1)
                if score > found.get(e, 0.0):
                    found[e] = score
        return found


class _Builder:
    """Collects (key hash, entity, tier) triples and the fuzzy keys while building."""

    def __init__(self) -> None:
        self._hashes: list[int] = []
        self._hits: list[int] = []
        self.name_keys: list[str] = []
        self.area_keys: list[str] = []

    def put(self, key: str, e: int, tier: int) -> None:
        if key:
            self._hashes.append(key_hash(key))
            self._hits.append(e * 4 + tier)

    def add_alternates(self, t: Tables, alternates: Sequence[Sequence[str]]) -> None:
        owners: list[int] = []
        raw: list[str] = []
        pop = t.pop
        for e, alts in enumerate(alternates):
            if pop[e] < NATIVE_SCRIPT_MIN_POPULATION:
                alts = [a for a in alts if a < _BEYOND_LATIN]
            owners.extend([e] * len(alts))
            raw.extend(alts)
        keys = normalize_many(raw)
        hashes, hits = self._hashes, self._hits
        blake = hashlib.blake2b
        # Hot loop (900k alternate names): put() inlined.
        for e, key, original in zip(owners, keys, raw, strict=True):
            if key:
                hashes.append(
                    int.from_bytes(
                        blake(key.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little"
                    )
                )
                hits.append(e * 4 + (CODE if len(key) < 5 and _code_like(key, original) else ALT))

    def add_areas(self, t: Tables) -> None:
        for code, e in t.district_entity.items():
            for name, tier in ((t.names[e], NAME), *((alias, ALT) for alias in t.district_aliases[code])):
                self._area_name(normalize(name), e, tier)
        for region, e in t.region_entity.items():
            iso, aliases = t.region_extra[region]
            for name, tier in ((t.names[e], NAME), *((alias, ALT) for alias in aliases)):
                self._area_name(normalize(name), e, tier)
            code = region.split(".", 1)[1]
            for short in {code, iso}:
                if short.isalpha() and len(short) <= 3:
                    self.put(short.casefold(), e, CODE)
        for cc, e in t.country_entity.items():
            self._area_name(normalize(t.names[e]), e, NAME)
            self.put(cc.casefold(), e, COUNTRY_CODE)
            if cc in t.country_iso3:
                self.put(t.country_iso3[cc].casefold(), e, COUNTRY_CODE)

    def _area_name(self, key: str, e: int, tier: int) -> None:
        if key:
            self.put(key, e, tier)
            self.area_keys.append(key)

    def add_aliases(self, t: Tables) -> None:
        for region, aliases in _aliases.REGION_ALIASES.items():
            e = t.region_entity.get(region)
            if e is not None:
                for alias in aliases:
                    self.put(normalize(alias), e, CODE)
        for cc, aliases in _aliases.COUNTRY_ALIASES.items():
            e = t.country_entity.get(cc)
            if e is not None:
                for alias in aliases:
                    self._area_name(normalize(alias), e, NAME)
        for alias, gid in _aliases.CITY_ALIASES.items():
            found = t.city_of_gid(gid)
            if found is not None:
                key = normalize(alias)
                self.put(key, found, NAME)
                self.name_keys.append(key)

    def finish(self) -> NameIndex:
        hashes = np.asarray(self._hashes, dtype=np.uint64)
        hits = np.asarray(self._hits, dtype=np.int32)
        order = np.lexsort((hits, hashes))
        hashes, hits = hashes[order], hits[order]
        keep = np.ones(len(hashes), dtype=np.bool_)
        keep[1:] = (hashes[1:] != hashes[:-1]) | (hits[1:] != hits[:-1])
        hashes, hits = hashes[keep], hits[keep]
        unique, starts = np.unique(hashes, return_index=True)
        starts = np.append(starts, len(hashes))
        fuzzy = (k for k in self.name_keys + self.area_keys if len(k) >= 4 and k.isascii())
        areas = (k for k in self.area_keys if len(k) >= 4 and k.isascii())
        return NameIndex(
            unique,
            starts.astype(np.int32),
            hits,
            _Pools(_Pools.sort_keys(fuzzy)),
            _Pools(_Pools.sort_keys(areas)),
        )


def _blob(keys: Sequence[str]) -> npt.NDArray[np.uint8]:
    return np.frombuffer("\n".join(keys).encode("ascii"), dtype=np.uint8)


def _unblob(blob: npt.NDArray[np.uint8]) -> list[str]:
    text = blob.tobytes().decode("ascii")
    return text.split("\n") if text else []
