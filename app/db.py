"""The database: one engine per app, one session per request.

SQLite gets the pragmas an embedded multi-reader database needs (foreign keys on, WAL,
a busy timeout); PostgreSQL needs nothing special.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


class Database:
    def __init__(self, url: str) -> None:
        self.engine: Engine = make_engine(url)
        self.sessionmaker: sessionmaker[Session] = sessionmaker(
            bind=self.engine, expire_on_commit=False
        )

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; for SQLite, switch on foreign keys and WAL on every connection;
    for PostgreSQL, switch off JIT compilation."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        event.listen(engine, "checkin", _sqlite_narrow_cache)
        return engine
    # No JIT: an API query's estimated cost can pass jit_above_cost, and compiling then
    # takes far longer (~1 s) than running it.
    kwargs.setdefault("connect_args", {"options": "-c jit=off"})
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin, so that
    # SAVEPOINTs and one-transaction imports behave as on PostgreSQL.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN")


# SQLite's page cache per connection: its default (2 MB) for the server's many pooled
# connections; a bulk write of random-UUID keys into a dozen indexes misses a small cache
# on nearly every row once the database outgrows it, so an import gets a large one.
DEFAULT_CACHE_KIB = 2000
BULK_WRITE_CACHE_KIB = 256 * 1024


def widen_cache(session: Session) -> None:
    """Give the session's SQLite connection a large page cache until it goes back to the
    pool (for one import: a 100,000-row import takes a third less time). No-op elsewhere."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    connection.exec_driver_sql(f"PRAGMA cache_size = -{BULK_WRITE_CACHE_KIB}")
    connection.connection.info["wide_cache"] = True  # the pooled connection's own info


def _sqlite_narrow_cache(dbapi_connection: Any, record: Any) -> None:
    if dbapi_connection is not None and record.info.pop("wide_cache", False):
        dbapi_connection.execute(f"PRAGMA cache_size = -{DEFAULT_CACHE_KIB}")


def get_db() -> Database:
    return current_app.extensions["signpost_db"]


def get_session() -> Session:
    """The request's session, opened on first use and closed at teardown."""
    if "db_session" not in g:
        g.db_session = get_db().sessionmaker()
    return g.db_session


def close_session(_exc: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
