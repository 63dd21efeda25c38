"""Matching engine: cost function, instant path, batch path against an exact oracle."""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Sequence

import networkx as nx
import pytest

from bot.services.geo import great_circle_km
from bot.services.matching import (
    COST_UNITS_PER_KM,
    BatchResult,
    CostWeights,
    Mentor,
    MentorIndex,
    Seeker,
    SparseOptions,
    batch_match,
    instant_match,
    pair_cost,
    unmatched_cost,
)

W = CostWeights()
PATHS = ["run_for_office", "solidarity_network", "discussion_group", "coalitions", "community_life", "remote"]


def seeker(member_id: int, lat: float | None, lon: float | None, **kw: object) -> Seeker:
    kw.setdefault("languages", frozenset({"en"}))
    return Seeker(member_id, lat, lon, **kw)  # type: ignore[arg-type]


def mentor(member_id: int, lat: float | None, lon: float | None, cap: int = 1, **kw: object) -> Mentor:
    kw.setdefault("languages", frozenset({"en"}))
    return Mentor(member_id, lat, lon, spare_capacity=cap, **kw)  # type: ignore[arg-type]


def reference_cost(s: Seeker, m: Mentor, w: CostWeights = W) -> float:
    """Independent re-statement of the documented cost, in km-equivalents."""
    if s.latitude is None or m.latitude is None or s.longitude is None or m.longitude is None:
        if s.district is not None and s.district == m.district:
            km = w.same_district_unknown_km
        elif s.region is not None and s.region == m.region:
            km = w.same_region_unknown_km
        elif s.country is not None and s.country == m.country:
            km = w.same_country_unknown_km
        else:
            km = w.unknown_location_km
    else:
        km = great_circle_km(s.latitude, s.longitude, m.latitude, m.longitude)
    gap = abs(s.utc_offset_hours - m.utc_offset_hours) % 24
    km += max(0.0, min(gap, 24 - gap) - w.tz_tolerance_hours) * w.tz_gap_penalty_km_per_hour
    if s.languages and m.languages and not s.languages & m.languages:
        km += w.no_shared_language_penalty_km
    if s.paths and m.paths and not s.paths & m.paths:
        km += w.path_mismatch_penalty_km
    if s.member_id in m.previous_mentee_ids:
        km += w.earlier_pairing_penalty_km
    return km


# --- cost function -----------------------------------------------------------------------


def test_pair_cost_is_distance_in_tenths_of_km_without_penalties() -> None:
    s, m = seeker(1, 48.85, 2.35), mentor(2, 50.11, 8.68)  # Paris - Frankfurt
    assert pair_cost(s, m) == pytest.approx(great_circle_km(48.85, 2.35, 50.11, 8.68) * 10, abs=1)


def test_distance_dominates_between_otherwise_equal_mentors() -> None:
    s = seeker(1, 52.52, 13.40)
    near, far = mentor(2, 52.40, 13.06), mentor(3, 48.14, 11.58)
    assert pair_cost(s, near) < pair_cost(s, far)  # type: ignore[operator]


def test_penalties_apply_with_documented_sizes() -> None:
    s = seeker(1, 0.0, 0.0, utc_offset_hours=0, paths=frozenset({"coalitions"}))
    base = pair_cost(s, mentor(2, 0.0, 0.0))
    assert base == 0
    per_km = COST_UNITS_PER_KM
    assert pair_cost(s, mentor(2, 0.0, 0.0, utc_offset_hours=2)) == 0  # within tolerance
    assert pair_cost(s, mentor(2, 0.0, 0.0, utc_offset_hours=5)) == 3 * 300 * per_km
    assert pair_cost(s, mentor(2, 0.0, 0.0, languages=frozenset({"de"}))) == 1500 * per_km
    assert pair_cost(s, mentor(2, 0.0, 0.0, languages=frozenset())) == 0  # unknown: no penalty
    assert pair_cost(s, mentor(2, 0.0, 0.0, paths=frozenset({"remote"}))) == 500 * per_km
    assert pair_cost(s, mentor(2, 0.0, 0.0, paths=frozenset({"remote", "coalitions"}))) == 0
    assert pair_cost(s, mentor(2, 0.0, 0.0, previous_mentee_ids=frozenset({1}))) == 1000 * per_km
    assert pair_cost(seeker(1, None, None), mentor(2, 0.0, 0.0)) == 2000 * per_km


