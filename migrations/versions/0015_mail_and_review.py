"""mail and review: the outgoing mail queue (mail_message), unsubscribed addresses
(mail_suppression, hashed), and the review cycle's state per listing (review_state) and
one-use links (review_link, hashed tokens). Issue #22.

Revision ID: 0015_mail_and_review
Revises: 0012_kept_ids
Create Date: 2026-12-07 13:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_mail_and_review"
down_revision = "0012_kept_ids"
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "mail_message",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("to_address", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _when("created_at"),
        _when("next_attempt_at"),
        _when("claimed_until", nullable=True),
        _when("sent_at", nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_message")),
    )
    op.create_index("ix_mail_message_due", "mail_message", ["status", "next_attempt_at"])
    op.create_table(
        "mail_suppression",
        sa.Column("address_hash", sa.String(length=64), nullable=False),
        _when("created_at"),
        sa.PrimaryKeyConstraint("address_hash", name=op.f("pk_mail_suppression")),
    )
    op.create_table(
        "review_state",
        sa.Column("service_id", sa.String(length=36), nullable=False),
        sa.Column("stage", sa.Integer(), nullable=False),
        _when("reminded_at"),
        sa.Column("answer", sa.Text(), nullable=True),
        _when("answered_at", nullable=True),
        sa.ForeignKeyConstraint(
            ["service_id"], ["service.id"],
            name=op.f("fk_review_state_service_id_service"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("service_id", name=op.f("pk_review_state")),
    )  # fmt: skip
    op.create_table(
        "review_link",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("service_id", sa.String(length=36), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=True),
        sa.Column("address_hash", sa.String(length=64), nullable=False),
        sa.Column("stage", sa.Integer(), nullable=False),
        _when("created_at"),
        _when("expires_at"),
        _when("used_at", nullable=True),
        sa.Column("used_action", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["service_id"], ["service.id"],
            name=op.f("fk_review_link_service_id_service"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"],
            name=op.f("fk_review_link_account_id_account"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_link")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_review_link_token_hash")),
    )  # fmt: skip
    op.create_index("ix_review_link_service_id", "review_link", ["service_id"])
    op.create_index("ix_review_link_account_id", "review_link", ["account_id"])


def downgrade() -> None:
    op.drop_table("review_link")
    op.drop_table("review_state")
    op.drop_table("mail_suppression")
    op.drop_index("ix_mail_message_due", table_name="mail_message")
    op.drop_table("mail_message")
