"""The database or its read replica is down: clients hear "try again later", not "bug".

With the primary unreachable every request but /healthz answers 503 with Retry-After,
in the one JSON error format for API clients and as a page for browsers. With the read
replica unreachable the primary serves the reads. The last test stops a PostgreSQL
cluster of its own between requests and starts it again.
"""

from __future__ import annotations

import csv
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from app import create_app, migrate
from app.db import make_engine
from tests.conftest import IN_CI, NO_RATE_LIMITS

BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
SERVICE = "87d846e3-3283-5ca3-a5c3-17296fa95d8c"  # a sample service
PG_BIN = Path(os.environ.get("SIGNPOST_PG_BIN", "/usr/lib/postgresql/15/bin"))


def unreachable_url(dialect: str, tmp_path: Path) -> str:
    if dialect == "sqlite":
        return f"sqlite:///{tmp_path / 'no-such-folder' / 'signpost.db'}"
    return "postgresql+psycopg://postgres@127.0.0.1:1/signpost"  # nothing listens on port 1


def app_at(url: str, replica_url: str = ""):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATABASE_URL": url,
            "DATABASE_REPLICA_URL": replica_url,
            **NO_RATE_LIMITS,
        }  # fmt: skip
    )


@pytest.fixture
def down(engine, tmp_path):
    """A client of an app whose database cannot be reached."""
    app = app_at(unreachable_url(engine.dialect.name, tmp_path))
    yield app.test_client()
    app.extensions["signpost_db"].engine.dispose()


def assert_unavailable(response) -> None:
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/services"), ("GET", f"/services/{SERVICE}"), ("GET", "/taxonomies"),
     ("POST", "/tokens"), ("GET", "/me")],
)  # fmt: skip
def test_api_clients_get_503_in_the_error_format(down, method, path):
    body = {"email": "jo@example.org", "password": "x" * 12, "scope": "read"}
    headers = {"Authorization": "Bearer sp_x"} if path == "/me" else {}
    response = down.open(path, method=method, json=body if method == "POST" else None,
                         headers=headers)  # fmt: skip
    assert_unavailable(response)
    assert response.get_json() == {
        "code": 503,
        "status": "Service Unavailable",
        "message": "The directory's database is not reachable just now; try again shortly.",
        "errors": {},
    }


@pytest.mark.parametrize("path", ["/?search=walk", f"/service/{SERVICE}", "/boroughs"])
def test_browsers_get_a_page_saying_to_try_again(down, path):
    response = down.get(path, headers=BROWSER)
    assert_unavailable(response)
    assert response.mimetype == "text/html"
    assert "try again" in response.get_data(as_text=True)


def test_the_health_check_still_reports_the_database(down):
    response = down.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


def test_an_unreachable_replica_leaves_the_reads_to_the_primary(
    engine, session_factory, sample, tmp_path
):
    app = app_at(engine.url.render_as_string(hide_password=False),
                 unreachable_url(engine.dialect.name, tmp_path))  # fmt: skip
    app.extensions["signpost_db"].sessionmaker = session_factory
    client = app.test_client()

    listed = client.get("/services")
    page = client.get(f"/service/{SERVICE}", headers=BROWSER)
    health = client.get("/healthz")

    assert listed.status_code == 200 and listed.get_json()["total_items"] == len(sample)
    assert page.status_code == 200 and "Hampstead" in page.get_data(as_text=True)
    assert (health.status_code, health.get_json()["replica"]) == (200, "unreachable")
    app.extensions["signpost_db"].engine.dispose()
    app.extensions["signpost_db"].replica_engine.dispose()


def test_a_replica_found_unreachable_is_not_tried_again_at_once(engine, session_factory, tmp_path):
    app = app_at(engine.url.render_as_string(hide_password=False),
                 unreachable_url(engine.dialect.name, tmp_path))  # fmt: skip
    database = app.extensions["signpost_db"]
    database.sessionmaker = session_factory
    attempts = []
    connect = database.replica_engine.connect
    database.replica_engine.connect = lambda: attempts.append(1) or connect()

    assert [app.test_client().get("/services").status_code for _ in range(3)] == [200] * 3
    assert attempts == [1]
    database.engine.dispose()
    database.replica_engine.dispose()


