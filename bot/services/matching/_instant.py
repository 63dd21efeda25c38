"""Instant pairing: the cheapest allowed mentor with spare capacity for one member.

Used inside an interaction (a member finishes onboarding and wants a mentor now), so it
must answer in well under a few milliseconds at 10k mentors. A cKDTree over the mentors'
3-D unit vectors is built once; each query examines the k nearest, and grows k until
the best cost found is no larger than the distance to the farthest examined mentor
(every pair costs at least its distance, so nobody farther can be cheaper). The answer
is therefore the cheapest allowed mentor, not just the nearest. Greedy by nature: it
serves whoever asks first; the batch matcher is the one that weighs members against
each other.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.spatial import cKDTree

from ._cost import (
    IntArray,
    PairKeys,
    Problem,
    Vocab,
    area_vocabulary,
    chord_units,
    distance_km,
    encode_side,
    pair_units,
    unmatched_units,
)
from ._model import CostWeights, Mentor, Proposal, Seeker

_FIRST_K = 16
_GROWTH = 4


class MentorIndex:
    """Mentors and their remaining spare capacity, indexed for ``instant_match``.

    Not thread-safe: use it from one thread (it is fast enough for the event loop).
    """

    def __init__(self, mentors: Sequence[Mentor], weights: CostWeights) -> None:
        self.weights = weights
        self._langs = Vocab(w for m in mentors for w in m.languages)
        self._paths = Vocab(w for m in mentors for w in m.paths)
        self._areas = area_vocabulary(mentors)
        self._side = encode_side(mentors, self._langs, self._paths, self._areas)
        self._row = {int(v): i for i, v in enumerate(self._side.ids)}
        if len(self._row) != len(mentors):
            raise ValueError("duplicate mentor member_id")
        self._caps: IntArray = np.fromiter((m.spare_capacity for m in mentors), np.int64, len(mentors))
        self._former: dict[int, list[int]] = {}
        for j, m in enumerate(mentors):
            for mentee_id in m.previous_mentee_ids:
                self._former.setdefault(mentee_id, []).append(j)
        self._unlocated = np.flatnonzero(~self._side.located)
        self._tree: cKDTree | None = None
        self._tree_rows: IntArray = np.zeros(0, np.int64)
        self._in_tree = np.zeros(len(mentors), dtype=np.bool_)
        self._full_in_tree = 0
        self._rebuild()

    @classmethod
    def build(cls, mentors: Sequence[Mentor], weights: CostWeights | None = None) -> MentorIndex:
        return cls(mentors, weights or CostWeights())

    def __len__(self) -> int:
        return int(self._caps.shape[0])

    def spare_capacity(self, organizer_id: int) -> int:
        return int(self._caps[self._row[organizer_id]])

    def decrement(self, organizer_id: int) -> None:
        """Take one slot of ``organizer_id`` (after a proposal made elsewhere)."""
        j = self._row[organizer_id]
        if self._caps[j] <= 0:
            raise ValueError(f"organizer {organizer_id} has no spare capacity")
        self._caps[j] -= 1
        if self._caps[j] == 0 and self._in_tree[j]:
            self._full_in_tree += 1
            if 2 * self._full_in_tree > self._tree_rows.size:
                self._rebuild()

    def release(self, organizer_id: int) -> None:
        """Give a slot back (a proposal was declined or withdrawn)."""
        j = self._row[organizer_id]
        self._caps[j] += 1
        if self._caps[j] == 1 and self._side.located[j]:
            if self._in_tree[j]:
                self._full_in_tree -= 1
            else:
                self._rebuild()

    def _rebuild(self) -> None:
        rows = np.flatnonzero(self._side.located & (self._caps > 0))
        self._tree_rows = rows
        self._tree = cKDTree(self._side.xyz[rows]) if rows.size else None
        self._in_tree[:] = False
        self._in_tree[rows] = True
        self._full_in_tree = 0

    def _problem(self, seeker: Seeker) -> Problem:
        n_m = len(self)
        forbidden = [
            self._row[o] for o in (*seeker.excluded_organizer_ids, seeker.member_id) if o in self._row
        ]
        days = np.array([seeker.waiting_days], dtype=np.float64)
        return Problem(
            seekers=encode_side([seeker], self._langs, self._paths, self._areas),
            mentors=self._side,
            unmatched=unmatched_units(days, self.weights),
            caps=self._caps,
            forbidden=PairKeys(forbidden, n_m),
            earlier=PairKeys(self._former.get(seeker.member_id, []), n_m),
            weights=self.weights,
        )

    def best(self, seeker: Seeker) -> Proposal | None:
        """The cheapest allowed mentor with spare capacity, without reserving it."""
        p = self._problem(seeker)
        limit = int(p.unmatched[0])  # never propose a pair costlier than waiting
        best: tuple[int, int] | None = None

        def consider(rows: IntArray) -> None:
            nonlocal best
            rows = rows[self._caps[rows] > 0]
            if rows.size == 0:
                return
            units, allowed = pair_units(p, np.zeros(rows.size, np.int64), rows)
            units = np.where(allowed, units, np.iinfo(np.int64).max)
            at = int(np.argmin(units))
            if units[at] < limit and (best is None or units[at] < best[1]):
                best = (int(rows[at]), int(units[at]))

        if not p.seekers.located[0]:
            consider(np.flatnonzero(self._caps > 0))
        else:
            consider(self._unlocated)
            tree, n = self._tree, self._tree_rows.size
            k, done = 0, 0
            while tree is not None and done < n:
                k = min(n, max(_FIRST_K, k * _GROWTH))
                chord, idx = tree.query(p.seekers.xyz[0], k=k)
                chord, idx = np.atleast_1d(chord), np.atleast_1d(idx)
                consider(self._tree_rows[idx[done:]])
                done = k
                floor = int(chord_units(chord[-1:])[0])
                if floor >= limit or (best is not None and best[1] <= floor):
                    break
        if best is None:
            return None
        row, cost = best
        one = np.zeros(1, np.int64)
        km = float(distance_km(p.seekers, self._side, one, np.array([row]), self.weights)[0])
        located = bool(p.seekers.located[0] and self._side.located[row])
        return Proposal(seeker.member_id, int(self._side.ids[row]), cost, round(km, 1) if located else None)


def instant_match(seeker: Seeker, index: MentorIndex, *, reserve: bool = True) -> Proposal | None:
    """Cheapest allowed mentor with spare capacity for ``seeker`` (never an excluded
    organizer, never the member themself, never a pair costing more than leaving them
    unmatched), or ``None``. With ``reserve`` (default) the mentor's spare capacity in
    ``index`` is decremented, so consecutive calls respect capacity; call
    ``index.release(organizer_id)`` if the proposal is declined."""
    proposal = index.best(seeker)
    if proposal is not None and reserve:
        index.decrement(proposal.organizer_id)
    return proposal
