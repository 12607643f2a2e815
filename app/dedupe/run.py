"""`run_dedupe`: match the stored source records and publish what changed, in the
caller's transaction.

Incremental by default: the records new, changed or withdrawn since the last run are
compared against their blocks, and only the clusters they touch are re-clustered
(app.matching.match_incremental), reading only the records that takes
(app.dedupe.stored_index). The first run, `full=True`, or a run where most records
changed reads and matches everything from scratch, keeping the IDs clusters had.
Reviewers' decisions are applied in both, so no run undoes one.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from sqlalchemy import delete, insert, select, text
from sqlalchemy.orm import Session

from app import search
from app.chunks import chunks
from app.db import widen_cache
from app.dedupe.publishing import ClusterPublisher, record_clusters
from app.dedupe.state import State, human_decisions, load_state
from app.dedupe.stored_index import StoredIndex
from app.dedupe.summaries import update_summaries
from app.geo.areas import assign_boroughs
from app.geo.locations import locations_of
from app.matching import (
    Clustering,
    MatchConfig,
    MatchResult,
    RecordIndex,
    explain,
    match_incremental,
    match_records,
)
from app.models import MatchDecision, MatchReview
from app.models.base import new_id

FULL_RUN_SHARE = 0.3  # above this share of changed records, matching from scratch is faster


@dataclass
class DedupeReport:
    records: int = 0  # active source records
    compared: int = 0  # records matched this run (all of them in a full run)
    withdrawn: int = 0
    services: int = 0  # published services the records make
    merged: int = 0  # of which merge several records
    published: int = 0  # services (re)written this run
    retired: int = 0  # service IDs merged away this run
    review: int = 0  # possible matches waiting for a person
    full: bool = False
    seconds: float = 0.0

    def summary(self) -> str:
        kind = "full" if self.full else "incremental"
        return (
            f"dedupe ({kind}): {self.records} records in {self.services} services "
            f"({self.merged} merged); compared {self.compared}, withdrawn {self.withdrawn}; "
            f"published {self.published}, retired {self.retired}; "
            f"{self.review} possible matches to review; {self.seconds:.1f} s"
        )


def run_dedupe(
    session: Session,
    *,
    full: bool = False,
    config: MatchConfig | None = None,
    now: dt.datetime | None = None,
) -> DedupeReport:
    """Match, cluster and publish; the caller commits."""
    started = time.perf_counter()
    now = now or dt.datetime.now(dt.UTC)
    lock_dedupe(session)
    widen_cache(session)  # a full run rewrites every record's match keys
    state = load_state(session)
    changed, removed = state.changed(), state.removed()
    active = len(state.active())
    full = full or len(changed) > FULL_RUN_SHARE * max(active, 1)
    config = config or MatchConfig()
    fresh = update_summaries(session, state, full)
    previous = state.previous(session)
    decisions = human_decisions(session, state)
    index: RecordIndex
    if full:
        records = [fresh[stored.match_id] for stored in state.active()]
        result, index = match_records(records, config, decisions, previous=previous)
    else:
        index = StoredIndex(session, state, config)
        records = [fresh[match_id] for match_id in changed]
        index.add_changed(records)
        result = match_incremental(previous, records, index, removed, decisions)
    result = prefer_own_ids(result, previous, state)
    publisher = ClusterPublisher(session, state, previous, result)
    published = publisher.publish(now)
    record_clusters(session, state, result, publisher.org_of)
    _store_review(session, state, result, index, now, None if full else set(changed))
    _refresh(session, published.services + sorted(published.retired))
    session.expire_all()  # Core writes bypassed the identity map
    clusters = result.services.clusters.values()
    return DedupeReport(
        records=active,
        compared=active if full else len(changed),
        withdrawn=len(removed),
        services=len(result.services.clusters),
        merged=sum(1 for members in clusters if len(members) > 1),
        published=len(published.services),
        retired=len(published.retired),
        review=len(result.review),
        full=full,
        seconds=round(time.perf_counter() - started, 2),
    )


def prefer_own_ids(result: MatchResult, previous: MatchResult, state: State) -> MatchResult:
    """A cluster with no predecessor takes a member's own ID (the one the importer
    published it under, or had before it merged away) rather than a new one, so a record
    split off a merged service gets its old ID, and links to it, back."""
    services = _own_ids(
        result.services, previous.services, lambda m: state.records[m].own_service_id
    )
    organizations = _own_ids(
        result.organizations,
        previous.organizations,
        lambda m: state.records[m].own_organization_id,
    )
    return MatchResult(services, organizations, result.review, result.conflicts, result.timings)


def _own_ids(new: Clustering, old: Clustering, own_id) -> Clustering:
    taken = set(new.clusters) | set(old.clusters)
    clusters: dict[str, frozenset[str]] = {}
    for cluster_id, members in new.clusters.items():
        if cluster_id not in old.clusters:
            for candidate in (own_id(m) for m in sorted(members)):
                if candidate and candidate not in taken:
                    taken.add(candidate)
                    cluster_id = candidate
                    break
        clusters[cluster_id] = members
    return Clustering.from_clusters(clusters)


def lock_dedupe(session: Session) -> None:
    """One run at a time: PostgreSQL takes a transaction advisory lock (SQLite's single
    writer serialises runs already). An import that dedupes at its end takes it before
    its first write: taken only at the end, after rows a running dedupe then waits on,
    the two deadlock."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext('signpost dedupe'))"))


