"""venue index: one narrow row per service_at_location with a point, carrying what
place searches read of it and its service (ids, name, status, the coordinates, ages,
free, weekdays), so that the venues near a point are found without two index probes per
venue into service_at_location and service (13 of 19 ms at 1,500 venues within 2 km).
Kept by `index_services`; app/migrate.py fills it after the upgrade (place_index.py).

Revision ID: 0006_venue_index
Revises: 0005_search_generation
Create Date: 2026-11-23 16:45:00
"""

from alembic import op

revision = "0006_venue_index"
down_revision = "0005_search_generation"
branch_labels = None
depends_on = None

COLUMNS = (
    "id VARCHAR(36) PRIMARY KEY, service_id VARCHAR(36) NOT NULL, "
    "location_id VARCHAR(36) NOT NULL, name TEXT, status TEXT, "
    "latitude DOUBLE PRECISION NOT NULL, longitude DOUBLE PRECISION NOT NULL, "
    "minimum_age INTEGER, maximum_age INTEGER, free BOOLEAN NOT NULL, days INTEGER NOT NULL"
)
SQLITE_UP = [
    f"CREATE TABLE service_search_venue ({COLUMNS})",
    "CREATE INDEX ix_service_search_venue_service_id ON service_search_venue (service_id)",
    # SQLite reaches venues through location_rtree (by location), PostgreSQL by geog.
    "CREATE INDEX ix_service_search_venue_location_id ON service_search_venue (location_id)",
]
POSTGRES_UP = [
    f"CREATE TABLE service_search_venue ({COLUMNS}, geog geography(Point, 4326) "
    "GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(longitude, latitude), 4326)::geography) "
    "STORED)",
    "CREATE INDEX ix_service_search_venue_service_id ON service_search_venue (service_id)",
    "CREATE INDEX ix_service_search_venue_geog ON service_search_venue USING gist (geog)",
]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_UP if dialect == "sqlite" else POSTGRES_UP:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS service_search_venue")
