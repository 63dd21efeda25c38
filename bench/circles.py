"""Benchmark of local-circle clustering on a synthetic worldwide membership.

    .venv/bin/python bench/circles.py                          # 100,000 members, radius 50 km
    .venv/bin/python bench/circles.py --members 10000 200000 --radius 25 --min-size 3

Members live in the gazetteer's real towns (GeoNames cities with 15,000+ people), drawn
with weight population (dense: big cities get thousands of members, the hard case for the
KD-tree) or sqrt(population) (spread out, many towns with one member), each moved up to
about 10 km from the town's centre. A tenth of the members are assigned first to 200 existing
circles (the nearest-circle step), then the rest are clustered. Time is wall-clock for
clustering alone (the gazetteer is loaded before); memory is the peak RSS growth during the
call, sampled every 5 ms (scipy's KD-tree allocates outside Python) as bench/matching.py
does, each run in a fresh forked process; a second, untimed pass reports tracemalloc's peak
(numpy's arrays and Python objects, not the KD-tree's own nodes).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import sys
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from matching import measured  # the RSS-sampling timer of the matching benchmark

from bot.services.circles import Cluster, find_clusters, nearest_within
from bot.services.gazetteer import get_gazetteer
from bot.services.geo import unit_vectors

JITTER_DEGREES = 0.09  # about 10 km
EXISTING_CIRCLES = 200


def towns() -> tuple[np.ndarray, np.ndarray]:
    """(lat, lon) of every town the gazetteer knows, and its population."""
    places = list(get_gazetteer().places("city"))
    coords = np.array([(p.latitude, p.longitude) for p in places], dtype=np.float64)
    population = np.array([max(p.population, 1) for p in places], dtype=np.float64)
    return coords, population


def members(count: int, coords: np.ndarray, weight: np.ndarray, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    chosen = rng.choice(len(coords), size=count, p=weight / weight.sum())
    jitter = rng.uniform(-JITTER_DEGREES, JITTER_DEGREES, size=(count, 2))
    points = coords[chosen] + jitter
    points[:, 0] = np.clip(points[:, 0], -90, 90)
    points[:, 1] = (points[:, 1] + 180) % 360 - 180
    return unit_vectors(points)


def run(
    count: int, radius: float, min_size: int, weighting: str, coords: np.ndarray, pop: np.ndarray
) -> None:
    weight = pop if weighting == "population" else np.sqrt(pop)
    points = members(count, coords, weight, seed=count)
    rng = np.random.default_rng(1)
    circles = points[rng.choice(len(points), size=min(EXISTING_CIRCLES, len(points)), replace=False)]

    def cluster() -> tuple[np.ndarray, list[Cluster]]:
        nearest, _ = nearest_within(points, circles, radius)
        return nearest, find_clusters(points[nearest < 0], radius, min_size)

    (nearest, clusters), elapsed, memory = measured(cluster)
    tracemalloc.start()  # a second, untimed pass: the peak of what numpy and Python allocate
    cluster()
    traced = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    clustered = sum(len(c.members) for c in clusters)
    sizes = [len(c.members) for c in clusters]
    print(
        f"{count:>8,} members ({weighting:<10}) radius {radius:g} km, min {min_size}: "
        f"{elapsed:5.2f} s, peak RSS growth {memory:5.1f} MiB, traced peak {traced:5.1f} MiB | "
        f"{int((nearest >= 0).sum()):,} near an existing circle, {len(clusters):,} new circles "
        f"holding {clustered:,} members (largest {max(sizes, default=0):,}, median "
        f"{int(np.median(sizes)) if sizes else 0})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, nargs="+", default=[100_000])
    parser.add_argument("--radius", type=float, default=50.0)
    parser.add_argument("--min-size", type=int, default=3)
    args = parser.parse_args()
    coords, pop = towns()
    print(f"{len(coords):,} towns; CPUs: {len(os.sched_getaffinity(0))}")
    fork = multiprocessing.get_context("fork")  # each run in a fresh child: its own RSS growth
    for count in args.members:
        for weighting in ("population", "sqrt"):
            child = fork.Process(target=run, args=(count, args.radius, args.min_size, weighting, coords, pop))
            child.start()
            child.join()
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"largest peak RSS of a run (the gazetteer's towns included): {rss:.0f} MiB")


if __name__ == "__main__":
    main()
