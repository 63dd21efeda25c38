"""Great-circle distances: one to one, and one to many at once."""

from __future__ import annotations

import random

import pytest

from bot.services.geo import great_circle_km, great_circle_km_from

LEEDS, YORK, SYDNEY = (53.7965, -1.5478), (53.9576, -1.0827), (-33.8679, 151.2073)


def test_known_distances() -> None:
    assert great_circle_km(*LEEDS, *YORK) == pytest.approx(35.0, abs=1.0)
    assert great_circle_km(*LEEDS, *SYDNEY) == pytest.approx(17_000, rel=0.02)
    assert great_circle_km(*LEEDS, *LEEDS) == 0.0


def test_one_to_many_agrees_with_one_to_one() -> None:
    rnd = random.Random(3)
    points = [(rnd.uniform(-89, 89), rnd.uniform(-180, 180)) for _ in range(200)]
    for origin in (LEEDS, SYDNEY, (0.0, 179.9), (89.5, 0.0)):
        many = great_circle_km_from(*origin, [p[0] for p in points], [p[1] for p in points])
        one = [great_circle_km(*origin, *p) for p in points]
        assert many.tolist() == pytest.approx(one, abs=1e-6)


def test_one_to_none_is_empty() -> None:
    assert great_circle_km_from(*LEEDS, [], []).tolist() == []
