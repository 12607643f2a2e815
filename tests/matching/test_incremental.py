"""Incremental matching: only what changed is re-matched, and cluster IDs stay put."""

from __future__ import annotations

import pytest

from app.matching import HumanDecisions, MatchConfig, match_incremental, match_records
from tests.matching.builders import CAMDEN_TOWN, CLISSOLD_PARK, record, walking_group


def coffee_morning(source: str, key: str, **overrides):
    fields = {"phone": "020 7946 0404", "point": CAMDEN_TOWN, "postcode": "NW1 7JE"}
    return record(source, key, "Coffee morning", "Camden Carers Centre", **(fields | overrides))


@pytest.fixture
def matched():
    """The walking group listed by two sources, the coffee morning by two, a lunch club."""
    records = [
        walking_group("careplace", "1"),
        walking_group("lvsc", "1"),
        coffee_morning("careplace", "2"),
        coffee_morning("council", "2"),
        record("careplace", "3", "Lunch club", "Age UK Camden", point=CAMDEN_TOWN),
    ]
    return match_records(records, MatchConfig(workers=1))


def groups(clustering) -> set[frozenset[str]]:
    return set(clustering.clusters.values())


def test_a_new_copy_joins_its_cluster_which_keeps_its_id(matched):
    result, index = matched
    walk_id = result.services.cluster_of("careplace/1")

    updated = match_incremental(result, [walking_group("council", "1")], index)

    assert updated.services.clusters[walk_id] == {"careplace/1", "lvsc/1", "council/1"}
    others = {cid: m for cid, m in result.services.clusters.items() if cid != walk_id}
    assert {cid: updated.services.clusters[cid] for cid in others} == others


def test_when_a_cluster_splits_the_larger_part_keeps_its_id(matched):
    result, index = matched
    result = match_incremental(result, [walking_group("council", "1")], index)
    walk_id = result.services.cluster_of("careplace/1")

    moved = walking_group("lvsc", "1", point=CLISSOLD_PARK, postcode="N16 9HJ")
    updated = match_incremental(result, [moved], index)

    assert updated.services.clusters[walk_id] == {"careplace/1", "council/1"}
    assert updated.services.cluster_of("lvsc/1") != walk_id


def test_removing_a_record_keeps_the_rest_of_its_cluster_and_id(matched):
    result, index = matched
    coffee_id = result.services.cluster_of("careplace/2")

    updated = match_incremental(result, [], index, removed_ids=["careplace/2"])

    assert updated.services.clusters[coffee_id] == {"council/2"}
    assert "careplace/2" not in updated.services.membership


def test_a_new_cannot_link_splits_and_a_new_must_link_joins(matched):
    result, index = matched
    apart = HumanDecisions(cannot_link=frozenset({("careplace/1", "lvsc/1")}))

    split = match_incremental(result, [], index, service_decisions=apart)
    assert split.services.cluster_of("careplace/1") != split.services.cluster_of("lvsc/1")

    joined = HumanDecisions(must_link=frozenset({("careplace/1", "careplace/3")}))
    merged = match_incremental(result, [], index, service_decisions=joined)
    assert merged.services.cluster_of("careplace/1") == merged.services.cluster_of("careplace/3")


def test_a_must_link_survives_a_change_that_makes_the_records_differ(matched):
    result, index = matched
    decisions = HumanDecisions(must_link=frozenset({("careplace/1", "lvsc/1")}))
    result = match_incremental(result, [], index, service_decisions=decisions)

    renamed = walking_group("lvsc", "1", name="Chess club", point=CLISSOLD_PARK)
    updated = match_incremental(result, [renamed], index, service_decisions=decisions)

    assert updated.services.cluster_of("careplace/1") == updated.services.cluster_of("lvsc/1")


def test_incremental_agrees_with_a_run_from_scratch(matched):
    result, index = matched
    changes = [
        walking_group("council", "1"),
        coffee_morning("spreadsheet", "9", phone="02079460404", point=None),
        record("council", "3", "Lunch club", "Age UK Camden", point=CAMDEN_TOWN),
    ]

    updated = match_incremental(result, changes, index, removed_ids=["council/2"])
    scratch, _ = match_records([index.get(rid) for rid in index.ids()], MatchConfig(workers=1))

    assert groups(updated.services) == groups(scratch.services)
    assert groups(updated.organizations) == groups(scratch.organizations)


def test_a_rerun_from_scratch_keeps_the_ids_of_the_previous_run(matched):
    result, index = matched
    records = [index.get(rid) for rid in index.ids()] + [walking_group("council", "1")]

    rerun, _ = match_records(records, MatchConfig(workers=1), previous=result)

    for cluster_id, members in result.services.clusters.items():
        assert members <= rerun.services.clusters[cluster_id]
