"""Vectorised pairing cost.

Seekers and mentors are encoded once into numpy arrays (unit vectors, UTC offsets,
language/path bit masks); the cost of any batch of (seeker, mentor) index pairs is then
computed without Python loops. The scalar helpers ``pair_cost`` / ``unmatched_cost`` go
through the same code, so the instant path, the batch solver and the tests agree to the
unit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bot.services.geo import EARTH_RADIUS_KM, chord_to_km, unit_vectors

from ._model import COST_UNITS_PER_KM, CostWeights, Mentor, Seeker

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
MaskArray = npt.NDArray[np.uint64]

_HOURS_PER_DAY = 24.0


class Vocab:
    """Maps strings (languages, paths) to bit positions; unknown strings map to no bit."""

    def __init__(self, words: Iterable[str]) -> None:
        self.index = {w: i for i, w in enumerate(sorted(set(words)))}
        self.n_words = max(1, (len(self.index) + 63) // 64)

    def encode(self, sets: Sequence[frozenset[str]]) -> tuple[MaskArray, BoolArray]:
        """Bit masks of shape (n, n_words) and a "set is non-empty" flag per row."""
        masks = np.zeros((len(sets), self.n_words), dtype=np.uint64)
        for row, words in enumerate(sets):
            for w in words:
                bit = self.index.get(w)
                if bit is not None:
                    masks[row, bit // 64] |= np.uint64(1) << np.uint64(bit % 64)
        nonempty = np.fromiter((len(s) > 0 for s in sets), dtype=np.bool_, count=len(sets))
        return masks, nonempty

    def codes(self, words: Sequence[str | None]) -> IntArray:
        """One number per word (an area's code); -1 for None and for words not in the vocabulary."""
        return np.fromiter(
            (-1 if w is None else self.index.get(w, -1) for w in words), dtype=np.int64, count=len(words)
        )


@dataclass(frozen=True, slots=True)
class Side:
    """One side (seekers or mentors) as arrays; rows follow the input order."""

    ids: IntArray
    xyz: FloatArray  # (n, 3) unit vectors; rows of unlocated people are 0
    located: BoolArray
    tz: FloatArray
    lang: MaskArray
    lang_any: BoolArray
    path: MaskArray
    path_any: BoolArray
    district: IntArray  # area codes (Vocab.codes); -1: not known
    region: IntArray
    country: IntArray

    @property
    def n(self) -> int:
        return int(self.ids.shape[0])


def encode_side(
    people: Sequence[Seeker] | Sequence[Mentor], langs: Vocab, paths: Vocab, areas: Vocab
) -> Side:
    ids = np.fromiter((p.member_id for p in people), dtype=np.int64, count=len(people))
    located = np.fromiter((p.latitude is not None for p in people), dtype=np.bool_, count=len(people))
    points = [(p.latitude or 0.0, p.longitude or 0.0) for p in people]
    xyz = unit_vectors(points) if people else np.zeros((0, 3))
    xyz[~located] = 0.0
    tz = np.fromiter((p.utc_offset_hours for p in people), dtype=np.float64, count=len(people))
    lang, lang_any = langs.encode([p.languages for p in people])
    path, path_any = paths.encode([p.paths for p in people])
    return Side(
        ids,
        xyz,
        located,
        tz,
        lang,
        lang_any,
        path,
        path_any,
        areas.codes([p.district for p in people]),
        areas.codes([p.region for p in people]),
        areas.codes([p.country for p in people]),
    )


class PairKeys:
    """Sorted int64 keys ``seeker_row * n_mentors + mentor_row`` for fast membership tests."""

    def __init__(self, keys: Iterable[int], n_mentors: int) -> None:
        self.n_mentors = n_mentors
        self.keys = np.unique(np.fromiter(keys, dtype=np.int64))

    def __len__(self) -> int:
        return int(self.keys.shape[0])

    def contains(self, si: IntArray, mj: IntArray) -> BoolArray:
        if len(self) == 0:
            return np.zeros(si.shape, dtype=np.bool_)
        q = si.astype(np.int64) * self.n_mentors + mj
        pos = np.minimum(np.searchsorted(self.keys, q), len(self) - 1)
        return np.asarray(self.keys[pos] == q, dtype=np.bool_)


@dataclass(frozen=True, slots=True)
class Problem:
    """Encoded seekers and mentors plus the pair-specific rules."""

    seekers: Side
    mentors: Side
    unmatched: IntArray  # unmatched cost per seeker, in cost units
    caps: IntArray  # spare capacity per mentor
    forbidden: PairKeys  # excluded organizers and self-pairs
    earlier: PairKeys  # organizer mentored this member before
    weights: CostWeights


def vocabularies(seekers: Sequence[Seeker], mentors: Sequence[Mentor]) -> tuple[Vocab, Vocab, Vocab]:
    """Languages, paths and area codes of both sides."""
    people: list[Seeker | Mentor] = [*seekers, *mentors]
    return (
        Vocab(w for p in people for w in p.languages),
        Vocab(w for p in people for w in p.paths),
        area_vocabulary(people),
    )


def area_vocabulary(people: Iterable[Seeker | Mentor]) -> Vocab:
    return Vocab(code for p in people for code in (p.district, p.region, p.country) if code is not None)


def unmatched_units(waiting_days: FloatArray, weights: CostWeights) -> IntArray:
    km = weights.unmatched_base_km + weights.unmatched_per_waiting_day_km * waiting_days
    return np.rint(km * COST_UNITS_PER_KM).astype(np.int64)


def build_problem(
    seekers: Sequence[Seeker],
    mentors: Sequence[Mentor],
    weights: CostWeights,
    langs: Vocab,
    paths: Vocab,
    areas: Vocab,
) -> Problem:
    """Encode both sides; raises ``ValueError`` on duplicate member ids."""
    s_side = encode_side(seekers, langs, paths, areas)
    m_side = encode_side(mentors, langs, paths, areas)
    s_row = _row_of(s_side.ids, "seeker")
    m_row = _row_of(m_side.ids, "mentor")
    n_m = m_side.n
    forbidden: list[int] = []
    for i, s in enumerate(seekers):
        for oid in (*s.excluded_organizer_ids, s.member_id):
            j = m_row.get(oid)
            if j is not None:
                forbidden.append(i * n_m + j)
    earlier = [
        s_row[mentee_id] * n_m + j
        for j, m in enumerate(mentors)
        for mentee_id in m.previous_mentee_ids
        if mentee_id in s_row
    ]
    waiting = np.fromiter((s.waiting_days for s in seekers), dtype=np.float64, count=len(seekers))
    caps = np.fromiter((m.spare_capacity for m in mentors), dtype=np.int64, count=len(mentors))
    return Problem(
        seekers=s_side,
        mentors=m_side,
        unmatched=unmatched_units(waiting, weights),
        caps=caps,
        forbidden=PairKeys(forbidden, n_m),
        earlier=PairKeys(earlier, n_m),
        weights=weights,
    )


def _row_of(ids: IntArray, kind: str) -> dict[int, int]:
    rows = {int(v): i for i, v in enumerate(ids)}
    if len(rows) != len(ids):
        raise ValueError(f"duplicate {kind} member_id")
    return rows


def _same(a: IntArray, b: IntArray) -> BoolArray:
    return np.asarray((a == b) & (a >= 0), dtype=np.bool_)


def unknown_distance_km(s: Side, m: Side, si: IntArray, mj: IntArray, weights: CostWeights) -> FloatArray:
    """The distance term of pairs where a side has no point: by the finest area both are
    known to be in (see ``CostWeights``)."""
    return np.where(
        _same(s.district[si], m.district[mj]),
        weights.same_district_unknown_km,
        np.where(
            _same(s.region[si], m.region[mj]),
            weights.same_region_unknown_km,
            np.where(
                _same(s.country[si], m.country[mj]),
                weights.same_country_unknown_km,
                weights.unknown_location_km,
            ),
        ),
    ).astype(np.float64)


def distance_km(s: Side, m: Side, si: IntArray, mj: IntArray, weights: CostWeights) -> FloatArray:
    """Great-circle km per pair where both have a point; elsewhere the fixed cost of an
    unknown distance within the areas they share (``unknown_distance_km``)."""
    both = s.located[si] & m.located[mj]
    if np.all(both):
        chord = np.linalg.norm(s.xyz[si] - m.xyz[mj], axis=1)
        return np.asarray(chord_to_km(chord), dtype=np.float64).reshape(chord.shape)
    km = np.empty(si.shape, dtype=np.float64)
    unknown = ~both
    km[unknown] = unknown_distance_km(s, m, si[unknown], mj[unknown], weights)
    if np.any(both):
        chord = np.linalg.norm(s.xyz[si[both]] - m.xyz[mj[both]], axis=1)
        km[both] = chord_to_km(chord)
    return km


def _mismatch(
    a: MaskArray, a_any: BoolArray, b: MaskArray, b_any: BoolArray, si: IntArray, mj: IntArray
) -> BoolArray:
    shared = np.any((a[si] & b[mj]) != 0, axis=1)
    return np.asarray(a_any[si] & b_any[mj] & ~shared, dtype=np.bool_)


def pair_units(p: Problem, si: IntArray, mj: IntArray) -> tuple[IntArray, BoolArray]:
    """Cost units per (seeker row, mentor row) pair and a mask of the allowed pairs."""
    w = p.weights
    s, m = p.seekers, p.mentors
    km = distance_km(s, m, si, mj, w)
    gap = np.abs(s.tz[si] - m.tz[mj]) % _HOURS_PER_DAY
    gap = np.minimum(gap, _HOURS_PER_DAY - gap)
    km += np.maximum(0.0, gap - w.tz_tolerance_hours) * w.tz_gap_penalty_km_per_hour
    km += _mismatch(s.lang, s.lang_any, m.lang, m.lang_any, si, mj) * w.no_shared_language_penalty_km
    km += _mismatch(s.path, s.path_any, m.path, m.path_any, si, mj) * w.path_mismatch_penalty_km
    km += p.earlier.contains(si, mj) * w.earlier_pairing_penalty_km
    units = np.rint(km * COST_UNITS_PER_KM).astype(np.int64)
    return units, ~p.forbidden.contains(si, mj)


def km_to_chord_array(km: FloatArray) -> FloatArray:
    """Vectorised ``geo.km_to_chord``."""
    angle = np.minimum(np.maximum(km, 0.0) / EARTH_RADIUS_KM, np.pi)
    return np.asarray(2.0 * np.sin(angle / 2.0), dtype=np.float64)


def chord_units(chord: FloatArray) -> IntArray:
    """Lower bound, in cost units, of any pair cost whose points lie ``chord`` apart on
    the unit sphere (every pair costs at least its distance)."""
    km = np.asarray(chord_to_km(chord), dtype=np.float64).reshape(np.shape(chord))
    return np.asarray(np.floor(km * COST_UNITS_PER_KM) - 1, dtype=np.int64)


def single_problem(seeker: Seeker, mentor: Mentor, weights: CostWeights) -> Problem:
    return build_problem([seeker], [mentor], weights, *vocabularies([seeker], [mentor]))


def pair_cost(seeker: Seeker, mentor: Mentor, weights: CostWeights | None = None) -> int | None:
    """Cost units of pairing ``seeker`` with ``mentor``; ``None`` if the pair is not allowed
    (the organizer is in the member's exclusions, or they are the same member). Capacity
    is not considered here."""
    p = single_problem(seeker, mentor, weights or CostWeights())
    zero = np.zeros(1, dtype=np.int64)
    units, allowed = pair_units(p, zero, zero)
    return int(units[0]) if bool(allowed[0]) else None


def unmatched_cost(seeker: Seeker, weights: CostWeights | None = None) -> int:
    """Cost units of leaving ``seeker`` unmatched in a batch."""
    days = np.array([seeker.waiting_days], dtype=np.float64)
    return int(unmatched_units(days, weights or CostWeights())[0])


#: Pairs costed per numpy pass in `peer_costs` (keeps the temporary arrays to tens of MiB).
PEER_CHUNK = 500_000


def peer_costs(
    people: Sequence[Seeker], first: IntArray, second: IntArray, weights: CostWeights | None = None
) -> IntArray:
    """Cost units of putting ``people[first[k]]`` together with ``people[second[k]]``, for
    every k at once: ``pair_cost(first, second as a mentor)`` to the unit, exclusions aside
    (for peers, e.g. buddies, not mentors)."""
    weights = weights or CostWeights()
    as_mentors = [
        Mentor(
            member_id=p.member_id,
            latitude=p.latitude,
            longitude=p.longitude,
            utc_offset_hours=p.utc_offset_hours,
            languages=p.languages,
            paths=p.paths,
            district=p.district,
            region=p.region,
            country=p.country,
        )
        for p in people
    ]
    problem = build_problem(people, as_mentors, weights, *vocabularies(people, as_mentors))
    out = np.empty(len(first), dtype=np.int64)
    for start in range(0, len(first), PEER_CHUNK):
        stop = start + PEER_CHUNK
        out[start:stop] = pair_units(problem, first[start:stop], second[start:stop])[0]
    return out
