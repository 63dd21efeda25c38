"""Benchmark of the offline gazetteer: start-up time, memory and resolve() latency.

    .venv/bin/python bench/locale_resolution.py                 # cities15000 (the default)
    .venv/bin/python bench/locale_resolution.py --min-population 5000
    .venv/bin/python bench/locale_resolution.py --tracemalloc   # adds Python-heap peak (slower)

The workload (1,000 inputs by default) is generated deterministically from the gazetteer
itself (population-weighted cities: exact names, stripped accents, one-edit typos, "City,
Region" and "City Country" forms, regions and countries) plus hand-written answers and
garbage. Targets: index built in under 1 s, p99 under 5 ms.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
import tracemalloc
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.services.gazetteer import Gazetteer, Place

HAND_WRITTEN = [
    "Zürich", "zurich", "São Paulo", "Sao Paulo", "Montréal", "Pittsburg", "Barcelonna", "Sao Paolo",
    "NYC", "LA", "SF", "St. Louis", "Saint Louis", "Frankfurt am Main", "Portland, OR", "Portland, Maine",
    "Toronto, ON", "Springfield, IL", "Leeds UK", "Paris, France", "Paris, Texas", "London, Canada",
    "Springfield", "Cambridge", "Portland", "Paris", "London", "Germany", "DE", "United Kingdom", "UK",
    "USA", "Bavaria", "California", "Ontario", "Munich, BY", "Sydney NSW", "Kansas City MO", "Москва",
]  # fmt: skip
GARBAGE = [
    "", "   ", "🙂🙂🙂", "x" * 2000, "@everyone", "<@123456789012345678>", "https://example.com",
    "12345", "asdfghjkl", "qwertyuiop", "lorem ipsum dolor sit amet", "I live nowhere", "?!?!",
    "a" * 150, "Paris " * 40, "zzzzzz, qqqqqq", "idk", "none of your business",
]  # fmt: skip
ALPHABET = "abcdefghijklmnopqrstuvwxyz"


def rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20


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


def workload(gaz: Gazetteer, size: int, seed: int) -> list[tuple[str, str, Place | None]]:
    """(category, text, the place it was made from) tuples."""
    rng = random.Random(seed)
    cities = list(gaz.places("city"))
    weights = [max(p.population, 1) ** 0.5 for p in cities]
    areas = [p for p in gaz.places() if p.precision != "city"]
    area_weights = [max(p.population, 1) ** 0.5 for p in areas]
    n = {k: int(size * share) for k, share in
         {"exact": 0.25, "accents": 0.15, "typo": 0.20, "qualified": 0.15, "area": 0.10}.items()}  # fmt: skip
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
    for p in rng.choices(areas, area_weights, k=n["area"]):
        code = p.precision == "country" and rng.random() < 0.3
        items.append(("area", p.country_code if code else p.name, p))
    rest = size - len(items)
    hand = [("hand", text, None) for text in HAND_WRITTEN]
    junk = [("garbage", text, None) for text in GARBAGE]
    while len(junk) < rest - len(hand):
        word = "".join(rng.choice(ALPHABET) for _ in range(rng.randrange(4, 14)))
        junk.append(("garbage", word, None))
    items += hand + junk[: rest - len(hand)]
    rng.shuffle(items)
    return items


def percentile(sorted_ms: list[float], q: float) -> float:
    return sorted_ms[min(len(sorted_ms) - 1, int(q * len(sorted_ms)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--min-population", type=int, default=15000, choices=(15000, 5000, 1000, 500))
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20260601)
    parser.add_argument("--tracemalloc", action="store_true", help="also report the Python heap peak")
    args = parser.parse_args()

    gc.collect()
    rss0 = rss_mib()
    if args.tracemalloc:
        tracemalloc.start()
    started, started_cpu = time.perf_counter(), time.process_time()
    gaz = Gazetteer.load(args.min_population)
    build_s = time.perf_counter() - started
    build_cpu_s = time.process_time() - started_cpu
    peak = tracemalloc.get_traced_memory()[1] / 2**20 if args.tracemalloc else None
    tracemalloc.stop()
    gc.collect()
    rss1 = rss_mib()
    print(f"dataset          cities{args.min_population}  ({len(gaz):,} places, {gaz.data_version})")
    print(
        f"index build      {build_s * 1000:.0f} ms wall, {build_cpu_s * 1000:.0f} ms CPU   (target < 1000 ms)"
    )
    print(
        f"memory           RSS +{rss1 - rss0:.0f} MiB after build"
        + (f", tracemalloc peak {peak:.0f} MiB" if peak else "")
    )

    items = workload(gaz, args.size, args.seed)
    for _, text, _ in items[:20]:  # warm-up
        gaz.resolve(text)
    latencies: list[float] = []
    by_category: dict[str, list[float]] = defaultdict(list)
    kinds: Counter[str] = Counter()
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    for category, text, source in items:
        t0 = time.perf_counter()
        res = gaz.resolve(text)
        ms = (time.perf_counter() - t0) * 1000
        latencies.append(ms)
        by_category[category].append(ms)
        kinds[res.kind] += 1
        if source is not None:
            totals[category] += 1
            best = res.best
            if best is not None and (best.name, best.country_code) == (source.name, source.country_code):
                hits[category] += 1
    latencies.sort()
    print(
        f"latency (n={len(latencies)})  p50 {percentile(latencies, 0.50):.3f} ms   "
        f"p90 {percentile(latencies, 0.90):.3f} ms   p99 {percentile(latencies, 0.99):.3f} ms   "
        f"max {latencies[-1]:.3f} ms   mean {statistics.fmean(latencies):.3f} ms   (target p99 < 5 ms)"
    )
    for category, values in sorted(by_category.items()):
        values.sort()
        share = f"   top-1 {hits[category] / totals[category]:.0%}" if totals[category] else ""
        print(
            f"  {category:<10} n={len(values):<4} p50 {percentile(values, 0.5):.3f}  "
            f"p99 {percentile(values, 0.99):.3f}  max {values[-1]:.3f} ms{share}"
        )
    print("kinds            " + ", ".join(f"{k} {v}" for k, v in kinds.most_common()))
    ok = build_s < 1.0 and percentile(latencies, 0.99) < 5.0
    print("targets          " + ("met" if ok else "NOT met"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
