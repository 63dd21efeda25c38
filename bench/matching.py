"""Benchmark of the matching engine on a synthetic, world-like population.

    .venv/bin/python bench/matching.py                 # 1k, 10k and 100k (about 2-3 min)
    .venv/bin/python bench/matching.py --sizes 1000 10000

Members ("seekers") are spread around real population centres with weight sqrt(pop)
(isolated people, spread out), organizers with weight pop (in bigger places), organizers
= members / 10 with spare capacity uniform in 1..5 (a shortage: about 0.3 slots per
member). 1 % of members and 0.5 % of organizers have no known location; 5 % of members
have excluded one or two organizers; 5 % of organizers mentored two of them before.
Waiting times are uniform in 0..60 days. Memory is peak RSS growth during the call, sampled
every 5 ms (OR-Tools allocates outside Python, so tracemalloc would not see it).
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TypeVar

import numpy as np
from scipy.spatial import cKDTree

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.services.geo import chord_to_km, unit_vectors
from bot.services.matching import (
    COST_UNITS_PER_KM,
    DEFAULT_EXACT_EDGE_LIMIT,
    BatchResult,
    CostWeights,
    Mentor,
    MentorIndex,
    Seeker,
    SparseOptions,
    batch_match,
    instant_match,
    unmatched_cost,
)

T = TypeVar("T")

# name, lat, lon, UTC offset, main language, population (millions, metro, rounded)
CENTRES: list[tuple[str, float, float, float, str, float]] = [
    ("Tokyo", 35.7, 139.7, 9, "ja", 37),
    ("Delhi", 28.6, 77.2, 5.5, "hi", 32),
    ("Shanghai", 31.2, 121.5, 8, "zh", 28),
    ("Sao Paulo", -23.5, -46.6, -3, "pt", 22),
    ("Mexico City", 19.4, -99.1, -6, "es", 22),
    ("Cairo", 30.0, 31.2, 2, "ar", 21),
    ("Mumbai", 19.1, 72.9, 5.5, "hi", 21),
    ("Beijing", 39.9, 116.4, 8, "zh", 21),
    ("Dhaka", 23.8, 90.4, 6, "bn", 22),
    ("Osaka", 34.7, 135.5, 9, "ja", 19),
    ("New York", 40.7, -74.0, -5, "en", 19),
    ("Karachi", 24.9, 67.0, 5, "ur", 17),
    ("Buenos Aires", -34.6, -58.4, -3, "es", 15),
    ("Istanbul", 41.0, 29.0, 3, "tr", 15),
    ("Kolkata", 22.6, 88.4, 5.5, "bn", 15),
    ("Lagos", 6.5, 3.4, 1, "en", 15),
    ("Manila", 14.6, 121.0, 8, "tl", 14),
    ("Rio de Janeiro", -22.9, -43.2, -3, "pt", 13),
    ("Los Angeles", 34.1, -118.2, -8, "en", 12),
    ("Moscow", 55.8, 37.6, 3, "ru", 12),
    ("Kinshasa", -4.3, 15.3, 1, "fr", 15),
    ("Paris", 48.9, 2.4, 1, "fr", 11),
    ("Jakarta", -6.2, 106.8, 7, "id", 11),
    ("Lima", -12.0, -77.0, -5, "es", 11),
    ("Bangkok", 13.8, 100.5, 7, "th", 11),
    ("Seoul", 37.6, 127.0, 9, "ko", 10),
    ("London", 51.5, -0.1, 0, "en", 9.5),
    ("Tehran", 35.7, 51.4, 3.5, "fa", 9.5),
    ("Chicago", 41.9, -87.6, -6, "en", 8.9),
    ("Bogota", 4.7, -74.1, -5, "es", 11),
    ("Johannesburg", -26.2, 28.0, 2, "en", 6),
    ("Nairobi", -1.3, 36.8, 3, "sw", 5),
    ("Madrid", 40.4, -3.7, 1, "es", 6.7),
    ("Toronto", 43.7, -79.4, -5, "en", 6.3),
    ("Berlin", 52.5, 13.4, 1, "de", 3.6),
    ("Sydney", -33.9, 151.2, 10, "en", 5.3),
    ("Melbourne", -37.8, 145.0, 10, "en", 5.1),
    ("Santiago", -33.4, -70.7, -4, "es", 6.9),
    ("Warsaw", 52.2, 21.0, 1, "pl", 1.8),
    ("Rome", 41.9, 12.5, 1, "it", 4.3),
    ("Athens", 38.0, 23.7, 2, "el", 3.2),
    ("Stockholm", 59.3, 18.1, 1, "sv", 1.7),
    ("Dakar", 14.7, -17.4, 0, "fr", 3.3),
    ("Accra", 5.6, -0.2, 0, "en", 2.6),
    ("Addis Ababa", 9.0, 38.7, 3, "am", 5.2),
    ("Anchorage", 61.2, -149.9, -9, "en", 0.3),
    ("Honolulu", 21.3, -157.9, -10, "en", 1.0),
    ("Auckland", -36.8, 174.8, 12, "en", 1.7),
    ("Reykjavik", 64.1, -21.9, 0, "is", 0.2),
    ("Ulaanbaatar", 47.9, 106.9, 8, "mn", 1.6),
    ("Denver", 39.7, -105.0, -7, "en", 2.9),
    ("Vancouver", 49.3, -123.1, -8, "en", 2.6),
    ("Montreal", 45.5, -73.6, -5, "fr", 4.3),
    ("Perth", -31.9, 115.9, 8, "en", 2.1),
    ("Cape Town", -33.9, 18.4, 2, "en", 4.8),
]
PATHS = ["run_for_office", "solidarity_network", "discussion_group", "coalitions", "community_life", "remote"]


def world(n_seekers: int, seed: int) -> tuple[list[Seeker], list[Mentor]]:
    rng = np.random.default_rng(seed)
    pop = np.array([c[5] for c in CENTRES])
    n_mentors = max(1, n_seekers // 10)

    def place(n: int, weight: np.ndarray, spread_deg: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        centre = rng.choice(len(CENTRES), size=n, p=weight / weight.sum())
        lat = np.clip(np.array([CENTRES[c][1] for c in centre]) + rng.normal(0, spread_deg, n), -89.0, 89.0)
        lon = (
            np.array([CENTRES[c][2] for c in centre]) + rng.normal(0, spread_deg * 1.5, n) + 180.0
        ) % 360.0 - 180.0
        return centre, lat, lon

    m_centre, m_lat, m_lon = place(n_mentors, pop, 1.5)
    unlocated = rng.random(n_mentors) < 0.005
    mentors = [
        Mentor(
            member_id=1_000_000 + j,
            latitude=None if unlocated[j] else float(m_lat[j]),
            longitude=None if unlocated[j] else float(m_lon[j]),
            utc_offset_hours=CENTRES[m_centre[j]][3],
            languages=frozenset({CENTRES[m_centre[j]][4], *(["en"] if rng.random() < 0.8 else [])}),
            paths=frozenset(rng.choice(PATHS, size=int(rng.integers(2, 5)), replace=False).tolist()),
            spare_capacity=int(rng.integers(1, 6)),
            previous_mentee_ids=frozenset(
                int(x) for x in rng.integers(0, n_seekers, size=2 if rng.random() < 0.05 else 0)
            ),
        )
        for j in range(n_mentors)
    ]
    s_centre, s_lat, s_lon = place(n_seekers, np.sqrt(pop), 4.0)
    seekers = []
    for i in range(n_seekers):
        located = rng.random() >= 0.01
        excluded = (
            frozenset(int(x) for x in 1_000_000 + rng.integers(0, n_mentors, size=int(rng.integers(1, 3))))
            if rng.random() < 0.05
            else frozenset()
        )
        seekers.append(
            Seeker(
                member_id=i,
                latitude=float(s_lat[i]) if located else None,
                longitude=float(s_lon[i]) if located else None,
                utc_offset_hours=CENTRES[s_centre[i]][3],
                languages=frozenset({CENTRES[s_centre[i]][4], *(["en"] if rng.random() < 0.5 else [])}),
                paths=frozenset(rng.choice(PATHS, size=int(rng.integers(1, 3)), replace=False).tolist()),
                waiting_days=float(rng.uniform(0, 60)),
                excluded_organizer_ids=excluded,
            )
        )
    return seekers, mentors


def _rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def measured(fn: Callable[[], T]) -> tuple[T, float, float]:
    """(result, seconds, peak RSS growth in MiB)."""
    base = _rss_mib()
    peak = [base]
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.005):
            peak[0] = max(peak[0], _rss_mib())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    t0 = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - t0
    stop.set()
    sampler.join()
    return result, seconds, max(peak[0], _rss_mib()) - base


@dataclass
class Row:
    size: str
    result: BatchResult
    seconds: float
    mib: float
    slots: int
    exact_cost: int | None
    naive_bound: int


def naive_bound(seekers: list[Seeker], mentors: list[Mentor], weights: CostWeights) -> int:
    """sum_i min(unmatched_i, cost floor of the nearest usable mentor): valid but blind to
    capacity (the bound the brief suggests as a baseline)."""
    usable = [m for m in mentors if m.spare_capacity > 0]
    located = [
        (m.latitude, m.longitude) for m in usable if m.latitude is not None and m.longitude is not None
    ]
    unknown = int(weights.unknown_location_km * COST_UNITS_PER_KM)
    far = unknown if len(located) < len(usable) else 1 << 62
    floors = np.full(len(seekers), unknown, dtype=np.int64)
    points = {i: (s.latitude, s.longitude) for i, s in enumerate(seekers) if s.latitude is not None}
    rows = list(points)
    if located and rows:
        chord, _ = cKDTree(unit_vectors(located)).query(
            unit_vectors((lat, lon or 0.0) for lat, lon in points.values()), workers=-1
        )
        km = np.asarray(chord_to_km(np.asarray(chord)))
        floors[rows] = np.minimum(np.floor(km * COST_UNITS_PER_KM).astype(np.int64) - 1, far)
    return sum(min(unmatched_cost(s, weights), int(f)) for s, f in zip(seekers, floors, strict=True))


LEGEND = """\
gap       = (total cost - lower bound) / lower bound; the bound is the solver's Lagrangian bound
            (exact path: the optimum itself). total cost includes the unmatched members' costs.
