"""DATABASE_REPLICA_URL: GET and HEAD reads of the read API and the pages come from the
replica; writes, sign-in and tokens (whose last use a GET records) stay on the primary.

The "replica" here is a second database of the same kind that no replication feeds, so
a row found only there proves where a read went.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app import create_app, migrate
from app.auth.accounts import create_account, link_organization
from app.auth.tokens import create_token
from app.db import Database, get_read_session, get_session, make_engine
from app.models import Organization, Service
from app.models.accounts import ApiToken

REPLICA_ONLY = "0e4f3a8e-6a0c-4c35-9d0e-7f3b1c2a9d01"
PRIMARY_ONLY = "5b1d7c2e-3f4a-4b8e-8c6d-2a9e0f1b3c77"
ORGANIZATION = "9a7c5e3b-1d2f-4e6a-8b0c-3d5f7a9c1e24"
MODIFIED = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)


def _second_database(engine, tmp_path_factory) -> str:
    """The URL of an empty, migrated database beside the test database."""
    if engine.dialect.name == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('replica') / 'replica.db'}"
    url = engine.url.set(database=f"{engine.url.database}_replica")
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": url.database}
        ).first()
        if not exists:
            connection.exec_driver_sql(f'CREATE DATABASE "{url.database}"')
    replica = make_engine(url.render_as_string(hide_password=False))
    with replica.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
        connection.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
    replica.dispose()
    return url.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def replica_url(engine, tmp_path_factory) -> str:
    """A migrated second database holding one service the primary does not have."""
    url = _second_database(engine, tmp_path_factory)
    replica = make_engine(url)
    migrate.upgrade(replica)
    with Session(replica) as session, session.begin():
        session.add(Organization(id=ORGANIZATION, name="Replica Trust"))
        session.add(
            Service(
                id=REPLICA_ONLY,
                organization_id=ORGANIZATION,
                name="Only on the replica",
                status="active",
                last_modified=MODIFIED,
            )  # fmt: skip
        )
    replica.dispose()
    return url


@pytest.fixture
def primary(session):
    """The primary (the test's transaction) holds a service the replica does not have."""
    session.add(Organization(id=ORGANIZATION, name="Primary Trust"))
    session.add(
        Service(
            id=PRIMARY_ONLY,
            organization_id=ORGANIZATION,
            name="Only on the primary",
            status="active",
            last_modified=MODIFIED,
        )  # fmt: skip
    )
    session.commit()
    return session


@pytest.fixture
def app(engine, session_factory, replica_url, primary):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": engine.url.render_as_string(hide_password=False),
            "DATABASE_REPLICA_URL": replica_url,
        }
    )
    app.extensions["signpost_db"].engine = engine
    app.extensions["signpost_db"].sessionmaker = session_factory
    yield app
    app.extensions["signpost_db"].replica_engine.dispose()


def names(client, path: str) -> list[str]:
    return [item["name"] for item in client.get(path).get_json()["contents"]]


def test_api_reads_come_from_the_replica(client):
    assert names(client, "/services") == ["Only on the replica"]
    assert client.get(f"/services/{REPLICA_ONLY}").status_code == 200
    assert client.get(f"/services/{PRIMARY_ONLY}").status_code == 404
    assert client.head(f"/services/{REPLICA_ONLY}").status_code == 200


def test_pages_read_from_the_replica(client):
    page = client.get(f"/service/{REPLICA_ONLY}", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "Only on the replica" in page.get_data(as_text=True)
    assert client.get(f"/service/{PRIMARY_ONLY}").status_code == 404


def test_writes_and_their_tokens_use_the_primary(client, primary):
    account = create_account(primary, "jo@example.org", "editor", None, trusted=True)
    link_organization(primary, account, ORGANIZATION)
    token_row, token = create_token(primary, account, "write")
    primary.commit()
    headers = {"Authorization": f"Bearer {token}"}

    response = client.patch(f"/services/{PRIMARY_ONLY}", json={"name": "Renamed"}, headers=headers)

    assert response.status_code == 200, response.get_json()
    assert primary.get(Service, PRIMARY_ONLY, populate_existing=True).name == "Renamed"
    assert primary.get(ApiToken, token_row.id, populate_existing=True).last_used_at is not None


def test_a_get_that_records_a_tokens_last_use_writes_to_the_primary(client, primary):
    account = create_account(primary, "sam@example.org", "editor", None)
    token_row, token = create_token(primary, account, "read")
    primary.commit()

    response = client.get("/me", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 200
    assert primary.get(ApiToken, token_row.id, populate_existing=True).last_used_at is not None


def test_only_get_and_head_read_from_the_replica(app):
    for method, replica in [("GET", True), ("HEAD", True), ("POST", False), ("PATCH", False)]:
        with app.test_request_context("/", method=method):
            session = get_read_session()
            assert (session is not get_session()) == replica, method
            found = session.scalar(select(Service.name).where(Service.id == REPLICA_ONLY))
            assert (found == "Only on the replica") == replica, method


def test_the_replica_engine_refuses_writes(replica_url):
    database = Database(replica_url, replica_url)
    with pytest.raises(DBAPIError), database.replica_engine.begin() as connection:
        connection.execute(Service.__table__.delete())
    with database.replica_engine.connect() as connection:
        assert connection.scalar(select(Service.name).where(Service.id == REPLICA_ONLY))
    database.engine.dispose()
    database.replica_engine.dispose()


def test_health_reports_the_replica(client):
    body = client.get("/healthz").get_json()
    assert body == {"status": "ok", "database": "ok", "migrations": "current", "replica": "ok",
                    "mail_queued": 0, "mail_failed": 0, "mail_oldest_queued_at": None}  # fmt: skip


def test_an_unreachable_replica_is_reported_but_does_not_fail_the_health_check(app, tmp_path):
    """The primary serves the reads meanwhile (tests/reliability/test_database_down.py)."""
    if app.extensions["signpost_db"].dialect == "sqlite":
        unreachable = f"sqlite:///{tmp_path / 'no-such-folder' / 'replica.db'}"
    else:
        unreachable = "postgresql+psycopg://postgres@127.0.0.1:1/signpost"
    app.extensions["signpost_db"].replica_engine = make_engine(unreachable, read_only=True)

    response = app.test_client().get("/healthz")

    assert response.status_code == 200
    assert response.get_json()["replica"] == "unreachable"
