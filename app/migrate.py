"""Schema migrations (Alembic), run by `signpost db upgrade` and by the tests.

Both engines are created from scratch by the same migrations; the migration files do
the engine-specific parts (PostGIS geography and GiST, SQLite R*Tree and FTS5).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geoalchemy2  # noqa: F401  (teaches SQLAlchemy to reflect PostGIS column types)
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from app.search.place_index import fill_missing

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


# Objects that live beside the models but outside them: the FTS5 and R*Tree virtual
# tables on SQLite, the generated PostGIS columns and their indexes, PostGIS's own table.
IGNORED_TABLE_PREFIXES = ("service_search", "location_rtree", "spatial_ref_sys")
IGNORED_COLUMNS = ("geog", "geom")


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Alembic autogenerate filter: compare only what the models describe."""
    if type_ == "table" and name and name.startswith(IGNORED_TABLE_PREFIXES):
        return False
    if type_ == "column" and name in IGNORED_COLUMNS:
        return False
    return not (type_ == "index" and name in ("ix_location_geog", "ix_area_geom"))


def alembic_config(url: str | None = None, connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "heads") -> None:
    """Bring the database to `revision`; safe to run on every deploy (a no-op when current).

    At the newest revision it then fills the place index for services it lacks (derived
    data, built by today's code rather than frozen in a migration; see place_index.py)."""
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection=connection), revision)
    if revision == "heads":
        with Session(engine) as session, session.begin():
            fill_missing(session)


def is_current(engine: Engine) -> bool:
    """True when the database is at the newest migration (for health checks and serve)."""
    heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())
    with engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    return current == heads