# Salt Lake City, the biggest town of Utah (where a Utah member used to be placed), and
# St. George, Utah, ~420 km away; Denver, Colorado; Toronto, Canada.
SALT_LAKE_CITY, ST_GEORGE, DENVER = (40.76, -111.89), (37.10, -113.58), (39.74, -104.99)


def test_an_unlocated_seeker_prefers_the_same_region_then_the_same_country_then_elsewhere() -> None:
    utah_member = seeker(1, None, None, region="US.UT", country="US")  # said only "Utah": no point
    same_region = mentor(10, *ST_GEORGE, region="US.UT", country="US", district="US.UT.053")
    same_country = mentor(11, *DENVER, region="US.CO", country="US")
    elsewhere = mentor(12, 43.65, -79.38, region="CA.08", country="CA")
    per_km = COST_UNITS_PER_KM
    assert pair_cost(utah_member, same_region) == W.same_region_unknown_km * per_km
    assert pair_cost(utah_member, same_country) == W.same_country_unknown_km * per_km
    assert pair_cost(utah_member, elsewhere) == W.unknown_location_km * per_km
    assert W.same_district_unknown_km < W.same_region_unknown_km < W.same_country_unknown_km
    assert W.same_country_unknown_km < W.unknown_location_km
    everyone = [elsewhere, same_country, same_region]
    for pool in (everyone, [elsewhere, same_country], [elsewhere]):
        expected = pool[-1].member_id
        picked = instant_match(utah_member, MentorIndex.build(pool))
        assert picked is not None and picked.organizer_id == expected
        assert picked.distance_km is None  # never "0 km", never a distance from Salt Lake City
        batch = batch_match([utah_member], pool)
        assert [(p.organizer_id, p.distance_km) for p in batch.proposals] == [(expected, None)]
        sparse = batch_match([utah_member], pool, exact_edge_limit=0)
        assert sparse.total_cost == batch.total_cost


def test_an_unlocated_member_is_never_costed_from_the_areas_biggest_town() -> None:
    # The mentor lives in Salt Lake City itself: the seeker's area's stored point. Still not 0 km.
    utah_member = seeker(1, None, None, region="US.UT", country="US")
    in_salt_lake_city = mentor(10, *SALT_LAKE_CITY, region="US.UT", country="US", district="US.UT.035")
    cost = pair_cost(utah_member, in_salt_lake_city)
    assert cost == W.same_region_unknown_km * COST_UNITS_PER_KM
    # The same for a mentor without a point and a member with one.
    utah_mentor = mentor(10, None, None, region="US.UT", country="US")
    town_member = seeker(1, *SALT_LAKE_CITY, region="US.UT", country="US", district="US.UT.035")
    assert pair_cost(town_member, utah_mentor) == cost
    (proposal,) = batch_match([town_member], [utah_mentor]).proposals
    assert proposal.distance_km is None and proposal.cost == cost


def test_a_shared_district_beats_a_shared_region_and_a_near_town_beats_both() -> None:
    county_member = seeker(
        1, None, None, district="US.UT.019", region="US.UT", country="US"
    )  # Grand County, no town
    same_county = mentor(10, None, None, district="US.UT.019", region="US.UT", country="US")
    same_state = mentor(11, *ST_GEORGE, region="US.UT", country="US", district="US.UT.053")
    assert pair_cost(county_member, same_county) == W.same_district_unknown_km * COST_UNITS_PER_KM
    picked = instant_match(county_member, MentorIndex.build([same_state, same_county]))
    assert picked is not None and picked.organizer_id == 10
    # Both with a town: the real distance, even when it is larger than an unknown one nearby.
    moab, near_moab = (
        seeker(2, 38.57, -109.55, region="US.UT", country="US"),
        mentor(12, 38.9, -109.55, region="US.UT", country="US"),
    )  # ~37 km
    assert pair_cost(moab, near_moab) == pytest.approx(37 * COST_UNITS_PER_KM, abs=10)
    picked = instant_match(moab, MentorIndex.build([same_county, near_moab]))
    assert picked is not None and picked.organizer_id == 12 and picked.distance_km is not None


