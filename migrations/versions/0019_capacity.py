"""capacity: a service's editor-kept capacity (taking new people, waiting list, full,
paused until a date), the date it was said, read as "not known" once it expires.
Issue 22, item 4.

Revision ID: 0019_capacity
Revises: 0018_typed_ids
Create Date: 2026-12-07 23:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_capacity"
down_revision = "0018_typed_ids"
branch_labels = None
depends_on = None

COLUMNS = (
    ("capacity_status", sa.Text()),
    ("capacity_wait_weeks", sa.Integer()),
    ("capacity_until", sa.Text()),
    ("capacity_stated", sa.Text()),
)


def upgrade() -> None:
    with op.batch_alter_table("service") as batch:
        for name, kind in COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("service") as batch:
        for name, _kind in reversed(COLUMNS):
            batch.drop_column(name)
