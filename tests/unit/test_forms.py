"""cogs/_forms.py: a form's custom_id built and read back, its fields read from the submission."""

from __future__ import annotations

from typing import Any

import discord
import pytest

from cogs._forms import FormRoute, Submitted, _fields
from cogs._interactions import OutOfRangeId, snowflake

ROUTE = FormRoute("gw:t", arg=r"[a-z]+(?::[a-z0-9_]+)?")


class _Submission:
    """What FormRoute reads of an interaction: its type and its data (discord.Interaction's)."""

    def __init__(self, custom_id: str, components: list[dict[str, Any]]) -> None:
        self.type = discord.InteractionType.modal_submit
        self.data = {"custom_id": custom_id, "components": components}


def _read(custom_id: str, components: list[dict[str, Any]] | None = None) -> Submitted | None:
    return ROUTE.submitted(_Submission(custom_id, components or []))  # type: ignore[arg-type]


def test_the_custom_id_carries_the_id_and_the_extra_part() -> None:
    assert ROUTE.custom_id(7) == "gw:t:7"
    assert ROUTE.custom_id(7, "place:area") == "gw:t:7:place:area"
    with pytest.raises(ValueError, match="not an extra part"):
        ROUTE.custom_id(7, "Not Allowed")


def test_fields_are_read_from_rows_and_labels() -> None:
    components = [
        {"type": 1, "components": [{"type": 4, "custom_id": "place", "value": "Leeds"}]},
        {"type": 18, "component": {"type": 3, "custom_id": "score", "values": ["4"]}},
        {"type": 18, "component": {"type": 3, "custom_id": "none", "values": []}},
    ]
    submitted = _read("gw:t:12:place", components)
    assert submitted == Submitted(12, "place", {"place": ("Leeds",), "score": ("4",), "none": ()})
    assert submitted.text("place") == "Leeds" and submitted.text("missing") == ""
    assert submitted.chosen("score") == "4" and submitted.chosen("none") is None


@pytest.mark.parametrize("custom_id", ["gw:other:1:place", "gw:t:x:place", "gw:t:1:Place", "gw:t:1:a:b:c"])
def test_other_custom_ids_are_not_this_routes(custom_id: str) -> None:
    assert _read(custom_id) is None


def test_an_id_out_of_range_is_marked_not_trusted() -> None:
    submitted = _read("gw:t:2147483648")
    assert submitted is not None and isinstance(submitted.id, OutOfRangeId)
    big = FormRoute("gw:u", ids=snowflake).submitted(_Submission("gw:u:9223372036854775808", []))  # type: ignore[arg-type]
    assert big is not None and isinstance(big.id, OutOfRangeId)


def test_a_button_click_is_no_submission() -> None:
    click = _Submission("gw:t:1", [])
    click.type = discord.InteractionType.component
    assert ROUTE.submitted(click) is None  # type: ignore[arg-type]


def test_odd_payloads_give_no_fields() -> None:
    found: dict[str, tuple[str, ...]] = {}
    _fields([None, 3, {"type": 1, "components": "nope"}, {"custom_id": "x"}], found)
    assert found == {}
