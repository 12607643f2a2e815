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


def test_help_lists_signposts_own_commands_first_one_line_each():
    from click.testing import CliRunner

    from app.cli import cli

    result = CliRunner().invoke(cli, ["--help"], prog_name="signpost")
    assert result.exit_code == 0, result.output
    commands = result.output.split("Commands:\n")[1].splitlines()
    listed = [line.split()[0] for line in commands if line.strip()]
    assert listed[:3] == ["serve", "sample", "db"]
    assert listed[-3:] == ["routes", "run", "shell"]
    assert {"import", "dedupe", "export", "users", "tokens", "moderation"} <= set(listed)
    assert not any(line.endswith("...") for line in commands)  # no help line cut short
    assert "--app" not in result.output and "--env-file" not in result.output


def test_serve_script_help_sets_nothing_up(tmp_path):
    """`./scripts/serve --help` prints its options, without making .venv or a database."""
    import shutil
    import subprocess

    (tmp_path / "scripts").mkdir()
    script = shutil.copy(
        Path(__file__).resolve().parents[1] / "scripts" / "serve", tmp_path / "scripts"
    )
    result = subprocess.run([script, "--help"], capture_output=True, text=True, check=True)
    assert "--port PORT" in result.stdout and "--host HOST" in result.stdout
    assert sorted(path.name for path in tmp_path.iterdir()) == ["scripts"]


def test_an_unforeseen_import_error_is_one_line_naming_file_record_and_reason(
    runner, session, monkeypatch
):
    """Not a 99-line traceback (issue 19, L6); `signpost --debug import` shows that."""
    from importers.pipeline import run as pipeline

    def broken(_importer, item):
        raise KeyError("phones")

    monkeypatch.setattr(pipeline.Importer, "add", broken)
    result = runner.invoke(
        args=["import", "careplace", str(DATA / "careplace" / "lambeth.csv"), "--silent"]
    )
    assert result.exit_code == 1
    assert result.output.count("\n") == 1
    assert result.output.startswith("Error: Nothing was imported from lambeth.csv near ")
    assert "unexpected KeyError: 'phones'" in result.output
    assert count_services(session) == 0


def test_an_unwritable_report_is_a_sentence(runner, session, tmp_path):
    report = tmp_path / "no-such-folder" / "problems.csv"
    path = str(DATA / "careplace" / "lambeth.csv")
    result = runner.invoke(args=["import", "careplace", path, "--silent", "--report", report])
    assert result.exit_code == 1
    assert "Error: Imported, but the report could not be written to" in result.output
    assert "Traceback" not in result.output
