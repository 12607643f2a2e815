"""search generation: a number every change to what searches read sets anew, so that the
app servers may keep the costly, point-independent part of a place search (the
services whose service area covers a borough, pan-London, online) until it changes.

Revision ID: 0005_search_generation
Revises: 0004_dedupe
Create Date: 2026-11-23 16:30:00
"""

from alembic import op

revision = "0005_search_generation"
down_revision = "0004_dedupe"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "CREATE TABLE service_search_generation (id INTEGER PRIMARY KEY, value BIGINT NOT NULL)"
    )
    op.execute("INSERT INTO service_search_generation (id, value) VALUES (1, 0)")


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS service_search_generation")
