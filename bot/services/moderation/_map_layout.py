"""How the members map is laid out: where it looks, and which areas get a label where.

Pure functions on plain numbers, so they are tested without drawing anything: the extent is the
box around the areas with members plus a margin, never smaller than `MIN_SPAN` degrees, shaped
like the picture; labels are placed greedily, biggest area first, each at the first of a few
spots around its circle that overlaps no label placed before it and stays inside the picture,
and left out when none is free. An area with fewer than `MIN_LABELLED` members never gets a label.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

MIN_LABELLED = 5  # an area with fewer members is drawn, never named
MARGIN = 0.15  # of the members' span, on every side
MIN_MARGIN = 2.0  # degrees
MIN_SPAN = (16.0, 8.0)  # degrees of longitude, latitude: at least a region with its neighbours
ASPECT = 2.0  # the picture: its width over its height
MIN_COSINE = 0.35  # near the poles a degree of longitude is never drawn narrower than this


@dataclass(frozen=True, slots=True)
class Extent:
    west: float
    east: float
    south: float
    north: float
    stretch: float = 1.0  # degrees of longitude per unit of width, over latitude's (1 / cos(middle))

    @property
    def width(self) -> float:
        return self.east - self.west

    @property
    def height(self) -> float:
        return self.north - self.south


WORLD = Extent(-180.0, 180.0, -90.0, 90.0)


def _fit(low: float, high: float, span: float, floor: float, ceiling: float) -> tuple[float, float]:
    """[low, high] widened about its middle to `span`, then moved inside [floor, ceiling]."""
    middle = (low + high) / 2
    span = min(max(span, high - low), ceiling - floor)
    low, high = middle - span / 2, middle + span / 2
    if low < floor:
        low, high = floor, floor + span
    if high > ceiling:
        low, high = ceiling - span, ceiling
    return low, high


def map_extent(
    coordinates: Sequence[tuple[float, float]],
    *,
    margin: float = MARGIN,
    min_span: tuple[float, float] = MIN_SPAN,
    aspect: float = ASPECT,
) -> Extent:
    """The box (degrees) showing every (longitude, latitude) with a margin, at least `min_span`
    wide and high, drawn `aspect` times as wide as high where the world allows: a degree of
    longitude is drawn cos(latitude) as wide as one of latitude at the box's middle (`stretch`),
    so places keep their shape. The whole world when there is nothing to show."""
    if not coordinates:
        return WORLD
    longitudes = [lon for lon, _ in coordinates]
    latitudes = [lat for _, lat in coordinates]
    west, east, south, north = min(longitudes), max(longitudes), min(latitudes), max(latitudes)
    pad_x = max((east - west) * margin, MIN_MARGIN)
    pad_y = max((north - south) * margin, MIN_MARGIN)
    west, east, south, north = west - pad_x, east + pad_x, south - pad_y, north + pad_y
    stretch = 1 / max(math.cos(math.radians((south + north) / 2)), MIN_COSINE)
    ratio = aspect * stretch  # degrees of longitude per degree of latitude in the picture
    width = max(east - west, min_span[0], (north - south) * ratio)
    height = max(north - south, min_span[1], width / ratio)
    south, north = _fit(south, north, height, -90.0, 90.0)
    west, east = _fit(west, east, max(width, (north - south) * ratio), -180.0, 180.0)
    return Extent(west, east, south, north, stretch if (east - west) < 360 else 1.0)


@dataclass(frozen=True, slots=True)
class Box:
    """A rectangle in picture units (pixels): left, bottom, right, top."""

    left: float
    bottom: float
    right: float
    top: float

    def overlaps(self, other: Box) -> bool:
        return not (
            self.right <= other.left
            or other.right <= self.left
            or self.top <= other.bottom
            or other.top <= self.bottom
        )

    def inside(self, frame: Box) -> bool:
        return (
            self.left >= frame.left
            and self.right <= frame.right
            and self.bottom >= frame.bottom
            and self.top <= frame.top
        )


@dataclass(frozen=True, slots=True)
class LabelRequest:
    """A label wanted at an area's circle: its anchor, the circle's radius and the text's size."""

    key: int  # the caller's index
    x: float
    y: float
    radius: float
    width: float
    height: float
    priority: float  # bigger first: the member count


@dataclass(frozen=True, slots=True)
class PlacedLabel:
    key: int
    box: Box
    align: str  # matplotlib's horizontal alignment for the text at the box: left, right or center


def _spots(request: LabelRequest, gap: float) -> list[tuple[Box, str]]:
    """Right of the circle, left of it, above, below (in that order of preference)."""
    x, y, r, w, h = request.x, request.y, request.radius + gap, request.width, request.height
    return [
        (Box(x + r, y - h / 2, x + r + w, y + h / 2), "left"),
        (Box(x - r - w, y - h / 2, x - r, y + h / 2), "right"),
        (Box(x - w / 2, y + r, x + w / 2, y + r + h), "center"),
        (Box(x - w / 2, y - r - h, x + w / 2, y - r), "center"),
    ]


def place_labels(
    requests: Sequence[LabelRequest], *, frame: Box, obstacles: Sequence[Box] = (), gap: float = 2.0
) -> list[PlacedLabel]:
    """Greedy placement, most members first: the first free spot of each, or no label at all.
    No two placed boxes overlap, none covers an obstacle (the circles), each lies inside `frame`."""
    placed: list[PlacedLabel] = []
    for request in sorted(requests, key=lambda r: (-r.priority, r.key)):
        for box, align in _spots(request, gap):
            if (
                box.inside(frame)
                and not any(box.overlaps(other.box) for other in placed)
                and not any(box.overlaps(obstacle) for obstacle in obstacles)
            ):
                placed.append(PlacedLabel(request.key, box, align))
                break
    return placed


def may_label(count: int, minimum: int = MIN_LABELLED) -> bool:
    """The privacy rule: an area is named on the map only with at least `minimum` members."""
    return count >= minimum