def test_time_zone_gap_is_circular() -> None:
    s = seeker(1, 0.0, 0.0, utc_offset_hours=14)
    assert pair_cost(s, mentor(2, 0.0, 0.0, utc_offset_hours=-10)) == 0  # same wall clock
    assert pair_cost(s, mentor(2, 0.0, 0.0, utc_offset_hours=-8)) == 0  # 2 h apart
    assert pair_cost(s, mentor(2, 0.0, 0.0, utc_offset_hours=2)) == 10 * 300 * COST_UNITS_PER_KM


def test_excluded_organizer_and_self_are_not_allowed() -> None:
    s = seeker(1, 0.0, 0.0, excluded_organizer_ids=frozenset({2}))
    assert pair_cost(s, mentor(2, 0.0, 0.0)) is None
    assert pair_cost(s, mentor(1, 0.0, 0.0)) is None
    assert pair_cost(s, mentor(3, 0.0, 0.0)) == 0


def test_vectorised_cost_matches_independent_reference() -> None:
    rng = random.Random(3)
    for _ in range(300):
        s, m = _random_seeker(rng, 1, []), _random_mentor(rng, 1000)
        assert pair_cost(s, m) == pytest.approx(reference_cost(s, m) * COST_UNITS_PER_KM, abs=1)


def test_unmatched_cost_grows_with_waiting() -> None:
    assert unmatched_cost(seeker(1, 0, 0, waiting_days=30)) > unmatched_cost(seeker(1, 0, 0, waiting_days=1))
    assert unmatched_cost(seeker(1, 0, 0)) == 50_000 * COST_UNITS_PER_KM


def test_invalid_inputs_are_rejected() -> None:
    with pytest.raises(ValueError):
        CostWeights(tz_gap_penalty_km_per_hour=-1)
    with pytest.raises(ValueError):
        mentor(1, 0.0, 0.0, cap=-1)
    with pytest.raises(ValueError):
        Seeker(1, 10.0, None)
    with pytest.raises(ValueError):
        Seeker(1, 91.0, 0.0)
    with pytest.raises(ValueError, match="duplicate"):
        batch_match([seeker(1, 0, 0), seeker(1, 1, 1)], [mentor(2, 0, 0)])
    with pytest.raises(ValueError, match="duplicate"):
        MentorIndex.build([mentor(2, 0, 0), mentor(2, 1, 1)])


# --- batch: rules ------------------------------------------------------------------------

BOTH_PATHS = [pytest.param(10**9, id="exact"), pytest.param(0, id="sparse")]


@pytest.mark.parametrize("limit", BOTH_PATHS)
def test_batch_never_proposes_excluded_or_self(limit: int) -> None:
    seekers = [
        seeker(1, 0.0, 0.0, excluded_organizer_ids=frozenset({10})),
        seeker(11, 0.0, 0.0),  # also an organizer
    ]
    mentors = [mentor(10, 0.0, 0.0, cap=5), mentor(11, 0.0, 0.0, cap=5), mentor(12, 5.0, 5.0, cap=5)]
    res = batch_match(seekers, mentors, exact_edge_limit=limit)
    assert {(p.member_id, p.organizer_id) for p in res.proposals} == {(1, 11), (11, 10)}


@pytest.mark.parametrize("limit", BOTH_PATHS)
def test_batch_respects_capacity_and_ignores_zero_capacity(limit: int) -> None:
    seekers = [seeker(i, 0.01 * i, 0.0) for i in range(1, 8)]
    mentors = [mentor(100, 0.0, 0.0, cap=0), mentor(101, 0.0, 0.1, cap=2), mentor(102, 40.0, 40.0, cap=3)]
    res = batch_match(seekers, mentors, exact_edge_limit=limit)
    load = Counter(p.organizer_id for p in res.proposals)
    assert load[100] == 0 and load[101] == 2 and load[102] == 3
    assert len(res.unmatched_member_ids) == 2
    _assert_valid(res, seekers, mentors)


