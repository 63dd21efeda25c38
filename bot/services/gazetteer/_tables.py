"""Column tables of every place the gazetteer knows: towns, districts, regions, countries.

Each place is an *entity* number: towns first (by GeoNames id), then districts, regions and
countries. Columns are indexed by entity; text columns hold shared (interned) strings and
numbers live in numpy arrays, so 235,000 towns stay small in memory. ``Place`` objects are
made only for the few places a query returns. Tables round-trip through plain arrays
(``to_arrays`` / ``from_arrays``) for the prebuilt index file.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from bot.services.gazetteer._model import Place, Precision
from bot.services.gazetteer._sources import Sources
from bot.services.geo import great_circle_km_from

CITY: Final = 0
DISTRICT: Final = 1
REGION: Final = 2
COUNTRY: Final = 3
PRECISIONS: Final[tuple[Precision, ...]] = ("city", "district", "region", "country")

Floats = npt.NDArray[np.float64]
Codes = npt.NDArray[np.int32]


class StrColumn:
    """A text column as small integer codes into a shared vocabulary (countries, regions,
    districts, zones: a few thousand distinct values over 270,000 places)."""

    __slots__ = ("_index", "codes", "vocab")

    def __init__(self, codes: Codes, vocab: list[str | None]) -> None:
        self.codes = codes
        self.vocab = vocab
        self._index: dict[str | None, int] | None = None

    @classmethod
    def of(cls, values: Sequence[str | None], vocab: list[str | None]) -> StrColumn:
        """Codes for values in `vocab` (extended in place; ``vocab[0]`` is None)."""
        index = {v: i for i, v in enumerate(vocab)}
        codes = [index.setdefault(v, len(index)) for v in values]
        vocab.extend(list(index)[len(vocab) :])
        return cls(np.asarray(codes, dtype=np.int32), vocab)

    def __getitem__(self, e: int) -> str | None:
        return self.vocab[int(self.codes[e])]

    def __len__(self) -> int:
        return len(self.codes)

    def code(self, value: str | None) -> int:
        """The code of value, or -1 when no place has it."""
        if self._index is None:
            self._index = {v: i for i, v in enumerate(self.vocab)}
        return self._index.get(value, -1)


def _text(column: StrColumn, e: int) -> str:
    value = column[e]
    assert value is not None
    return value


@dataclass(slots=True)
class Tables:
    dataset: int
    data_version: str = ""
    names: list[str] = field(default_factory=list)
    kind: bytearray = field(default_factory=bytearray)
    country: StrColumn = field(default_factory=lambda: StrColumn(np.zeros(0, dtype=np.int32), [None]))
    region: StrColumn = field(default_factory=lambda: StrColumn(np.zeros(0, dtype=np.int32), [None]))
    district: StrColumn = field(default_factory=lambda: StrColumn(np.zeros(0, dtype=np.int32), [None]))
    tz: StrColumn = field(default_factory=lambda: StrColumn(np.zeros(0, dtype=np.int32), [None]))
    pop: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    lat: Floats = field(default_factory=lambda: np.zeros(0))
    lon: Floats = field(default_factory=lambda: np.zeros(0))
    extent: Floats = field(default_factory=lambda: np.zeros(0))  # km; 0 for towns
    gid: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    n_cities: int = 0
    district_entity: dict[str, int] = field(default_factory=dict)  # "US.UT.019" -> entity
    region_entity: dict[str, int] = field(default_factory=dict)  # "US.IL" -> entity
    country_entity: dict[str, int] = field(default_factory=dict)  # "US" -> entity
    district_names: dict[str, str] = field(default_factory=dict)
    region_names: dict[str, str] = field(default_factory=dict)
    country_names: dict[str, str] = field(default_factory=dict)
    district_aliases: dict[str, list[str]] = field(default_factory=dict)
    region_extra: dict[str, tuple[str, list[str]]] = field(default_factory=dict)  # ISO suffix, aliases
    country_iso3: dict[str, str] = field(default_factory=dict)
    tz_by_country: dict[str, list[str]] = field(default_factory=dict)
    tz_by_region: dict[str, list[str]] = field(default_factory=dict)

    def place(self, e: int) -> Place:
        """The Place for entity e."""
        cc, region, district = _text(self.country, e), self.region[e], self.district[e]
        return Place(
            geoname_id=int(self.gid[e]),
            name=self.names[e],
            region_code=region,
            region_name=self.region_names.get(region) if region else None,
            country_code=cc,
            country_name=self.country_names.get(cc, cc),
            latitude=float(self.lat[e]),
            longitude=float(self.lon[e]),
            timezone=_text(self.tz, e),
            population=int(self.pop[e]),
            precision=PRECISIONS[self.kind[e]],
            district_code=district,
            district_name=self.district_names.get(district) if district else None,
            extent_km=round(float(self.extent[e]), 1),
        )

    def city_of_gid(self, gid: int) -> int | None:
        """The entity of the town with this GeoNames id (towns are sorted by id)."""
        i = int(np.searchsorted(self.gid[: self.n_cities], gid))
        return i if i < self.n_cities and int(self.gid[i]) == gid else None

    def entity_of_key(self, key: str) -> int | None:
        kind, _, ident = key.partition(":")
        if kind == "city" and ident.isdigit() and len(ident) <= 12:
            return self.city_of_gid(int(ident))
        areas = {
            "district": self.district_entity,
            "region": self.region_entity,
            "country": self.country_entity,
        }
        return areas[kind].get(ident) if kind in areas else None

    def contains(self, area: int, e: int) -> bool:
        """Whether entity e lies in the district, region or country entity ``area``."""
        if e == area:
            return False
        kind = self.kind[area]
        if kind == COUNTRY:
            return bool(self.country.codes[e] == self.country.codes[area])
        if kind == REGION:
            return bool(self.region.codes[e] == self.region.codes[area])
        if kind == DISTRICT:
            return bool(self.district.codes[e] == self.district.codes[area]) and self.kind[e] == CITY
        return False

    # -- the prebuilt index file ---------------------------------------------------------

    def to_arrays(self) -> dict[str, npt.NDArray[Any]]:
        vocab = self.country.vocab  # every text column shares it
        arrays: dict[str, npt.NDArray[Any]] = {
            "t_kind": np.frombuffer(bytes(self.kind), dtype=np.uint8),
            "t_country": self.country.codes,
            "t_region": self.region.codes,
            "t_district": self.district.codes,
            "t_tz": self.tz.codes,
            "t_pop": self.pop,
            "t_lat": self.lat,
            "t_lon": self.lon,
            "t_extent": self.extent,
            "t_gid": self.gid,
            "t_names": _text_blob(self.names),
        }
        meta = {
            "dataset": self.dataset,
            "data_version": self.data_version,
            "n_cities": self.n_cities,
            "vocab": vocab[1:],
            **{name: getattr(self, name) for name in _META_FIELDS},
        }
        arrays["t_meta"] = _text_blob([json.dumps(meta, ensure_ascii=False)])
        return arrays

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, npt.NDArray[Any]]) -> Tables:
        meta = json.loads(_text_of(arrays["t_meta"])[0])
        vocab: list[str | None] = [None, *meta["vocab"]]
        t = cls(dataset=meta["dataset"], data_version=meta["data_version"])
        t.names = _text_of(arrays["t_names"])
        t.kind = bytearray(arrays["t_kind"].tobytes())
        t.country, t.region, t.district, t.tz = (
            StrColumn(arrays[n], vocab) for n in ("t_country", "t_region", "t_district", "t_tz")
        )
        t.pop = arrays["t_pop"]
        t.lat, t.lon, t.extent = arrays["t_lat"], arrays["t_lon"], arrays["t_extent"]
        t.gid = arrays["t_gid"]
        t.n_cities = meta["n_cities"]
        for name in _META_FIELDS:
            setattr(t, name, meta[name])
        t.region_extra = {k: (iso, aliases) for k, (iso, aliases) in meta["region_extra"].items()}
        return t


_META_FIELDS: Final = (
    "district_entity",
    "region_entity",
    "country_entity",
    "district_names",
    "region_names",
    "country_names",
    "district_aliases",
    "region_extra",
    "country_iso3",
    "tz_by_country",
    "tz_by_region",
)


def _text_blob(texts: Sequence[str]) -> npt.NDArray[np.uint8]:
    """Strings as one newline-joined UTF-8 byte array (no object arrays in the index file)."""
    return np.frombuffer("\n".join(texts).encode("utf-8", "surrogatepass"), dtype=np.uint8)


def _text_of(blob: npt.NDArray[np.uint8]) -> list[str]:
    return blob.tobytes().decode("utf-8", "surrogatepass").split("\n")


def _ranked_zones(weights: Counter[str]) -> list[str]:
    return [zone for zone, _ in sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))]


def build_tables(sources: Sources) -> Tables:
    """Columns for every town of the sources, then its districts, regions and countries."""
    t = Tables(dataset=sources.dataset, data_version=sources.version)
    towns = sources.towns
    t.names = [town.name for town in towns]
    t.kind = bytearray(len(towns))
    country = [town.country_code for town in towns]
    region = [town.region_code if town.region_code in sources.admin1 else None for town in towns]
    district = [town.district_code for town in towns]
    tz = [town.timezone for town in towns]
    pop = [town.population for town in towns]
    lat = [town.latitude for town in towns]
    lon = [town.longitude for town in towns]
    gid = [town.geoname_id for town in towns]
    extent = [0.0] * len(towns)
    t.n_cities = len(towns)

    members: dict[tuple[int, str], list[int]] = defaultdict(list)
    for e in range(t.n_cities):
        members[(COUNTRY, country[e])].append(e)
        if (in_region := region[e]) is not None:
            members[(REGION, in_region)].append(e)
        if (in_district := district[e]) is not None and in_district in sources.districts:
            members[(DISTRICT, in_district)].append(e)
    town_lat, town_lon = np.asarray(lat), np.asarray(lon)

    def add_area(kind: int, code: str, name: str, geoname_id: int, population: int | None) -> int:
        inside = members[(kind, code)]
        biggest = max(inside, key=lambda m: (pop[m], -m))
        zones: Counter[str] = Counter()
        for m in inside:
            zones[tz[m]] += max(pop[m], 1)
        ranked = _ranked_zones(zones)
        far = great_circle_km_from(lat[biggest], lon[biggest], town_lat[inside], town_lon[inside])
        t.names.append(name)
        t.kind.append(kind)
        country.append(country[biggest])
        region.append(region[biggest] if kind in (REGION, DISTRICT) else None)
        district.append(code if kind == DISTRICT else None)
        tz.append(ranked[0])
        pop.append(population if population is not None else sum(pop[m] for m in inside))
        lat.append(lat[biggest])
        lon.append(lon[biggest])
        gid.append(geoname_id)
        extent.append(float(far.max()))
        if kind == REGION:
            t.tz_by_region[code] = ranked
        elif kind == COUNTRY:
            t.tz_by_country[code] = ranked
        return len(t.names) - 1

    for code in sorted(c for k, c in members if k == DISTRICT):
        d = sources.districts[code]
        t.district_names[code] = d.name
        t.district_aliases[code] = list(d.aliases)
        t.district_entity[code] = add_area(DISTRICT, code, d.name, d.geoname_id, None)
    for code in sorted(c for k, c in members if k == REGION):
        name, geoname_id, iso, aliases = sources.admin1[code]
        t.region_names[code] = name
        t.region_extra[code] = (iso, aliases)
        t.region_entity[code] = add_area(REGION, code, name, geoname_id, None)
    for cc in sorted(c for k, c in members if k == COUNTRY):
        meta = sources.countries.get(cc)
        name = meta["name"].strip() if meta else cc
        t.country_names[cc] = name
        if meta:
            t.country_iso3[cc] = meta["iso3"]
        population = int(meta["population"]) if meta and meta.get("population") else None
        t.country_entity[cc] = add_area(COUNTRY, cc, name, int(meta["geonameid"]) if meta else 0, population)
    # A town whose district is unknown to the district table keeps no district.
    vocab: list[str | None] = [None]
    t.country = StrColumn.of(country, vocab)
    t.region = StrColumn.of(region, vocab)
    t.district = StrColumn.of([d if d in t.district_entity else None for d in district], vocab)
    t.tz = StrColumn.of(tz, vocab)
    t.pop = np.asarray(pop, dtype=np.int64)
    t.lat, t.lon = np.asarray(lat, dtype=np.float64), np.asarray(lon, dtype=np.float64)
    t.extent = np.asarray(extent, dtype=np.float64)
    t.gid = np.asarray(gid, dtype=np.int64)
    return t
