"""accounts: editors, moderators and admins; API tokens (hashed); the moderation queue
(change_request); field locks that keep an editor's values from being overwritten by
imports; rate-limit events; follow-up flags for stale listings.

Revision ID: 0003_accounts
Revises: 0001
Create Date: 2026-11-24 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_accounts"
down_revision = "0001"
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _account_fk(table: str, column: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["account.id"], name=op.f(f"fk_{table}_{column}_account"), ondelete=ondelete
    )


def _index(table: str, *columns: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        for column in columns:
            batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def upgrade() -> None:
    op.create_table(
        "account",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("email", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("password_hash", sa.Text(), nullable=True),
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column("trusted", sa.Boolean(), nullable=False),
        sa.Column("email_verified", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        _when("created_at"),
        _when("last_sign_in_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account")),
        sa.UniqueConstraint("email", name=op.f("uq_account_email")),
    )
    op.create_table(
        "rate_event",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        _when("at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rate_event")),
    )
    with op.batch_alter_table("rate_event", schema=None) as batch_op:
        batch_op.create_index("ix_rate_event_lookup", ["action", "key", "at"], unique=False)

    op.create_table(
        "account_organization",
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("organization_id", sa.String(length=36), nullable=False),
        _when("created_at"),
        _account_fk("account_organization", "account_id", "CASCADE"),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_account_organization_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "account_id", "organization_id", name=op.f("pk_account_organization")
        ),
    )
    _index("account_organization", "organization_id")

    op.create_table(
        "api_token",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        _when("created_at"),
        _when("last_used_at", nullable=True),
        _when("revoked_at", nullable=True),
        _account_fk("api_token", "account_id", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_token_token_hash")),
    )
    _index("api_token", "account_id")

    op.create_table(
        "change_request",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("resource_type", sa.Text(), nullable=False),
        sa.Column("resource_id", sa.String(length=36), nullable=False),
        sa.Column("organization_id", sa.String(length=36), nullable=True),
        sa.Column("proposed", sa.JSON(), nullable=False),
        sa.Column("diff", sa.JSON(), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("contact_email", sa.Text(), nullable=True),
        sa.Column("submitted_by", sa.String(length=36), nullable=True),
        sa.Column("submitted_by_label", sa.Text(), nullable=False),
        _when("created_at"),
        sa.Column("decided_by", sa.String(length=36), nullable=True),
        _when("decided_at", nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        _account_fk("change_request", "decided_by", "SET NULL"),
        _account_fk("change_request", "submitted_by", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_request")),
    )
    _index(
        "change_request",
        "decided_by",
        "kind",
        "organization_id",
        "resource_id",
        "status",
        "submitted_by",
    )

    op.create_table(
        "field_lock",
        sa.Column("resource_id", sa.String(length=36), nullable=False),
        sa.Column("field_name", sa.Text(), nullable=False),
        sa.Column("resource_type", sa.Text(), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=True),
        _when("at"),
        _account_fk("field_lock", "account_id", "SET NULL"),
        sa.PrimaryKeyConstraint("resource_id", "field_name", name=op.f("pk_field_lock")),
    )
    _index("field_lock", "account_id")

    op.create_table(
        "follow_up",
        sa.Column("service_id", sa.String(length=36), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        _when("flagged_at"),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["service.id"],
            name=op.f("fk_follow_up_service_id_service"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("service_id", name=op.f("pk_follow_up")),
    )


def downgrade() -> None:
    for table in (
        "follow_up",
        "field_lock",
        "change_request",
        "api_token",
        "account_organization",
        "rate_event",
        "account",
    ):
        op.drop_table(table)
