"""The venue index: one narrow row per service_at_location with a point, holding what a
place search reads of it (the service's id, name and status, the coordinates).

A place search near central London meets ~1,500 venues within 2 km; reading each one's
service_at_location and service rows cost two index probes per venue, most of the
search's database time. This copy is read instead. Its columns are named as on
service_at_location (`id`, `service_id`, `location_id`), so a venue filter written for
a service_at_location row (filters.py) applies to an index row unchanged.

`index_services` refreshes the rows of the services it is given, so every writer that
keeps the text index keeps this one too (PostgreSQL adds a generated `geog` column with a
GiST index; SQLite finds the rows through `location_rtree`, by location_id).
"""

from __future__ import annotations

from sqlalchemy import Float, String, column, delete, insert, select, table
from sqlalchemy.orm import Session

from app.models import Location, Service, ServiceAtLocation

venue_index = table(
    "service_search_venue",
    column("id", String),
    column("service_id", String),
    column("location_id", String),
    column("name", String),
    column("status", String),
    column("latitude", Float),
    column("longitude", Float),
)

COLUMNS = ("id", "service_id", "location_id", "name", "status", "latitude", "longitude")


def refresh_venues(session: Session, service_ids: list[str]) -> None:
    """Rewrite the index rows of these services' venues from the published tables."""
    if not service_ids:
        return
    session.execute(delete(venue_index).where(venue_index.c.service_id.in_(service_ids)))
    published = (
        select(
            ServiceAtLocation.id,
            ServiceAtLocation.service_id,
            ServiceAtLocation.location_id,
            Service.name,
            Service.status,
            Location.latitude,
            Location.longitude,
        )
        .join(Service, Service.id == ServiceAtLocation.service_id)
        .join(Location, Location.id == ServiceAtLocation.location_id)
        .where(
            ServiceAtLocation.service_id.in_(service_ids),
            Location.latitude.is_not(None),
            Location.longitude.is_not(None),
        )
    )
    session.execute(insert(venue_index).from_select(COLUMNS, published))