gap/pair  = (total cost - lower bound) / pair cost: the same excess measured against the part of
            the cost that pairing decisions move (stricter; the total is dominated by waiting costs).
naive gap = total cost / (sum over members of min(unmatched cost, nearest-mentor distance)) - 1.
vs exact  = total cost / optimum of the full graph - 1 (where the full graph was solved)."""


def print_rows(rows: list[Row]) -> None:
    head = (
        f"{'members x orgs':>16} {'method':>6} {'rounds':>6} {'arcs':>10} {'time s':>7} {'RSS MiB':>7} "
        f"{'matched/slots':>14} {'total cost':>15} {'pair cost':>12} {'lower bound':>15} "
        f"{'gap':>8} {'gap/pair':>8} {'naive gap':>9} {'vs exact':>9} {'cert':>4}"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        st, res = r.result.stats, r.result
        gap_pair = (res.total_cost - st.lower_bound) / max(1, res.pair_cost)
        vs = f"{(res.total_cost / r.exact_cost - 1) * 100:+.3f}%" if r.exact_cost else "-"
        print(
            f"{r.size:>16} {st.method:>6} {st.rounds:>6} {st.n_edges:>10,} {r.seconds:>7.2f} {r.mib:>7.0f} "
            f"{f'{len(res.proposals):,}/{r.slots:,}':>14} {res.total_cost:>15,} {res.pair_cost:>12,} "
            f"{st.lower_bound:>15,} {st.gap * 100:>7.3f}% {gap_pair * 100:>7.2f}% "
            f"{(res.total_cost / r.naive_bound - 1) * 100:>8.1f}% {vs:>9} "
            f"{'yes' if st.certified_optimal else 'no':>4}"
        )


def bench_instant(mentors: list[Mentor], seekers: list[Seeker], n: int) -> None:
    index, build_s, _ = measured(partial(MentorIndex.build, mentors))
    times = []
    found = 0
    for s in seekers[:n]:
        t0 = time.perf_counter()
        found += instant_match(s, index) is not None
        times.append(time.perf_counter() - t0)
    ms = np.array(times) * 1000
    print(
        f"instant_match: {len(mentors):,} mentors (index build {build_s * 1000:.0f} ms), "
        f"{ms.size:,} members in "
        f"a row (capacity reserved each time): mean {ms.mean():.3f} ms, p50 {np.percentile(ms, 50):.3f} ms, "
        f"p99 {np.percentile(ms, 99):.3f} ms, max {ms.max():.3f} ms; {found:,} proposals"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000], help="waiting members"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--instant", type=int, default=1000, help="instant matches to time at 10k mentors (0: skip)"
    )
    parser.add_argument(
        "--max-rounds", type=int, default=SparseOptions().max_rounds, help="sparse path solves"
    )
    parser.add_argument(
        "--no-sparse-compare", action="store_true", help="skip the sparse path where exact runs"
    )
    args = parser.parse_args()
    weights = CostWeights()
    sparse = SparseOptions(max_rounds=args.max_rounds)
    print(
        f"weights: {weights}\nsparse: {sparse}\n"
        f"exact while members x organizers <= {DEFAULT_EXACT_EDGE_LIMIT:,}\n"
    )
    rows: list[Row] = []
    for n in args.sizes:
        started = time.perf_counter()
        seekers, mentors = world(n, args.seed)
        made = time.perf_counter() - started
        slots = sum(m.spare_capacity for m in mentors)
        label = f"{n:,} x {len(mentors):,}"
        bound = naive_bound(seekers, mentors, weights)
        print(f"{label}: world generated in {made:.1f} s", flush=True)
        exact_cost = None
        size_rows = []
        if n * len(mentors) <= DEFAULT_EXACT_EDGE_LIMIT:
            res, sec, mib = measured(partial(batch_match, seekers, mentors, weights))
            exact_cost = res.total_cost
            size_rows.append(Row(label, res, sec, mib, slots, exact_cost, bound))
        if exact_cost is None or not args.no_sparse_compare:
            run = partial(batch_match, seekers, mentors, weights, exact_edge_limit=0, sparse=sparse)
            res, sec, mib = measured(run)
            size_rows.append(Row(label, res, sec, mib, slots, exact_cost, bound))
        print_rows(size_rows)
        print(flush=True)
        rows += size_rows
    if args.instant:
        seekers, mentors = world(100_000, args.seed + 1)
        bench_instant(mentors, seekers, args.instant)
    print("\nsummary")
    print_rows(rows)
    print(LEGEND)


if __name__ == "__main__":
    main()
