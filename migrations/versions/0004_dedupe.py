"""dedupe: reviewers' match decisions, the review queue of possible matches, where each
merged service's fields came from, aliases of merged-away IDs, and the hash each source
record had when it was last matched (what incremental runs compare).

Revision ID: 0004_dedupe
Revises: 0003_accounts
Create Date: 2026-11-23 13:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_dedupe"
down_revision = "0003_accounts"
branch_labels = None
depends_on = None


def _pair_columns(table: str) -> list:
    return [
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("record_a_id", sa.String(length=36), nullable=False),
        sa.Column("record_b_id", sa.String(length=36), nullable=False),
        *(
            sa.ForeignKeyConstraint(
                [column],
                ["source_record.id"],
                name=op.f(f"fk_{table}_{column}_source_record"),
                ondelete="CASCADE",
            )
            for column in ("record_a_id", "record_b_id")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        sa.UniqueConstraint("record_a_id", "record_b_id", name=f"uq_{table}_pair"),
    ]


def _index(table: str, *columns: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        for column in columns:
            batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def upgrade() -> None:
    with op.batch_alter_table("source_record", schema=None) as batch_op:
        batch_op.add_column(sa.Column("matched_hash", sa.String(length=64), nullable=True))
    op.create_table(
        "match_decision",
        *_pair_columns("match_decision"),
        sa.Column("decision", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
    )
    _index("match_decision", "record_a_id", "record_b_id")
    op.create_table(
        "match_review",
        *_pair_columns("match_review"),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
    )
    _index("match_review", "record_a_id", "record_b_id")
    op.create_table(
        "merged_service",
        sa.Column("service_id", sa.String(length=36), nullable=False),
        sa.Column("field_sources", sa.JSON(), nullable=False),
        sa.Column("merged_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["service.id"],
            name=op.f("fk_merged_service_service_id_service"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("service_id", name=op.f("pk_merged_service")),
    )
    op.create_table(
        "merged_alias",
        sa.Column("old_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("new_id", sa.String(length=36), nullable=False),
        sa.Column("merged_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("old_id", name=op.f("pk_merged_alias")),
    )
    _index("merged_alias", "new_id")


def downgrade() -> None:
    op.drop_table("merged_alias")
    op.drop_table("merged_service")
    op.drop_table("match_review")
    op.drop_table("match_decision")
    with op.batch_alter_table("source_record", schema=None) as batch_op:
        batch_op.drop_column("matched_hash")
