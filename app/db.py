"""The database: one engine per app, one session per request; optionally a read replica.

SQLite gets the pragmas an embedded multi-reader database needs (foreign keys on, WAL,
a busy timeout); PostgreSQL needs nothing special.

SQLite has one writer at a time. A transaction that begins as a read (plain BEGIN) and
then writes while another connection writes (an import) fails at once with "database
is locked": SQLite does not wait in that case, since the reader's snapshot is already
stale. So a session that will write begins with BEGIN IMMEDIATE (`begin_writing`): it
takes the write lock first, waiting up to SQLITE_BUSY_SECONDS for the other writer.
Every request that is not a GET, HEAD or OPTIONS does so (sign-in, tokens, editors'
edits: short transactions), as does `signpost import`.

With `DATABASE_REPLICA_URL` set, `get_read_session()` reads from a second engine during
GET and HEAD requests (the read API and the public pages); `get_session()` is always the
primary, for writes and for whatever must see them at once (auth, accounts, moderation).
The replica engine is read-only, as a PostgreSQL hot standby is, so a write that strays
onto it fails in tests and development rather than only in production. A replica that
cannot be reached is not the site's outage: the primary serves the reads, and the
replica is tried again REPLICA_RETRY_SECONDS later (not on every request meanwhile).

Engines hide SQL parameters in their errors (`hide_parameters`): a logged error must
not carry an account's email address or a patient's postcode.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from flask import current_app, g, has_request_context, request
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

from app.errors import first_line
from app.records.json_text import dump_json

log = logging.getLogger(__name__)
REPLICA_RETRY_SECONDS = 30


class Database:
    def __init__(self, url: str, replica_url: str = "") -> None:
        self.engine: Engine = make_engine(url)
        self.sessionmaker: sessionmaker[Session] = sessionmaker(
            bind=self.engine, expire_on_commit=False
        )
        self.replica_engine: Engine | None = None
        self.replica_sessionmaker: sessionmaker[Session] | None = None
        if replica_url:
            self.replica_engine = make_engine(replica_url, read_only=True)
            self.replica_sessionmaker = sessionmaker(
                bind=self.replica_engine, expire_on_commit=False
            )

        self.replica_down_until = 0.0  # time.monotonic() before which the primary reads

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def open_replica_session(self) -> Session | None:
        """A session on the replica, connected; None when there is no replica or it
        cannot be reached (then it is left alone for REPLICA_RETRY_SECONDS)."""
        if self.replica_sessionmaker is None or time.monotonic() < self.replica_down_until:
            return None
        session = self.replica_sessionmaker()
        try:
            session.connection()
        except (OperationalError, DisconnectionError, PoolTimeout) as exc:
            session.close()
            self.replica_down_until = time.monotonic() + REPLICA_RETRY_SECONDS
            log.warning("read replica unreachable, the primary reads: %s", first_line(exc))
            return None
        return session


def make_engine(url: str, read_only: bool = False, **kwargs: Any) -> Engine:
    """Create an engine; for SQLite, switch on foreign keys and WAL on every connection;
    for PostgreSQL, switch off JIT compilation. `read_only` refuses writes (a replica).
    JSON columns take app.records.json_text.JSONText as already serialised."""
    kwargs.setdefault("json_serializer", dump_json)  # stores JSONText as it is
    kwargs.setdefault("hide_parameters", True)  # no personal data in logged errors
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"timeout": SQLITE_BUSY_SECONDS})
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        if read_only:
            event.listen(engine, "connect", _sqlite_query_only)
        event.listen(engine, "begin", _sqlite_begin)
        event.listen(engine, "checkin", _sqlite_narrow_cache)
        return engine
    # No JIT: an API query's estimated cost can pass jit_above_cost, and compiling then
    # takes far longer (~1 s) than running it.
    options = "-c jit=off" + (" -c default_transaction_read_only=on" if read_only else "")
    kwargs.setdefault("connect_args", {"options": options})
    return create_engine(url, pool_pre_ping=True, **kwargs)


PAGE_BYTES = 16384
SQLITE_BUSY_SECONDS = 30  # how long a SQLite writer waits for another to commit
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
IMMEDIATE = {"sqlite_begin": "IMMEDIATE"}  # execution option read by _sqlite_begin


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin, so that
    # SAVEPOINTs and one-transaction imports behave as on PostgreSQL.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    # A new database's page size, set before its first table (a no-op on one that has
    # tables): 16 KiB pages make an import's index writes touch fewer pages than 4 KiB.
    cursor.execute(f"PRAGMA page_size = {PAGE_BYTES}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def _sqlite_query_only(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA query_only = ON")


def _sqlite_begin(connection: Any) -> None:
    mode = connection.get_execution_options().get("sqlite_begin", "")
    connection.exec_driver_sql("BEGIN IMMEDIATE" if mode == "IMMEDIATE" else "BEGIN")


def begin_writing(session: Session) -> None:
    """Begin the session's transaction as a writer: on SQLite, BEGIN IMMEDIATE, which
    waits for another writer (an import) instead of failing at its first write; on
    PostgreSQL, an ordinary BEGIN. Call before the session runs its first statement."""
    session.connection(execution_options=IMMEDIATE)


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
    """The request's session on the primary, opened on first use and closed at teardown."""
    if "db_session" not in g:
        g.db_session = get_db().sessionmaker()
        if has_request_context() and request.method not in READ_METHODS:
            begin_writing(g.db_session)  # see the module docstring
    return g.db_session


def get_read_session() -> Session:
    """A session for reading only: on the replica during a GET or HEAD when one is
    configured and reachable, otherwise the primary session (a POST that shows a page
    reads its writes)."""
    if "db_read_session" in g:
        return g.db_read_session
    if request.method not in ("GET", "HEAD"):
        return get_session()
    replica = get_db().open_replica_session()
    if replica is None:
        return get_session()
    g.db_read_session = replica
    return replica


def close_session(_exc: BaseException | None = None) -> None:
    for name in ("db_session", "db_read_session"):
        session = g.pop(name, None)
        if session is not None:
            session.close()