@pytest.mark.parametrize("limit", BOTH_PATHS)
def test_longer_waiting_member_wins_the_last_slot(limit: int) -> None:
    a = seeker(1, 45.0, 5.0, waiting_days=3)
    b = seeker(2, 45.0, 5.0, waiting_days=20)
    res = batch_match([a, b], [mentor(9, 45.5, 5.5)], exact_edge_limit=limit)
    assert [p.member_id for p in res.proposals] == [2]
    assert res.unmatched_member_ids == (1,)
    # 20 - 3 days outweigh (17 x 50 =) 850 km: a farther member who waited longer still wins
    far = seeker(3, 45.0 + 700 / 111.2, 5.0, waiting_days=20)
    res = batch_match([a, far], [mentor(9, 45.0, 5.0)], exact_edge_limit=limit)
    assert [p.member_id for p in res.proposals] == [3]


def test_batch_total_cost_adds_up() -> None:
    seekers = [seeker(1, 0.0, 0.0, waiting_days=2), seeker(2, 10.0, 10.0), seeker(3, None, None)]
    res = batch_match(seekers, [mentor(9, 0.0, 1.0, cap=2)])
    assert res.pair_cost == sum(p.cost for p in res.proposals)
    waiting = {s.member_id: s for s in seekers}
    assert res.total_cost == res.pair_cost + sum(unmatched_cost(waiting[i]) for i in res.unmatched_member_ids)
    assert res.stats.method == "exact" and res.stats.certified_optimal
    assert res.proposals[0].distance_km == pytest.approx(111.2, abs=0.5)


def test_batch_handles_empty_sides_and_unlocated_members() -> None:
    assert batch_match([], [mentor(9, 0, 0)]).proposals == ()
    res = batch_match([seeker(1, 0, 0)], [])
    assert res.unmatched_member_ids == (1,) and res.stats.method == "empty"
    res = batch_match([seeker(1, None, None)], [mentor(9, 0, 0), mentor(10, None, None)])
    assert len(res.proposals) == 1 and res.proposals[0].distance_km is None


def test_pairs_costlier_than_waiting_are_never_proposed() -> None:
    w = CostWeights(unmatched_base_km=1000, unmatched_per_waiting_day_km=0)
    res = batch_match([seeker(1, 0.0, 0.0), seeker(2, 0.0, 20.0)], [mentor(9, 0.0, 1.0, cap=2)], w)
    assert [p.member_id for p in res.proposals] == [1]  # 2 is ~2,100 km away
    assert instant_match(seeker(2, 0.0, 20.0), MentorIndex.build([mentor(9, 0.0, 1.0)], w)) is None


# --- instant path ------------------------------------------------------------------------


def test_instant_picks_nearest_allowed_with_capacity_and_decrements() -> None:
    s = seeker(1, 50.0, 10.0, excluded_organizer_ids=frozenset({20}))
    mentors = [
        mentor(20, 50.0, 10.01),  # nearest, excluded
        mentor(1, 50.0, 10.02),  # the member themself
        mentor(21, 50.0, 10.03, cap=0),  # full
        mentor(22, 50.0, 10.5, cap=2),
        mentor(23, 50.0, 11.0),
    ]
    index = MentorIndex.build(mentors)
    picks = [instant_match(s, index) for _ in range(4)]
    assert [p.organizer_id if p else None for p in picks] == [22, 22, 23, None]
    assert index.spare_capacity(22) == 0
    with pytest.raises(ValueError):
        index.decrement(22)
    index.release(22)
    assert (p := instant_match(s, index)) is not None and p.organizer_id == 22
    assert instant_match(s, index, reserve=False) is None


def test_instant_ranks_by_cost_not_only_distance() -> None:
    s = seeker(1, 40.0, -3.7, languages=frozenset({"es"}))
    near_other_language = mentor(2, 40.01, -3.7, languages=frozenset({"fr"}))
    farther_same_language = mentor(3, 41.4, 2.2, languages=frozenset({"es", "fr"}))  # ~500 km
    p = instant_match(s, MentorIndex.build([near_other_language, farther_same_language]))
    assert p is not None and p.organizer_id == 3


