"""Incremental matching: re-match only what a change can affect.

When records are added, changed or removed, only these can change cluster:

- the changed records themselves (scored against their blocks, as in a full run);
- the clusters they were in (a changed record may have been what held one together);
- the clusters they now match (they may join one, or bring two together).

That *region* is re-clustered with the same rules as a full run, using pair scores
within its old clusters plus the changed records' new edges; every other cluster is
left exactly as it was. IDs follow the stable-ID rules (app.matching.ids), and human
decisions are applied inside the region as in a full run, pulling in the clusters of
must_link partners so a decision is never undone; a decision made since the last run
(a must_link pair apart, a cannot_link pair together) puts its records in the region.

Key-sharing counts are updated for the changed keys only, so pairs elsewhere keep the
scores they were clustered with; a periodic full run (`match_index` with `previous=`)
settles those.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from app.matching.clustering import NO_DECISIONS, Edge, HumanDecisions, decision_conflicts
from app.matching.engine import (
    MatchResult,
    attach_orgless,
    cluster_level,
    is_eligible,
    named_core,
    pair_scorer,
    service_links,
)
from app.matching.ids import Clustering, assign_ids
from app.matching.index import RecordIndex
from app.matching.record import MatchRecord


def _changed_edges(index: RecordIndex, level: str, record_ids: Iterable[str]) -> list[Edge]:
    """Scored pairs (at least possible) between changed records and their candidates."""
    config = index.config
    floor = config.level(level).possible_threshold
    score = pair_scorer(level, index, config)
    edges: list[Edge] = []
    seen: set[tuple[str, str]] = set()
    for record_id in record_ids:
        record = index.get(record_id)
        for position in index.candidates(level, index.positions[record_id]):
            other = index.records[position]
            if other is None or not is_eligible(level, other):
                continue
            pair = tuple(sorted((record_id, other.record_id)))
            if pair in seen:
                continue
            seen.add(pair)  # type: ignore[arg-type]
            value = score(record, other, floor)
            if value >= floor:
                edges.append((value, record_id, other.record_id))
    return edges


def _region(
    old: Clustering,
    touched: Iterable[str],
    decisions: HumanDecisions,
) -> set[str]:
    """Old cluster IDs to re-cluster: those of touched records and of their must_link
    partners, repeated until no decision reaches outside the region."""
    region = {old.membership[rid] for rid in touched if rid in old.membership}
    links = [pair for pair in decisions.must_link if all(rid in old.membership for rid in pair)]
    grown = True
    while grown:
        members = {rid for cid in region for rid in old.clusters[cid]}
        extra = {old.membership[b] for a, b in links if a in members} | {
            old.membership[a] for a, b in links if b in members
        }
        grown = bool(extra - region)
        region |= extra
    return region


def _unsettled(old: Clustering, decisions: HumanDecisions) -> list[str]:
    """Records whose human decisions the current clusters do not yet reflect (a decision
    made since the last run): must_link pairs apart, cannot_link pairs together."""
    cluster_of = old.membership.get
    apart = [
        rid
        for pair in decisions.must_link
        if cluster_of(pair[0]) != cluster_of(pair[1])
        for rid in pair
    ]
    together = [
        rid
        for pair in decisions.cannot_link
        if cluster_of(pair[0]) is not None and cluster_of(pair[0]) == cluster_of(pair[1])
        for rid in pair
    ]
    return apart + together


def _inner_edges(index: RecordIndex, level: str, groups: Iterable[frozenset[str]]) -> list[Edge]:
    """Fresh scores for every pair inside the region's old clusters."""
    score = pair_scorer(level, index, index.config)
    edges: list[Edge] = []
    for members in groups:
        present = sorted(m for m in members if m in index)
        for i, a in enumerate(present):
            for b in present[i + 1 :]:
                edges.append((score(index.get(a), index.get(b), None), a, b))
    return edges


def _update_level(
    index: RecordIndex,
    level: str,
    old: Clustering,
    changed: Sequence[str],
    removed: Sequence[str],
    decisions: HumanDecisions,
    suggestions: Sequence[tuple[str, str]] = (),
) -> tuple[Clustering, list[Edge], list[frozenset[str]]]:
    """Re-cluster the region a change touches; return the clustering, the changed
    records' edges, and the region's new groups."""
    present = [rid for rid in changed if rid in index and is_eligible(level, index.get(rid))]
    edges = _changed_edges(index, level, present)
    match = index.config.level(level).match_threshold
    touched = [*changed, *removed, *(b for value, _, b in edges if value >= match)]
    touched += [rid for pair in suggestions for rid in pair]
    touched += _unsettled(old, decisions)
    region = _region(old, touched, decisions)
    old_groups = [old.clusters[cid] for cid in region]
    members = {rid for group in old_groups for rid in group} | set(present)
    index.require(members)
    members = {rid for rid in members if rid in index and is_eligible(level, index.get(rid))}
    edges_inside = edges + _inner_edges(index, level, old_groups)
    groups = cluster_level(index, level, sorted(members), edges_inside, decisions, suggestions)
    taken = set(old.clusters) - region
    new = assign_ids(level, groups, old, taken)
    return old.replace(region, new), edges, groups


def match_incremental(
    existing: MatchResult,
    changed_records: Sequence[MatchRecord],
    index: RecordIndex,
    removed_ids: Sequence[str] = (),
    service_decisions: HumanDecisions = NO_DECISIONS,
    organization_decisions: HumanDecisions = NO_DECISIONS,
) -> MatchResult:
    """Update `existing` after records were added or changed (`changed_records`) or
    removed (`removed_ids`); `index` (the index of the previous run) is updated in place.
    """
    changed = index.upsert(changed_records)
    index.remove(removed_ids)
    services, service_edges, service_groups = _update_level(
        index, "services", existing.services, changed, removed_ids, service_decisions
    )
    core, _, org_groups = _update_level(
        index,
        "organizations",
        named_core(existing.organizations, index),
        changed,
        removed_ids,
        organization_decisions,
        service_links(index, (services.clusters[services.membership[rid]] for rid in changed)),
    )
    gone = set(changed) | set(removed_ids)
    member = services.membership
    kept = [edge for edge in existing.review if edge[1] not in gone and edge[2] not in gone]
    review = [edge for edge in kept + service_edges if member.get(edge[1]) != member.get(edge[2])]
    conflicts = [pair for pair in existing.conflicts if not gone & set(pair)]
    conflicts += decision_conflicts(service_groups, service_decisions)
    conflicts += decision_conflicts(org_groups, organization_decisions)
    return MatchResult(
        services=services,
        organizations=attach_orgless(core, services, index),
        review=sorted(review, reverse=True),
        conflicts=sorted(set(conflicts)),
    )
