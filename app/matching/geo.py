"""Distances and grid cells: where a service runs is part of what it is.

A fixed latitude/longitude grid of about 1 km stands in for geohash cells: at London's
latitude a cell is 0.009 degrees tall and 0.0144 degrees wide (about 1 km each way), and
neighbours are plain integer offsets. A point is filed in its own cell and looks in the
cells within a radius around it, so two points a few metres apart on either side of a
cell edge still meet, without every record scanning all nine neighbouring cells.
"""

from __future__ import annotations

import math

Point = tuple[float, float]  # (latitude, longitude) in degrees

EARTH_RADIUS_M = 6_371_008.8
CELL_LAT = 0.009
CELL_LON = 0.0144


def haversine_m(first: Point, second: Point) -> float:
    """Great-circle distance in metres between two (latitude, longitude) points."""
    lat1, lon1 = map(math.radians, first)
    lat2, lon2 = map(math.radians, second)
    half = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(half)))


def min_distance_m(first: tuple[Point, ...], second: tuple[Point, ...]) -> float | None:
    """Smallest distance between any point of `first` and any of `second`; None if either
    has no points. A service running at several places matches a copy listing one."""
    if not first or not second:
        return None
    return min(haversine_m(a, b) for a in first for b in second)


def grid_cell(point: Point) -> tuple[int, int]:
    """The ~1 km grid cell holding `point`."""
    return math.floor(point[0] / CELL_LAT), math.floor(point[1] / CELL_LON)


def nearby_cells(point: Point, radius_m: float) -> set[tuple[int, int]]:
    """The cells that hold any point within `radius_m` of `point` (for radii up to a cell:
    its own cell and those of the corners of the surrounding square; one to four cells
    rather than all nine neighbours, as few points lie near an edge)."""
    dlat = radius_m / 111_320
    dlon = radius_m / (111_320 * math.cos(math.radians(point[0])))
    lat, lon = point
    return {grid_cell((lat + a, lon + b)) for a in (-dlat, dlat) for b in (-dlon, dlon)}
