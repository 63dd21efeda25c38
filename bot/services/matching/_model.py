"""Plain data for the matching engine: who waits, who can mentor, what a pairing costs.

Everything here is a frozen dataclass with no behaviour beyond validation, so the engine
stays a set of pure functions that can run in a worker thread (``asyncio.to_thread``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

#: Integer cost units used by the flow solver: 10 units per kilometre (0.1 km = 100 m).
#: Every penalty is expressed in "km-equivalents" and converted with this factor.
COST_UNITS_PER_KM = 10


@dataclass(frozen=True, slots=True)
class Seeker:
    """A member waiting for a mentor.

    ``latitude``/``longitude`` are the member's town, and ``None`` when they gave only a
    district, region or country (or nothing): an area has no point, and the caller must
    never pass the area's biggest town. ``district`` / ``region`` / ``country`` are the
    codes of the areas the member is known to be in ("US.UT.019", "US.UT", "US"; a town
    knows all three, a region member only the last two); where either side has no point
    they set the distance term (see ``CostWeights``).
    Empty ``languages`` / ``paths`` mean "unknown / open to anything": no penalty.
    """

    member_id: int
    latitude: float | None
    longitude: float | None
    utc_offset_hours: float = 0.0
    languages: frozenset[str] = frozenset()
    paths: frozenset[str] = frozenset()
    waiting_days: float = 0.0
    excluded_organizer_ids: frozenset[int] = frozenset()
    district: str | None = None
    region: str | None = None
    country: str | None = None

    def __post_init__(self) -> None:
        _check_point(self.latitude, self.longitude, "seeker", self.member_id)
        _check_offset(self.utc_offset_hours, "seeker", self.member_id)
        if not (math.isfinite(self.waiting_days) and self.waiting_days >= 0):
            raise ValueError(f"seeker {self.member_id}: waiting_days must be finite and >= 0")


@dataclass(frozen=True, slots=True)
class Mentor:
    """An experienced organizer with ``spare_capacity`` free mentee slots.

    Location as for ``Seeker``: a point only for a town, area codes where known.
    ``previous_mentee_ids`` are members this organizer mentored before; proposing them
    again costs ``CostWeights.earlier_pairing_penalty_km``. (Pairs that did not fit are
    excluded outright through ``Seeker.excluded_organizer_ids``.)
    """

    member_id: int
    latitude: float | None
    longitude: float | None
    utc_offset_hours: float = 0.0
    languages: frozenset[str] = frozenset()
    paths: frozenset[str] = frozenset()
    spare_capacity: int = 1
    previous_mentee_ids: frozenset[int] = frozenset()
    district: str | None = None
    region: str | None = None
    country: str | None = None

    def __post_init__(self) -> None:
        _check_point(self.latitude, self.longitude, "mentor", self.member_id)
        _check_offset(self.utc_offset_hours, "mentor", self.member_id)
        if self.spare_capacity < 0:
            raise ValueError(f"mentor {self.member_id}: spare_capacity must be >= 0")


@dataclass(frozen=True, slots=True)
class CostWeights:
    """Weights of the pairing cost. All values are in km-equivalents (1 h of extra time-
    zone gap "weighs" like 300 km of distance, and so on) except the tolerances.

    pair cost = distance term
              + ``tz_gap_penalty_km_per_hour`` x max(0, circular UTC-offset gap h - ``tz_tolerance_hours``)
              + ``no_shared_language_penalty_km`` if both list languages and share none
              + ``path_mismatch_penalty_km`` if both list paths and share none
              + ``earlier_pairing_penalty_km`` if the organizer mentored the member before

    unmatched cost = ``unmatched_base_km`` + ``unmatched_per_waiting_day_km`` x waiting_days.

    The distance term is the great-circle km between the two towns when both have one.
    When either side has no point (they gave only a district, region or country, or
    nothing), their distance is unknown within the finest area both are known to be in,
    and costs a fixed km-equivalent, never a distance from an area's biggest town:
    ``same_district_unknown_km`` (60: a county is a drive away), ``same_region_unknown_km``
    (300: a state or province is a long drive), ``same_country_unknown_km`` (900) and
    ``unknown_location_km`` (2000: another country, or nothing known). So a member who
    said only "Utah" is offered a Utah mentor before one elsewhere in the United States,
    and one there before one abroad; a town mentor 40 km away still beats an unlocated
    one in the same county. Each of them is more than 0, so nobody without a point is
    ever "0 km" from anyone.

    A pair is only ever proposed when it costs less than leaving the member unmatched, so
    ``unmatched_base_km`` is also the largest pair cost considered acceptable. The default
    (50,000) exceeds any possible pair cost (half the globe is ~20,000 km), so nobody is
    left waiting while an allowed mentor slot they could take is free. The waiting term
    decides *who* gets scarce slots: one more day of waiting outweighs 50 km of distance.
    """

    tz_tolerance_hours: float = 2.0
    tz_gap_penalty_km_per_hour: float = 300.0
    no_shared_language_penalty_km: float = 1500.0
    path_mismatch_penalty_km: float = 500.0
    earlier_pairing_penalty_km: float = 1000.0
    same_district_unknown_km: float = 60.0
    same_region_unknown_km: float = 300.0
    same_country_unknown_km: float = 900.0
    unknown_location_km: float = 2000.0
    unmatched_base_km: float = 50_000.0
    unmatched_per_waiting_day_km: float = 50.0

    def __post_init__(self) -> None:
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if not (math.isfinite(value) and value >= 0):
                raise ValueError(f"CostWeights.{name} must be finite and >= 0")


@dataclass(frozen=True, slots=True)
class Proposal:
    """A proposed (not yet introduced) pairing. ``cost`` is in cost units (0.1 km);
    ``distance_km`` is ``None`` when either location is unknown."""

    member_id: int
    organizer_id: int
    cost: int
    distance_km: float | None = None


@dataclass(frozen=True, slots=True)
class SolverStats:
    """How a batch was solved.

    ``lower_bound`` is a proven lower bound on the optimal total cost (equal to
    ``BatchResult.total_cost`` when ``certified_optimal``); ``gap`` is
    (total_cost - lower_bound) / lower_bound (``inf`` while the bound is not positive).
    """

    method: Literal["empty", "exact", "sparse"]
    n_seekers: int
    n_mentors: int
    n_edges: int
    rounds: int
    seconds: float
    lower_bound: int
    certified_optimal: bool
    gap: float


@dataclass(frozen=True, slots=True)
class BatchResult:
    """Proposals of one batch (in input order of the members). ``total_cost`` = sum of the
    proposals' costs (``pair_cost``) + the unmatched members' unmatched costs."""

    proposals: tuple[Proposal, ...]
    unmatched_member_ids: tuple[int, ...]
    total_cost: int
    pair_cost: int
    stats: SolverStats


@dataclass(frozen=True, slots=True)
class SparseOptions:
    """Tuning of ``batch_match``'s sparse path (column generation, see ``_sparse``);
    the defaults were measured on 100k members x 10k organizers."""

    k: int = 8  # nearest mentors per seeker in the first graph
    reverse_k: int = 32  # nearest seekers per mentor in the first graph
    max_rounds: int = 7  # flow solves at most
    n_groups: int = 64  # price groups of mentors during pricing
    probe_k: int = 8  # mentors priced exactly per seeker and group, shallow pricing
    deep_probe_k: int = 64  # the same, deep pricing
    deep_from_round: int = 3  # deep pricing from this round on (or once shallow finds ~nothing)
    add_k: int = 8  # new pairs per seeker and round at most (from pricing)
    residual_per_slot: int = 8  # nearest unmatched members per free mentor slot, each round
    tree_group_min: int = 512  # price groups this large are searched with a KD-tree, not BLAS


def _check_point(lat: float | None, lon: float | None, kind: str, member_id: int) -> None:
    if (lat is None) != (lon is None):
        raise ValueError(f"{kind} {member_id}: latitude and longitude must both be set or both None")
    if lat is not None and lon is not None and not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        raise ValueError(f"{kind} {member_id}: coordinates out of range")


def _check_offset(hours: float, kind: str, member_id: int) -> None:
    if not (math.isfinite(hours) and -24.0 < hours < 24.0):
        raise ValueError(f"{kind} {member_id}: utc_offset_hours out of range")
