"""The public face of the gazetteer: load once, then resolve, re-hydrate and browse."""

from __future__ import annotations

import functools
import gc
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy.typing as npt
from rapidfuzz import fuzz

from bot.services.gazetteer import _prebuilt
from bot.services.gazetteer._aliases import COUNTRY_ALIASES
from bot.services.gazetteer._index import NameIndex
from bot.services.gazetteer._model import MAX_CANDIDATES, Place, Precision, Resolution
from bot.services.gazetteer._normalize import MAX_INPUT_CHARS, normalize
from bot.services.gazetteer._postal import PostalCodes
from bot.services.gazetteer._resolve import Resolver
from bot.services.gazetteer._sources import DEFAULT_MIN_POPULATION, read_sources
from bot.services.gazetteer._tables import PRECISIONS, Tables, build_tables

_FUZZY_AREA_CUTOFF = 75.0


@contextmanager
def _no_gc() -> Iterator[None]:
    """Building makes ~1M small objects; cyclic GC passes over them only slow it down."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


PLACES_KEPT = 4096  # Place objects kept for place_by_key (a few hundred bytes each)


class Gazetteer:
    """An offline index of towns, districts, regions, countries and postal codes (GeoNames).

    Made once per process: the shared ``get_gazetteer()`` loads the prebuilt index file
    (building it first, once, if the installed data has none yet); ``Gazetteer.load()``
    builds one from the sources in this process. It is read-only afterwards, so it can be
    used from several threads (``asyncio.to_thread``).
    """

    def __init__(self, tables: Tables, index: NameIndex, postal: PostalCodes) -> None:
        self._t = tables
        self._idx = index
        self._postal = postal
        self._resolver = Resolver(tables, index, postal)
        # Places members live in are asked for again and again (every step shows it).
        self._place_of_entity = functools.lru_cache(maxsize=PLACES_KEPT)(tables.place)

    @functools.cached_property
    def _area_keys(self) -> dict[int, tuple[str, ...]]:
        """Names, aliases and codes of every region and country, for the pickers' search."""
        t = self._t
        keys: dict[int, tuple[str, ...]] = {}
        for region, e in t.region_entity.items():
            iso, aliases = t.region_extra[region]
            codes = {region.split(".", 1)[1].casefold(), iso.casefold()} - {""}
            keys[e] = (normalize(t.names[e]), *map(normalize, aliases), *sorted(codes))
        for cc, e in t.country_entity.items():
            names = (t.names[e], *COUNTRY_ALIASES.get(cc, ()))
            codes = {cc.casefold(), t.country_iso3.get(cc, "").casefold()} - {""}
            keys[e] = (*map(normalize, names), *sorted(codes))
        return keys

    @classmethod
    def load(cls, min_population: int = DEFAULT_MIN_POPULATION) -> Gazetteer:
        """Build the index from the sources, in this process (see ``_sources``).

        min_population: 500 (default: every town of 500+ people, 235k), 1000, 5000 or 15000.
        """
        with _no_gc():
            sources = read_sources(min_population)
            tables = build_tables(sources)
            index = NameIndex.build(tables, [town.alternates for town in sources.towns])
            del sources
            return cls(tables, index, PostalCodes.build())

    @classmethod
    def open(cls, path: Path) -> Gazetteer:
        """Load a prebuilt index file (written by ``build_index``)."""
        with _no_gc():
            arrays = _prebuilt.read_arrays(path)
            return cls(
                Tables.from_arrays(arrays), NameIndex.from_arrays(arrays), PostalCodes.from_arrays(arrays)
            )

    def to_arrays(self) -> dict[str, npt.NDArray[Any]]:
        return {**self._t.to_arrays(), **self._idx.to_arrays(), **self._postal.to_arrays()}

    @property
    def data_version(self) -> str:
        """Identifies the data; keys are stable while it does not change."""
        return self._t.data_version

    @property
    def min_population(self) -> int:
        return self._t.dataset

    def __len__(self) -> int:
        return len(self._t.names)

    def resolve(
        self,
        text: str,
        *,
        country_hint: str | None = None,
        home_countries: Collection[str] = (),
        limit: int = MAX_CANDIDATES,
    ) -> Resolution:
        """Resolve a member's answer to "where do you live?" (see ``_resolve`` for the policy).

        country_hint: an ISO country code or a Discord locale such as "pt-BR", used as a
        ranking prior. home_countries: ISO codes of the countries most of the guild's members
        live in, a ranking prior too (never a filter). limit: number of candidates returned,
        clamped to 1…25.
        """
        return self._resolver.resolve(
            text, country_hint=country_hint, home_countries=home_countries, limit=limit
        )

    def places(self, precision: Precision | None = None) -> Iterator[Place]:
        """Every place (or every place of one precision), in dataset order."""
        t = self._t
        wanted = None if precision is None else PRECISIONS.index(precision)
        return (t.place(e) for e in range(len(t.names)) if wanted is None or t.kind[e] == wanted)

    def place_by_key(self, key: str) -> Place | None:
        """The Place with this ``Place.key`` ("city:2950159", "district:US.UT.019",
        "region:DE.16", "country:DE")."""
        if not isinstance(key, str) or len(key) > 100:
            return None
        e = self._t.entity_of_key(key)
        return None if e is None else self._place_of_entity(e)

    def countries(self) -> list[Place]:
        """Every country with at least one city in the dataset, by name."""
        return self._sorted_by_name(self._t.country_entity.values())

    def regions_of(self, country_code: str) -> list[Place]:
        """The named first-level regions of a country, by name (may be more than 25)."""
        cc = country_code.strip().upper()
        return self._sorted_by_name(e for r, e in self._t.region_entity.items() if r.startswith(cc + "."))

    def search_countries(self, text: str = "", *, limit: int = MAX_CANDIDATES) -> list[Place]:
        """Countries matching text (prefix, word prefix, alias, ISO code or fuzzy), for a picker.

        Best matches first, then by population; empty text gives the most populous countries.
        """
        return self._search(list(self._t.country_entity.values()), text, limit)

    def search_regions(
        self, country_code: str, text: str = "", *, limit: int = MAX_CANDIDATES
    ) -> list[Place]:
        """Regions of a country matching text, like ``search_countries``."""
        cc = country_code.strip().upper()
        areas = [e for r, e in self._t.region_entity.items() if r.startswith(cc + ".")]
        return self._search(areas, text, limit)

    def timezones_for_country(self, country_code: str) -> list[str]:
        """IANA zones used by the country's cities, most populous first."""
        return list(self._t.tz_by_country.get(country_code.strip().upper(), ()))

    def timezones_for_region(self, region_code: str) -> list[str]:
        """IANA zones used in a region ("US.IN"), most populous first."""
        code = region_code.strip()
        return list(self._t.tz_by_region.get(code[:2].upper() + code[2:], ()))

    def _sorted_by_name(self, entities: Iterable[int]) -> list[Place]:
        t = self._t
        return [t.place(e) for e in sorted(entities, key=lambda e: (normalize(t.names[e]), e))]

    def _search(self, areas: list[int], text: str, limit: int) -> list[Place]:
        t = self._t
        count = max(1, min(limit, MAX_CANDIDATES))
        if not isinstance(text, str) or len(text) > MAX_INPUT_CHARS:
            return []
        query = normalize(text)
        if text.strip() and not query:
            return []
        scored: list[tuple[float, int]] = []
        for e in areas:
            score = self._area_score(e, query) if query else 1.0
            if score > 0:
                scored.append((score, e))
        scored.sort(key=lambda se: (-se[0], -t.pop[se[1]], t.names[se[1]]))
        return [t.place(e) for _, e in scored[:count]]

    def _area_score(self, e: int, query: str) -> float:
        keys = self._area_keys[e]
        if query in keys:
            return 100.0
        if any(k.startswith(query) for k in keys):
            return 95.0
        if any(word.startswith(query) for k in keys for word in k.split()):
            return 90.0
        if len(query) < 3:
            return 0.0
        words = [w for k in keys if len(k) > 3 for w in (k, *k.split()) if len(w) > 3]
        best = max((fuzz.ratio(query, w) for w in words), default=0.0)
        return best * 0.85 if best >= _FUZZY_AREA_CUTOFF else 0.0


def build_index(path: Path, min_population: int = DEFAULT_MIN_POPULATION) -> None:
    """Build the gazetteer from the sources and write it to the prebuilt index file `path`."""
    _prebuilt.write_arrays(path, Gazetteer.load(min_population).to_arrays())


def get_gazetteer(min_population: int = DEFAULT_MIN_POPULATION) -> Gazetteer:
    """The process-wide gazetteer, loaded on first use from its prebuilt index (built first,
    in a child process, when the installed data has none yet). Call it at start-up."""
    return _shared(min_population)


@functools.cache
def _shared(min_population: int) -> Gazetteer:
    path = _prebuilt.index_path(min_population)
    if not path.exists():
        _prebuilt.build_in_child(min_population, path)
    return Gazetteer.open(path)
