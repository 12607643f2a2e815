"""Clustering matched pairs into entities without chaining, respecting human decisions.

Plain connected components chain: A~B and B~C put A and C together even when A and C
clearly differ (a walking group, its copy, and another group's walk at the same park).
Instead pairs are taken strongest first and two clusters merge only when

1. no human `cannot_link` pair would end up inside one cluster;
2. every cross pair scores at least `cluster_floor` (no strong negative evidence) and
   their average reaches `average_threshold` (average linkage);
3. every cross pair from one source with different source keys reaches
   `same_source_threshold` (a source's internal duplicates need overwhelming evidence);
4. the result stays within `max_cluster_size`;

   a cross pair that differs only in where it runs is scored without that difference
   when another member of the would-be cluster lists both places (a council feed's one
   service at two venues, which CarePlace lists as one row per venue and the LVSC map
   as one pin at either);
5. neither record is *ambiguous*: matching, almost as well (within `ambiguity_margin`),
   a third record that clearly differs from its partner. A record that leaves out where
   it runs fits every place an organisation runs that activity; it is left for review
   rather than merged with whichever scored a little higher.

Human `must_link` pairs are joined first and unconditionally; they win over a
contradicting `cannot_link` (an explicit "these are one" is more specific than a "not
that one"), and such contradictions are reported by `decision_conflicts`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from app.matching.config import LevelConfig

Edge = tuple[float, str, str]  # (score, record ID, record ID)
# (a, b, the would-be cluster) -> a's and b's score without their place difference when
# another member runs at both their places (one service at two venues), else None.
Bridge = Callable[[str, str, list[str]], float | None]


@dataclass(frozen=True)
class HumanDecisions:
    """Reviewers' decisions on record pairs; never overridden by the matcher."""

    must_link: frozenset[tuple[str, str]] = frozenset()
    cannot_link: frozenset[tuple[str, str]] = frozenset()


NO_DECISIONS = HumanDecisions()
_PASSES = 3


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


class _Clusterer:
    """Union-find over record IDs with the merge checks described in the module."""

    def __init__(
        self,
        pair_score: Callable[[str, str], float],
        source_of: Callable[[str], str],
        level: LevelConfig,
        decisions: HumanDecisions,
        bridged: Bridge | None = None,
    ) -> None:
        self.bridged = bridged
        self.pair_score = pair_score
        self.source_of = source_of
        self.level = level
        self.parent: dict[str, str] = {}
        self.members: dict[str, list[str]] = {}
        self.scores: dict[tuple[str, str], float] = {}
        self.cannot: dict[str, set[str]] = {}
        self.matches: dict[str, list[tuple[float, str]]] = {}
        for a, b in decisions.cannot_link:
            self.cannot.setdefault(a, set()).add(b)
            self.cannot.setdefault(b, set()).add(a)

    def add(self, record_id: str) -> None:
        if record_id not in self.parent:
            self.parent[record_id] = record_id
            self.members[record_id] = [record_id]

    def find(self, record_id: str) -> str:
        root = record_id
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[record_id] != root:
            self.parent[record_id], record_id = root, self.parent[record_id]
        return root

    def union(self, first: str, second: str) -> None:
        big, small = sorted((first, second), key=lambda root: -len(self.members[root]))
        self.parent[small] = big
        self.members[big].extend(self.members.pop(small))

    def score(self, a: str, b: str) -> float:
        key = _pair(a, b)
        cached = self.scores.get(key)
        if cached is None:
            cached = self.scores[key] = self.pair_score(*key)
        return cached

    def ambiguous(self, a: str, b: str, score: float) -> bool:
        """True if a (or b) matches, nearly as well, a record that clearly differs from
        its partner and is not already with it."""
        margin = self.level.ambiguity_margin
        if margin is None:
            return False
        for record, partner in ((a, b), (b, a)):
            home, own = self.find(partner), self.find(record)
            for other_score, other in self.matches.get(record, ()):
                if other_score < score - margin:
                    break
                # A rival already in the record's own cluster is no rival: the merge
                # checks (every cross pair) decide whether the two clusters fit.
                if other != partner and self.find(other) not in (home, own):
                    if self.score(partner, other) < self.level.ambiguity_conflict:
                        return True
        return False

    def try_merge(self, score: float, a: str, b: str) -> bool:
        """Merge the clusters of a and b if the module's rules allow; True when done
        (or already together), False when refused."""
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return True
        if self.can_merge(self.members[root_a], self.members[root_b]) and not self.ambiguous(
            a, b, score
        ):
            self.union(root_a, root_b)
            return True
        return False

    def can_merge(self, first: list[str], second: list[str]) -> bool:
        level = self.level
        if len(first) + len(second) > level.max_cluster_size:
            return False
        other = set(second)
        if any(self.cannot.get(a, set()) & other for a in first):
            return False
        total = 0.0
        same_source = level.same_source_threshold
        together: list[str] | None = None
        for a in first:
            for b in second:
                score = self.score(a, b)
                if self.bridged is not None and score < level.average_threshold:
                    together = together or [*first, *second]
                    bridged = self.bridged(a, b, together)
                    score = score if bridged is None else max(score, bridged)
                if score < level.cluster_floor:
                    return False
                if same_source is not None and score < same_source:
                    if self.source_of(a) == self.source_of(b):
                        return False
                total += score
        return total / (len(first) * len(second)) >= level.average_threshold


