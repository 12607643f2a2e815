"""Whole runs: parallel scoring, and quality on the benchmark's labelled data."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path

import pytest

from app.matching import MatchConfig, MatchRecord, engine, match_records
from tests.matching.builders import record

BENCH_DATA = Path(__file__).resolve().parents[2] / "bench" / "dedupe_data.py"


@pytest.fixture(scope="module")
def labelled():
    """2,000 labelled records from the benchmark's generator (fixed seed)."""
    spec = importlib.util.spec_from_file_location("dedupe_data", BENCH_DATA)
    module = importlib.util.module_from_spec(spec)
    sys.modules["dedupe_data"] = module
    spec.loader.exec_module(module)
    return module.generate(2000, seed=3).records


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def pairwise(predicted: dict[str, str], truth: dict[str, str]) -> tuple[float, float]:
    both = Counter((predicted[r], truth[r]) for r in truth)
    together = sum(map(_pairs, both.values()))
    predicted_pairs = sum(map(_pairs, Counter(predicted[r] for r in truth).values()))
    true_pairs = sum(map(_pairs, Counter(truth.values()).values()))
    return together / predicted_pairs, together / true_pairs


def test_quality_on_labelled_data(labelled):
    records = [MatchRecord.from_service(r.source, r.key, r.service) for r in labelled]

    result, _ = match_records(records, MatchConfig(workers=1))

    precision, recall = pairwise(
        result.services.membership, {r.record_id: r.entity for r in labelled}
    )
    assert precision >= 0.98
    assert recall >= 0.85


def test_parallel_scoring_gives_the_same_clusters(labelled, monkeypatch):
    records = [MatchRecord.from_service(r.source, r.key, r.service) for r in labelled]
    one, _ = match_records(records, MatchConfig(workers=1))

    monkeypatch.setattr(engine, "_PARALLEL_MINIMUM", 0)
    two, _ = match_records(records, MatchConfig(workers=2))

    assert one.services.clusters == two.services.clusters
    assert one.organizations.clusters == two.organizations.clusters
    assert one.review == two.review


def test_every_record_is_in_exactly_one_cluster_at_each_level(labelled):
    records = [MatchRecord.from_service(r.source, r.key, r.service) for r in labelled]

    result, _ = match_records(records, MatchConfig(workers=1))

    for level in (result.services, result.organizations):
        members = [rid for group in level.clusters.values() for rid in group]
        assert sorted(members) == sorted(r.record_id for r in records)


def test_possible_matches_are_listed_for_review_not_merged():
    records = [
        record("spreadsheet", "1", "Knit and natter", postcode="N5 1AR"),
        record("careplace", "2", "Knit and natter", "Highbury Knitters", postcode="N5 1AR"),
    ]

    result, index = match_records(records, MatchConfig(workers=1))

    assert result.services.cluster_of("spreadsheet/1") != result.services.cluster_of("careplace/2")
    [(score, a, b)] = result.review
    assert {a, b} == {"spreadsheet/1", "careplace/2"}
    assert engine.explain(a, b, index).score == score
