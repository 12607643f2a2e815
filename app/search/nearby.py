"""Place searches: what is near a point, nearest first, then what serves the whole area.

A service is a hit when one of its qualifying venues is within `proximity` metres
(distance: to the nearest such venue), or, ranked after those and marked area-wide,
when one of its service areas covers the point: a borough whose polygon covers it, or
an area-wide name ("pan-London", "national", "online", "phone"). Without a proximity
only the covering services are hits (the HSDS rule for `postcode`).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.models import Location, Service, ServiceArea, ServiceAtLocation

from . import areas_covering, venue_distances, venues_near
from .filters import Condition, unindexed
from .places import AREA_WIDE_NAMES, Hit, Point, Venue, area_name_variants, rank_hits

ID_CHUNK = 5000  # ids per IN list (SQLite allows 32,766 parameters)


def venue_select(conditions: Sequence[Condition]) -> Select:
    """(sal id, service id, service name, latitude, longitude) of the qualifying venues."""
    return (
        select(
            ServiceAtLocation.id,
            ServiceAtLocation.service_id,
            Service.name,
            Location.latitude,
            Location.longitude,
        )
        .select_from(Location)
        .join(ServiceAtLocation, ServiceAtLocation.location_id == Location.id)
        .join(Service, Service.id == ServiceAtLocation.service_id)
        .where(*(c.on_nearby_venue() for c in conditions))
    )


def covering_services(
    session: Session, point: Point, conditions: Sequence[Condition]
) -> dict[str, str]:
    """Qualifying services with a service area covering the point: id -> name."""
    names = [area.name for area in areas_covering(session, point)] + list(AREA_WIDE_NAMES)
    # Set-like filters are checked against service_area.service_id before a service row
    # is read; SQLite must not start from those sets instead of the names.
    area_service_id = unindexed(ServiceArea.service_id)
    query = (
        select(Service.id, Service.name)
        .select_from(ServiceArea)
        .join(Service, Service.id == ServiceArea.service_id)
        .where(ServiceArea.name.in_(area_name_variants(names)))
        .where(*(area_service_id.in_(c.ids) for c in conditions if c.ids is not None))
        .where(*(c.service for c in conditions if c.ids is None))
    )
    return dict(session.execute(query).all())


def _within_reach(
    session: Session, point: Point, proximity: float | None, conditions: Sequence[Condition]
) -> list[Venue]:
    if proximity is None:
        return []
    return venues_near(session, point, proximity, venue_select(conditions))


def _nearest(venues: list[Venue], key: str) -> tuple[dict[str, float], dict[str, str]]:
    nearest: dict[str, float] = {}
    names: dict[str, str] = {}
    for venue in venues:
        ident = getattr(venue, key)
        if ident not in nearest or venue.distance < nearest[ident]:
            nearest[ident] = venue.distance
        names[ident] = venue.name
    return nearest, names


def rank_services(
    session: Session, point: Point, proximity: float | None, conditions: Sequence[Condition]
) -> list[Hit]:
    """Service hits: venues within reach nearest first, then area-wide services by name
    (their distance is measured for the page shown, see `measure`)."""
    within, names = _nearest(_within_reach(session, point, proximity, conditions), "service_id")
    covering = covering_services(session, point, conditions)
    names.update(covering)
    return rank_hits(within, [i for i in covering if i not in within], names)


def rank_service_at_locations(
    session: Session, point: Point, proximity: float | None, conditions: Sequence[Condition]
) -> list[Hit]:
    """service_at_location hits: those within reach nearest first, then the venues of
    services whose service area covers the point, by service name."""
    within, names = _nearest(
        _within_reach(session, point, proximity, conditions), "service_at_location_id"
    )
    covering = list(covering_services(session, point, conditions))
    area_wide: list[str] = []
    for start in range(0, len(covering), ID_CHUNK):
        chunk = covering[start : start + ID_CHUNK]
        query = venue_select(conditions).where(ServiceAtLocation.service_id.in_(chunk))
        for sal_id, _service_id, name, _lat, _lon in session.execute(query):
            if sal_id not in within:
                area_wide.append(sal_id)
                names[sal_id] = name
    return rank_hits(within, area_wide, names)


def measure(
    session: Session,
    point: Point,
    conditions: Sequence[Condition],
    hits: list[Hit],
    key: str = "service_id",
) -> list[Hit]:
    """The hits with the distance of each area-wide one filled in: to the service's nearest
    qualifying venue (key="service_id") or to the venue itself ("service_at_location_id")."""
    wanted = [hit.id for hit in hits if hit.area_wide]
    if not wanted:
        return hits
    column = ServiceAtLocation.service_id if key == "service_id" else ServiceAtLocation.id
    venues = venue_distances(session, point, venue_select(conditions).where(column.in_(wanted)))
    distances, _ = _nearest(venues, key)
    return [Hit(h.id, distances.get(h.id), True) if h.area_wide else h for h in hits]
