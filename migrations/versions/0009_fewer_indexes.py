"""fewer indexes: drop three that another index already covers, each a leading-column
prefix of a longer one that answers the same lookups. Every import wrote to them:
attribute (link_entity, link_id) is covered by (link_entity, link_id, taxonomy_term_id),
attribute (taxonomy_term_id) by (taxonomy_term_id, link_entity, link_id), and
source_record (source_id) by the unique (source_id, key).

Revision ID: 0009_fewer_indexes
Revises: 0008_match_keys
Create Date: 2026-11-23 16:30:00
"""

from alembic import op

revision = "0009_fewer_indexes"
down_revision = "0008_match_keys"
branch_labels = None
depends_on = None

DROPPED = [
    ("attribute", "ix_attribute_link", ["link_entity", "link_id"]),
    ("attribute", "ix_attribute_taxonomy_term_id", ["taxonomy_term_id"]),
    ("source_record", "ix_source_record_source_id", ["source_id"]),
]


def upgrade() -> None:
    for table, name, _columns in DROPPED:
        op.drop_index(name, table_name=table)


def downgrade() -> None:
    for table, name, columns in DROPPED:
        op.create_index(name, table, columns, unique=False)
