"""Matching runs: from scratch over an index, or incrementally after some records change.

Two levels are matched. Services: is this one service? Organisations: is this one
organisation, whatever the service? Records without an organisation name take part only
in service matching and then join the organisation of their service cluster (or one of
their own). A full run scores candidate pairs in `config.workers` forked processes (the
index is shared copy-on-write); an incremental run scores only the changed records'
candidates and re-clusters just the clusters they touch.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.chunks import chunks
from app.matching.clustering import (
    NO_DECISIONS,
    Edge,
    HumanDecisions,
    cluster_records,
    decision_conflicts,
)
from app.matching.config import MatchConfig
from app.matching.geo import min_distance_m
from app.matching.ids import Clustering, assign_ids, fresh_id
from app.matching.index import RecordIndex
from app.matching.record import MatchRecord
from app.matching.scoring import PairScore, score_organizations, score_services

_CHUNK = 2000
_PARALLEL_MINIMUM = 5000
_WORKER: dict[str, Any] = {}  # the index a forked worker scores against


@dataclass
class MatchResult:
    """Clusters at both levels, pairs for human review, and contradicting decisions."""

    services: Clustering
    organizations: Clustering
    review: list[tuple[float, str, str]] = field(default_factory=list)  # possible matches
    conflicts: list[tuple[str, str]] = field(default_factory=list)  # cannot_link overridden
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase


def is_eligible(level: str, record: MatchRecord) -> bool:
    return level == "services" or bool(record.organization)


def pair_scorer(
    level: str, index: RecordIndex, config: MatchConfig
) -> Callable[[MatchRecord, MatchRecord, float | None], float]:
    """The level's scoring function as (a, b, prune_below) -> score."""
    if level == "services":
        return lambda a, b, prune: score_services(a, b, index, config, prune).score
    return lambda a, b, prune: score_organizations(a, b, index, config).score


def explain(a_id: str, b_id: str, index: RecordIndex, level: str = "services") -> PairScore:
    """The full PairScore, with every contribution, of two indexed records."""
    a, b = index.get(a_id), index.get(b_id)
    if level == "services":
        return score_services(a, b, index, index.config)
    return score_organizations(a, b, index, index.config)


def _edges_for(index: RecordIndex, level: str, positions: Sequence[int]) -> list[Edge]:
    """Scored pairs (at least possible) between each position and its later candidates."""
    config = index.config
    floor = config.level(level).possible_threshold
    score = pair_scorer(level, index, config)
    edges: list[Any] = []
    for position in positions:
        record = index.records[position]
        for other in index.candidates(level, position):
            candidate = index.records[other]
            if other > position and candidate is not None and is_eligible(level, candidate):
                value = score(record, candidate, floor)  # type: ignore[arg-type]
                if value >= floor:
                    edges.append((value, position, other))
    return edges


def _worker_edges(positions: Sequence[int]) -> list[Edge]:
    return _edges_for(_WORKER["index"], _WORKER["level"], positions)


def _all_edges(index: RecordIndex, level: str) -> list[Edge]:
    """Every candidate pair of the level scored once, in parallel when worthwhile."""
    positions = [
        p for p, record in enumerate(index.records) if record and is_eligible(level, record)
    ]
    pieces = list(chunks(positions, _CHUNK))
    workers = index.config.workers
    if workers > 1 and len(positions) >= _PARALLEL_MINIMUM:
        index.prepare()
        _WORKER.update(index=index, level=level)
        try:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                parts = pool.map(_worker_edges, pieces, chunksize=1)
        finally:
            _WORKER.clear()
    else:
        parts = [_edges_for(index, level, chunk) for chunk in pieces]
    records = index.records
    return [
        (value, records[a].record_id, records[b].record_id)  # type: ignore[union-attr]
        for part in parts
        for value, a, b in part
    ]


def cluster_level(
    index: RecordIndex,
    level: str,
    record_ids: Iterable[str],
    edges: Iterable[Edge],
    decisions: HumanDecisions,
    suggestions: Iterable[tuple[str, str]] = (),
) -> list[frozenset[str]]:
    """cluster_records with the level's scorer and rules."""
    score = pair_scorer(level, index, index.config)
    return cluster_records(
        record_ids,
        edges,
        lambda a, b: score(index.get(a), index.get(b), None),
        lambda record_id: index.get(record_id).source,
        index.config.level(level),
        decisions,
        suggestions,
        place_bridge(index) if level == "services" else None,
    )


_BRIDGE_M = 500.0


def _at(place: MatchRecord, record: MatchRecord) -> bool:
    """`place` lists a location where `record` runs: a shared postcode, or a point
    within _BRIDGE_M."""
    if place.postcodes & record.postcodes:
        return True
    distance = min_distance_m(place.points, record.points)
    return distance is not None and distance <= _BRIDGE_M


