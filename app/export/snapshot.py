"""Where the dumps live, and the one consistent read they are written from."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.db import Database


def dumps_dir(app: Flask) -> Path:
    """SIGNPOST_DUMPS_DIR, or instance/dumps: where `export --all` writes and /dumps/ reads."""
    return Path(app.config.get("SIGNPOST_DUMPS_DIR") or Path(app.instance_path) / "dumps")


def snapshot_session(db: Database) -> Session:
    """A session whose reads all see one snapshot of the data, so a dump written while an
    import runs is consistent (REPEATABLE READ on PostgreSQL; on SQLite in WAL mode a
    read transaction already is)."""
    bind = db.sessionmaker.kw.get("bind")
    if db.dialect == "postgresql" and isinstance(bind, Engine):
        return db.sessionmaker(bind=bind.execution_options(isolation_level="REPEATABLE READ"))
    return db.sessionmaker()
