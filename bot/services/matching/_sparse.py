"""Sparse batch solving for graphs too large to build in full: column generation.

1. First graph: each seeker's ``k`` nearest mentors and each mentor's ``reverse_k``
   nearest seekers (cKDTree on 3-D unit vectors), plus the ``k`` cheapest pairs for
   every seeker or mentor without a known location.
2. Solve min-cost flow on the graph, then derive mentor prices (duals) proving the
   solution optimal on it (``_flow.mentor_prices``).
3. Pricing (``_pricing``): search the *full* graph for pairs with negative reduced cost
   (they would beat the current solution at current prices) and add the most negative
   ones, plus pairs between mentors with capacity left and their nearest unmatched
   members; solve again. This is what keeps k-NN pruning from silently losing
   coverage: an unmatched member and a mentor with a free slot anywhere form a negative
   pair, so they get an arc.
4. Every pricing pass also yields a Lagrangian lower bound on the full-graph optimum.
   When a pass that searched exhaustively finds no negative pair, the bound equals the
   cost and the result is certified optimal.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from ._cost import IntArray, Problem, pair_units
from ._flow import Edges, FlowSolution, mentor_prices, solve
from ._model import SparseOptions
from ._pricing import price

_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class SparseOutcome:
    solution: FlowSolution
    n_edges: int
    rounds: int
    lower_bound: int
    certified: bool


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


def residual_edges(p: Problem, sol: FlowSolution, per_slot: int) -> Edges:
    """Pairs between mentors with capacity left and their nearest unmatched members
    (``per_slot`` per free slot): the cheap way to fill capacity that k-nearest pruning
    left stranded, e.g. organizers in a big centre far from spread-out members."""
    used = np.bincount(sol.mentor_of[sol.mentor_of >= 0], minlength=p.mentors.n)
    free = p.caps - used
    m_rows = np.flatnonzero((free > 0) & p.mentors.located)
    s_rows = np.flatnonzero((sol.mentor_of < 0) & p.seekers.located)
    if m_rows.size == 0 or s_rows.size == 0:
        z = np.zeros(0, np.int64)
        return Edges(z, z, z)
    want = np.minimum(free[m_rows] * per_slot, s_rows.size)
    k = int(want.max())
    _, idx = cKDTree(p.seekers.xyz[s_rows]).query(p.mentors.xyz[m_rows], k=k, workers=-1)
    idx = np.asarray(idx).reshape(m_rows.size, k)
    take = np.arange(k)[None, :] < want[:, None]
    return evaluate(p, s_rows[idx[take]], np.broadcast_to(m_rows[:, None], idx.shape)[take])


def _useful(p: Problem, e: Edges) -> Edges:
    keep = e.cost < p.unmatched[e.si]
    return Edges(e.si[keep], e.mj[keep], e.cost[keep])


def sparse_solve(p: Problem, opt: SparseOptions, log: Callable[[str], None] | None = None) -> SparseOutcome:
    """Column generation (see the module docstring). Pricing starts shallow (``probe_k``
    mentors per seeker and price group, seekers holding enough good pairs skip groups:
    cheap while nearly everything is negative) and turns deep (``deep_probe_k``, nothing
    skipped) from round ``deep_from_round`` or once shallow pricing finds almost nothing,
    so the last rounds and the final bound search as far as they can."""
    started = time.perf_counter()
    dense = DenseBlock(p)
    edges = initial_edges(p, opt.k, opt.reverse_k, dense)
    located = np.flatnonzero(p.seekers.located)
    in_space_order = located[cKDTree(p.seekers.xyz[located]).indices] if located.size else located
    best_lb = -(1 << 62)
    rounds, deep = 0, False
    while True:
        rounds += 1
        t_solve = time.perf_counter()
        sol = solve(edges, p.unmatched, p.caps)
        t_price = time.perf_counter()
        lam = mentor_prices(edges, sol, p.unmatched, p.mentors.n)
        if lam is None:  # pragma: no cover - OR-Tools returned a non-optimal flow
            return SparseOutcome(sol, edges.n, rounds, min(best_lb, sol.total), False)
        u = np.where(sol.mentor_of >= 0, sol.own_cost + lam[np.maximum(sol.mentor_of, 0)], p.unmatched)
        dense_best = dense.best(lam, opt.add_k)
        deep = deep or rounds >= opt.deep_from_round
        new, lower, exhaustive = price(p, lam, u, in_space_order, dense_best, opt, deep=deep)
        if new.n <= p.seekers.n // 1000 and not exhaustive and not deep:
            deep = True
            new, lower, exhaustive = price(p, lam, u, in_space_order, dense_best, opt, deep=deep)
        best_lb = max(best_lb, lower)
        if new.n:
            new = Edges.concat([new, residual_edges(p, sol, opt.residual_per_slot)], p.mentors.n)
        if log is not None:
            now = time.perf_counter()
            log(
                f"round {rounds} at {now - started:.1f} s (solve {t_price - t_solve:.1f} s, pricing "
                f"{now - t_price:.1f} s): arcs {edges.n} cost {sol.total} bound {lower} new {new.n} "
                f"deep {deep} exhaustive {exhaustive}"
            )
        if new.n == 0 or rounds >= opt.max_rounds:
            break
        edges = Edges.concat([edges, new], p.mentors.n)
    if new.n and not exhaustive and not deep:  # stopped early: one deep pass for the bound
        best_lb = max(best_lb, price(p, lam, u, in_space_order, dense_best, opt, deep=True)[1])
    certified = new.n == 0 and exhaustive and best_lb >= sol.total
    return SparseOutcome(sol, edges.n, rounds, min(best_lb, sol.total), certified)
