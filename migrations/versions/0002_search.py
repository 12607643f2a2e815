"""search for link workers: the typo-correction vocabulary and the type-ahead suggestion
index (both beside the text index, so named service_search_*), indexes for
place searches: service_area (name, service_id) for "which services cover this borough",
attribute (link_entity, link_id, taxonomy_term_id) and (taxonomy_term_id, link_entity,
link_id) for "is this one tagged so" and "which are", and area bounding boxes.

Revision ID: 0002_search
Revises: 0001
Create Date: 2026-11-24 10:00:00
"""

from alembic import op

revision = "0002_search"
down_revision = "0001"
branch_labels = None
depends_on = None

SQLITE_UP = [
    # Every word of every indexed document (unstemmed), for correcting typos.
    "CREATE TABLE service_search_word (word TEXT PRIMARY KEY)",
    # Type-ahead: each service or taxonomy term name under each of its word-suffixes.
    # Keyed (kind, key, ref_id): a prefix range scan of one kind comes out in key order.
    "CREATE TABLE service_search_suggestion (kind TEXT NOT NULL, key TEXT NOT NULL, "
    "ref_id VARCHAR(36) NOT NULL, PRIMARY KEY (kind, key, ref_id))",
    "CREATE INDEX ix_service_search_suggestion_ref_id ON service_search_suggestion (ref_id, kind)",
]

POSTGRES_UP = [
    # COLLATE "C": prefix range scans (key >= 'gar' AND key < 'gas') mean byte order.
    # (Not on ref_id: it is joined to service.id, whose index has the default collation.)
    'CREATE TABLE service_search_word (word text COLLATE "C" PRIMARY KEY)',
    "CREATE INDEX ix_service_search_word_trgm ON service_search_word USING gin (word gin_trgm_ops)",
    'CREATE TABLE service_search_suggestion (kind text NOT NULL, key text COLLATE "C" NOT NULL, '
    "ref_id varchar(36) NOT NULL, PRIMARY KEY (kind, key, ref_id))",
    "CREATE INDEX ix_service_search_suggestion_ref_id ON service_search_suggestion (ref_id, kind)",
]

DOWN = [
    "DROP TABLE IF EXISTS service_search_suggestion",
    "DROP TABLE IF EXISTS service_search_word",
]


def upgrade() -> None:
    with op.batch_alter_table("service_area", schema=None) as batch_op:
        batch_op.create_index("ix_service_area_name", ["name", "service_id"], unique=False)
    with op.batch_alter_table("attribute", schema=None) as batch_op:
        batch_op.create_index(
            "ix_attribute_link_term", ["link_entity", "link_id", "taxonomy_term_id"], unique=False
        )
        batch_op.create_index(
            "ix_attribute_term_link", ["taxonomy_term_id", "link_entity", "link_id"], unique=False
        )
    with op.batch_alter_table("area", schema=None) as batch_op:
        batch_op.create_index(
            "ix_area_bbox", ["min_lat", "max_lat", "min_lon", "max_lon"], unique=False
        )
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_UP if dialect == "sqlite" else POSTGRES_UP:
        op.execute(statement)
    # Fill both from what is already indexed (nothing, in a new database).
    from app.search.auxiliary import rebuild_auxiliary

    rebuild_auxiliary(op.get_bind())


def downgrade() -> None:
    for statement in DOWN:
        op.execute(statement)
    with op.batch_alter_table("area", schema=None) as batch_op:
        batch_op.drop_index("ix_area_bbox")
    with op.batch_alter_table("service_area", schema=None) as batch_op:
        batch_op.drop_index("ix_service_area_name")
    with op.batch_alter_table("attribute", schema=None) as batch_op:
        batch_op.drop_index("ix_attribute_term_link")
        batch_op.drop_index("ix_attribute_link_term")
