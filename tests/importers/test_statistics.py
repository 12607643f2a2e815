"""A large import refreshes PostgreSQL's planner statistics before it queries what it wrote."""

import pytest
from sqlalchemy import event, func, select, text

from app.models import Service
from importers.pipeline import statistics
from importers.pipeline.statistics import refresh_statistics
from tests.importers.test_pipeline import SHED, WALK, import_file, write_csv


def statements_of(session, call) -> list[str]:
    seen: list[str] = []
    connection = session.connection()
    listener = lambda _c, _cur, statement, *_rest: seen.append(statement)  # noqa: E731
    event.listen(connection, "before_cursor_execute", listener)
    try:
        call()
    finally:
        event.remove(connection, "before_cursor_execute", listener)
    return seen


def test_enough_records_analyze_their_tables_on_postgresql_only(session):
    analyzed = statements_of(session, lambda: refresh_statistics(session, statistics.MIN_RECORDS))
    if session.get_bind().dialect.name == "postgresql":
        assert analyzed == [f"ANALYZE {table}" for table in statistics.TABLES]
    else:
        assert analyzed == []


def test_a_small_import_leaves_the_statistics_alone(session):
    too_few = statistics.MIN_RECORDS - 1
    assert statements_of(session, lambda: refresh_statistics(session, too_few)) == []


def test_the_statistics_are_refreshed_again_when_the_import_has_doubled(session):
    seen = statistics.MIN_RECORDS
    assert refresh_statistics(session, 2 * seen - 1, seen) == seen
    postgresql = session.get_bind().dialect.name == "postgresql"
    analyzed = statements_of(session, lambda: refresh_statistics(session, 2 * seen, seen))
    assert len(analyzed) == (len(statistics.TABLES) if postgresql else 0)


@pytest.mark.postgis_only  # SQLite's imports gather no statistics
def test_the_statistics_count_the_imports_own_uncommitted_rows(session, tmp_path, monkeypatch):
    monkeypatch.setattr(statistics, "MIN_RECORDS", 2)
    import_file(session, write_csv(tmp_path / "c.csv", WALK, SHED), dedupe=False)
    # The test's outer transaction is still open: nothing the import wrote is committed.
    planned = session.scalar(text("SELECT reltuples FROM pg_class WHERE relname = 'service'"))
    assert planned == session.scalar(select(func.count()).select_from(Service)) == 2
