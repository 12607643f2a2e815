"""referrals: referral (a code per activity on a prescription, its service, the
referrer's organisation, needs, status and times; nothing about the person) and
referral_tally (the counts retention keeps). Issue 23.

Revision ID: 0020_referrals
Revises: 0019_capacity
Create Date: 2026-12-07 23:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_referrals"
down_revision = "0019_capacity"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "referral",
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("batch", sa.String(16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.String(36), nullable=False),
        sa.Column("referrer_organization_id", sa.String(36), nullable=True),
        sa.Column("needs", sa.JSON(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("contacted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reported_back_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["service_id"], ["service.id"], name="fk_referral_service_id_service",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["referrer_organization_id"], ["organization.id"],
            name="fk_referral_referrer_organization_id_organization", ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("code", name="pk_referral"),
    )  # fmt: skip
    for column in ("batch", "service_id", "referrer_organization_id", "status", "created_at"):
        op.create_index(f"ix_referral_{column}", "referral", [column])
    op.create_table(
        "referral_tally",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("service_id", sa.String(36), nullable=False),
        sa.Column("borough", sa.Text(), nullable=True),
        sa.Column("need", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("contact_days", sa.Integer(), nullable=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_referral_tally"),
    )
    op.create_index("ix_referral_tally_month", "referral_tally", ["month"])
    op.create_index("ix_referral_tally_service_id", "referral_tally", ["service_id"])


def downgrade() -> None:
    op.drop_table("referral_tally")
    op.drop_table("referral")
