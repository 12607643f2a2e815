"""What several bench scripts need: a fresh, migrated database to fill."""

from __future__ import annotations

from sqlalchemy import Engine, text

from app import migrate
from app.db import make_engine


def fresh_engine(url: str) -> Engine:
    """The database at `url`, migrated and empty. On PostgreSQL its public schema is
    dropped first (so give a bench database, never a real one)."""
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public"))
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
    migrate.upgrade(engine)
    return engine
