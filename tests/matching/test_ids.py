"""Stable cluster IDs: join, split, merge and fresh IDs."""

from __future__ import annotations

import pytest

from app.matching import Clustering
from app.matching.ids import assign_ids


def previous(**clusters: str) -> Clustering:
    return Clustering.from_clusters({cid: frozenset(members) for cid, members in clusters.items()})


def ids_of(result: dict[str, frozenset[str]]) -> dict[str, str]:
    """Members (joined, sorted) -> cluster ID, for readable assertions."""
    return {"".join(sorted(members)): cid for cid, members in result.items()}


@pytest.mark.parametrize(
    ("old", "groups", "expected"),
    [
        ({"X": "ab"}, ["abc"], {"abc": "X"}),  # a record joins: the ID stays
        ({"X": "abc"}, ["ab"], {"ab": "X"}),  # a record leaves
        ({"X": "abc"}, ["a", "bc"], {"bc": "X"}),  # split: the larger part keeps it
        ({"X": "abcd"}, ["cd", "ab"], {"ab": "X"}),  # equal parts: smallest record ID
        ({"X": "ab", "Y": "c"}, ["abc"], {"abc": "X"}),  # merge: the larger contributor
        ({"Y": "a", "X": "b"}, ["ab"], {"ab": "X"}),  # equal contributors: smaller ID
    ],
    ids=["join", "leave", "split", "even split", "merge", "even merge"],
)
def test_ids_follow_their_records(old, groups, expected):
    result = assign_ids("services", [frozenset(g) for g in groups], previous(**old))

    assert {k: v for k, v in ids_of(result).items() if k in expected} == expected


def test_a_new_cluster_gets_a_deterministic_id():
    first = assign_ids("services", [frozenset("ab"), frozenset("c")], None)
    again = assign_ids("services", [frozenset("c"), frozenset("ba")], None)

    assert first == again
    assert len(set(first)) == 2


def test_ids_in_use_elsewhere_are_never_reused():
    fresh = assign_ids("services", [frozenset("ab")], None)
    taken = set(fresh)

    result = assign_ids("services", [frozenset("ab")], None, taken)

    assert not set(result) & taken
