"""A large file is read and prepared by a worker process: the same import, on two cores."""

import csv
import json
import multiprocessing
import os
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import DateTime, select

from app.demo.sample_data import write_samples
from app.models import (
    Address,
    Attribute,
    CostOption,
    Location,
    MetadataEntry,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    SourceRecord,
    TaxonomyTerm,
)
from importers.pipeline import worker
from importers.pipeline.finish import Finishing
from importers.pipeline.formats import FORMATS, read_source
from importers.pipeline.run import SourceSpec, active_hashes, run_import
from importers.pipeline.worker import WorkerError, read_in_worker, read_prepared, worth_a_worker
from importers.readers.careplace import read_careplace
from importers.readers.record import Record, SourceFormatError
from tests.importers.test_pipeline import HEADER

DATA = Path(__file__).resolve().parents[1] / "data"
TABLES = [Organization, Service, Location, Address, ServiceAtLocation, Phone, Schedule,
          ServiceArea, CostOption, Attribute, TaxonomyTerm, SourceRecord]  # fmt: skip
SPEC = SourceSpec(name="careplace-camden", format="careplace")
FINISHING = Finishing(SPEC.name, keep_ids=False)


def row(n: int) -> list[str]:
    """A varied CarePlace row; every 37th has no name, every 41st repeats the one before."""
    if n % 41 == 0:
        return row(n - 1)
    service_id, name = f"S{n}", "" if n % 37 == 0 else f"Walk {n}"
    coordinates = ("51.5517", "-0.0708") if n % 2 else ("", "")
    return [
        f"P{n // 3}", f"Group {n // 3}", service_id, name, f"A walk &amp; talk, number {n}.",
        "Walking;Older people", "Camden; LB Hackney", f"{n} High Street", "London",
        f"NW{n % 9 + 1} 1QR" if n % 5 else "not a postcode", f"020 7946 {n:04d}",
        ["Free", "£2 per session", "Donations"][n % 3], "Mondays 10:00-12:00",
        ["18+", "Over 50s", ""][n % 3], *coordinates,
    ]  # fmt: skip


@pytest.fixture
def careplace_file(tmp_path) -> Path:
    path = tmp_path / "camden.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(row(n) for n in range(1, 451))  # three chunks
    return path


def database(session) -> dict[str, set[tuple]]:
    """Every row of the tables an import writes, without its timestamps."""
    tables = {}
    for model in TABLES:
        columns = [
            c for c in model.__table__.columns
            if not isinstance(getattr(c.type, "impl", c.type), DateTime)
        ]  # fmt: skip
        rows = session.execute(select(*columns)).all()
        tables[model.__tablename__] = {tuple(map(_hashable, r)) for r in rows}
    return tables


def _hashable(value):
    return json.dumps(value, sort_keys=True) if isinstance(value, dict | list) else value


def problems(report) -> list[tuple]:
    return [(p.kind, p.position, p.reason, p.key, p.field) for p in report.problems]


def test_the_worker_gives_the_same_database_as_reading_in_process(session, careplace_file):
    in_process = session.begin_nested()
    expected = run_import(session, SPEC, read_careplace(careplace_file), dedupe=False)
    expected_rows = database(session)
    in_process.rollback()
    report = run_import(session, SPEC, read_in_worker(read_careplace, careplace_file), dedupe=False)
    assert database(session) == expected_rows
    assert problems(report) == problems(expected)
    assert (report.read, report.created, report.rejected) == (438, 428, 22)


def test_reimporting_through_the_worker_changes_nothing(session, careplace_file):
    run_import(session, SPEC, read_careplace(careplace_file), dedupe=False)
    before = database(session) | {"history": set(session.scalars(select(MetadataEntry.id)))}
    report = run_import(session, SPEC, read_in_worker(read_careplace, careplace_file), dedupe=False)
    assert (report.unchanged, report.created, report.updated) == (428, 0, 0)
    after = database(session) | {"history": set(session.scalars(select(MetadataEntry.id)))}
    assert after == before


def test_records_the_worker_finishes_give_the_same_database_as_reading_in_process(
    session, careplace_file
):
    in_process = session.begin_nested()
    expected = run_import(session, SPEC, read_careplace(careplace_file), dedupe=False)
    expected_rows = database(session)
    in_process.rollback()
    items = list(read_in_worker(read_careplace, careplace_file, finishing=FINISHING))
    finished = [item for item in items if isinstance(item, Record) and item.finished]
    report = run_import(session, SPEC, items, dedupe=False)
    assert database(session) == expected_rows
    assert problems(report) == problems(expected)
    # Rows without coordinates but with a postcode are left to the import to look up.
    assert 200 < len(finished) < 438


