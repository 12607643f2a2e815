"""The `signpost` command as an operator uses it."""

import csv
from pathlib import Path

from sqlalchemy import func, select

from app.models import Service, SourceRecord

DATA = Path(__file__).resolve().parent / "data"


def count_services(session) -> int:
    return session.scalar(select(func.count()).select_from(Service))


def test_import_prints_a_summary_and_writes_the_report(runner, session, tmp_path):
    report = tmp_path / "problems.csv"
    result = runner.invoke(
        args=["import", "careplace", str(DATA / "careplace" / "lambeth.csv"), "--silent",
              "--source", "careplace-lambeth", "--report", str(report)]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "careplace-lambeth: read 4, created 4" in result.output
    assert "rejected lambeth.csv line 8: the service has no name" in result.output
    with report.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {
        "kind": "rejected",
        "file": "lambeth.csv",
        "position": "line 8",
        "reason": "the service has no name",
    }.items() <= rows[1].items()
    assert count_services(session) == 4


def test_import_twice_is_idempotent(runner, session):
    path = str(DATA / "careplace" / "lambeth.csv")
    runner.invoke(args=["import", "careplace", path, "--silent"])
    result = runner.invoke(args=["import", "careplace", path, "--silent"])
    assert "created 0, updated 0, unchanged 4" in result.output


def test_a_broken_file_is_a_clear_error_and_imports_nothing(runner, session):
    result = runner.invoke(
        args=["import", "lvsc", str(DATA / "lvsc" / "truncated.kml"), "--silent"]
    )
    assert result.exit_code == 1
    assert "Nothing was imported: truncated.kml" in result.output
    assert "Traceback" not in result.output
    assert count_services(session) == 0


def test_a_kml_bomb_is_refused(runner, session):
    result = runner.invoke(
        args=["import", "lvsc", str(DATA / "lvsc" / "billion_laughs.kml"), "--silent"]
    )
    assert result.exit_code == 1
    assert "Nothing was imported" in result.output


def test_csv_needs_its_mapping(runner):
    result = runner.invoke(args=["import", "csv", str(DATA / "careplace" / "lambeth.csv")])
    assert result.exit_code == 1
    assert "--mapping" in result.output


def test_db_upgrade_is_safe_to_repeat(runner):
    for _ in range(2):
        result = runner.invoke(args=["db", "upgrade"])
        assert result.exit_code == 0
        assert "newest schema" in result.output


def test_sample_loads_every_source_through_the_pipeline_once(runner, session):
    first = runner.invoke(args=["sample"])
    assert first.exit_code == 0, first.output
    assert "Loaded 3000 sample postcodes." in first.output
    assert "careplace-islington: read 39, created 39" in first.output
    assert count_services(session) >= 150  # every record's own service, merged ones inactive
    again = runner.invoke(args=["sample"])
    assert "created 0, updated 0, unchanged 39" in again.output


def test_sample_merges_the_services_its_sources_share(runner, session):
    result = runner.invoke(args=["sample"])
    assert result.exit_code == 0, result.output

    records = session.scalar(select(func.count()).select_from(SourceRecord))
    active = session.scalar(
        select(func.count()).select_from(Service).where(Service.status == "active")
    )
    merged = session.scalar(select(func.count(func.distinct(SourceRecord.service_id))))
    assert "dedupe (full)" in result.output
    assert merged == active < records  # one live service per merged group of records


def test_serve_answers_http_requests(tmp_path):
    """The README's main command ends in `signpost serve`: it must really listen."""
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/serve.db"}
    code = "from app.cli import main; main()"
    server = subprocess.Popen(
        [sys.executable, "-c", code, "serve", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    assert r.status == 200
                    return
            except OSError:
                assert server.poll() is None, "signpost serve exited instead of serving"
                time.sleep(0.2)
        raise AssertionError("signpost serve never answered")
    finally:
        server.terminate()
        server.wait(timeout=10)