def test_instant_matches_brute_force_on_random_world() -> None:
    rng = random.Random(11)
    mentors = [_random_mentor(rng, 10_000 + j) for j in range(600)]
    seekers = [_random_seeker(rng, i, mentors) for i in range(150)]
    index = MentorIndex.build(mentors)
    caps = {m.member_id: m.spare_capacity for m in mentors}
    for s in seekers:
        limit = unmatched_cost(s) / COST_UNITS_PER_KM
        options = {
            m.member_id: c
            for m in mentors
            if caps[m.member_id] > 0
            and m.member_id not in s.excluded_organizer_ids
            and m.member_id != s.member_id
            and (c := reference_cost(s, m)) < limit
        }
        got = instant_match(s, index)
        if not options:
            assert got is None
            continue
        assert got is not None
        best = min(options.values())
        assert got.cost == pytest.approx(best * COST_UNITS_PER_KM, abs=1)
        assert options[got.organizer_id] <= best + 0.1  # ties within rounding only
        caps[got.organizer_id] -= 1
    assert all(index.spare_capacity(i) == c for i, c in caps.items())


# --- batch against an exact oracle ---------------------------------------------------------


def _areas(member_id: int) -> dict[str, str | None]:
    """Area codes drawn from the id (not from the generator, so the instances stay as they were):
    a few countries, regions and districts, sometimes unknown."""
    country = ("US", "DE", "GB")[member_id % 3]
    region = f"{country}.{member_id % 4}" if member_id % 5 else None
    district = f"{region}.{member_id % 2}" if region and member_id % 7 < 3 else None
    return {"country": country, "region": region, "district": district}


def _random_mentor(rng: random.Random, member_id: int, cap_range: tuple[int, int] = (0, 3)) -> Mentor:
    located = rng.random() > 0.05
    return Mentor(
        member_id,
        rng.uniform(-60, 70) if located else None,
        rng.uniform(-180, 180) if located else None,
        utc_offset_hours=rng.choice([-8, -5, -3, 0, 1, 2, 5.5, 8, 9, 10]),
        languages=frozenset(rng.sample(["en", "es", "fr", "de", "pt"], rng.randint(0, 2))),
        paths=frozenset(rng.sample(PATHS, rng.randint(0, 3))),
        spare_capacity=rng.randint(*cap_range),
        previous_mentee_ids=frozenset(rng.sample(range(60), 2)),
        **_areas(member_id),
    )


def _random_seeker(rng: random.Random, member_id: int, mentors: Sequence[Mentor]) -> Seeker:
    located = rng.random() > 0.1
    ids = [m.member_id for m in mentors]
    return Seeker(
        member_id,
        rng.uniform(-60, 70) if located else None,
        rng.uniform(-180, 180) if located else None,
        utc_offset_hours=rng.choice([-8, -5, -3, 0, 1, 2, 5.5, 8, 9, 10]),
        languages=frozenset(rng.sample(["en", "es", "fr", "de", "pt"], rng.randint(0, 2))),
        paths=frozenset(rng.sample(PATHS, rng.randint(0, 2))),
        waiting_days=rng.uniform(0, 90),
        excluded_organizer_ids=frozenset(rng.sample(ids, min(len(ids), rng.randint(0, 2)))),
        **_areas(member_id),
    )


def oracle_cost(seekers: Sequence[Seeker], mentors: Sequence[Mentor], w: CostWeights = W) -> int:
    """Optimal total cost with networkx min-cost flow on the full graph."""
    g = nx.DiGraph()
    g.add_node("sink", demand=len(seekers))
    for s in seekers:
        g.add_node(("s", s.member_id), demand=-1)
        g.add_edge(("s", s.member_id), "sink", capacity=1, weight=unmatched_cost(s, w))
        for m in mentors:
            c = pair_cost(s, m, w)
            if c is not None and m.spare_capacity > 0:
                g.add_edge(("s", s.member_id), ("m", m.member_id), capacity=1, weight=c)
    for m in mentors:
        g.add_edge(("m", m.member_id), "sink", capacity=m.spare_capacity, weight=0)
    return int(nx.min_cost_flow_cost(g))


def _assert_valid(res: BatchResult, seekers: Sequence[Seeker], mentors: Sequence[Mentor]) -> None:
    by_s = {s.member_id: s for s in seekers}
    by_m = {m.member_id: m for m in mentors}
    matched = [p.member_id for p in res.proposals]
    assert len(set(matched)) == len(matched)
    assert set(matched) | set(res.unmatched_member_ids) == set(by_s)
    assert not set(matched) & set(res.unmatched_member_ids)
    load = Counter(p.organizer_id for p in res.proposals)
    assert all(load[i] <= by_m[i].spare_capacity for i in load)
    for p in res.proposals:
        s = by_s[p.member_id]
        assert p.organizer_id not in s.excluded_organizer_ids and p.organizer_id != s.member_id
        assert p.cost == pair_cost(s, by_m[p.organizer_id])
    unmatched = sum(unmatched_cost(by_s[i]) for i in res.unmatched_member_ids)
    assert res.total_cost == sum(p.cost for p in res.proposals) + unmatched


