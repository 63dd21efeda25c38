"""Charts as PNG bytes: the six readiness dimensions over time.

Rendered with matplotlib's Agg canvas on a plain `Figure` (no pyplot, so no global state and
safe in a worker thread); `readiness_chart` runs it off the event loop with asyncio.to_thread.
"""

from __future__ import annotations

import asyncio
import io
import math
from collections.abc import Mapping, Sequence
from datetime import datetime

# Colour-blind friendly (Okabe-Ito), one per dimension in DIMENSIONS order.
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9")
MARKERS = ("o", "s", "^", "D", "v", "P")


def render_readiness_chart(
    points: Sequence[tuple[datetime, Mapping[str, int]]],
    *,
    dimensions: Sequence[str],
    labels: Mapping[str, str],
    title: str,
    scale: Mapping[int, str] | None = None,
    gaps: Sequence[datetime] = (),
) -> bytes:
    """A line per dimension (1-5) over the check-in dates; PNG bytes. `scale` names the values
    on the axis ("1 · not at all"); at each of `gaps` (a check-in skipped or missed) the lines
    break and a light band marks the gap."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 4.5), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    timeline = sorted(
        [(at, scores) for at, scores in points] + [(at, None) for at in gaps], key=lambda p: p[0]
    )
    for index, dimension in enumerate(dimensions):
        series = [
            (at, float("nan") if scores is None else scores[dimension])
            for at, scores in timeline
            if scores is None or dimension in scores
        ]
        if all(math.isnan(score) for _, score in series):
            continue
        # A small vertical offset keeps equal scores of different dimensions apart.
        offset = (index - (len(dimensions) - 1) / 2) * 0.04
        axes.plot(
            [at for at, _ in series],  # type: ignore[arg-type]  # matplotlib takes dates via its units
            [score + offset for _, score in series],
            label=labels.get(dimension, dimension),
            color=COLOURS[index % len(COLOURS)],
            marker=MARKERS[index % len(MARKERS)],
            linewidth=2,
            markersize=6,
        )
    for at in gaps:
        axes.axvline(at, color="#999999", alpha=0.25, linewidth=6)  # type: ignore[arg-type]
    axes.set_ylim(0.6, 5.4)
    axes.set_yticks([1, 2, 3, 4, 5])
    if scale:
        axes.set_yticklabels([scale.get(value, str(value)) for value in (1, 2, 3, 4, 5)])
    axes.grid(True, axis="y", alpha=0.3)
    locator = AutoDateLocator()  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    axes.set_title(title)
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3, frameon=False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


async def readiness_chart(
    points: Sequence[tuple[datetime, Mapping[str, int]]],
    *,
    dimensions: Sequence[str],
    labels: Mapping[str, str],
    title: str,
    scale: Mapping[int, str] | None = None,
    gaps: Sequence[datetime] = (),
) -> bytes:
    """`render_readiness_chart` in a worker thread, so the bot keeps answering meanwhile."""
    return await asyncio.to_thread(
        render_readiness_chart,
        points,
        dimensions=dimensions,
        labels=labels,
        title=title,
        scale=scale,
        gaps=gaps,
    )
