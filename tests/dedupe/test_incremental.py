"""An incremental run reads only the records a change touches (app.dedupe.stored_index),
yet publishes what the matching engine's incremental run over every record gives."""

from __future__ import annotations

import copy
import importlib.util
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from sqlalchemy import select

from app.dedupe import run_dedupe
from app.dedupe.state import load_state
from app.dedupe.stored_index import StoredIndex
from app.dedupe.summaries import update_summaries
from app.matching import (
    Clustering,
    MatchConfig,
    MatchRecord,
    MatchResult,
    RecordIndex,
    match_incremental,
)
from app.models import MatchKey, MatchReview, MatchSummary, Source, SourceRecord
from importers.pipeline.run import SourceSpec, run_import
from importers.readers.record import Record

BENCH_DATA = Path(__file__).resolve().parents[2] / "bench" / "dedupe_data.py"
# Small block limits, so that 1,500 records have the large blocks (compared by name-order
# windows) and the oversized ones (ignored) that need 100,000 at the defaults.
CONFIG = MatchConfig(workers=1, block_cap=5, block_window=2, block_max=30)


@pytest.fixture(scope="module")
def generator():
    """The benchmark's generator of labelled London listings from four sources."""
    spec = importlib.util.spec_from_file_location("dedupe_data", BENCH_DATA)
    module = importlib.util.module_from_spec(spec)
    sys.modules["dedupe_data"] = module
    spec.loader.exec_module(module)
    return module


def import_sources(session, records) -> None:
    """Each source's full export, deduplication left for the test to run."""
    by_source = defaultdict(list)
    for record in records:
        by_source[record.source].append(record)
    for source, items in sorted(by_source.items()):
        spec = SourceSpec(name=source, format="hsds", priority=10 if source == "careplace" else 50)
        rows = (
            Record(key=r.key, position=f"record {n}", raw={}, service=copy.deepcopy(r.service))
            for n, r in enumerate(items, start=1)
        )
        run_import(session, spec, rows, dedupe=False)
    session.commit()


def stored_rows(session):
    query = (
        select(Source.name, SourceRecord)
        .join(Source, Source.id == SourceRecord.source_id)
        .order_by(SourceRecord.id)
    )
    return [(f"{name}/{row.key}", row) for name, row in session.execute(query)]


def active_records(session) -> dict[str, MatchRecord]:
    """Every active record, in source_record.id order (the order a full run indexes)."""
    return {
        match_id: MatchRecord.from_service(*match_id.split("/", 1), row.record)
        for match_id, row in stored_rows(session)
        if row.status == "active"
    }


def engine_incremental(session) -> MatchResult:
    """What app.matching does with every active record in memory: an index of them all
    (in source_record.id order, as a full run builds it) and the clusters stored."""
    rows = stored_rows(session)
    records = active_records(session)
    changed = [
        records[m]
        for m, row in rows
        if row.status == "active" and row.matched_hash != row.content_hash
    ]
    removed = [m for m, row in rows if row.status != "active" and row.matched_hash]
    services, organizations = defaultdict(set), defaultdict(set)
    for match_id, row in rows:
        if row.matched_hash:
            services[row.service_id].add(match_id)
            if row.organization_id:
                organizations[row.organization_id].add(match_id)
    previous = MatchResult(clustering(services), clustering(organizations), review(session))
    index = RecordIndex.build(records.values(), CONFIG)
    return match_incremental(previous, changed, index, removed)


def review(session) -> list[tuple[float, str, str]]:
    """The review queue as (score, match ID, match ID)."""
    match_ids = {row.id: match_id for match_id, row in stored_rows(session)}
    rows = session.execute(
        select(MatchReview.score, MatchReview.record_a_id, MatchReview.record_b_id)
    )
    return [(score, match_ids[a], match_ids[b]) for score, a, b in rows]


def pairs(edges) -> dict[frozenset[str], float]:
    return {frozenset((a, b)): score for score, a, b in edges}


def clustering(groups) -> Clustering:
    return Clustering.from_clusters({cid: frozenset(members) for cid, members in groups.items()})


def published(session) -> tuple[set[frozenset[str]], set[frozenset[str]]]:
    """The service and organisation clusters the database publishes now."""
    services, organizations = defaultdict(set), defaultdict(set)
    for match_id, row in stored_rows(session):
        if row.status == "active":
            services[row.service_id].add(match_id)
            if row.organization_id:
                organizations[row.organization_id].add(match_id)
    return set(map(frozenset, services.values())), set(map(frozenset, organizations.values()))


def partition(clusters: Clustering, among: set[str]) -> set[frozenset[str]]:
    return {frozenset(members & among) for members in clusters.clusters.values()} - {frozenset()}


@pytest.fixture
def matched_listings(session, generator):
    """1,500 listings from four sources, imported and matched; returns a function that
    changes a share of them (edits, withdrawals, additions) and re-imports the sources."""
    dataset = generator.generate(1500, seed=5)
    import_sources(session, dataset.records)
    run_dedupe(session, full=True, config=CONFIG)
    session.commit()

    def change(share: float) -> None:
        generator.change(dataset, share, seed=11)
        import_sources(session, dataset.records)

    return change


def test_an_incremental_run_publishes_what_matching_every_record_gives(session, matched_listings):
    matched_listings(0.05)
    expected = engine_incremental(session)

    report = run_dedupe(session, config=CONFIG)

    assert not report.full
    services, organizations = published(session)
    assert services == partition(expected.services, set().union(*services))
    assert organizations == partition(expected.organizations, set().union(*organizations))
    assert pairs(review(session)) == pairs(expected.review)


def test_changed_records_meet_the_candidates_an_index_of_every_record_gives(
    session, matched_listings
):
    matched_listings(0.05)
    state = load_state(session)
    fresh = update_summaries(session, state, full=False)
    changed = [fresh[match_id] for match_id in state.changed()]
    stored = StoredIndex(session, state, CONFIG)
    stored.add_changed(changed)
    every = RecordIndex.build(active_records(session).values(), CONFIG)
    every.upsert(changed)

    for level in ("services", "organizations"):
        for record in changed:
            found = stored.candidates(level, stored.positions[record.record_id])
            expected = every.candidates(level, every.positions[record.record_id])
            assert {stored.records[p].record_id for p in found} == {
                every.records[p].record_id for p in expected
            }


def test_an_incremental_run_reads_only_the_records_the_change_touches(
    session, matched_listings, monkeypatch
):
    import app.dedupe.stored_index as stored_index

    read: set[str] = set()
    original = stored_index.read_summarised

    def counting(session, records):
        records = list(records)
        read.update(stored.match_id for stored in records)
        return original(session, records)

    monkeypatch.setattr(stored_index, "read_summarised", counting)
    matched_listings(0.001)  # one listing edited, one withdrawn
    report = run_dedupe(session, config=CONFIG)

    assert (report.compared, report.withdrawn) == (1, 1)
    assert 0 < len(read) < report.records / 10


def test_match_keys_follow_the_records(session, matched_listings):
    matched_listings(0.05)
    run_dedupe(session, config=CONFIG)

    active = {row.id for _, row in stored_rows(session) if row.status == "active"}
    keyed = set(session.scalars(select(MatchKey.record_id).distinct()))
    summarised = dict(
        session.execute(select(MatchSummary.record_id, MatchSummary.content_hash)).all()
    )
    assert keyed == active
    assert all(summarised[row.id] == row.content_hash for _, row in stored_rows(session)
               if row.id in active)  # fmt: skip
