"""Min-cost flow on a (possibly sparse) seeker x mentor graph, and its dual prices.

Network: every seeker node has supply 1 and two kinds of out-arcs, to candidate
mentors (capacity 1, pair cost) and straight to the sink ("unmatched", capacity 1, the
seeker's unmatched cost). Each mentor has one arc to the sink with capacity = spare
capacity. Giving seekers their supply directly is the same network as a source node
with capacity-1 arcs to every seeker, with one node and N arcs fewer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

from ._cost import IntArray


@dataclass(frozen=True, slots=True)
class Edges:
    """Candidate arcs: seeker row, mentor row, cost units (all allowed pairs)."""

    si: IntArray
    mj: IntArray
    cost: IntArray

    @property
    def n(self) -> int:
        return int(self.si.shape[0])

    def keys(self, n_mentors: int) -> IntArray:
        return self.si * n_mentors + self.mj

    @staticmethod
    def concat(parts: list[Edges], n_mentors: int) -> Edges:
        """Union of edge sets without duplicate pairs."""
        si = np.concatenate([e.si for e in parts]) if parts else np.zeros(0, np.int64)
        mj = np.concatenate([e.mj for e in parts]) if parts else np.zeros(0, np.int64)
        cost = np.concatenate([e.cost for e in parts]) if parts else np.zeros(0, np.int64)
        _, first = np.unique(si * n_mentors + mj, return_index=True)
        return Edges(si[first], mj[first], cost[first])


@dataclass(frozen=True, slots=True)
class FlowSolution:
    """``mentor_of[i]`` is the mentor row seeker ``i`` is matched to, or -1."""

    mentor_of: IntArray
    own_cost: IntArray  # pair cost of the chosen edge (0 when unmatched)
    total: int


def solve(edges: Edges, unmatched: IntArray, caps: IntArray) -> FlowSolution:
    n_s = int(unmatched.shape[0])
    n_m = int(caps.shape[0])
    sink = n_s + n_m
    flow = min_cost_flow.SimpleMinCostFlow()
    if edges.n:
        flow.add_arcs_with_capacity_and_unit_cost(
            edges.si.astype(np.int32),
            (edges.mj + n_s).astype(np.int32),
            np.ones(edges.n, dtype=np.int64),
            edges.cost.astype(np.int64),
        )
    seekers = np.arange(n_s, dtype=np.int32)
    flow.add_arcs_with_capacity_and_unit_cost(
        seekers, np.full(n_s, sink, dtype=np.int32), np.ones(n_s, dtype=np.int64), unmatched
    )
    flow.add_arcs_with_capacity_and_unit_cost(
        np.arange(n_s, n_s + n_m, dtype=np.int32),
        np.full(n_m, sink, dtype=np.int32),
        caps,
        np.zeros(n_m, np.int64),
    )
    supplies = np.concatenate([np.ones(n_s, dtype=np.int64), np.zeros(n_m, np.int64), [-n_s]]).astype(
        np.int64
    )
    flow.set_nodes_supplies(np.arange(n_s + n_m + 1, dtype=np.int32), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:  # pragma: no cover - the bypass arcs make it always feasible
        raise RuntimeError(f"min cost flow failed with status {status}")
    mentor_of = np.full(n_s, -1, dtype=np.int64)
    own_cost = np.zeros(n_s, dtype=np.int64)
    if edges.n:
        used = np.flatnonzero(np.asarray(flow.flows(np.arange(edges.n, dtype=np.int32))) > 0)
        mentor_of[edges.si[used]] = edges.mj[used]
        own_cost[edges.si[used]] = edges.cost[used]
    return FlowSolution(mentor_of, own_cost, int(flow.optimal_cost()))


def mentor_prices(edges: Edges, sol: FlowSolution, unmatched: IntArray, n_mentors: int) -> IntArray | None:
    """Smallest dual prices ``lam >= 0`` (per mentor) proving ``sol`` optimal on ``edges``.

    Dual of the transportation LP: maximise sum(u_i) - sum(cap_j * lam_j) subject to
    u_i <= unmatched_i and u_i <= c_ij + lam_j on every edge. With the primal solution
    fixed, complementary slackness gives u_i = c(i, m(i)) + lam_m(i) for matched seekers
    and u_i = unmatched_i otherwise, so lam solves a system of difference constraints:
    lam_j >= unmatched_i - c_ij (i unmatched) and lam_j >= lam_m(i) + c(i, m(i)) - c_ij.
    Its least solution is found by label-correcting rounds (a longest-path computation).
    Returns ``None`` if it does not converge (the solution was not optimal on ``edges``).
    """
    lam = np.zeros(n_mentors, dtype=np.int64)
    m_of = sol.mentor_of[edges.si]
    free = m_of < 0
    if np.any(free):
        np.maximum.at(lam, edges.mj[free], unmatched[edges.si[free]] - edges.cost[free])
    other = ~free & (m_of != edges.mj)
    src = m_of[other]
    dst = edges.mj[other]
    delta = sol.own_cost[edges.si[other]] - edges.cost[other]
    order = np.argsort(src, kind="stable")
    src, dst, delta = src[order], dst[order], delta[order]
    starts = np.searchsorted(src, np.arange(n_mentors + 1))
    active = np.arange(n_mentors)
    for _ in range(n_mentors + 1):
        if active.size == 0:
            return lam
        counts = starts[active + 1] - starts[active]
        idx = np.repeat(starts[active] - np.cumsum(counts) + counts, counts) + np.arange(int(counts.sum()))
        cand = lam[src[idx]] + delta[idx]
        improve = cand > lam[dst[idx]]
        if not np.any(improve):
            return lam
        before = lam.copy()
        np.maximum.at(lam, dst[idx][improve], cand[improve])
        active = np.flatnonzero(lam != before)
    return None
