"""Points, great-circle distances and the ranking of place searches, shared by both backends.

Distances are great-circle distances on a sphere of the earth's mean radius (haversine).
PostGIS computes the same with `use_spheroid => false`, so both engines order results
exactly as a brute-force haversine does.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

# Mean earth radius in metres: (2a + b) / 3 of WGS84, the sphere PostGIS uses for geography.
EARTH_RADIUS = 6_371_008.7714
METRES_PER_DEGREE = math.pi * EARTH_RADIUS / 180

# Service areas that cover everywhere Signpost serves, whatever the point.
AREA_WIDE_NAMES = ("pan-London", "national", "online", "phone", "telephone")


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float


class Venue(NamedTuple):
    """A service_at_location, its service's name, and its distance from the point (metres).
    (A tuple: a place search makes one per venue within reach, a thousand or more.)"""

    service_at_location_id: str
    service_id: str
    name: str
    distance: float


@dataclass(frozen=True)
class AreaRef:
    """A named boundary polygon (borough, ward) that covers a point."""

    name: str
    kind: str
    code: str | None


@dataclass(frozen=True)
class Hit:
    """One result of a place search: the object's id, its distance, whether it is listed
    because a service area covers the point rather than a venue being within reach."""

    id: str
    distance: float | None
    area_wide: bool


def haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two WGS84 points."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(point: Point, metres: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) of a box holding every point within `metres`,
    with a little slack so rounding in an index never loses an edge point."""
    dlat = metres / METRES_PER_DEGREE + 1e-5
    widest = min(89.9, abs(point.latitude) + dlat)
    dlon = min(180.0, dlat / math.cos(math.radians(widest)) + 1e-5)
    return (
        point.latitude - dlat,
        point.latitude + dlat,
        point.longitude - dlon,
        point.longitude + dlon,
    )


def area_name_variants(names: Iterable[str]) -> list[str]:
    """The spellings a service_area name may be stored under, for an indexed IN lookup."""
    variants: set[str] = set()
    for name in names:
        variants |= {name, name.lower(), name.title(), name.upper(), name.capitalize()}
    return sorted(variants)


def nearest_first(within_reach: dict[str, float], names: dict[str, str]) -> list[tuple[str, float]]:
    """(id, distance) within reach nearest first; ties by name then id, so the order is
    the same on every engine."""
    ordered = sorted((d, names.get(i, ""), i) for i, d in within_reach.items())
    return [(ident, distance) for distance, _, ident in ordered]
