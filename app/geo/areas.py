"""Named boundary areas (boroughs, wards, PCNs) from any GeoJSON FeatureCollection, the
borough of every location, and counts of services per borough."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import shapely
from shapely.geometry import mapping, shape
from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from app import generation, search
from app.models import Area, Location, Service, ServiceAtLocation, stable_id

POLYGONS = ("Polygon", "MultiPolygon")


class AreaFileError(ValueError):
    """The file is not a GeoJSON FeatureCollection of named polygons."""


@dataclass
class AreaLoad:
    loaded: list[str] = field(default_factory=list)  # names
    skipped: list[str] = field(default_factory=list)  # "feature 3: no name"


def read_features(path: Path) -> list[dict]:
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise AreaFileError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    except ValueError as exc:
        raise AreaFileError(f"{path} is not JSON: {exc}.") from exc
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise AreaFileError(f"{path} is not a GeoJSON FeatureCollection.")
    features = document.get("features")
    if not isinstance(features, list):
        raise AreaFileError(f"{path} has no list of features.")
    return features


def load_areas(
    session: Session,
    path: Path,
    kind: str = "borough",
    name_property: str = "name",
    code_property: str | None = "gss_code",
) -> AreaLoad:
    """Insert or replace one area per polygon feature (id: uuid5 of kind and code or name).

    Features without the name property or without a (multi)polygon are skipped and
    reported; invalid rings are repaired (make_valid) so point-in-polygon never fails.
    """
    result = AreaLoad()
    for number, feature in enumerate(read_features(path), start=1):
        properties = (feature or {}).get("properties") or {}
        name = str(properties.get(name_property) or "").strip()
        geometry = (feature or {}).get("geometry") or {}
        if not name:
            result.skipped.append(f"feature {number}: no '{name_property}' property")
            continue
        if geometry.get("type") not in POLYGONS:
            result.skipped.append(f"feature {number} ({name}): not a polygon")
            continue
        code = properties.get(code_property) if code_property else None
        polygon = _valid_polygon(shape(geometry))
        if polygon is None:
            result.skipped.append(f"feature {number} ({name}): an empty polygon")
            continue
        _upsert_area(session, kind, name, str(code) if code else None, polygon, path)
        result.loaded.append(name)
    session.flush()
    generation.change_after_commit(session)  # searches keep the areas covering a point
    return result


def _valid_polygon(polygon: shapely.Geometry) -> shapely.Geometry | None:
    if not polygon.is_valid:
        polygon = shapely.make_valid(polygon)
        parts = [g for g in getattr(polygon, "geoms", [polygon]) if g.geom_type in POLYGONS]
        polygon = shapely.union_all(parts) if parts else shapely.Polygon()
    return None if polygon.is_empty or polygon.geom_type not in POLYGONS else polygon


def _upsert_area(
    session: Session, kind: str, name: str, code: str | None, polygon, path: Path
) -> None:
    min_lon, min_lat, max_lon, max_lat = polygon.bounds
    values = {
        "kind": kind,
        "name": name,
        "code": code,
        "geojson": json.dumps(mapping(polygon)),
        "min_lat": min_lat,
        "max_lat": max_lat,
        "min_lon": min_lon,
        "max_lon": max_lon,
        "source": Path(path).name,
    }
    area_id = stable_id("area", kind, code or name)
    area = session.get(Area, area_id)
    if area is None:
        session.add(Area(id=area_id, **values))
    else:
        for key, value in values.items():
            setattr(area, key, value)


def assign_boroughs(session: Session, location_ids: list[str] | None = None) -> int:
    """Set each location's borough (None outside every borough) from the loaded borough
    polygons; all locations, or just these. Returns how many locations changed.

    The import pipeline calls this for the locations it wrote. With no borough polygons
    loaded it changes nothing (rather than clearing every borough).
    """
    session.flush()
    if not session.scalar(select(func.count()).where(Area.kind == "borough")):
        return 0
    return search.assign_boroughs(session, location_ids)


def borough_names(session: Session) -> list[str]:
    return list(
        session.scalars(select(Area.name).where(Area.kind == "borough").order_by(Area.name))
    )


def count_services_by_borough(session: Session) -> dict[str, int]:
    """Borough name -> number of active services with a venue there (every loaded borough
    is listed, with 0 if it has none)."""
    counts = dict.fromkeys(borough_names(session), 0)
    rows = session.execute(
        select(Location.borough, func.count(distinct(Service.id)))
        .join(ServiceAtLocation, ServiceAtLocation.location_id == Location.id)
        .join(Service, Service.id == ServiceAtLocation.service_id)
        .where(Service.status == "active", Location.borough.is_not(None))
        .group_by(Location.borough)
    )
    for name, count in rows:
        counts[name] = count
    return dict(sorted(counts.items()))
