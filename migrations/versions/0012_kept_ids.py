"""kept ids: which source (or source record) holds each ID an HSDS feed or data
package published as its own, so that a second source sending the same nested ID is
given one of its own instead of failing the import (UNIQUE constraint failed) or
overwriting the first source's rows.

IDs published before this migration are claimed from the stored records of the sources
that keep IDs, oldest source first, so the source that already holds an ID keeps it.

Revision ID: 0012_kept_ids
Revises: 0009_fewer_indexes
Create Date: 2026-12-07 12:40:00
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0012_kept_ids"
down_revision = "0009_fewer_indexes"
branch_labels = None
depends_on = None

KEEPING_FORMATS = ("hsds", "oruk", "datapackage")
SHARED = ("organization", "location")  # shared by a source's records: held by the source
OWN_IDS = ("taxonomy_term", "taxonomy_detail")


def upgrade() -> None:
    op.create_table(
        "kept_id",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("holder", sa.String(36), nullable=False),
    )
    _claim_published()


def downgrade() -> None:
    op.drop_table("kept_id")


def _claim_published() -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.text(
            "SELECT r.id, r.source_id, r.record FROM source_record r "
            "JOIN source s ON s.id = r.source_id WHERE s.format IN :formats "
            "ORDER BY s.last_imported_at, s.name, r.key"
        ).bindparams(sa.bindparam("formats", expanding=True)),
        {"formats": list(KEEPING_FORMATS)},
    )
    claims: dict[str, str] = {}
    for record_id, source_id, record in rows:
        service = json.loads(record) if isinstance(record, str) else record
        for object_id, shared in _ids(service or {}, False):
            claims.setdefault(object_id, source_id if shared else record_id)
    table = sa.table("kept_id", sa.column("id"), sa.column("holder"))
    items = list(claims.items())
    for start in range(0, len(items), 1000):
        chunk = items[start : start + 1000]
        op.bulk_insert(table, [{"id": i, "holder": h} for i, h in chunk])


def _ids(data, shared):
    """(id, shared) of the object and everything nested in it (a copy of
    app.records.ids.ids_of as it was at this revision: migrations do not import the app)."""
    if isinstance(data.get("id"), str):
        yield data["id"], shared
    for name, value in data.items():
        if name in OWN_IDS:
            continue
        if name == "organization" and isinstance(value, dict):  # only what is published
            value = {k: v for k, v in value.items() if k in ("id", "organization_identifiers")}
        inner = shared or name in SHARED
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict):
                yield from _ids(item, inner)
