"""Place searches: what is near a point, nearest first, then what serves the whole area.

With a proximity, a service is a hit when one of its qualifying venues is within
`proximity` metres (distance: to the nearest such venue): HSDS's "only show results
within the proximity". Asked to (`include_area_wide`, as the link worker's page does),
the services with no venue on the map whose service area covers the point follow,
marked area-wide (phone, online, outreach): a service area covers it when it is a borough
whose polygon covers it, or an area-wide name ("pan-London", "national", "online",
"phone"). A service with a venue is judged by its distance alone, whatever its service
area. Without a proximity only the covering services are hits (the HSDS rule for
`postcode`), venues or not.

The venue query has two layers, in this order whatever the planner estimates: the
spatial index finds the venues near the point, which are checked against the venue
filters and the sets (terms, text) by their service_id; only the venues left are joined
to their service rows for the remaining service filters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, select
from sqlalchemy.orm import Session

from app.models import Service, ServiceAtLocation
from app.search import areas_covering, backend
from app.search.filters import Condition
from app.search.kept import kept, kept_rows, query_key
from app.search.place_tables import area_index, venue_index
from app.search.places import (
    AREA_WIDE_NAMES,
    Hit,
    Point,
    Venue,
    area_name_variants,
    haversine,
    nearest_first,
)
from app.search.staleness import Staleness, demoted


def venues(
    session: Session,
    point: Point,
    proximity: float | None,
    conditions: Sequence[Condition],
    *where: ColumnElement[bool],
) -> list[Venue]:
    """The qualifying venues (and `where`, on the venue index) within `proximity` metres,
    or however far when it is None, each with its service's name and its distance.

    The venue index answers most filters itself; a service row is read only for those it
    cannot (ages, cost, languages, ...), and only for the venues already found near."""
    indexed = [c.indexed for c in conditions if c.indexed is not None]
    rest = [c.service for c in conditions if c.indexed is None]
    near = select(
        venue_index.c.id,
        venue_index.c.service_id,
        venue_index.c.latitude,
        venue_index.c.longitude,
        venue_index.c.name,
    ).where(*where, *indexed)
    near = backend(session).near(session, near, point, proximity)
    if rest:
        fenced = near.offset(0).subquery()  # OFFSET 0: the planner keeps this layer first
        near = select(fenced).join(Service, Service.id == fenced.c.service_id).where(*rest)
    found = []
    latitude, longitude = point.latitude, point.longitude
    for sal_id, service_id, lat, lon, name, distance in session.execute(near).all():
        if distance is None:  # SQLite: measured here, exactly
            distance = haversine(latitude, longitude, lat, lon)
        if proximity is None or distance <= proximity:
            found.append(Venue(sal_id, service_id, name, distance))
    return found


def covering(
    session: Session,
    names: Sequence[str],
    conditions: Sequence[Condition],
    *columns: Any,
    unplaced: bool = False,
) -> Select:
    """`columns` (of the area index) of the qualifying services with a service area named
    one of `names` (with `unplaced`, only those with no venue on the map). A service row
    is read only for filters the index cannot answer."""
    query = (
        select(*columns)
        .where(area_index.c.area.in_(area_name_variants(names)))
        .where(*(c.area_indexed for c in conditions if c.area_indexed is not None))
    )
    if unplaced:
        query = query.where(~exists().where(venue_index.c.service_id == area_index.c.service_id))
    rest = [c.service for c in conditions if c.area_indexed is None]
    if rest:
        query = query.join(Service, Service.id == area_index.c.service_id).where(*rest)
    return query


def area_wide(
    session: Session, point: Point, ordered: Callable[[Sequence[str]], Select]
) -> list[str]:
    """Ids of what a service area covering the point qualifies, by name then id:
    `ordered(area names)` selects (name, id) rows in that order.

    The borough's few hundred and the thousands that serve everywhere (pan-London,
    national, online) are read and kept apart, then merged: the large part is read once
    per set of filters, not once per borough, and the merged list is kept as well."""
    key = ("areas covering", point.latitude, point.longitude)
    local = kept(session, key, lambda: [area.name for area in areas_covering(session, point)])
    queries = [ordered(names) for names in (local, AREA_WIDE_NAMES) if names]

    def merge() -> list[str]:
        parts = [kept_rows(session, query) for query in queries]
        rows = parts[0] if len(parts) == 1 else sorted(parts[0] + parts[1])
        return list(dict.fromkeys(row[1] for row in rows))

    return kept(session, ("area-wide", *(query_key(q) for q in queries)), merge)


def _nearest(found: list[Venue], key: str) -> tuple[dict[str, float], dict[str, str]]:
    """Each service's (key="service_id") or venue's distance to its nearest venue found,
    and its name."""
    at = Venue._fields.index(key)
    nearest: dict[str, float] = {}
    names: dict[str, str] = {}
    for venue in found:
        ident, distance = venue[at], venue[3]
        if distance < nearest.get(ident, float("inf")):
            nearest[ident] = distance
        names[ident] = venue[2]
    return nearest, names


@dataclass
class PlaceHits:
    """A place search's hits in order: those within reach (nearest first), then the
    area-wide ones by name (often thousands: every pan-London and online service
    qualifies everywhere; a page rarely reaches them)."""

    within: list[tuple[str, float]]  # (id, distance), nearest first
    area_wide: list[str]  # ids, in order, none of them within reach

    def __len__(self) -> int:
        return len(self.within) + len(self.area_wide)

    def window(self, start: int, stop: int) -> list[Hit]:
        """The hits at positions start..stop-1."""
        hits = [Hit(ident, distance, False) for ident, distance in self.within[start:stop]]
        first = max(0, start - len(self.within))
        last = max(0, stop - len(self.within))
        return hits + [Hit(i, None, True) for i in self.area_wide[first:last]]


def place_hits(
    within: dict[str, float], names: dict[str, str], area_wide_ids: list[str]
) -> PlaceHits:
    """The hits within reach, then the area-wide ones (in order) not within reach."""
    return PlaceHits(nearest_first(within, names), [i for i in area_wide_ids if i not in within])


def fresh_hits(
    session: Session,
    hits: PlaceHits,
    names: dict[str, str],
    staleness: Staleness | None,
    venues: bool = False,
) -> PlaceHits:
    """The hits without the hidden (long unreviewed) ones, each unreviewed one ranked below
    reviewed ones of similar distance (within reach) or after them (area-wide)."""
    if staleness is None:
        return hits
    within = dict(hits.within)
    unreviewed, hidden = staleness.classify(session, [*within, *hits.area_wide], venues)
    within = {i: d for i, d in within.items() if i not in hidden}
    wide = [i for i in hits.area_wide if i not in hidden]
    wide = [i for i in wide if i not in unreviewed] + [i for i in wide if i in unreviewed]
    return PlaceHits(demoted(within, names, unreviewed), wide)


def rank_services(
    session: Session,
    point: Point,
    proximity: float | None,
    conditions: Sequence[Condition],
    include_area_wide: bool = False,
    staleness: Staleness | None = None,
) -> PlaceHits:
    """Service hits: venues within reach nearest first; with `include_area_wide`, then the
    covering services with no venue, by name. Without a proximity, the covering services
    (their distance is measured for the page shown, see `measure`). With `staleness`,
    as `fresh_hits` says."""
    if proximity is None:
        return fresh_hits(
            session, _covering_hits(session, point, conditions, unplaced=False), {}, staleness
        )
    within, names = _nearest(venues(session, point, proximity, conditions), "service_id")
    wide = _covering_hits(session, point, conditions).area_wide if include_area_wide else []
    return fresh_hits(session, place_hits(within, names, wide), names, staleness)


def _covering_hits(
    session: Session, point: Point, conditions: Sequence[Condition], unplaced: bool = True
) -> PlaceHits:
    """The services whose service area covers the point (with `unplaced`, only those
    with no venue on the map), by name, as area-wide hits."""

    def ordered(areas: Sequence[str]) -> Select:
        columns = (area_index.c.name, area_index.c.service_id)
        return (
            covering(session, areas, conditions, *columns, unplaced=unplaced)
            .distinct()
            .order_by(area_index.c.name, area_index.c.service_id)
        )

    return place_hits({}, {}, area_wide(session, point, ordered))


def rank_service_at_locations(
    session: Session,
    point: Point,
    proximity: float | None,
    conditions: Sequence[Condition],
    include_area_wide: bool = False,
    staleness: Staleness | None = None,
) -> PlaceHits:
    """service_at_location hits: those within reach nearest first; with
    `include_area_wide`, then the unplaced ones (a location with no point) of services
    whose service area covers the point, by service name. Without a proximity, every
    venue of those services. With `staleness`, as `fresh_hits` says."""
    within: dict[str, float] = {}
    names: dict[str, str] = {}
    if proximity is not None:
        found = venues(session, point, proximity, conditions)
        within, names = _nearest(found, "service_at_location_id")
        if not include_area_wide:
            return fresh_hits(session, place_hits(within, names, []), names, staleness, True)
    unplaced = proximity is not None

    def ordered(areas: Sequence[str]) -> Select:
        services = covering(session, areas, conditions, area_index.c.service_id)
        query = (
            select(Service.name, ServiceAtLocation.id)
            .join(Service, Service.id == ServiceAtLocation.service_id)
            .where(ServiceAtLocation.service_id.in_(services))
            .where(*(c.on_venue() for c in conditions))
            .order_by(Service.name, ServiceAtLocation.id)
        )
        if unplaced:
            query = query.where(~exists().where(venue_index.c.id == ServiceAtLocation.id))
        return query

    hits = place_hits(within, names, area_wide(session, point, ordered))
    return fresh_hits(session, hits, names, staleness, True)


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
    column = venue_index.c.service_id if key == "service_id" else venue_index.c.id
    distances, _ = _nearest(venues(session, point, None, conditions, column.in_(wanted)), key)
    return [Hit(h.id, distances.get(h.id), True) if h.area_wide else h for h in hits]