def place_bridge(index: RecordIndex) -> Callable[[str, str, list[str]], float | None]:
    """The clustering's Bridge: a and b's score without their place difference when one
    listing in the would-be cluster other than a and b alone runs at both: a record
    with several locations (HSDS's one service at several service_at_locations), or one
    source's rows of one service ID (CarePlace's row per venue)."""

    def bridged(a_id: str, b_id: str, members: list[str]) -> float | None:
        a, b = index.get(a_id), index.get(b_id)
        at_a: dict[tuple[str, str], set[str]] = {}  # (source, service ID) -> members at a
        at_b: dict[tuple[str, str], set[str]] = {}
        for member_id in members:
            member = index.get(member_id)
            listing = (member.source, member.service_id)
            if member_id != b_id and (member_id == a_id or _at(member, a)):
                at_a.setdefault(listing, set()).add(member_id)
            if member_id != a_id and (member_id == b_id or _at(member, b)):
                at_b.setdefault(listing, set()).add(member_id)
        for listing, here in at_a.items():
            there = at_b.get(listing, set())
            # one listing (one record, or one source's rows of one service ID) at both
            if there and (here | there) - {a_id, b_id} and (len(here | there) > 1 or _many(here)):
                pair = score_services(a, b, index, index.config)
                penalty = sum(pair.contributions.get(key, 0.0) for key in _PLACE_PENALTY_KEYS)
                return pair.score - min(0.0, penalty)
        return None

    def _many(ids: set[str]) -> bool:
        member = index.get(next(iter(ids)))
        return len(member.points) + len(member.postcodes) > 1

    return bridged


_PLACE_PENALTY_KEYS = ("distance", "distance_estimated", "postcode_differs", "venue_conflict",
                       "same_source_unplaced")  # fmt: skip


def attach_orgless(core: Clustering, services: Clustering, index: RecordIndex) -> Clustering:
    """Records without an organisation join the organisation of a service-cluster mate
    (the one whose record ID sorts first), else an organisation of their own."""
    clusters = {cid: set(members) for cid, members in core.clusters.items()}
    taken = set(clusters)
    for record_id in sorted(set(services.membership) - set(core.membership)):
        mates = sorted(services.clusters[services.membership[record_id]])
        home = next((core.membership[m] for m in mates if m in core.membership), None)
        if home is None:
            home = fresh_id("organizations", frozenset({record_id}), taken)
            taken.add(home)
            clusters[home] = set()
        clusters[home].add(record_id)
    return Clustering.from_clusters({cid: frozenset(m) for cid, m in clusters.items()})


def named_core(organizations: Clustering, index: RecordIndex) -> Clustering:
    """The organisation clusters restricted to records that name an organisation."""
    clusters = {}
    for cluster_id, members in organizations.clusters.items():
        kept = frozenset(m for m in members if index.names_organization(m))
        if kept:
            clusters[cluster_id] = kept
    return Clustering.from_clusters(clusters)


def service_links(index: RecordIndex, groups: Iterable[frozenset[str]]) -> list[tuple[str, str]]:
    """Organisation merges suggested by service clusters: one service has one
    organisation, so the named records of a service cluster are offered to the
    organisation clustering (which still checks every cross pair on its own scores)."""
    links: list[tuple[str, str]] = []
    for members in groups:
        named = sorted(m for m in members if index.names_organization(m))
        links += [(named[0], other) for other in named[1:]]
    return links


def _review(edges: Iterable[Edge], services: Clustering) -> list[tuple[float, str, str]]:
    """Possible matches left in different clusters, strongest first, for human review."""
    member = services.membership
    return sorted((value, a, b) for value, a, b in edges if member.get(a) != member.get(b))[::-1]


def match_index(
    index: RecordIndex,
    service_decisions: HumanDecisions = NO_DECISIONS,
    organization_decisions: HumanDecisions = NO_DECISIONS,
    previous: MatchResult | None = None,
) -> MatchResult:
    """Match every indexed record from scratch; IDs carried over from `previous`."""
    clock = _Clock()
    service_edges = _all_edges(index, "services")
    clock.lap("score services")
    groups = cluster_level(index, "services", index.ids(), service_edges, service_decisions)
    services = Clustering.from_clusters(
        assign_ids("services", groups, previous.services if previous else None)
    )
    clock.lap("cluster services")
    org_edges = _all_edges(index, "organizations")
    clock.lap("score organizations")
    named = [rid for rid in index.ids() if index.get(rid).organization]
    org_groups = cluster_level(
        index, "organizations", named, org_edges, organization_decisions,
        service_links(index, groups),
    )  # fmt: skip
    old_core = named_core(previous.organizations, index) if previous else None
    core = Clustering.from_clusters(assign_ids("organizations", org_groups, old_core))
    conflicts = decision_conflicts(groups, service_decisions)
    conflicts += decision_conflicts(org_groups, organization_decisions)
    result = MatchResult(
        services=services,
        organizations=attach_orgless(core, services, index),
        review=_review(service_edges, services),
        conflicts=conflicts,
    )
    clock.lap("cluster organizations")
    result.timings = clock.laps
    return result


class _Clock:
    """Seconds spent per phase, for the benchmark and for logs."""

    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self.start = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = round(now - self.start, 3)
        self.start = now


def match_records(
    records: Iterable[MatchRecord],
    config: MatchConfig | None = None,
    service_decisions: HumanDecisions = NO_DECISIONS,
    organization_decisions: HumanDecisions = NO_DECISIONS,
    previous: MatchResult | None = None,
) -> tuple[MatchResult, RecordIndex]:
    """Index `records` and match them from scratch; the index serves later increments."""
    index = RecordIndex.build(records, config or MatchConfig())
    return match_index(index, service_decisions, organization_decisions, previous), index
