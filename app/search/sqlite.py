"""SQLite backend: FTS5 (porter stemming, prefix matching) over `service_search`, the
`location_rtree` R*Tree for places, and Shapely for point-in-polygon."""

from __future__ import annotations

import json

import shapely
from shapely.geometry import shape
from sqlalchemy import (
    Select,
    bindparam,
    column,
    func,
    literal,
    literal_column,
    null,
    select,
    table,
    text,
    union_all,
)
from sqlalchemy.orm import Session

from app.models import Area, Location
from app.search.documents import replace_documents
from app.search.place_tables import venue_index
from app.search.places import AreaRef, Point, bounding_box

service_search = table("service_search", column("service_id"))
location_rtree = table(
    "location_rtree",
    column("id"),
    column("min_lat"),
    column("max_lat"),
    column("min_lon"),
    column("max_lon"),
)

# Prepared polygons by (area id, bounding box): parsing a borough's GeoJSON costs more
# than the whole point-in-polygon test. A polygon reloaded with exactly the same bounding
# box is seen by a running server only after a restart.
_SHAPES: dict[tuple, shapely.Geometry] = {}


# -- text ---------------------------------------------------------------------------------


def fts_query(words: list[str], column_name: str | None = None) -> str:
    """Every word must match, each as a prefix: `"gard"* "walk"*` (or within one column)."""
    query = " ".join(f'"{w}"*' for w in words)
    return f"{column_name} : ({query})" if column_name else query


def _match(query: str, tier: int) -> Select:
    condition = text("service_search MATCH :fts").bindparams(bindparam("fts", query, unique=True))
    return select(service_search.c.service_id, literal(tier).label("tier")).where(condition)


def any_match(session: Session, words: list[str]) -> bool:
    return session.execute(_match(fts_query(words), 1).limit(1)).first() is not None


def matching_ids(words: list[str]) -> Select:
    return select(service_search.c.service_id).where(
        text("service_search MATCH :fts").bindparams(
            bindparam("fts", fts_query(words), unique=True)
        )
    )


def match_services(words: list[str]) -> Select:
    """(service_id, rank): rank 0 when every word is in the name, 1 when elsewhere."""
    tiers = union_all(_match(fts_query(words, "name"), 0), _match(fts_query(words), 1)).subquery()
    return select(tiers.c.service_id, func.min(tiers.c.tier).label("rank")).group_by(
        tiers.c.service_id
    )


# The FTS row of a service shares the service row's rowid: service_id is UNINDEXED in
# FTS5, so deleting by it would scan the whole index for every batch (quadratic imports).
DELETE_DOCUMENTS = text(
    "DELETE FROM service_search WHERE rowid IN (SELECT rowid FROM service WHERE id IN :ids)"
).bindparams(bindparam("ids", expanding=True))
# The rowid as a subquery in VALUES: the same row as INSERT ... SELECT ... FROM service
# (documents are only made for services that exist), but SQLite's FTS5 took ten times
# as long per row over INSERT ... SELECT (2.0 s against 0.2 s for 20,000 documents).
INSERT_DOCUMENT_AT_ROWID = text(
    "INSERT INTO service_search (rowid, service_id, name, body) VALUES "
    "((SELECT rowid FROM service WHERE id = :service_id), :service_id, :name, :body)"
)


def index_services(session: Session, service_ids: list[str]) -> None:
    replace_documents(session, service_ids, DELETE_DOCUMENTS, INSERT_DOCUMENT_AT_ROWID)


# -- places -------------------------------------------------------------------------------


def near(session: Session, venues: Select, point: Point, proximity: float | None) -> Select:
    """`venues` (from the venue index) restricted to the bounding box of the circle by the
    locations' R*Tree, with a NULL distance column: haversine is applied to the rows in
    Python."""
    if proximity is not None:
        min_lat, max_lat, min_lon, max_lon = bounding_box(point, proximity)
        in_box = select(location_rtree.c.id).where(
            location_rtree.c.max_lat >= min_lat,
            location_rtree.c.min_lat <= max_lat,
            location_rtree.c.max_lon >= min_lon,
            location_rtree.c.min_lon <= max_lon,
        )
        # rowid IN (R*Tree search): SQLite walks from the box to the rows, never the
        # other way round, whatever its statistics say.
        located = select(Location.id).where(literal_column("location.rowid").in_(in_box))
        venues = venues.where(venue_index.c.location_id.in_(located))
    return venues.add_columns(null().label("distance"))


# -- areas --------------------------------------------------------------------------------


def _shape(session: Session, key: tuple) -> shapely.Geometry:
    geometry = _SHAPES.get(key)
    if geometry is None:
        geojson = session.scalar(select(Area.geojson).where(Area.id == key[0]))
        geometry = shape(json.loads(geojson))
        shapely.prepare(geometry)
        _SHAPES[key] = geometry
    return geometry


def _area_keys(session: Session, kind: str | None, point: Point | None = None) -> list:
    query = select(
        Area.id,
        Area.min_lat,
        Area.max_lat,
        Area.min_lon,
        Area.max_lon,
        Area.name,
        Area.kind,
        Area.code,
    ).order_by(Area.name, Area.id)
    if kind:
        query = query.where(Area.kind == kind)
    if point is not None:
        query = query.where(
            Area.min_lat <= point.latitude,
            Area.max_lat >= point.latitude,
            Area.min_lon <= point.longitude,
            Area.max_lon >= point.longitude,
        )
    return list(session.execute(query))


def areas_covering(session: Session, point: Point, kind: str | None = None) -> list[AreaRef]:
    """Areas whose polygon covers the point (boundary included), by bounding box first."""
    found = []
    target = shapely.Point(point.longitude, point.latitude)
    for row in _area_keys(session, kind, point):
        if _shape(session, tuple(row[:5])).covers(target):
            found.append(AreaRef(row.name, row.kind, row.code))
    return found


def assign_boroughs(session: Session, location_ids: list[str] | None) -> int:
    """Set location.borough from the borough polygons; returns how many changed."""
    query = select(Location.id, Location.latitude, Location.longitude, Location.borough)
    if location_ids is not None:
        query = query.where(Location.id.in_(location_ids))
    rows = list(session.execute(query))
    if not rows:
        return 0
    boroughs: list[str | None] = [None] * len(rows)
    located = [
        i for i, row in enumerate(rows) if row.latitude is not None and row.longitude is not None
    ]
    xs = [rows[i].longitude for i in located]
    ys = [rows[i].latitude for i in located]
    for area in _area_keys(session, "borough"):
        geometry = _shape(session, tuple(area[:5]))
        inside = shapely.intersects_xy(geometry, xs, ys) if located else []
        for position, hit in zip(located, inside, strict=True):
            if hit and boroughs[position] is None:
                boroughs[position] = area.name
    changes = [
        {"location_id": row.id, "borough": borough}
        for row, borough in zip(rows, boroughs, strict=True)
        if row.borough != borough
    ]
    if changes:
        session.execute(
            text("UPDATE location SET borough = :borough WHERE id = :location_id"), changes
        )
    return len(changes)
