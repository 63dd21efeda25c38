"""Circle clustering and naming, as pure functions; checked against a brute-force oracle."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from bot.services.circles import Resident, circle_place, find_clusters, nearest_within
from bot.services.geo import great_circle_km, unit_vectors
from db.enums import LocaleSharing

LEEDS = (53.80, -1.55)
BRADFORD = (53.79, -1.75)
YORK = (53.96, -1.08)
HARROGATE = (53.99, -1.54)
MANCHESTER = (53.48, -2.24)
LONDON = (51.51, -0.13)


def _clusters(points: list[tuple[float, float]], radius: float = 50, min_size: int = 3) -> list[list[int]]:
    return [sorted(int(i) for i in c.members) for c in find_clusters(unit_vectors(points), radius, min_size)]


def test_three_members_near_each_other_make_one_circle_and_a_far_one_stays_out() -> None:
    assert _clusters([LEEDS, BRADFORD, HARROGATE, LONDON]) == [[0, 1, 2]]


def test_fewer_than_the_minimum_make_no_circle() -> None:
    assert _clusters([LEEDS, BRADFORD]) == []
    assert _clusters([LEEDS, BRADFORD], min_size=2) == [[0, 1]]
    assert _clusters([]) == []


def test_a_circle_is_not_a_chain_every_member_is_within_the_radius_of_its_centre() -> None:
    # Towns every 30 km along a parallel: single linkage would chain all twelve into one.
    line = [(50.0, 0.42 * i) for i in range(12)]
    clusters = find_clusters(unit_vectors(line), 50, 2)
    assert len(clusters) > 1
    for cluster in clusters:
        centre = line[cluster.centre]
        assert all(great_circle_km(*centre, *line[int(i)]) <= 50 for i in cluster.members)
    taken = [int(i) for c in clusters for i in c.members]
    assert len(taken) == len(set(taken))  # disjoint


def test_members_are_listed_nearest_the_centre_first() -> None:
    [cluster] = find_clusters(unit_vectors([YORK, LEEDS, HARROGATE, BRADFORD]), 50, 3)
    centre = [YORK, LEEDS, HARROGATE, BRADFORD][cluster.centre]
    distances = [
        great_circle_km(*centre, *[YORK, LEEDS, HARROGATE, BRADFORD][int(i)]) for i in cluster.members
    ]
    assert distances == sorted(distances)
    assert int(cluster.members[0]) == cluster.centre


def test_the_antimeridian_does_not_split_neighbours() -> None:
    fiji_ish = [(-17.0, 179.9), (-17.0, -179.9), (-17.1, 179.95)]
    assert _clusters(fiji_ish) == [[0, 1, 2]]


def test_nearest_within_picks_the_nearest_circle_and_nothing_beyond_the_radius() -> None:
    circles = unit_vectors([LEEDS, YORK])
    points = unit_vectors([HARROGATE, (53.95, -1.10), LONDON])
    index, km = nearest_within(points, circles, 50)
    assert index.tolist() == [0, 1, -1]  # Harrogate is nearer Leeds (22 km) than York (30 km)
    assert km[0] == pytest.approx(great_circle_km(*HARROGATE, *LEEDS), rel=1e-6)
    assert np.isinf(km[2])
    empty_index, _ = nearest_within(points, unit_vectors([]), 50)
    assert empty_index.tolist() == [-1, -1, -1]


def test_where_two_circles_overlap_each_member_goes_to_the_nearest_centre() -> None:
    rng = np.random.default_rng(7)
    points = [(53.5 + rng.uniform(-0.6, 0.6), -1.5 + rng.uniform(-1.2, 1.2)) for _ in range(300)]
    clusters = find_clusters(unit_vectors(points), 40, 3)
    centres = [points[c.centre] for c in clusters]
    for label, cluster in enumerate(clusters):
        for i in cluster.members:
            own = great_circle_km(*points[int(i)], *centres[label])
            assert own <= 40 + 1e-6
            assert all(own <= great_circle_km(*points[int(i)], *c) + 1e-6 for c in centres)


def _oracle(points: list[tuple[float, float]], radius: float, min_size: int) -> list[tuple[int, list[int]]]:
    """The same greedy clustering with plain loops and haversine distances, O(n²)."""
    n = len(points)
    near = [[j for j in range(n) if great_circle_km(*points[i], *points[j]) <= radius] for i in range(n)]
    taken: set[int] = set()
    greedy = []
    for i in sorted(range(n), key=lambda i: (-len(near[i]), i)):
        free = [j for j in near[i] if j not in taken]
        if i not in taken and len(free) >= min_size:
            taken.update(free)
            greedy.append(i)
    final = []
    for centre in greedy:
        mine = [
            j
            for j in sorted(taken)
            if min(greedy, key=lambda c: great_circle_km(*points[j], *points[c])) == centre
        ]
        if len(mine) >= min_size:
            final.append((centre, mine))
    return final


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_kd_tree_clustering_agrees_with_a_brute_force_oracle(seed: int) -> None:
    rng = np.random.default_rng(seed)
    points = [(52 + rng.uniform(-1, 1), rng.uniform(-2, 2)) for _ in range(150)]
    found = find_clusters(unit_vectors(points), 30, 3)
    assert [(c.centre, sorted(int(i) for i in c.members)) for c in found] == _oracle(points, 30, 3)
    for a, b in itertools.combinations(found, 2):
        assert not set(a.members.tolist()) & set(b.members.tolist())


TOWN, REGION, NOTHING = LocaleSharing.TOWN, LocaleSharing.REGION, LocaleSharing.NOTHING


def test_a_circle_is_named_after_the_town_its_members_share() -> None:
    residents = [
        Resident("Leeds", "England", TOWN),
        Resident("Leeds", "England", TOWN),
        Resident("Bradford", "England", TOWN),
    ]
    assert circle_place(residents) == "Leeds"


def test_the_name_never_reveals_the_town_of_a_member_who_shares_only_their_region() -> None:
    residents = [
        Resident("Leeds", "England", REGION),
        Resident("Leeds", "England", TOWN),
        Resident("Bradford", "England", TOWN),
    ]
    # Leeds is shared by one member but is the home of a region-only member: not used.
    assert circle_place(residents) == "Bradford"
    only_region = [Resident("Leeds", "England", REGION), Resident("York", "England", REGION)]
    assert circle_place(only_region) == "England"


def test_members_who_share_nothing_give_no_name_at_all() -> None:
    assert circle_place([Resident("Leeds", "England", NOTHING), Resident("York", "England", NOTHING)]) is None
    # A town that is someone's secret is not used even when another member shares it.
    assert circle_place([Resident("Leeds", "England", NOTHING), Resident("Leeds", None, TOWN)]) is None