def _store_review(
    session: Session,
    state: State,
    result: MatchResult,
    index: RecordIndex,
    now: dt.datetime,
    compared: set[str] | None,
) -> None:
    """Bring the review queue to this run's possible matches and their reasons. Pairs
    with a record `compared` this run (every pair, when None) are written afresh; others
    keep their row (score and reasons as found)."""
    decided = set(session.execute(select(MatchDecision.record_a_id, MatchDecision.record_b_id)))
    best: dict[tuple[str, str], float] = {}
    for score, a, b in result.review:
        pair = (a, b) if state.records[a].id < state.records[b].id else (b, a)
        if (state.records[pair[0]].id, state.records[pair[1]].id) in decided:
            continue  # a person has said what this pair is
        best[pair] = max(score, best.get(pair, score))
    kept = _kept_reviews(session, state, best, compared)
    rows = []
    for (a, b), score in sorted(best.items(), key=lambda item: -item[1]):
        first, second = state.records[a], state.records[b]
        if (first.id, second.id) in kept:
            continue
        if compared is not None and not {a, b} & compared:
            index.require([a, b])  # an earlier run's pair that lost its row: read it
        reasons = explain(first.match_id, second.match_id, index).contributions
        rows.append(
            {
                "id": new_id(),
                "record_a_id": first.id,
                "record_b_id": second.id,
                "score": round(score, 3),
                "reasons": [{"feature": k, "weight": round(v, 3)} for k, v in reasons.items()],
                "found_at": now,
            }
        )
    for chunk in chunks(rows, 1000):
        session.execute(insert(MatchReview), chunk)


def _kept_reviews(
    session: Session,
    state: State,
    best: dict[tuple[str, str], float],
    compared: set[str] | None,
) -> set[tuple[str, str]]:
    """Delete the queued pairs this run does not keep as they are; return the kept ones
    as (record_a_id, record_b_id)."""
    wanted = {
        (state.records[a].id, state.records[b].id): round(score, 3)
        for (a, b), score in best.items()
        if compared is not None and a not in compared and b not in compared
    }
    stale, kept = [], set()
    for row_id, a_id, b_id, score in session.execute(
        select(MatchReview.id, MatchReview.record_a_id, MatchReview.record_b_id, MatchReview.score)
    ):
        if wanted.get((a_id, b_id)) == score:
            kept.add((a_id, b_id))
        else:
            stale.append(row_id)
    for batch in chunks(stale):
        session.execute(delete(MatchReview).where(MatchReview.id.in_(batch)))
    return kept


def _refresh(session: Session, service_ids: list[str]) -> None:
    """Search index rows and boroughs of what was written."""
    if not service_ids:
        return
    search.index_services(session, service_ids)
    assign_boroughs(session, locations_of(session, service_ids))
