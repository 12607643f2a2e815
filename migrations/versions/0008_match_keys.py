"""match keys: each source record's blocks and what the matcher knows of it without
reading it, so an incremental dedupe run reads only the records a change touches.

Filled by the next dedupe run (records without a summary are read once).

Revision ID: 0008_match_keys
Revises: 0007_area_index
Create Date: 2026-11-24 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_match_keys"
down_revision = "0007_area_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "match_summary",
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("own_service_id", sa.String(length=36), nullable=False),
        sa.Column("own_organization_id", sa.String(length=36), nullable=True),
        sa.Column("names_organization", sa.Boolean(), nullable=False),
        sa.Column("latitude", sa.BigInteger(), nullable=True),
        sa.Column("longitude", sa.BigInteger(), nullable=True),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["source_record.id"],
            name=op.f("fk_match_summary_record_id_source_record"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("record_id", name=op.f("pk_match_summary")),
    )
    op.create_table(
        "match_key",
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("key_hash", sa.BigInteger(), nullable=False),
        sa.Column("sort_name", sa.Text(), nullable=False),
        sa.Column("copies", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["match_summary.record_id"],
            name=op.f("fk_match_key_record_id_match_summary"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("record_id", "key_hash", name=op.f("pk_match_key")),
    )
    op.create_index(
        "ix_match_key_block", "match_key", ["key_hash", "sort_name", "record_id", "copies"]
    )


def downgrade() -> None:
    op.drop_table("match_key")
    op.drop_table("match_summary")
