"""The attacks of issue 19, repeated: hostile files and writes during an import.

The house rule: no malformed file may withdraw records it failed to read. Each hostile
re-import of a 50-record CarePlace export stops, names the file and the problem, and
leaves all 50 records active. On SQLite a write that arrives during an import waits for
it instead of failing; on PostgreSQL it does not wait at all.
"""

from __future__ import annotations

import csv
import io
import threading
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from app import create_app, migrate
from app.db import begin_writing, get_session, make_engine
from app.models import Source, SourceRecord, stable_id
from importers.pipeline.run import SourceSpec, run_import
from importers.readers.careplace import read_careplace
from tests.conftest import NO_RATE_LIMITS

HEADER = ["Service ID", "Service name", "Provider name", "Postcode", "Telephone", "Cost"]
SOURCE = "careplace-camden"
ROWS = [
    [f"S{n}", f"Heath Walk {n}", "Camden Health Walks", "NW5 1QR", "020 7946 0101", "Free"]
    for n in range(1, 51)
]


def csv_text(rows: list[list[str]], delimiter: str = ",") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return out.getvalue()


GOOD = csv_text([HEADER, *ROWS])
STRAY_QUOTE = GOOD.replace("Heath Walk 2,", '"Heath Walk 2,', 1)  # never closed
HEADER_ONLY = csv_text([HEADER])
TRUNCATED = GOOD[: GOOD.index("S31,") + 12]  # cut in the middle of row 31
SEMICOLONS = csv_text([HEADER]) + csv_text(ROWS, delimiter=";")  # rows saved differently

HOSTILE = [
    (STRAY_QUOTE, "camden.csv: line 3 is not valid CSV (a quoted field is never closed)."),
    (HEADER_ONLY, "would withdraw 50 of the source's 50 listed records (100%, over the 20% "
                  "limit): the file holds no records."),
    (TRUNCATED, "would withdraw 20 of the source's 50 listed records (40%, over the 20% "
                "limit): it read 31 records (0 rejected)."),
    (SEMICOLONS, "would withdraw 50 of the source's 50 listed records (100%, over the 20% "
                 "limit): it read 0 records (50 rejected)."),
]  # fmt: skip


def import_text(runner, tmp_path: Path, text: str, *options: str):
    path = tmp_path / "camden.csv"
    path.write_text(text, encoding="utf-8")
    args = ["import", "careplace", str(path), "--source", SOURCE, "--silent", *options]
    return runner.invoke(args=args)


def records_by_status(session) -> dict[str, int]:
    query = select(SourceRecord.status, func.count()).group_by(SourceRecord.status)
    return dict(session.execute(query).all())


@pytest.mark.parametrize(
    ("text", "problem"), HOSTILE, ids=["stray-quote", "header-only", "truncated", "semicolons"]
)
def test_a_hostile_reimport_withdraws_nothing_and_names_the_problem(
    runner, session, tmp_path, text, problem
):
    assert import_text(runner, tmp_path, GOOD).exit_code == 0

    result = import_text(runner, tmp_path, text)

    assert result.exit_code == 1
    assert result.output.startswith("Error: Nothing was imported: ")
    assert problem in result.output
    assert "Traceback" not in result.output
    session.expire_all()
    assert records_by_status(session) == {"active": 50}


def test_a_real_drop_goes_through_when_allowed(runner, session, tmp_path):
    import_text(runner, tmp_path, GOOD)
    result = import_text(runner, tmp_path, TRUNCATED, "--allow-withdraw")
    assert result.exit_code == 0, result.output
    # row 31, cut before its postcode, is read as a new record (its key has no postcode)
    assert "read 31, created 1, updated 0, unchanged 30, withdrawn 20" in result.output
    session.expire_all()
    assert records_by_status(session) == {"active": 31, "withdrawn": 20}


def test_an_internal_column_is_listed_and_not_published(runner, client, session, tmp_path):
    internal = "Lead contact (internal - do not publish)"
    rows = [[*HEADER, internal], *[[*row, "Jo Bloggs 07700 900123"] for row in ROWS[:2]]]
    report = tmp_path / "problems.csv"
    result = import_text(runner, tmp_path, csv_text(rows), "--report", str(report))
    assert result.exit_code == 0, result.output
    note = f"column '{internal}' has no HSDS field: kept with the source record, not published"
    assert f"  note camden.csv header: {note}" in result.output
    assert note in report.read_text()
    body = client.get("/services?per_page=50").get_data(as_text=True)
    assert "Heath Walk 1" in body and "Jo Bloggs" not in body


# Writes during an import. The sign-in, token and editor requests all write through the
# request's session (app.db.get_session); each test here holds an import's transaction
# open, uncommitted, while a second connection writes.


