"""The place index: narrow copies of what place searches read, kept beside the text index.

A place search near central London meets ~1,500 venues within 2 km, then lists every
service whose service area covers the point (the borough's, pan-London, online: ~9,000
of 100,000). Reading each of those from service_at_location or service_area joined to
service, with a correlated lookup per row for cost and schedules, was most of a search's
database time (13 of 19 ms for the venues; 25-150 ms for the area-wide services of each
new borough and filter). The venue index (a row per located service_at_location) and the
area index (a row per service_area) hold what those searches read instead, with the
common filters' answers worked out when the service is written: its status and ages, free
or not (the filter's own SQL, evaluated once here), and the weekdays it runs (a bit each,
by the schedule filter's rules: see `runs_on` and `_weekdays`; a test holds them to the
filter's SQL).

`index_services` refreshes the rows of the services it is given, so every writer that
keeps the text index keeps these too; `fill_missing` builds what a database upgraded from
before them lacks (app/migrate.py runs it after every upgrade). PostgreSQL adds a generated
`geog` column with a GiST index to the venue index; SQLite reaches venues through
`location_rtree`, by location_id.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, bindparam, case, delete, exists, select
from sqlalchemy.orm import Session

from app.chunks import chunks
from app.models import Location, Schedule, Service, ServiceArea, ServiceAtLocation
from app.records.bulk_insert import insert_rows
from app.search import filters
from app.search.place_tables import area_index, venue_index

# Services per refresh. SQLite probes an index for every id of an IN list, so larger is
# cheaper (fewer statements); with 500 ids PostgreSQL's default costs prefer scanning all
# of service_at_location to 500 index probes (30 ms against 3 per chunk).
CHUNK = {"sqlite": 500, "postgresql": 100}


def refresh_place_index(session: Session, service_ids: list[str]) -> None:
    """Rewrite these services' venue and area index rows from the published tables."""
    size = CHUNK[session.get_bind().dialect.name]
    for chunk in chunks(service_ids, size):
        _refresh(session, chunk)


def _refresh(session: Session, service_ids: list[str]) -> None:
    # One service_id at a time (executemany): an index probe on both engines whatever
    # the statistics say. PostgreSQL has none for rows an import has not committed, and
    # for an IN list of 100 it guessed half the table and scanned all of it, per chunk.
    ids = [{"service_id": service_id} for service_id in service_ids]
    for index in (venue_index, area_index):
        statement = delete(index).where(index.c.service_id == bindparam("service_id"))
        session.connection().execute(statement, ids)
    facts = _service_facts(session, service_ids)
    venue_days, service_days = _weekdays(session, service_ids)
    venues = [
        {"id": sal_id, "service_id": service_id, "location_id": location_id,
         "latitude": latitude, "longitude": longitude, **facts[service_id],
         "days": venue_days.get(sal_id, 0) | venue_days.get(service_id, 0)}
        for sal_id, service_id, location_id, latitude, longitude in session.execute(
            _located_venues(service_ids)
        )
    ]  # fmt: skip
    areas = [
        {"service_id": service_id, "area": area, **facts[service_id],
         "days": service_days.get(service_id, 0)}
        for service_id, area in session.execute(
            select(ServiceArea.service_id, ServiceArea.name).where(
                ServiceArea.service_id.in_(service_ids), ServiceArea.name.is_not(None)
            )
        )
    ]  # fmt: skip
    # A venue may have been listed under another service before (deduplication moves
    # venues between services): its old row goes too.
    moved = delete(venue_index).where(venue_index.c.id == bindparam("id"))
    if venues:
        session.connection().execute(moved, [{"id": venue["id"]} for venue in venues])
    insert_rows(session.connection(), venue_index, venues)
    insert_rows(session.connection(), area_index, areas)


def fill_missing(session: Session) -> int:
    """Index the services that have a located venue or a service area but no index rows
    (a database upgraded from before the place index); returns how many."""
    indexed_venue = exists().where(venue_index.c.id == ServiceAtLocation.id)
    indexed_area = exists().where(area_index.c.service_id == ServiceArea.service_id)
    missing = (
        select(ServiceAtLocation.service_id)
        .join(Location, Location.id == ServiceAtLocation.location_id)
        .where(Location.latitude.is_not(None), Location.longitude.is_not(None), ~indexed_venue)
        .union(select(ServiceArea.service_id).where(ServiceArea.name.is_not(None), ~indexed_area))
    )
    service_ids = sorted(i for i in session.scalars(missing) if i)
    refresh_place_index(session, service_ids)
    return len(service_ids)


def runs_on(byday: str | None) -> int:
    """The weekday bits of a schedule's byday, as filters.schedule matches a day: its code
    ("MO", ...) anywhere in the upper-cased text."""
    text = (byday or "").upper()
    return sum(bit for day, bit in filters.DAY_BITS.items() if filters.WEEKDAYS[day] in text)


def _service_facts(session: Session, service_ids: list[str]) -> dict[str, dict[str, Any]]:
    """Name, status, ages and "free" (the filter's own SQL) of each service."""
    free = case((filters.free().service, True), else_=False)
    rows = session.execute(
        select(Service.id, Service.name, Service.status, Service.minimum_age,
               Service.maximum_age, free).where(Service.id.in_(service_ids))
    )  # fmt: skip
    keys = ("name", "status", "minimum_age", "maximum_age", "free")
    return {row[0]: dict(zip(keys, row[1:], strict=True)) for row in rows}


def _located_venues(service_ids: list[str]) -> Select:
    return (
        select(
            ServiceAtLocation.id,
            ServiceAtLocation.service_id,
            ServiceAtLocation.location_id,
            Location.latitude,
            Location.longitude,
        )
        .join(Location, Location.id == ServiceAtLocation.location_id)
        .where(
            ServiceAtLocation.service_id.in_(service_ids),
            Location.latitude.is_not(None),
            Location.longitude.is_not(None),
        )
    )


def _weekdays(session: Session, service_ids: list[str]) -> tuple[dict, dict]:
    """(by venue, by service) weekday bits, by filters.schedule's rules: a venue runs on
    the days of its own schedules and of its service's schedules for every venue (no
    service_at_location_id); a service, on the days of its own schedules and of any of
    its venues'. The first dict also holds, under each service id, the days its schedules
    for every venue give all its venues."""
    venue: dict[str, int] = {}
    service: dict[str, int] = {}
    own = session.execute(
        select(Schedule.service_id, Schedule.service_at_location_id, Schedule.byday).where(
            Schedule.service_id.in_(service_ids)
        )
    )
    for service_id, sal_id, byday in own:
        bits = runs_on(byday)
        service[service_id] = service.get(service_id, 0) | bits
        key = sal_id or service_id  # a schedule for one venue, or for every venue
        venue[key] = venue.get(key, 0) | bits
    at_venues = session.execute(
        select(ServiceAtLocation.service_id, Schedule.service_at_location_id, Schedule.byday)
        .join(ServiceAtLocation, ServiceAtLocation.id == Schedule.service_at_location_id)
        .where(ServiceAtLocation.service_id.in_(service_ids))
    )
    for service_id, sal_id, byday in at_venues:
        bits = runs_on(byday)
        service[service_id] = service.get(service_id, 0) | bits
        venue[sal_id] = venue.get(sal_id, 0) | bits
    return venue, service
