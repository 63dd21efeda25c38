"""Moderators' pictures as PNG bytes: the overview chart and the members map (drawn offline).

Plain matplotlib `Figure`s on the Agg canvas (no pyplot state), so they are safe to render in
a worker thread; the async wrappers do exactly that."""

from __future__ import annotations

import asyncio
import io
import math
from collections.abc import Sequence
from typing import Any

from bot.services.moderation._map import AreaPoint
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


def render_overview(data: Overview, *, title: str) -> bytes:
    """Members by status, and where most of them live."""
    figure = _figure(9, 4)
    status_axes, place_axes = figure.subplots(1, 2)
    statuses = list(data.by_status.items()) or [(texts.CHART_NOTHING_YET, 0)]
    status_axes.bar([name for name, _ in statuses], [count for _, count in statuses], color="#009E73")
    status_axes.set_title(texts.OVERVIEW_BY_STATUS)
    places = list(reversed(data.by_country)) or [(texts.CHART_NOTHING_YET, 0)]
    place_axes.barh([name for name, _ in places], [count for _, count in places], color="#0072B2")
    place_axes.set_title(texts.OVERVIEW_BY_PLACE)
    figure.suptitle(title)
    return _png(figure)


def render_map(points: Sequence[AreaPoint], *, minimum_label: int, title: str) -> bytes:
    """Circles sized by members per region on a longitude/latitude grid; small places unlabelled."""
    figure = _figure(10, 5)
    axes = figure.add_subplot()
    axes.set_xlim(-180, 180)
    axes.set_ylim(-90, 90)
    axes.set_xticks(range(-180, 181, 30))
    axes.set_yticks(range(-90, 91, 30))
    axes.grid(True, alpha=0.3)
    axes.set_aspect("equal")
    if points:
        axes.scatter(
            [p.longitude for p in points],
            [p.latitude for p in points],
            s=[40 + 60 * math.sqrt(p.count) for p in points],
            color="#D55E00",
            alpha=0.5,
            edgecolors="#7f2a00",
        )
    for point in points:
        if point.count >= minimum_label:
            axes.annotate(
                f"{point.label} ({point.count})", (point.longitude, point.latitude), fontsize=7, ha="center"
            )
    axes.set_title(title)
    return _png(figure)


async def overview_chart(data: Overview, *, title: str) -> bytes:
    return await asyncio.to_thread(render_overview, data, title=title)


async def members_map(points: Sequence[AreaPoint], *, minimum_label: int, title: str) -> bytes:
    return await asyncio.to_thread(render_map, points, minimum_label=minimum_label, title=title)