# PostgreSQL stopped while the app runs: a cluster of the test's own.


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    """A throw-away PostgreSQL cluster (initdb, pg_ctl) on a port of its own; as root it
    runs as the postgres user, since PostgreSQL refuses to run as root."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.data, self.port = folder, folder / "data", free_port()
        self.user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.user:
            shutil.chown(folder, "postgres")
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def run(self, *args: str) -> None:
        subprocess.run([*self.user, *args], check=True, capture_output=True, timeout=120)

    def init(self) -> None:
        self.run(str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres",
                 "--auth=trust", "-E", "UTF8", "--no-sync")  # fmt: skip

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", options,
                 "-l", str(self.folder / "log"), "-w", "start")  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self.run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")


def cluster_unavailable() -> str | None:
    if not (PG_BIN / "pg_ctl").exists():
        return f"no PostgreSQL binaries at {PG_BIN} (set SIGNPOST_PG_BIN)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root without a postgres user to run PostgreSQL as"
    return None


@pytest.fixture
def cluster(engine) -> Iterator[Cluster]:
    if reason := cluster_unavailable():
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    cluster = Cluster(Path(tempfile.mkdtemp(prefix="signpost-pg-")))
    try:
        cluster.init()
        cluster.start()
        setup = make_engine(cluster.url)
        with setup.begin() as connection:
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
        migrate.upgrade(setup)
        setup.dispose()
        yield cluster
    finally:
        subprocess.run([*cluster.user, str(PG_BIN / "pg_ctl"), "-D", str(cluster.data),
                        "-m", "immediate", "stop"], capture_output=True)  # fmt: skip
        shutil.rmtree(cluster.folder, ignore_errors=True)


@pytest.mark.postgis_only
def test_postgresql_stopped_while_serving_then_restarted(cluster):
    app = app_at(cluster.url)
    client = app.test_client()
    assert client.get("/services").status_code == 200  # a pooled connection now exists

    cluster.stop()
    api, page = client.get("/services"), client.get("/?search=walk", headers=BROWSER)
    assert_unavailable(api)
    assert api.get_json()["code"] == 503
    assert_unavailable(page)
    assert page.mimetype == "text/html"
    assert client.get("/healthz").status_code == 503

    cluster.start()
    assert client.get("/services").status_code == 200
    assert client.get("/healthz").status_code == 200
    app.extensions["signpost_db"].engine.dispose()


# PostgreSQL stopped during an import: one transaction, so all of the last import stays.

CAREPLACE = ["Service ID", "Service name", "Provider name", "Postcode", "Telephone", "Cost"]


def careplace(path: Path, rows: int, name: str) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CAREPLACE)
        writer.writerows(
            [f"S{n}", f"{name} {n}", "Camden Health Walks", "NW5 1QR", "020 7946 0101", "Free"]
            for n in range(1, rows + 1)
        )
    return path


def active_names(url: str) -> list[str]:
    engine = make_engine(url)
    with engine.connect() as connection:
        names = connection.execute(
            text("SELECT name FROM service WHERE status = 'active' ORDER BY name")
        ).scalars()
        found = list(names)
    engine.dispose()
    return found


def wait_for_writes(url: str, process: subprocess.Popen, seconds: float = 120) -> bool:
    """True once another connection holds a write lock in the database (the import's
    transaction has begun writing); False if the import ended first."""
    engine = make_engine(url)
    query = text(
        "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
        "WHERE l.mode = 'RowExclusiveLock' AND l.pid <> pg_backend_pid() "
        "AND c.relname IN ('service', 'source_record', 'location')"
    )
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline and process.poll() is None:
            with engine.connect() as connection:
                if connection.execute(query).scalar():
                    return True
            time.sleep(0.05)
        return False
    finally:
        engine.dispose()


@pytest.mark.postgis_only
def test_postgresql_stopped_during_an_import_keeps_the_last_import_whole(cluster, tmp_path):
    signpost = [str(Path(sys.executable).parent / "signpost"), "import", "careplace"]
    env = {**os.environ, "DATABASE_URL": cluster.url}
    source = ["--source", "careplace-camden", "--silent", "--no-dedupe"]
    first = careplace(tmp_path / "first.csv", 20, "Heath walk")
    subprocess.run([*signpost, str(first), *source], env=env, check=True, capture_output=True)
    before = active_names(cluster.url)
    assert len(before) == 20

    bigger = careplace(tmp_path / "bigger.csv", 4000, "Park walk")
    importing = subprocess.Popen(
        [*signpost, str(bigger), *source], env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    assert wait_for_writes(cluster.url, importing), importing.communicate()[0]
    cluster.stop("immediate")  # as if the database server lost power mid-import
    output, _ = importing.communicate(timeout=120)
    assert importing.returncode != 0
    assert "Traceback" not in output and output.strip()  # said, in a line or two

    cluster.start()
    assert active_names(cluster.url) == before  # nothing half-written, nothing withdrawn
    subprocess.run([*signpost, str(bigger), *source], env=env, check=True, capture_output=True)
    assert len(active_names(cluster.url)) == 4000
