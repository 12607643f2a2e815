"""Stable cluster IDs: a merged service keeps its ID while its sources come and go.

Cluster IDs are what the API publishes, so they must not churn. Rules:

- a cluster keeps its ID when records join or leave it;
- when a cluster splits, the part holding most of its records keeps the ID; on a tie,
  the part whose smallest record ID sorts first;
- when clusters merge, the merged cluster keeps the ID of the one contributing most
  records; on a tie, the ID that sorts first;
- a cluster with no predecessor gets uuid5(namespace, level + smallest record ID), so a
  rerun from scratch on the same data gives the same IDs.

Assignment is greedy on (records shared, tie-breaks), which applies all rules at once.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

NAMESPACE = uuid.UUID("6f1c1a4e-8a52-5d1e-9a57-3c0c1b7f2e11")


@dataclass
class Clustering:
    """Cluster ID -> record IDs, with the reverse lookup."""

    clusters: dict[str, frozenset[str]] = field(default_factory=dict)
    membership: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_clusters(cls, clusters: Mapping[str, frozenset[str]]) -> Clustering:
        membership = {rid: cid for cid, members in clusters.items() for rid in members}
        return cls(dict(clusters), membership)

    def cluster_of(self, record_id: str) -> str:
        """The ID of the cluster holding `record_id` (KeyError if unknown)."""
        return self.membership[record_id]

    def groups(self) -> list[frozenset[str]]:
        return list(self.clusters.values())

    def replace(self, old_ids: Iterable[str], new: Mapping[str, frozenset[str]]) -> Clustering:
        """A new Clustering with clusters `old_ids` replaced by `new`."""
        clusters = dict(self.clusters)
        membership = dict(self.membership)
        for cluster_id in old_ids:
            for record_id in clusters.pop(cluster_id, frozenset()):
                membership.pop(record_id, None)
        for cluster_id, members in new.items():
            clusters[cluster_id] = members
            membership.update(dict.fromkeys(members, cluster_id))
        return Clustering(clusters, membership)


def fresh_id(level: str, members: frozenset[str], taken: set[str]) -> str:
    """A deterministic new ID from the smallest member, avoiding IDs in use."""
    seed = f"{level}:{min(members)}"
    candidate = str(uuid.uuid5(NAMESPACE, seed))
    attempt = 1
    while candidate in taken:
        attempt += 1
        candidate = str(uuid.uuid5(NAMESPACE, f"{seed}#{attempt}"))
    return candidate


def assign_ids(
    level: str,
    groups: Iterable[frozenset[str]],
    previous: Clustering | None,
    taken: set[str] | None = None,
) -> dict[str, frozenset[str]]:
    """Give each group an ID by the module's rules; `taken` are IDs used elsewhere."""
    groups = sorted(groups, key=min)
    taken = set(taken or ())
    candidates = []
    for index, members in enumerate(groups):
        overlap = Counter(
            previous.membership[rid] for rid in members if previous and rid in previous.membership
        )
        for old_id, shared in overlap.items():
            candidates.append((-shared, index, old_id))
    candidates.sort()
    named: dict[int, str] = {}
    for _, index, old_id in candidates:
        if index not in named and old_id not in taken:
            named[index] = old_id
            taken.add(old_id)
    result = {}
    for index, members in enumerate(groups):
        cluster_id = named.get(index) or fresh_id(level, members, taken)
        taken.add(cluster_id)
        result[cluster_id] = members
    return result
