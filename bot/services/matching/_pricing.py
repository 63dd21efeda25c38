"""Pricing for column generation: find full-graph pairs with negative reduced cost.

Given mentor prices ``lam`` (duals) and each seeker's current dual value ``u_i`` (what
the seeker "pays" now: its pair cost plus the mentor's price, or its unmatched cost), a
pair (i, j) outside the candidate graph would improve the solution iff
c_ij + lam_j < u_i. Because every pair costs at least its distance, only mentors within
(u_i - lam_j) / 10 km can qualify. The same pass yields the Lagrangian lower bound

    LB(lam) = sum_i min(unmatched_i, min_j c_ij + lam_j) - sum_j cap_j * lam_j

on the full-graph optimum (valid for any lam >= 0), with the inner minimum
under-estimated wherever the search was cut short.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from ._cost import FloatArray, IntArray, Problem, chord_units, km_to_chord_array, pair_units
from ._flow import Edges
from ._model import COST_UNITS_PER_KM, SparseOptions

_SLACK_KM = 1.0  # float safety margin of the reach test
_ROWS = 1024  # seekers per spatial block


class Columns:
    """For every seeker, the ``k`` most negative reduced-cost pairs offered so far."""

    def __init__(self, n: int, k: int) -> None:
        self.rc = np.zeros((n, k), dtype=np.int64)  # 0 = empty slot (only rc < 0 is kept)
        self.mj = np.full((n, k), -1, dtype=np.int64)
        self.cost = np.zeros((n, k), dtype=np.int64)

    def worst(self, rows: IntArray) -> IntArray:
        """Reduced cost a new pair must beat to be kept, per row."""
        return np.asarray(self.rc[rows].max(axis=1), dtype=np.int64)

    def offer(self, si: IntArray, mj: IntArray, cost: IntArray, rc: IntArray) -> None:
        neg = rc < 0
        if not np.any(neg):
            return
        si, mj, cost, rc = si[neg], mj[neg], cost[neg], rc[neg]
        order = np.argsort(si, kind="stable")
        si, mj, cost, rc = si[order], mj[order], cost[order], rc[order]
        rows, first, counts = np.unique(si, return_index=True, return_counts=True)
        k = self.rc.shape[1]
        width = k + int(counts.max())
        slot = k + np.arange(si.size) - np.repeat(first, counts)
        group = np.repeat(np.arange(rows.size), counts)
        all_rc = np.zeros((rows.size, width), dtype=np.int64)
        all_mj = np.full((rows.size, width), -1, dtype=np.int64)
        all_cost = np.zeros((rows.size, width), dtype=np.int64)
        all_rc[:, :k], all_mj[:, :k], all_cost[:, :k] = self.rc[rows], self.mj[rows], self.cost[rows]
        all_rc[group, slot], all_mj[group, slot], all_cost[group, slot] = rc, mj, cost
        pick = np.argpartition(all_rc, k - 1, axis=1)[:, :k]
        self.rc[rows] = np.take_along_axis(all_rc, pick, axis=1)
        self.mj[rows] = np.take_along_axis(all_mj, pick, axis=1)
        self.cost[rows] = np.take_along_axis(all_cost, pick, axis=1)

    def edges(self) -> Edges:
        si, slot = np.nonzero(self.rc < 0)
        return Edges(si.astype(np.int64), self.mj[si, slot], self.cost[si, slot])


def _reach(
    xyz: FloatArray, rows: IntArray, m_xyz: FloatArray, cols: IntArray, radius: FloatArray, cap: int
) -> tuple[IntArray, IntArray, IntArray, FloatArray]:
    """(seeker, mentor) pairs closer than the seeker's chord ``radius``, at most ``cap``
    per seeker (the nearest). Also the seekers that hit the cap and, for each, the chord
    of the nearest mentor left out."""
    pts = xyz[rows]
    centre = pts.mean(axis=0)
    norm = float(np.linalg.norm(centre))
    if norm > 1e-9:  # prune mentors farther than block radius + largest reach
        centre /= norm
        spread = float(np.sqrt(max(0.0, 2.0 - 2.0 * float((pts @ centre).min()))))
        reach = spread + float(radius.max()) + 1e-9
        if reach < 2.0:
            cols = cols[m_xyz[cols] @ centre >= 1.0 - reach * reach / 2.0]
    empty = np.zeros(0, np.int64)
    if cols.size == 0:
        return empty, empty, empty, np.zeros(0)
    dots = pts @ m_xyz[cols].T
    hit = dots >= (1.0 - radius * radius / 2.0)[:, None]
    heavy = np.flatnonzero(hit.sum(axis=1) > cap)
    left = np.zeros(0)
    if heavy.size:
        part = np.argpartition(-dots[heavy], cap, axis=1)
        left = np.take_along_axis(dots[heavy], part[:, cap : cap + 1], axis=1)[:, 0]
        hit[heavy] = False
        hit[heavy[:, None], part[:, :cap]] = True
    ii, jj = np.nonzero(hit)
    return rows[ii], cols[jj], rows[heavy], np.sqrt(np.maximum(0.0, 2.0 - 2.0 * left))


def _reach_tree(
    xyz: FloatArray, rows: IntArray, m_xyz: FloatArray, cols: IntArray, radius: FloatArray, cap: int
) -> tuple[IntArray, IntArray, IntArray, FloatArray]:
    """``_reach`` for one large group of mentors: a KD-tree query of the cap + 1 nearest."""
    k = min(cap + 1, cols.size)
    chord, idx = cKDTree(m_xyz[cols]).query(xyz[rows], k=k, workers=-1)
    chord = np.asarray(chord).reshape(rows.size, k)
    idx = np.asarray(idx).reshape(rows.size, k)
    within = chord <= radius[:, None]
    heavy = np.flatnonzero(within[:, -1]) if k == cap + 1 else np.zeros(0, np.int64)
    within[heavy, -1] = False
    ii, kk = np.nonzero(within)
    return rows[ii], cols[idx[ii, kk]], rows[heavy], chord[heavy, -1]


def _groups(order: IntArray, lam: IntArray, n_groups: int) -> list[IntArray]:
    """Split mentors sorted by price into about ``n_groups`` equal parts, never
    separating equal prices (so a seeker never sees the same price floor twice)."""
    prices = lam[order]
    cuts = np.unique(
        np.searchsorted(prices, prices[np.linspace(0, order.size, n_groups + 1)[1:-1].astype(int)])
    )
    return [g for g in np.split(order, cuts) if g.size]


def price(
    p: Problem,
    lam: IntArray,
    u: IntArray,
    seekers_in_space_order: IntArray,
    dense_best: tuple[Edges, IntArray, IntArray],
    opt: SparseOptions,
    *,
    deep: bool,
) -> tuple[Edges, int, bool]:
    """Negative-reduced-cost pairs (at most ``opt.add_k`` per seeker, most negative first),
    the Lagrangian lower bound at ``lam``, and whether the search was exhaustive.

    Mentors are grouped by price, cheapest group first. Within a group, the group's
    lowest price gives each seeker one reach radius; "chord below r" is "dot product of
    unit vectors above 1 - r^2 / 2", so the test is a small matrix product per block of
    nearby seekers (blocks follow a KD-tree leaf order, and mentors out of a block's
    reach are skipped). At most ``probe_k`` reachable mentors per seeker and group (the
    nearest) are priced exactly; if more were reachable, the bound uses the distance of
    the nearest one left out. Unless ``deep``, a seeker skips a group outright once it
    holds ``add_k`` pairs more negative than anything the group could offer (the bound
    then only uses the group's lowest price). Either shortcut makes the pass
    non-exhaustive.
    """
    probe_k = opt.deep_probe_k if deep else opt.probe_k
    lb_i = np.minimum(u, p.unmatched)
    exhaustive = True
    cols = Columns(u.size, opt.add_k)
    d_edges, d_rows, d_mins = dense_best
    if d_rows.size:
        np.minimum.at(lb_i, d_rows, d_mins)
        keep = d_edges.cost < p.unmatched[d_edges.si]
        rc = d_edges.cost + lam[d_edges.mj] - u[d_edges.si]
        cols.offer(d_edges.si[keep], d_edges.mj[keep], d_edges.cost[keep], rc[keep])
    s_rows = seekers_in_space_order
    m_rows = np.flatnonzero(p.mentors.located)
    order = m_rows[np.argsort(lam[m_rows], kind="stable")]
    groups = _groups(order, lam, opt.n_groups) if s_rows.size and order.size else []
    for group in groups:
        lam_min = int(lam[group[0]])
        need = s_rows[u[s_rows] > lam_min]
        if not deep:
            settled = cols.worst(need) <= lam_min - u[need]
            if np.any(settled):
                exhaustive = False
                np.minimum.at(lb_i, need[settled], lam_min)
                need = need[~settled]
        if need.size == 0:
            continue
        km = (u[need] - lam_min + 1.0) / COST_UNITS_PER_KM + _SLACK_KM
        radius = km_to_chord_array(km)
        found_i, found_j = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
        by_tree = group.size >= opt.tree_group_min
        step = need.size if by_tree else _ROWS
        reach = _reach_tree if by_tree else _reach
        for lo in range(0, need.size, step):
            a, b, heavy, left = reach(
                p.seekers.xyz, need[lo : lo + step], p.mentors.xyz, group, radius[lo : lo + step], probe_k
            )
            found_i.append(a)
            found_j.append(b)
            if heavy.size:
                exhaustive = False
                np.minimum.at(lb_i, heavy, chord_units(left) + lam_min)
        a, b = np.concatenate(found_i), np.concatenate(found_j)
        units, allowed = pair_units(p, a, b)
        a, b, units = a[allowed], b[allowed], units[allowed]
        total = units + lam[b]
        np.minimum.at(lb_i, a, total)
        useful = units < p.unmatched[a]
        cols.offer(a[useful], b[useful], units[useful], total[useful] - u[a[useful]])
    lower = int(lb_i.sum() - (p.caps * lam).sum())
    return cols.edges(), lower, exhaustive