def cluster_records(
    record_ids: Iterable[str],
    edges: Iterable[Edge],
    pair_score: Callable[[str, str], float],
    source_of: Callable[[str], str],
    level: LevelConfig,
    decisions: HumanDecisions = NO_DECISIONS,
    suggestions: Iterable[tuple[str, str]] = (),
    bridged: Bridge | None = None,
) -> list[frozenset[str]]:
    """Group records into entities (see the module docstring); singletons included.

    `edges` are the scored candidate pairs; `pair_score` scores any other pair a merge
    needs to check. `suggestions` are further pairs to try merging after the edges
    (evidence from elsewhere, such as one service cluster), under the same checks.
    `bridged` excuses a cross pair's difference of place when another member of the
    would-be cluster runs at both places (see Bridge).
    Decisions naming records not in `record_ids` are ignored.
    """
    clusterer = _Clusterer(pair_score, source_of, level, decisions, bridged)
    for record_id in record_ids:
        clusterer.add(record_id)
    known = clusterer.parent
    for a, b in sorted(_pair(a, b) for a, b in decisions.must_link):
        if a in known and b in known and clusterer.find(a) != clusterer.find(b):
            clusterer.union(clusterer.find(a), clusterer.find(b))
    ordered = sorted((-score, *_pair(a, b)) for score, a, b in edges if a in known and b in known)
    for negative, a, b in ordered:
        clusterer.scores[(a, b)] = -negative
        if -negative >= level.match_threshold:
            clusterer.matches.setdefault(a, []).append((-negative, b))
            clusterer.matches.setdefault(b, []).append((-negative, a))
    threshold = level.match_threshold
    pending = [(-negative, a, b) for negative, a, b in ordered if -negative >= threshold]
    pending += [(threshold, *_pair(a, b)) for a, b in suggestions if a in known and b in known]
    for _ in range(_PASSES):  # an edge refused early may pass once its clusters have grown
        pending = [edge for edge in pending if not clusterer.try_merge(*edge)]
    return [frozenset(members) for members in clusterer.members.values()]


def decision_conflicts(
    clusters: Iterable[frozenset[str]], decisions: HumanDecisions
) -> list[tuple[str, str]]:
    """cannot_link pairs that must_link decisions forced into one cluster anyway."""
    cluster_of = {record_id: i for i, members in enumerate(clusters) for record_id in members}
    return sorted(
        _pair(a, b)
        for a, b in decisions.cannot_link
        if a in cluster_of and cluster_of.get(a) == cluster_of.get(b)
    )
