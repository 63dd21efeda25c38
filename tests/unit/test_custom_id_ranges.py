"""Ids parsed from custom_ids: in range they are plain ints, out of range they are refused."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.errors import GroundworkError
from cogs._interactions import ROW_ID_MAX, SNOWFLAKE_MAX, OutOfRangeId, refuse_tampered_ids, row_id, snowflake


@pytest.mark.parametrize(("parse", "largest"), [(row_id, ROW_ID_MAX), (snowflake, SNOWFLAKE_MAX)])
def test_the_boundaries(parse: Callable[[str], int], largest: int) -> None:
    assert parse("0") == 0 and parse(str(largest)) == largest
    assert not isinstance(parse(str(largest)), OutOfRangeId)
    assert isinstance(parse(str(largest + 1)), OutOfRangeId)
    assert isinstance(parse("9" * 40), OutOfRangeId)


def test_an_item_holding_an_out_of_range_id_is_refused() -> None:
    class Item:
        def __init__(self, digits: str) -> None:
            self.row_id = row_id(digits)
            self.answer = "approve"

    refuse_tampered_ids(Item("12"))
    with pytest.raises(GroundworkError):
        refuse_tampered_ids(Item("2147483648"))
