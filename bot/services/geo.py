"""Great-circle geometry shared by locale resolution, isolation, pairing and circles.

Points on the globe are handled two ways: as (latitude, longitude) in degrees for
distances a person reads, and as 3-D unit vectors for nearest-neighbour search with a
KD-tree (the chord between two unit vectors grows monotonically with the great-circle
distance, so Euclidean neighbours are great-circle neighbours).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE_LATITUDE = math.pi * EARTH_RADIUS_KM / 180


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance in kilometres between two points given in degrees (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def great_circle_km_from(
    lat: float, lon: float, lats: npt.ArrayLike, lons: npt.ArrayLike
) -> npt.NDArray[np.float64]:
    """Distances in kilometres from one point to many (haversine, all at once)."""
    phi1 = math.radians(lat)
    phi2 = np.radians(np.asarray(lats, dtype=np.float64))
    dlmb = np.radians(np.asarray(lons, dtype=np.float64) - lon)
    a = np.sin((phi2 - phi1) / 2) ** 2 + math.cos(phi1) * np.cos(phi2) * np.sin(dlmb / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a))), dtype=np.float64)


def bounding_box(latitude: float, longitude: float, radius_km: float) -> tuple[float, float, float, float]:
    """(south, north, west, east) in degrees of a box holding every point within `radius_km` of
    the point; west < -180 or east > 180 when it crosses the antimeridian (then any longitude
    may be within reach)."""
    dlat = radius_km / KM_PER_DEGREE_LATITUDE
    cos_lat = max(math.cos(math.radians(latitude)), 0.01)
    dlon = min(180.0, radius_km / (KM_PER_DEGREE_LATITUDE * cos_lat))
    return latitude - dlat, latitude + dlat, longitude - dlon, longitude + dlon


def unit_vectors(points: Iterable[tuple[float, float]]) -> npt.NDArray[np.float64]:
    """(lat, lon) pairs in degrees as an (n, 3) array of unit vectors."""
    arr = np.asarray(list(points), dtype=np.float64).reshape(-1, 2)
    lat = np.radians(arr[:, 0])
    lon = np.radians(arr[:, 1])
    cos_lat = np.cos(lat)
    return np.column_stack((cos_lat * np.cos(lon), cos_lat * np.sin(lon), np.sin(lat)))


def km_to_chord(km: float) -> float:
    """Chord length on the unit sphere for a great-circle distance in km."""
    angle = min(km / EARTH_RADIUS_KM, math.pi)
    return 2.0 * math.sin(angle / 2.0)


def chord_to_km(chord: float | npt.NDArray[np.float64]) -> float | npt.NDArray[np.float64]:
    """Great-circle distance in km for a chord length on the unit sphere."""
    clipped = np.clip(np.asarray(chord, dtype=np.float64) / 2.0, 0.0, 1.0)
    result = 2.0 * EARTH_RADIUS_KM * np.arcsin(clipped)
    if np.ndim(result) == 0:
        return float(result)
    return result
