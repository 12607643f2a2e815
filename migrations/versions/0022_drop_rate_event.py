"""drop rate_event: problem reports are limited by Flask-Limiter now, like searches,
writes and sign-in failures, so nothing counts attempts in the database. Issue #19.

Revision ID: 0022_drop_rate_event
Revises: 0021_webhooks
Create Date: 2026-12-08 00:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0022_drop_rate_event"
down_revision = "0021_webhooks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_rate_event_lookup", table_name="rate_event")
    op.drop_table("rate_event")


def downgrade() -> None:
    op.create_table(
        "rate_event",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rate_event")),
    )
    op.create_index("ix_rate_event_lookup", "rate_event", ["action", "key", "at"])