@pytest.fixture
def sqlite_file(tmp_path):
    """A migrated SQLite database of its own: the shared test engine wraps every test in
    one transaction, and this needs two connections that commit."""
    url = f"sqlite:///{tmp_path / 'signpost.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    yield url, engine
    engine.dispose()


def open_import(engine, tmp_path) -> Session:
    """An import of the good export, run but not yet committed (its write lock held)."""
    (tmp_path / "camden.csv").write_text(GOOD, encoding="utf-8")
    session = sessionmaker(bind=engine)()
    session.begin()
    begin_writing(session)
    spec = SourceSpec(name=SOURCE, format="careplace")
    report = run_import(session, spec, read_careplace(tmp_path / "camden.csv"), dedupe=False)
    assert report.created == 50
    return session


def test_on_sqlite_a_request_that_writes_during_an_import_waits_and_succeeds(sqlite_file, tmp_path):
    url, engine = sqlite_file
    app = create_app({"TESTING": True, "DATABASE_URL": url, **NO_RATE_LIMITS})
    importing = open_import(engine, tmp_path)
    outcome: list[str] = []

    def sign_in_like_write() -> None:  # reads, then writes: what failed at once before
        with app.test_request_context("/auth/login", method="POST"):
            session = get_session()
            try:
                session.scalar(select(func.count()).select_from(Source))
                session.add(Source(id=stable_id("source", "editor"), name="editor"))
                session.commit()
                outcome.append("committed")
            except Exception as exc:  # noqa: BLE001 - the test reports what happened
                outcome.append(f"failed: {exc}")
            finally:
                session.close()

    writer = threading.Thread(target=sign_in_like_write)
    writer.start()
    writer.join(timeout=1)
    assert writer.is_alive(), outcome  # waiting for the import, not failed
    importing.commit()
    importing.close()
    writer.join()

    assert outcome == ["committed"]
    with Session(engine) as check:
        names = set(check.scalars(select(Source.name)))
        assert names == {SOURCE, "editor"}
        assert check.scalar(select(func.count()).select_from(SourceRecord)) == 50


def test_on_sqlite_an_account_command_during_an_import_waits_and_succeeds(sqlite_file, tmp_path):
    url, engine = sqlite_file
    app = create_app({"TESTING": True, "DATABASE_URL": url, **NO_RATE_LIMITS})
    from app.cli import cli

    importing = open_import(engine, tmp_path)
    results: list = []
    args = ["users", "create-admin", "admin@example.org", "--password-stdin"]
    command = threading.Thread(
        target=lambda: results.append(
            app.test_cli_runner().invoke(cli, args, input="a long enough password\n")
        )
    )
    command.start()
    command.join(timeout=1)
    assert command.is_alive(), results and results[0].output  # waiting, not failed
    importing.commit()
    importing.close()
    command.join()

    assert results[0].exit_code == 0, results[0].output


def test_on_sqlite_a_second_import_is_a_one_line_message(sqlite_file, tmp_path):
    url, engine = sqlite_file
    app = create_app({"TESTING": True, "DATABASE_URL": url, **NO_RATE_LIMITS})
    impatient = make_engine(url, connect_args={"timeout": 0.05})  # not the 30 s default
    app.extensions["signpost_db"].engine = impatient
    app.extensions["signpost_db"].sessionmaker = sessionmaker(bind=impatient)
    from app.cli import cli

    importing = open_import(engine, tmp_path)
    try:
        result = app.test_cli_runner().invoke(
            cli, ["import", "careplace", str(tmp_path / "camden.csv"), "--silent"]
        )
    finally:
        importing.rollback()
        importing.close()
        impatient.dispose()

    assert result.exit_code == 1
    assert result.output == (
        "Error: Nothing was imported: another import (or a long write) is holding the "
        "database; run this again when it has finished.\n"
    )


@pytest.mark.postgis_only  # the SQLite cases are above
def test_on_postgresql_a_write_during_an_import_does_not_wait(engine, tmp_path):
    importing = open_import(engine, tmp_path)
    editor = stable_id("source", "editor-during-import")
    try:
        with Session(engine) as other, other.begin():  # commits while the import is open
            other.scalar(select(func.count()).select_from(Source))
            other.add(Source(id=editor, name="editor-during-import"))
        with Session(engine) as check:  # committed, beside the import still open
            assert check.get(Source, editor) is not None
        assert importing.scalar(select(func.count()).select_from(SourceRecord)) == 50
    finally:
        importing.rollback()  # the database is shared with the other tests: leave nothing
        importing.close()
        with Session(engine) as cleanup, cleanup.begin():
            cleanup.execute(delete(Source).where(Source.name == "editor-during-import"))
