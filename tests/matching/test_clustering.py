"""Clustering scored pairs: no chaining, the same-source rule, human decisions."""

from __future__ import annotations

import pytest

from app.matching import HumanDecisions, MatchConfig, cluster_records
from app.matching.clustering import NO_DECISIONS, decision_conflicts

LEVEL = MatchConfig().services  # match 5, floor 0, average 4, same source 6


def cluster(scores: dict[str, float], decisions: HumanDecisions = NO_DECISIONS):
    """Cluster records named "source/key" given their pair scores ("a b": score); pairs
    not listed score -10. Returns the clusters as sorted lists, sorted."""
    table = {tuple(sorted(pair.split())): value for pair, value in scores.items()}
    ids = sorted({rid for pair in table for rid in pair})
    edges = [(value, a, b) for (a, b), value in table.items()]
    groups = cluster_records(
        ids,
        edges,
        lambda a, b: table.get(tuple(sorted((a, b))), -10.0),
        lambda rid: rid.split("/")[0],
        LEVEL,
        decisions,
    )
    return sorted(sorted(group) for group in groups)


def together(clusters, *ids) -> bool:
    return any(set(ids) <= set(group) for group in clusters)


def test_matches_form_clusters():
    clusters = cluster({"careplace/1 lvsc/1": 9, "lvsc/1 council/1": 8, "careplace/1 council/1": 7})

    assert clusters == [["careplace/1", "council/1", "lvsc/1"]]


@pytest.mark.parametrize(
    "a_c",
    [-5.0, 1.5],  # clearly different; weak, dragging the average below the bar
    ids=["strong negative evidence", "average too low"],
)
def test_a_b_and_b_c_do_not_chain_a_to_c(a_c):
    clusters = cluster(
        {"careplace/a lvsc/b": 9, "lvsc/b council/c": 6, "careplace/a council/c": a_c}
    )

    assert not together(clusters, "careplace/a", "council/c")
    assert together(clusters, "careplace/a", "lvsc/b")


@pytest.mark.parametrize(
    ("score", "merged"),
    [(5.5, False), (8.0, True), (12.0, True)],
    ids=[
        "a bare match within one source stays apart",
        "a source listing one service twice is merged",
        "overwhelming evidence merges them",
    ],
)
def test_one_source_is_merged_with_itself_only_on_clear_evidence(score, merged):
    clusters = cluster({"careplace/1 careplace/1-islington": score})

    assert together(clusters, "careplace/1", "careplace/1-islington") is merged


def test_the_same_source_rule_holds_through_a_third_record():
    clusters = cluster(
        {"careplace/1 lvsc/9": 12, "lvsc/9 careplace/2": 11, "careplace/1 careplace/2": 5.5}
    )

    assert not together(clusters, "careplace/1", "careplace/2")


def test_a_record_fitting_two_different_services_equally_is_merged_with_neither():
    # A spreadsheet row without a place fits the walking group in either park.
    clusters = cluster(
        {
            "sheet/1 careplace/park-a": 9,
            "sheet/1 careplace/park-b": 8.5,
            "careplace/park-a careplace/park-b": -5,
        }
    )

    assert ["sheet/1"] in clusters


@pytest.mark.parametrize(
    ("score", "decisions", "expected"),
    [
        (
            -8.0,
            HumanDecisions(must_link=frozenset({("careplace/1", "lvsc/1")})),
            [["careplace/1", "lvsc/1"]],
        ),
        (
            14.0,
            HumanDecisions(cannot_link=frozenset({("careplace/1", "lvsc/1")})),
            [["careplace/1"], ["lvsc/1"]],
        ),
    ],
    ids=["must_link joins whatever the score", "cannot_link separates whatever the score"],
)
def test_human_decisions_are_always_respected(score, decisions, expected):
    assert cluster({"careplace/1 lvsc/1": score}, decisions) == expected


def test_cannot_link_also_blocks_merging_through_a_third_record():
    decisions = HumanDecisions(cannot_link=frozenset({("careplace/a", "council/c")}))

    clusters = cluster(
        {"careplace/a lvsc/b": 12, "lvsc/b council/c": 12, "careplace/a council/c": 12}, decisions
    )

    assert not together(clusters, "careplace/a", "council/c")


def test_contradicting_decisions_keep_must_link_and_are_reported():
    decisions = HumanDecisions(
        must_link=frozenset({("careplace/a", "lvsc/b"), ("lvsc/b", "council/c")}),
        cannot_link=frozenset({("careplace/a", "council/c")}),
    )

    clusters = cluster({"careplace/a lvsc/b": 1, "lvsc/b council/c": 1}, decisions)

    assert clusters == [["careplace/a", "council/c", "lvsc/b"]]
    assert decision_conflicts([frozenset(clusters[0])], decisions) == [("careplace/a", "council/c")]
