"""session version: account.session_version, part of every sign-in cookie's fingerprint,
bumped on signing out and on a new password so an earlier cookie no longer signs in.
Issue 19, L2.

Revision ID: 0017_session_version
Revises: 0015_mail_and_review
Create Date: 2026-12-07 16:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_session_version"
down_revision = "0015_mail_and_review"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("account") as batch:
        batch.add_column(
            sa.Column("session_version", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("account") as batch:
        batch.drop_column("session_version")
