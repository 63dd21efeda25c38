"""Matching engine: pair members who are alone in their area with mentors.

Pure functions, no database and no Discord: ``instant_match`` for one member inside an
interaction (greedy, cheapest allowed mentor with spare capacity, via a KD-tree), and
``batch_match`` for a batch of waiting members (min-cost flow with OR-Tools, exact on
the full graph up to ``DEFAULT_EXACT_EDGE_LIMIT`` pairs, column generation beyond).
Costs are integers in ``COST_UNITS_PER_KM`` units (0.1 km); see ``CostWeights``.

Caller contract: pass only members still waiting for a mentor and organizers' *spare*
capacity. Pairs already introduced are not part of the input and are never reshuffled;
results are proposals only. ``batch_match`` is CPU-bound and pure: run it with
``await asyncio.to_thread(batch_match, seekers, mentors, weights)``. ``MentorIndex`` is
mutable (capacity is reserved by ``instant_match``) and not thread-safe; it answers in
well under a millisecond, so use it on the event loop.
"""

from ._batch import DEFAULT_EXACT_EDGE_LIMIT, batch_match
from ._cost import pair_cost, peer_costs, unmatched_cost
from ._instant import MentorIndex, instant_match
from ._model import (
    COST_UNITS_PER_KM,
    BatchResult,
    CostWeights,
    Mentor,
    Proposal,
    Seeker,
    SolverStats,
    SparseOptions,
)

__all__ = [
    "COST_UNITS_PER_KM",
    "DEFAULT_EXACT_EDGE_LIMIT",
    "BatchResult",
    "CostWeights",
    "Mentor",
    "MentorIndex",
    "Proposal",
    "Seeker",
    "SolverStats",
    "SparseOptions",
    "batch_match",
    "instant_match",
    "pair_cost",
    "peer_costs",
    "unmatched_cost",
]