def test_reimporting_records_the_worker_finished_changes_nothing(session, careplace_file):
    run_import(session, SPEC, read_careplace(careplace_file), dedupe=False)
    before = database(session) | {"history": set(session.scalars(select(MetadataEntry.id)))}
    unchanged = Finishing(SPEC.name, False, active_hashes(session, SPEC.name))
    items = list(read_in_worker(read_careplace, careplace_file, finishing=unchanged))
    report = run_import(session, SPEC, items, dedupe=False)
    assert (report.unchanged, report.created, report.updated) == (428, 0, 0)
    after = database(session) | {"history": set(session.scalars(select(MetadataEntry.id)))}
    assert after == before
    skipped = [i for i in items if isinstance(i, Record) and i.finished and not i.finished.record]
    assert len(skipped) > 200  # the worker gave them no IDs: the import skips them


def test_records_the_worker_took_for_unchanged_are_published_whole_if_they_are_not(
    session, careplace_file
):
    in_process = session.begin_nested()
    expected = run_import(session, SPEC, read_careplace(careplace_file), dedupe=False)
    expected_rows = database(session)
    hashes = active_hashes(session, SPEC.name)
    in_process.rollback()  # so every record is new after all
    stale = Finishing(SPEC.name, False, hashes)
    report = run_import(
        session, SPEC, read_in_worker(read_careplace, careplace_file, finishing=stale), dedupe=False
    )
    assert database(session) == expected_rows
    assert problems(report) == problems(expected)


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    return {source.name: source for source in write_samples(tmp_path_factory.mktemp("samples"))}


@pytest.mark.parametrize(
    "name, any_finished",
    [("lvsc-social-prescribing-map", True), ("careplace-camden", True),
     ("hackney-council-directory", True), ("islington-community-directory", True),
     ("camden-council-spreadsheet", False)],  # its rows give a postcode and no point
)  # fmt: skip
def test_every_format_the_worker_finishes_gives_the_same_database(
    session, samples, monkeypatch, name, any_finished
):
    source = samples[name]
    spec, keep_ids = SourceSpec(name, source.format), FORMATS[source.format].keep_ids
    args = (source.format, str(source.path), source.mapping, source.borough)
    in_process = session.begin_nested()
    expected = run_import(session, spec, read_source(*args), keep_ids=keep_ids, dedupe=False)
    expected_rows = database(session)
    in_process.rollback()
    monkeypatch.setattr(worker, "WORKER_MIN_BYTES", 0)  # the samples are small
    items = list(read_source(*args, Finishing(name, keep_ids)))
    assert any(isinstance(i, Record) and i.finished for i in items) is any_finished
    report = run_import(session, spec, items, keep_ids=keep_ids, dedupe=False)
    assert database(session) == expected_rows
    assert problems(report) == problems(expected)


def test_records_finished_for_another_source_are_refused(session, careplace_file):
    items = read_in_worker(read_careplace, careplace_file, finishing=Finishing("other", False))
    with pytest.raises(ValueError, match="finished for"):
        with session.begin_nested():
            run_import(session, SPEC, items, dedupe=False)


def test_signpost_import_has_the_worker_finish_records_for_the_source_it_imports_as(
    careplace_file, monkeypatch
):
    monkeypatch.setattr(worker, "WORKER_MIN_BYTES", 0)
    items = [i for i in read_source("careplace", str(careplace_file), finishing=FINISHING)]
    records = [item for item in items if isinstance(item, Record)]
    finished = {(r.finished.source, r.finished.keep_ids) for r in records if r.finished}
    assert finished == {(SPEC.name, False)}
    unnamed = [i for i in read_source("careplace", str(careplace_file)) if isinstance(i, Record)]
    assert all(i.prepared is not None and i.finished is None for i in unnamed)


def test_the_worker_reads_on_while_the_import_is_busy_writing(careplace_file):
    items = read_in_worker(read_careplace, careplace_file, finishing=FINISHING)
    next(items)  # the import holds the first record; the worker sends the other 449
    (process,) = multiprocessing.active_children()
    deadline = time.monotonic() + 30
    while process.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not process.is_alive()  # a pipe alone holds a chunk: it would still be waiting
    assert len(list(items)) == 449


