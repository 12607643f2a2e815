"""typed ids: field_lock's key becomes (resource_type, resource_id, field_name).

An id is unique only within its table, so a lock keyed by id alone let a schedule an
editor deleted delete another organisation's phone with the same id at its next import
(issue 19, H1). Existing rows keep their locks; a row whose resource_type is not one of
the writable kinds (a collection name, say "phones", or blank) gets the kind of the
object that has its id, and is dropped when no object, past or present, has it.

It also takes sign-in addresses out of what is public (issue 19, M2): a service's
assurer_email that is an account's email becomes its organisation's public email (or
none), and history rows that recorded one say "" instead.

Revision ID: 0018_typed_ids
Revises: 0017_session_version
Create Date: 2026-12-07 23:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_typed_ids"
down_revision = "0017_session_version"
branch_labels = None
depends_on = None

KINDS = (
    "organization", "service", "location", "service_at_location", "schedule", "phone",
    "contact", "cost_option", "language", "accessibility", "service_area", "attribute",
)  # fmt: skip


def _fix_types(connection) -> None:
    """Give each lock with an unknown resource_type the kind that holds its id."""
    kinds = ", ".join(f"'{kind}'" for kind in KINDS)
    rows = connection.execute(
        sa.text(
            "SELECT resource_id, field_name, resource_type FROM field_lock "
            f"WHERE resource_type IS NULL OR resource_type NOT IN ({kinds})"
        )
    ).all()
    for resource_id, field_name, _old_type in rows:
        found = None
        for kind in KINDS:
            query = sa.text(f"SELECT 1 FROM {kind} WHERE id = :id")  # noqa: S608
            if connection.execute(query, {"id": resource_id}).first():
                found = kind
                break
        if found is None:
            found = connection.execute(
                sa.text(
                    "SELECT resource_type FROM metadata WHERE resource_id = :id "
                    f"AND resource_type IN ({kinds}) LIMIT 1"
                ),
                {"id": resource_id},
            ).scalar()
        key = {"id": resource_id, "name": field_name}
        if found is None:
            connection.execute(
                sa.text("DELETE FROM field_lock WHERE resource_id = :id AND field_name = :name"),
                key,
            )
        else:
            connection.execute(
                sa.text(
                    "UPDATE field_lock SET resource_type = :kind "
                    "WHERE resource_id = :id AND field_name = :name"
                ),
                {**key, "kind": found},
            )


ACCOUNT_EMAILS = "SELECT lower(email) FROM account"


def _unpublish_sign_in_emails() -> None:
    op.execute(
        "UPDATE service SET assurer_email = (SELECT organization.email FROM organization "
        "WHERE organization.id = service.organization_id) "
        f"WHERE lower(assurer_email) IN ({ACCOUNT_EMAILS})"
    )
    for column in ("previous_value", "replacement_value"):
        op.execute(
            f"UPDATE metadata SET {column} = '' WHERE field_name = 'assurer_email' "  # noqa: S608
            f"AND lower({column}) IN ({ACCOUNT_EMAILS})"
        )


def upgrade() -> None:
    _fix_types(op.get_bind())
    _unpublish_sign_in_emails()
    with op.batch_alter_table("field_lock", recreate="always") as batch:
        batch.drop_constraint("pk_field_lock", type_="primary")
        batch.create_primary_key("pk_field_lock", ["resource_type", "resource_id", "field_name"])


def downgrade() -> None:
    # Two kinds' locks on one id cannot share the old key: keep one (the newest).
    op.execute(
        "DELETE FROM field_lock WHERE EXISTS (SELECT 1 FROM field_lock newer "
        "WHERE newer.resource_id = field_lock.resource_id "
        "AND newer.field_name = field_lock.field_name "
        "AND (newer.at > field_lock.at OR (newer.at = field_lock.at "
        "AND newer.resource_type > field_lock.resource_type)))"
    )
    with op.batch_alter_table("field_lock", recreate="always") as batch:
        batch.drop_constraint("pk_field_lock", type_="primary")
        batch.create_primary_key("pk_field_lock", ["resource_id", "field_name"])
