"""Give every location a point: check the source's coordinates, or use its postcode.

Coordinates outside the UK are reported and dropped; lat/lon given the wrong way round
(a London record at latitude -0.12, longitude 51.5) are swapped back and reported.
A location with a postcode but no point gets the postcode's centroid (precision
"postcode", approximate); an outward code alone gets its district's centroid
("district"). Look-ups are cached: a 100,000-row import asks each postcode once.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Postcode
from app.records.normalise import normalise_postcode, outward_code

# A generous box around Great Britain and Northern Ireland.
UK_LAT = (49.8, 60.95)
UK_LON = (-8.75, 1.85)

Point = tuple[float, float]


def in_uk(lat: float, lon: float) -> bool:
    return UK_LAT[0] <= lat <= UK_LAT[1] and UK_LON[0] <= lon <= UK_LON[1]


class Geocoder:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._postcodes: dict[str, Point | None] = {}
        self._districts: dict[str, Point | None] = {}

    def locate(self, location: dict[str, Any], warnings: list[str]) -> None:
        """Set latitude/longitude/geocode_precision on a location dict, in place."""
        if use_given_point(location, warnings):
            return
        postcode = _first_postcode(location)
        if not postcode:
            return
        point, precision = self.postcode_point(postcode)
        if point:
            location["latitude"], location["longitude"] = point
            location["geocode_precision"] = precision
        else:
            warnings.append(f"postcode: '{postcode}' was not found in the postcode directory")

    def postcode_point(self, text: str) -> tuple[Point | None, str | None]:
        """The centroid of a full postcode, else of its district; with which it was."""
        full = normalise_postcode(text)
        if full:
            if full not in self._postcodes:
                self._postcodes[full] = self._lookup(Postcode.postcode == full)
            if self._postcodes[full]:
                return self._postcodes[full], "postcode"
        district = outward_code(full.split()[0] if full else text)
        if district:
            if district not in self._districts:
                self._districts[district] = self._lookup(Postcode.district == district)
            if self._districts[district]:
                return self._districts[district], "district"
        return None, None

    def _lookup(self, condition: Any) -> Point | None:
        row = self.session.execute(
            select(func.avg(Postcode.latitude), func.avg(Postcode.longitude)).where(condition)
        ).one()
        return (float(row[0]), float(row[1])) if row[0] is not None else None


def use_given_point(location: dict[str, Any], warnings: list[str]) -> bool:
    """Keep the source's own point when it is in the UK (swapped back if given the wrong
    way round: precision "source") and say so; drop and report one outside it."""
    lat, lon = location.get("latitude"), location.get("longitude")
    if lat is None or lon is None:
        location.pop("latitude", None)
        location.pop("longitude", None)
        return False
    if in_uk(lon, lat) and not in_uk(lat, lon):
        warnings.append(f"coordinates: latitude {lat} and longitude {lon} were swapped")
        location["latitude"], location["longitude"] = lat, lon = lon, lat
    if in_uk(lat, lon):
        location["geocode_precision"] = "source"
        return True
    warnings.append(f"coordinates: ({lat}, {lon}) are outside the UK; dropped")
    del location["latitude"], location["longitude"]
    return False


def needs_postcode_lookup(location: dict[str, Any]) -> bool:
    """Whether locating this location reads the postcode table: it has a postcode and no
    point of its own in the UK (either way round)."""
    lat, lon = location.get("latitude"), location.get("longitude")
    usable = lat is not None and lon is not None and (in_uk(lat, lon) or in_uk(lon, lat))
    return not usable and _first_postcode(location) is not None


def _first_postcode(location: dict[str, Any]) -> str | None:
    for address in location.get("addresses") or []:
        if address.get("postal_code"):
            return address["postal_code"]
    return None
