"""area index: one narrow row per service_area with what place searches read of its
service (id, name, status, ages, free, weekdays), so that the services whose area covers
a searched point (~9,000 of 100,000: the borough's, pan-London, online) are read without
joining service_area to service and looking up costs and schedules per row (25-150 ms of
PostgreSQL for each new borough and filter). Kept by `index_services`; app/migrate.py
fills it after the upgrade (place_index.py).

Revision ID: 0007_area_index
Revises: 0006_venue_index
Create Date: 2026-11-23 17:00:00
"""

from alembic import op

revision = "0007_area_index"
down_revision = "0006_venue_index"
branch_labels = None
depends_on = None

UP = [
    "CREATE TABLE service_search_area (service_id VARCHAR(36) NOT NULL, area TEXT NOT NULL, "
    "name TEXT, status TEXT, minimum_age INTEGER, maximum_age INTEGER, "
    "free BOOLEAN NOT NULL, days INTEGER NOT NULL)",
    # Which services cover these areas, in name order: read from the index alone.
    "CREATE INDEX ix_service_search_area_area ON service_search_area (area, name, service_id)",
    "CREATE INDEX ix_service_search_area_service_id ON service_search_area (service_id)",
]


def upgrade() -> None:
    for statement in UP:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS service_search_area")
