"""Ids parsed from custom_ids: in range they are plain ints, out of range marked (a click on an
item holding one is refused: tests/unit/test_persistent.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from cogs._interactions import ROW_ID_MAX, SNOWFLAKE_MAX, OutOfRangeId, row_id, snowflake


@pytest.mark.parametrize(("parse", "largest"), [(row_id, ROW_ID_MAX), (snowflake, SNOWFLAKE_MAX)])
def test_the_boundaries(parse: Callable[[str], int], largest: int) -> None:
    assert parse("0") == 0 and parse(str(largest)) == largest
    assert not isinstance(parse(str(largest)), OutOfRangeId)
    assert isinstance(parse(str(largest + 1)), OutOfRangeId)
    assert isinstance(parse("9" * 40), OutOfRangeId)
