"""PostgreSQL backend: full-text search over `service_search.tsv` (GIN index), PostGIS
geography for places (GiST index on location.geog), ST_Covers for areas."""

from __future__ import annotations

from geoalchemy2 import Geography, Geometry
from sqlalchemy import (
    Select,
    case,
    cast,
    column,
    func,
    literal_column,
    select,
    table,
    text,
    update,
)
from sqlalchemy.orm import Session

from app.models import Area, Location
from app.search.documents import replace_documents
from app.search.places import AreaRef, Point

service_search = table("service_search", column("service_id"), column("tsv"))
location_geog = literal_column("location.geog", Geography(srid=4326))
venue_geog = literal_column("service_search_venue.geog", Geography(srid=4326))

# Distances on the sphere, as haversine: the same order as SQLite and the tests.
USE_SPHEROID = False


# -- text ---------------------------------------------------------------------------------


def ts_query(words: list[str], weight: str = "") -> str:
    """Every word must match, each as a prefix: `gard:* & walk:*` (`gard:*A`: in the name)."""
    return " & ".join(f"{w}:*{weight}" for w in words)


def _matches(words: list[str], weight: str = ""):
    return service_search.c.tsv.op("@@")(func.to_tsquery("english", ts_query(words, weight)))


def any_match(session: Session, words: list[str]) -> bool:
    """Does any document match? Under `LIMIT 1` the planner bets that a sequential scan
    meets a match early, and reads all 100,000 documents when a typo matches none; a
    materialized CTE is planned on its own, from the GIN index."""
    found = select(service_search.c.service_id).where(_matches(words)).cte("found")
    query = select(found.prefix_with("MATERIALIZED").c.service_id).limit(1)
    return session.execute(query).first() is not None


def matching_ids(words: list[str]) -> Select:
    return select(service_search.c.service_id).where(_matches(words))


def match_services(words: list[str]) -> Select:
    """(service_id, rank): rank 0 when every word is in the name, 1 when elsewhere."""
    rank = case((_matches(words, "A"), 0), else_=1).label("rank")
    return select(service_search.c.service_id, rank).where(_matches(words))


def index_services(session: Session, service_ids: list[str]) -> None:
    delete = text("DELETE FROM service_search WHERE service_id = ANY(:ids)")
    replace_documents(session, service_ids, delete)


# -- places -------------------------------------------------------------------------------


def _point(point: Point):
    return cast(
        func.ST_SetSRID(func.ST_MakePoint(point.longitude, point.latitude), 4326), Geography
    )


def near(session: Session, venues: Select, point: Point, proximity: float | None) -> Select:
    """`venues` (from the venue index) within `proximity` metres (ST_DWithin on its GiST
    index), with their distance (ST_Distance on the sphere, as haversine)."""
    target = _point(point)
    venues = venues.add_columns(
        func.ST_Distance(venue_geog, target, USE_SPHEROID).label("distance")
    )
    if proximity is None:
        return venues
    # A few thousand index probes: parallel workers cost more to start than they save.
    session.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))
    return venues.where(func.ST_DWithin(venue_geog, target, proximity, USE_SPHEROID))


# -- areas --------------------------------------------------------------------------------

area_geom = literal_column("area.geom", Geometry(srid=4326))


def _covers(point_geometry):
    return func.ST_Covers(area_geom, point_geometry)


def areas_covering(session: Session, point: Point, kind: str | None = None) -> list[AreaRef]:
    """Areas whose polygon covers the point (boundary included), via the GiST index."""
    target = func.ST_SetSRID(func.ST_MakePoint(point.longitude, point.latitude), 4326)
    query = (
        select(Area.name, Area.kind, Area.code).where(_covers(target)).order_by(Area.name, Area.id)
    )
    if kind:
        query = query.where(Area.kind == kind)
    return [AreaRef(name, area_kind, code) for name, area_kind, code in session.execute(query)]


def assign_boroughs(session: Session, location_ids: list[str] | None) -> int:
    """Set location.borough from the borough polygons; returns how many changed."""
    borough = (
        select(Area.name)
        .where(Area.kind == "borough", _covers(cast(location_geog, Geometry)))
        .order_by(Area.name, Area.id)
        .limit(1)
        .scalar_subquery()
    )
    statement = (
        update(Location)
        .values(borough=borough)
        .where(Location.borough.is_distinct_from(borough))
        .execution_options(synchronize_session=False)
    )
    if location_ids is not None:
        statement = statement.where(Location.id.in_(location_ids))
    return session.execute(statement).rowcount