# Readers a worker process runs (module level, so that it can import them).


def read_then_fail(path: Path):
    yield from read_careplace(path)
    raise RuntimeError("the disk is on fire")


def read_a_malformed_record(path: Path):
    for item in read_careplace(path):
        yield item
        if item.position == "line 3":
            yield Record(key="S-bad", position="line 4", raw={}, service=None)  # a reader's bug


def read_then_find_the_file_truncated(path: Path):
    yield from read_careplace(path)
    raise SourceFormatError(f"{path.name}: the file ends in the middle of a row.")


def read_then_die(path: Path):
    for count, item in enumerate(read_careplace(path), start=1):
        if count > worker.CHUNK and multiprocessing.parent_process() is not None:
            os._exit(3)
        yield item


def die_at_once_in_a_worker(path: Path):
    if multiprocessing.parent_process() is not None:
        os._exit(3)
    yield from read_careplace(path)


def test_an_error_in_the_worker_names_the_file_and_the_line_it_had_reached(careplace_file):
    items = read_in_worker(read_then_fail, careplace_file)
    with pytest.raises(WorkerError, match=r"camden\.csv, after line 451: RuntimeError: the disk"):
        list(items)


def test_a_record_that_breaks_preparing_names_its_line(careplace_file):
    read = []
    with pytest.raises(WorkerError, match=r"camden\.csv, line 4: TypeError") as raised:
        for item in read_in_worker(read_a_malformed_record, careplace_file):
            read.append(item.position)
    assert read == ["line 2", "line 3"]  # what came before arrived first
    assert "In the import's worker process" in "".join(raised.value.__notes__)


def test_the_readers_own_error_about_the_file_is_raised_as_it_is(careplace_file):
    items = read_in_worker(read_then_find_the_file_truncated, careplace_file)
    with pytest.raises(SourceFormatError, match="ends in the middle of a row"):
        list(items)


def test_an_import_through_a_failing_worker_leaves_the_database_as_it_was(session, careplace_file):
    with pytest.raises(SourceFormatError):
        with session.begin_nested():
            items = read_in_worker(read_then_find_the_file_truncated, careplace_file)
            run_import(session, SPEC, items, dedupe=False)
    assert session.scalars(select(SourceRecord)).all() == []


def test_a_worker_that_dies_is_reported_with_the_line_it_had_reached(careplace_file):
    items = read_in_worker(read_then_die, careplace_file)
    with pytest.raises(WorkerError, match=r"stopped \(exit code 3\) after line 201$"):
        list(items)


def test_a_worker_that_dies_before_sending_anything_leaves_the_file_to_this_process(
    careplace_file,
):
    items = list(read_in_worker(die_at_once_in_a_worker, careplace_file))
    assert len(items) == 450
    assert all(item.prepared is None for item in items if isinstance(item, Record))


def test_an_import_that_stops_early_stops_its_worker(careplace_file):
    items = read_in_worker(read_careplace, careplace_file)
    next(items)
    assert len(multiprocessing.active_children()) == 1
    items.close()
    assert multiprocessing.active_children() == []
    assert not [thread for thread in threading.enumerate() if thread.name == "import receiver"]


def test_records_from_the_worker_arrive_prepared(careplace_file):
    first = next(iter(read_in_worker(read_careplace, careplace_file)))
    assert first.prepared.service["phones"] == [{"number": "020 7946 0001"}]


@pytest.mark.parametrize(
    "size, cpus, expected",
    [(worker.WORKER_MIN_BYTES, 2, True), (worker.WORKER_MIN_BYTES - 1, 2, False),
     (worker.WORKER_MIN_BYTES, 1, False)],
)  # fmt: skip
def test_only_a_large_file_on_a_machine_with_cores_to_spare_gets_a_worker(
    tmp_path, monkeypatch, size, cpus, expected
):
    path = tmp_path / "big.csv"
    path.write_bytes(b"x" * size)
    monkeypatch.setattr(worker, "usable_cpus", lambda: cpus)
    assert worth_a_worker(path) is expected


def test_a_small_file_or_a_folder_is_read_in_process(tmp_path):
    small = DATA / "careplace" / "lambeth.csv"
    assert read_prepared(read_careplace, small).__name__ == "read_careplace"
    assert worth_a_worker(tmp_path) is False
    assert worth_a_worker(tmp_path / "missing.csv") is False
