"""Finding local circles among points on the globe, with a KD-tree on 3-D unit vectors.

A circle is a set of members who all live within the radius of one centre (a member's own
place), so no circle stretches further than that, however the members are spread: a
clustering, not fixed city borders, and no chaining along a road of towns. Greedy: the
point with the most others within the radius becomes a centre first and takes every free
point within the radius; then the next densest free point, and so on. Each taken point then
moves to the nearest centre, so where two circles overlap a member belongs to the nearest
one; a circle that falls under the minimum size that way is dropped (its members wait).

Everything here is plain numpy / scipy, so it runs off the event loop (`asyncio.to_thread`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

from bot.services.geo import chord_to_km, km_to_chord

Points = npt.NDArray[np.float64]  # (n, 3) unit vectors, see bot.services.geo.unit_vectors
Indices = npt.NDArray[np.intp]


@dataclass(frozen=True, slots=True)
class Cluster:
    """One circle to propose: the index of its centre point and of its members, nearest first."""

    centre: int
    members: Indices


def nearest_within(
    points: Points, centres: Points, radius_km: float
) -> tuple[Indices, npt.NDArray[np.float64]]:
    """For each point, the index of the nearest centre within `radius_km` (-1 when none) and
    the distance to it in km (inf when none)."""
    count = len(points)
    if count == 0 or len(centres) == 0:
        return np.full(count, -1, dtype=np.intp), np.full(count, np.inf)
    chord, index = cKDTree(centres).query(points, k=1, distance_upper_bound=km_to_chord(radius_km))
    found = np.isfinite(chord)
    km = np.full(count, np.inf)
    km[found] = chord_to_km(chord[found])
    return np.where(found, index, -1).astype(np.intp), km


def _greedy(tree: cKDTree, points: Points, chord: float, min_size: int) -> list[tuple[int, Indices]]:
    counts = np.asarray(tree.query_ball_point(points, chord, return_length=True), dtype=np.intp)
    order = np.argsort(-counts, kind="stable")  # densest first; ties in input order
    taken = np.zeros(len(points), dtype=bool)
    found: list[tuple[int, Indices]] = []
    for i in order:
        if counts[i] < min_size:
            break  # sorted: nobody after this has enough neighbours
        if taken[i]:
            continue
        ball = np.asarray(tree.query_ball_point(points[i], chord), dtype=np.intp)
        free = ball[~taken[ball]]
        if len(free) >= min_size:
            taken[free] = True
            found.append((int(i), free))
    return found


def find_clusters(points: Points, radius_km: float, min_size: int) -> list[Cluster]:
    """Disjoint circles of at least `min_size` points, each within `radius_km` of its centre."""
    if len(points) < min_size:
        return []
    chord = km_to_chord(radius_km)
    greedy = _greedy(cKDTree(points), points, chord, min_size)
    if not greedy:
        return []
    centres = np.array([centre for centre, _ in greedy], dtype=np.intp)
    members = np.concatenate([free for _, free in greedy])
    # Every member is within the radius of its own centre, so the nearest centre is too.
    _, nearest = cKDTree(points[centres]).query(points[members], k=1)
    clusters = []
    for label, centre in enumerate(centres):
        mine = members[nearest == label]
        if len(mine) < min_size:
            continue
        distance = np.linalg.norm(points[mine] - points[centre], axis=1)
        clusters.append(Cluster(int(centre), mine[np.argsort(distance, kind="stable")]))
    return clusters
