"""The place index's two tables (see place_index.py), as the queries name them."""

from __future__ import annotations

from sqlalchemy import Boolean, Float, Integer, String, column, table

# One row per service_at_location with a point. Columns named as on service_at_location
# (`id`, `service_id`, `location_id`), so a venue filter written for a service_at_location
# row applies to an index row unchanged.
venue_index = table(
    "service_search_venue",
    column("id", String),
    column("service_id", String),
    column("location_id", String),
    column("name", String),  # the service's
    column("status", String),  # the service's
    column("latitude", Float),
    column("longitude", Float),
    column("minimum_age", Integer),  # the service's
    column("maximum_age", Integer),
    column("free", Boolean),  # filters.free(), for the service
    column("days", Integer),  # a bit per weekday the venue runs (filters.schedule, day only)
)

# One row per service_area.
area_index = table(
    "service_search_area",
    column("service_id", String),
    column("area", String),  # the service_area's name, as written
    column("name", String),  # the service's
    column("status", String),
    column("minimum_age", Integer),
    column("maximum_age", Integer),
    column("free", Boolean),
    column("days", Integer),  # a bit per weekday the service runs, at any venue or its own
)