def test_batch_equals_oracle_on_random_instances() -> None:
    rng = random.Random(2024)
    for n in range(30):
        mentors = [_random_mentor(rng, 100 + j, (1, 3)) for j in range(rng.randint(1, 10))]
        seekers = [_random_seeker(rng, i, mentors) for i in range(rng.randint(1, 40))]
        if rng.random() < 0.3:  # somebody who is also an organizer
            seekers[0] = Seeker(mentors[0].member_id, 10.0, 10.0, waiting_days=5)
        best = oracle_cost(seekers, mentors)
        exact = batch_match(seekers, mentors)
        tiny = SparseOptions(k=2, reverse_k=1, tree_group_min=1 + n % 2 * 1000)  # both search kinds
        sparse = batch_match(seekers, mentors, exact_edge_limit=0, sparse=tiny)
        for res in (exact, sparse):
            _assert_valid(res, seekers, mentors)
            assert res.total_cost == best
        assert sparse.stats.lower_bound <= best
        assert sparse.stats.certified_optimal


# --- sparse path at mid size ----------------------------------------------------------------


def _clustered(
    n_seekers: int, n_mentors: int, cap: tuple[int, int], seed: int
) -> tuple[list[Seeker], list[Mentor]]:
    """Organizers in a few big centres, members spread thinly around many (the case where
    k-nearest pruning alone loses coverage)."""
    rng = random.Random(seed)
    centres = [(rng.uniform(-50, 60), rng.uniform(-180, 180), rng.choice([-5, 0, 1, 8])) for _ in range(25)]
    big = centres[:6]
    mentors = []
    for j in range(n_mentors):
        lat, lon, tz = rng.choice(big)
        mentors.append(
            Mentor(
                1000 + j,
                lat + rng.gauss(0, 0.5),
                lon + rng.gauss(0, 0.5),
                tz,
                spare_capacity=rng.randint(*cap),
            )
        )
    seekers = []
    for i in range(n_seekers):
        lat, lon, tz = rng.choice(centres)
        lat = max(-89.0, min(89.0, lat + rng.gauss(0, 4)))
        lon = (lon + rng.gauss(0, 6) + 180) % 360 - 180
        seekers.append(Seeker(i, lat, lon, tz, waiting_days=rng.uniform(0, 60)))
    return seekers, mentors


@pytest.mark.parametrize(
    ("n_seekers", "n_mentors", "cap"),
    [pytest.param(2000, 200, (1, 5), id="shortage"), pytest.param(800, 400, (1, 3), id="ample")],
)
def test_sparse_is_close_to_exact_and_covers_everyone_coverable(
    n_seekers: int, n_mentors: int, cap: tuple[int, int]
) -> None:
    seekers, mentors = _clustered(n_seekers, n_mentors, cap, seed=n_seekers)
    exact = batch_match(seekers, mentors)
    sparse = batch_match(seekers, mentors, exact_edge_limit=0)
    assert exact.stats.method == "exact" and sparse.stats.method == "sparse"
    _assert_valid(sparse, seekers, mentors)
    assert (
        len(sparse.proposals)
        == len(exact.proposals)
        == min(n_seekers, sum(m.spare_capacity for m in mentors))
    )
    assert sparse.total_cost >= exact.total_cost >= sparse.stats.lower_bound
    assert sparse.pair_cost <= exact.pair_cost * 1.03 or sparse.total_cost == exact.total_cost
    assert sparse.stats.n_edges < len(seekers) * len(mentors) / 4
    knn_only = batch_match(seekers, mentors, exact_edge_limit=0, sparse=SparseOptions(max_rounds=1))
    if n_seekers < sum(m.spare_capacity for m in mentors):  # the pitfall the pricing rounds fix
        assert len(knn_only.proposals) < 0.7 * len(exact.proposals)
    assert math.isfinite(sparse.stats.gap) and sparse.stats.gap >= 0
