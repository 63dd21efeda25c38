"""Sparse batch solving for graphs too large to build in full.

Column generation on the bipartite graph:

1. Start from k-nearest candidate edges (cKDTree on 3-D unit vectors): each seeker's
   ``k`` nearest mentors, plus each mentor's ``reverse_k`` nearest seekers (so that
   remote mentors are reachable), plus the ``k`` cheapest pairs involving a member or
   mentor without a known location.
2. Solve min-cost flow on the candidate graph, then derive mentor prices (duals) that
   prove the solution optimal on that graph (``_flow.mentor_prices``).
3. Pricing: look in the *full* graph for pairs whose reduced cost is negative (pairing
   them would beat the current solution at current prices). Mentors are grouped by
   price; in each group, a pair can only be negative if its distance is below the
   seeker's current dual value minus the group's lowest price, which bounds the
   KD-tree search. The most negative pairs are added and the flow is solved again.
   This is what keeps k-NN pruning from silently losing coverage: an unmatched member
   and a mentor with spare capacity anywhere form a negative pair, so they get an edge.
4. Every pricing pass also yields a Lagrangian lower bound on the full-graph optimum,
   sum_i min(unmatched_i, min_j c_ij + lam_j) - sum_j cap_j lam_j, with the inner min
   under-estimated for mentors the search did not reach. When no negative pair is left
   and the search was exhaustive, the bound equals the cost: the result is certified
   optimal.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from ._cost import FloatArray, IntArray, Problem, km_to_chord_array, pair_units
from ._flow import Edges, FlowSolution, mentor_prices, solve
from ._model import COST_UNITS_PER_KM

_CHUNK = 1 << 20
_SLACK_KM = 1.0  # float safety margin of the reach test


@dataclass(frozen=True, slots=True)
class SparseOutcome:
    solution: FlowSolution
    n_edges: int
    rounds: int
    lower_bound: int
    certified: bool


def chord_units(chord: np.ndarray) -> IntArray:
    """Lower bound, in cost units, of a pair cost whose points lie ``chord`` apart."""
    km = 2.0 * 6371.0088 * np.arcsin(np.clip(chord / 2.0, 0.0, 1.0))
    return np.asarray(np.floor(km * COST_UNITS_PER_KM) - 1, dtype=np.int64)


def evaluate(p: Problem, si: IntArray, mj: IntArray) -> Edges:
    """Exact costs of the given pairs, dropping forbidden ones and useless ones
    (a pair costing at least the seeker's unmatched cost is never better than waiting)."""
    parts: list[Edges] = []
    for lo in range(0, si.shape[0], _CHUNK):
        a, b = si[lo : lo + _CHUNK], mj[lo : lo + _CHUNK]
        units, allowed = pair_units(p, a, b)
        keep = allowed & (units < p.unmatched[a])
        parts.append(Edges(a[keep], b[keep], units[keep]))
    if len(parts) == 1:
        return parts[0]
    z = np.zeros(0, np.int64)
    return Edges(
        np.concatenate([z, *(e.si for e in parts)]),
        np.concatenate([z, *(e.mj for e in parts)]),
        np.concatenate([z, *(e.cost for e in parts)]),
    )


class DenseBlock:
    """Exact costs of every pair with an unlocated side (distance is a constant there,
    so no geometric search can prune them); kept as one matrix per kind."""

    def __init__(self, p: Problem) -> None:
        s_loc, m_loc = p.seekers.located, p.mentors.located
        all_m = np.arange(p.mentors.n)
        self.blocks: list[tuple[IntArray, IntArray, IntArray]] = []
        for rows, cols in (
            (np.flatnonzero(~s_loc), all_m),
            (np.flatnonzero(s_loc), np.flatnonzero(~m_loc)),
        ):
            if rows.size == 0 or cols.size == 0:
                continue
            mat = np.empty((rows.size, cols.size), dtype=np.int64)
            step = max(1, _CHUNK // cols.size)
            for lo in range(0, rows.size, step):
                r = rows[lo : lo + step]
                si = np.repeat(r, cols.size)
                mj = np.tile(cols, r.size)
                units, allowed = pair_units(p, si, mj)
                units[~allowed] = np.iinfo(np.int64).max // 4
                mat[lo : lo + r.size] = units.reshape(r.size, cols.size)
            self.blocks.append((rows, cols, mat))

    def best(self, lam: IntArray, k: int) -> tuple[Edges, IntArray, IntArray]:
        """Per row the ``k`` smallest c + lam pairs and, per row, min(c + lam)."""
        si_parts, mj_parts, c_parts, rows_out, mins = [], [], [], [], []
        for rows, cols, mat in self.blocks:
            kk = min(k, cols.size)
            rc = mat + lam[cols]
            top = (
                np.argpartition(rc, kk - 1, axis=1)[:, :kk]
                if kk < cols.size
                else np.tile(np.arange(cols.size), (rows.size, 1))
            )
            si_parts.append(np.repeat(rows, kk))
            mj_parts.append(cols[top].ravel())
            c_parts.append(np.take_along_axis(mat, top, axis=1).ravel())
            rows_out.append(rows)
            mins.append(rc.min(axis=1))
        if not self.blocks:
            z = np.zeros(0, np.int64)
            return Edges(z, z, z), z, z
        e = Edges(np.concatenate(si_parts), np.concatenate(mj_parts), np.concatenate(c_parts))
        return e, np.concatenate(rows_out), np.concatenate(mins)


def initial_edges(p: Problem, k: int, reverse_k: int, dense: DenseBlock) -> Edges:
    s_rows = np.flatnonzero(p.seekers.located)
    m_rows = np.flatnonzero(p.mentors.located)
    parts: list[Edges] = []
    if s_rows.size and m_rows.size:
        kk = min(k, m_rows.size)
        _, idx = cKDTree(p.mentors.xyz[m_rows]).query(p.seekers.xyz[s_rows], k=kk, workers=-1)
        idx = np.asarray(idx).reshape(s_rows.size, kk)
        si, mj = np.repeat(s_rows, kk), m_rows[idx.ravel()]
        rk = min(reverse_k, s_rows.size)
        if rk > 0:
            _, ridx = cKDTree(p.seekers.xyz[s_rows]).query(p.mentors.xyz[m_rows], k=rk, workers=-1)
            ridx = np.asarray(ridx).reshape(m_rows.size, rk)
            si = np.concatenate([si, s_rows[ridx.ravel()]])
            mj = np.concatenate([mj, np.repeat(m_rows, rk)])
        parts.append(evaluate(p, si, mj))
    d_edges, _, _ = dense.best(np.zeros(p.mentors.n, np.int64), k)
    parts.append(_useful(p, d_edges))
    return Edges.concat(parts, p.mentors.n)


def _useful(p: Problem, e: Edges) -> Edges:
    keep = e.cost < p.unmatched[e.si]
    return Edges(e.si[keep], e.mj[keep], e.cost[keep])


def _reach(
    xyz: FloatArray, rows: IntArray, cols: FloatArray, threshold: FloatArray, cap: int
) -> tuple[IntArray, IntArray, IntArray, FloatArray]:
    """Pairs (row index, column index) whose dot product exceeds the row's threshold, at
    most ``cap`` per row (the nearest). Also the rows that hit the cap and, for each, the
    dot product of the nearest pair left out (for the lower bound)."""
    dots = xyz[rows] @ cols
    hit = dots > threshold[:, None]
    heavy = np.flatnonzero(hit.sum(axis=1) > cap)
    if heavy.size:
        part = np.argpartition(-dots[heavy], cap, axis=1)
        hit[heavy] = False
        keep = part[:, :cap]
        hit[heavy[:, None], keep] = True
        left = np.take_along_axis(dots[heavy], part[:, cap : cap + 1], axis=1)[:, 0]
    else:
        left = np.zeros(0)
    ii, jj = np.nonzero(hit)
    return ii, jj, heavy, left


class _Columns:
    """For every seeker, the ``k`` most negative reduced-cost pairs offered so far."""

    def __init__(self, n: int, k: int) -> None:
        self.rc = np.zeros((n, k), dtype=np.int64)  # 0 = empty slot (only rc < 0 is kept)
        self.mj = np.full((n, k), -1, dtype=np.int64)
        self.cost = np.zeros((n, k), dtype=np.int64)

    def worst(self, rows: IntArray) -> IntArray:
        """Reduced cost a new pair must beat to be kept for each row."""
        return np.asarray(self.rc[rows].max(axis=1), dtype=np.int64)

    def offer(self, si: IntArray, mj: IntArray, cost: IntArray, rc: IntArray) -> None:
        neg = rc < 0
        if not np.any(neg):
            return
        si, mj, cost, rc = si[neg], mj[neg], cost[neg], rc[neg]
        order = np.argsort(si, kind="stable")
        si, mj, cost, rc = si[order], mj[order], cost[order], rc[order]
        rows, first, counts = np.unique(si, return_index=True, return_counts=True)
        width = int(counts.max())
        slot = np.arange(si.size) - np.repeat(first, counts)
        group = np.repeat(np.arange(rows.size), counts)
        k = self.rc.shape[1]
        all_rc = np.zeros((rows.size, k + width), dtype=np.int64)
        all_mj = np.full((rows.size, k + width), -1, dtype=np.int64)
        all_cost = np.zeros((rows.size, k + width), dtype=np.int64)
        all_rc[:, :k], all_mj[:, :k], all_cost[:, :k] = self.rc[rows], self.mj[rows], self.cost[rows]
        all_rc[group, k + slot], all_mj[group, k + slot], all_cost[group, k + slot] = rc, mj, cost
        pick = np.argpartition(all_rc, k - 1, axis=1)[:, :k]
        self.rc[rows] = np.take_along_axis(all_rc, pick, axis=1)
        self.mj[rows] = np.take_along_axis(all_mj, pick, axis=1)
        self.cost[rows] = np.take_along_axis(all_cost, pick, axis=1)

    def edges(self) -> Edges:
        si, slot = np.nonzero(self.rc < 0)
        return Edges(si.astype(np.int64), self.mj[si, slot], self.cost[si, slot])


def price(
    p: Problem, lam: IntArray, u: IntArray, dense: DenseBlock, n_buckets: int, probe_k: int, add_k: int
) -> tuple[Edges, int, bool]:
    """Negative-reduced-cost pairs (at most ``add_k`` per seeker, the most negative
    first), the Lagrangian lower bound at prices ``lam``, and whether the search was
    exhaustive.

    A pair can only have c_ij + lam_j < u_i if the mentor lies within (u_i - lam_j) / 10
    km (every pair costs at least its distance). Mentors are grouped by price, cheapest
    group first; within a group the lowest price gives each seeker one radius, and
    "chord below r" is "dot product of unit vectors above 1 - r^2 / 2": the test is a
    matrix product and one comparison per pair. At most ``probe_k`` reachable mentors per
    seeker and group (the nearest) are priced exactly; when more were reachable, the
    bound uses the distance of the nearest one left out. A seeker skips a group outright
    once it holds ``add_k`` pairs more negative than anything the group could offer (the
    bound then only uses the group's lowest price). Either way the search is then not
    exhaustive.
    """
    lb_i = u.copy()
    exhaustive = True
    cols = _Columns(u.size, add_k)
    d_edges, d_rows, d_mins = dense.best(lam, add_k)
    if d_rows.size:
        np.minimum.at(lb_i, d_rows, d_mins)
        keep = d_edges.cost < p.unmatched[d_edges.si]
        rc = d_edges.cost + lam[d_edges.mj] - u[d_edges.si]
        cols.offer(d_edges.si[keep], d_edges.mj[keep], d_edges.cost[keep], rc[keep])
    s_rows = np.flatnonzero(p.seekers.located)
    m_rows = np.flatnonzero(p.mentors.located)
    order = m_rows[np.argsort(lam[m_rows], kind="stable")]
    for bucket in np.array_split(order, min(n_buckets, order.size)) if s_rows.size else []:
        lam_min = int(lam[bucket[0]])
        need = s_rows[u[s_rows] > lam_min]
        settled = cols.worst(need) <= lam_min - u[need]
        if np.any(settled):
            exhaustive = False
            np.minimum.at(lb_i, need[settled], lam_min)
            need = need[~settled]
        km = (u[need] - lam_min + 1.0) / COST_UNITS_PER_KM + _SLACK_KM
        chord = km_to_chord_array(km)
        threshold = 1.0 - chord * chord / 2.0
        xyz_b = p.mentors.xyz[bucket].T.copy()
        step = max(1, _CHUNK // bucket.size)
        for lo in range(0, need.size, step):
            rows = need[lo : lo + step]
            ii, jj, heavy, left = _reach(p.seekers.xyz, rows, xyz_b, threshold[lo : lo + step], probe_k)
            if heavy.size:
                exhaustive = False
                left_chord = np.sqrt(np.maximum(0.0, 2.0 - 2.0 * left))
                np.minimum.at(lb_i, rows[heavy], chord_units(left_chord) + lam_min)
            a, b = rows[ii], bucket[jj]
            units, allowed = pair_units(p, a, b)
            a, b, units = a[allowed], b[allowed], units[allowed]
            total = units + lam[b]
            np.minimum.at(lb_i, a, total)
            useful = units < p.unmatched[a]
            cols.offer(a[useful], b[useful], units[useful], total[useful] - u[a[useful]])
    lower = int(lb_i.sum() - (p.caps * lam).sum())
    return cols.edges(), lower, exhaustive


def sparse_solve(
    p: Problem,
    *,
    k: int,
    reverse_k: int,
    max_rounds: int,
    n_buckets: int = 64,
    probe_k: int = 8,
    add_k: int = 4,
) -> SparseOutcome:
    dense = DenseBlock(p)
    edges = initial_edges(p, k, reverse_k, dense)
    best_lb = -(1 << 62)
    rounds = 0
    exhausted = False
    while True:
        rounds += 1
        sol = solve(edges, p.unmatched, p.caps)
        lam = mentor_prices(edges, sol, p.unmatched, p.mentors.n)
        if lam is None:  # pragma: no cover - OR-Tools returned a non-optimal flow
            break
        matched = sol.mentor_of >= 0
        u = np.where(matched, sol.own_cost + lam[np.maximum(sol.mentor_of, 0)], p.unmatched)
        new, lower, exhaustive = price(p, lam, u, dense, n_buckets, probe_k, add_k)
        best_lb = max(best_lb, lower)
        exhausted = new.n == 0 and exhaustive
        if exhausted or rounds >= max_rounds:
            break
        edges = Edges.concat([edges, new], p.mentors.n)
    certified = exhausted and best_lb >= sol.total
    return SparseOutcome(sol, edges.n, rounds, min(best_lb, sol.total), certified)
