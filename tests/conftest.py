"""Fixtures: `app`, `client`, `runner`, `session`, parametrised over SQLite and PostGIS.

Every database test runs once per engine. The PostGIS run needs a PostgreSQL with the
postgis extension at SIGNPOST_TEST_POSTGRES_URL (default: the local `signpost_test`
database). Locally it is skipped with a reason when none is reachable; in CI (CI set)
it fails instead, so PostGIS tests can never silently skip there.

Each test runs inside one outer transaction that is rolled back afterwards, so tests
see only their own data and need no clean-up.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from functools import cache, partial
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import URL, Engine, create_engine, make_url, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from app import create_app, migrate
from app.db import make_engine

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "app" / "demo" / "data" / "sample_services.json"
POSTGRES_URL = os.environ.get(
    "SIGNPOST_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/signpost_test"
)
IN_CI = bool(os.environ.get("CI"))
# Tests send many requests from one address: the rate limits are off unless a test
# turns them on (tests/api/test_rate_limits.py).
NO_RATE_LIMITS = {"SIGNPOST_RATE_LIMIT_SEARCH": "", "SIGNPOST_RATE_LIMIT_WRITE": ""}


def _worker_url() -> URL:
    """POSTGRES_URL, or under pytest-xdist a database of the worker's own (`signpost_test_gw0`,
    ...): each session drops and recreates the public schema, so workers cannot share one."""
    url = make_url(POSTGRES_URL)
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return url.set(database=f"{url.database}_{worker}") if worker else url


def _ensure_database(url: URL) -> None:
    """Create the test database when the server has none of that name (trust auth)."""
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            exists = connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": url.database}
            )
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{url.database}"'))
    finally:
        admin.dispose()


def _postgis_engine() -> Engine:
    url = _worker_url()
    try:
        _ensure_database(url)
    except OperationalError:
        pass  # the server is unreachable: the connection below says so
    engine = make_engine(url.render_as_string(hide_password=False))
    try:
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
    except OperationalError as exc:
        reason = f"PostgreSQL/PostGIS not usable at {url.render_as_string()}: {exc.orig}"
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    return engine


@cache
def postgis_unusable() -> str | None:
    """Why the PostGIS variants cannot run on this machine, or None when they can."""
    url = make_url(POSTGRES_URL)
    shown = url.render_as_string()
    probe = create_engine(url.set(database="postgres"), connect_args={"connect_timeout": 5})
    try:
        with probe.connect() as connection:
            postgis = "SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'"
            if not connection.scalar(text(postgis)):
                return f"PostgreSQL at {shown} has no PostGIS (Debian: postgresql-15-postgis-3)"
    except OperationalError as exc:
        return f"PostgreSQL not reachable at {shown}: {str(exc.orig).splitlines()[0]}"
    finally:
        probe.dispose()
    return None


def _engine_of(item) -> str | None:
    params = getattr(item, "callspec", None)
    return params.params.get("engine") if params is not None else None


def pytest_collection_modifyitems(config, items) -> None:
    """Leave out the SQLite variant of a test marked postgis_only (there is nothing on
    SQLite to check), and, outside CI, every PostGIS variant when PostgreSQL/PostGIS is
    not usable here: the summary then says so once, with the reason, rather than
    skipping a thousand tests one by one. In CI nothing is left out: the engine fixture
    fails instead."""
    leave_out_postgis = not IN_CI and postgis_unusable() is not None

    def left_out(item) -> bool:
        engine = _engine_of(item)
        if engine == "sqlite":
            return item.get_closest_marker("postgis_only") is not None
        return engine == "postgis" and leave_out_postgis

    dropped = [item for item in items if left_out(item)]
    if dropped:
        items[:] = [item for item in items if not left_out(item)]
        config.hook.pytest_deselected(items=dropped)


def pytest_report_header(config) -> str:
    reason = postgis_unusable()
    return (
        f"PostGIS: {reason}" if reason else f"PostGIS: {make_url(POSTGRES_URL).render_as_string()}"
    )


def pytest_terminal_summary(terminalreporter) -> None:
    reason = postgis_unusable()
    if reason and not IN_CI:
        terminalreporter.write_line(
            f"PostGIS variants NOT RUN (every database test ran on SQLite only): {reason}. "
            "Set SIGNPOST_TEST_POSTGRES_URL to a PostgreSQL with PostGIS to run them.",
            yellow=True,
            bold=True,
        )


@pytest.fixture(scope="session", params=["sqlite", "postgis"])
def engine(request, tmp_path_factory) -> Iterator[Engine]:
    """A freshly migrated database of each kind, shared by the whole session."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('db') / 'signpost.db'}")
    else:
        engine = _postgis_engine()
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine):
    with engine.connect() as connection:
        transaction = connection.begin()
        yield connection
        transaction.rollback()


@pytest.fixture
def session_factory(connection) -> sessionmaker[Session]:
    return sessionmaker(
        bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )


@pytest.fixture
def session(session_factory) -> Iterator[Session]:
    with session_factory() as session:
        yield session


@pytest.fixture
def app(engine, session_factory, tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": engine.url.render_as_string(hide_password=False),
            **NO_RATE_LIMITS,
        }
    )
    app.extensions["signpost_db"].engine = engine
    app.extensions["signpost_db"].sessionmaker = session_factory
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    """Invokes the `signpost` command (app.cli.cli) against the test app."""
    from app.cli import cli

    return SimpleNamespace(invoke=partial(app.test_cli_runner().invoke, cli))


@pytest.fixture
def sample_services() -> list[dict]:
    return json.loads(SAMPLE.read_text())


@pytest.fixture
def sample(session, sample_services) -> list[dict]:
    """The hand-written sample services, published and indexed."""
    from app.demo.sample import load_services

    load_services(session, sample_services)
    session.commit()
    return sample_services
