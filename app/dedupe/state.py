"""The stored source records as the matcher sees them, and where the last run left them.

A record's `service_id` and `organization_id` are the merged service and organisation
it is published in, so they are its clusters: no separate cluster table can drift from
what the API shows. A record never matched yet (`matched_hash` null) is published in its
own service, the one the importer published for it alone, and is in no cluster yet.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.chunks import chunks
from app.matching import Clustering, HumanDecisions, MatchRecord, MatchResult
from app.models import MatchDecision, MatchReview, MatchSummary, Source, SourceRecord

_STREAM = 2000


@dataclass(slots=True)
class Stored:
    """One source record's identity and where it is published."""

    id: str  # source_record.id
    match_id: str  # "source/key", the matcher's record ID
    service_id: str | None  # where it is published now
    organization_id: str | None
    content_hash: str
    matched_hash: str | None
    active: bool
    summary_hash: str | None  # content_hash of its match_summary, if it has one
    # From its match_summary, or from the record itself when that is out of date:
    own_service_id: str = ""  # the service the importer published for it alone
    own_organization_id: str | None = None
    names_organization: bool = False  # takes part in organisation matching

    @property
    def changed(self) -> bool:
        """New, or changed since the last run matched it."""
        return self.active and self.matched_hash != self.content_hash

    @property
    def removed(self) -> bool:
        """Withdrawn since the last run matched it."""
        return not self.active and self.matched_hash is not None

    @property
    def summarised(self) -> bool:
        """Its match_summary (and, while active, match keys) describe what it holds now."""
        return self.summary_hash == self.content_hash and not self.changed


@dataclass
class State:
    """Every record the run needs: the active ones and those withdrawn since last run."""

    records: dict[str, Stored] = field(default_factory=dict)  # by match_id
    priority: dict[str, int] = field(default_factory=dict)  # source name -> priority

    def by_record_id(self) -> dict[str, Stored]:
        return {stored.id: stored for stored in self.records.values()}

    def active(self) -> list[Stored]:
        return [stored for stored in self.records.values() if stored.active]

    def changed(self) -> list[str]:
        return [m for m, stored in self.records.items() if stored.changed]

    def removed(self) -> list[str]:
        return [m for m, stored in self.records.items() if stored.removed]

    def unsummarised(self) -> list[Stored]:
        """Records to read before matching: new or changed ones, and any whose summary is
        missing or out of date (as after upgrading)."""
        return [stored for stored in self.records.values() if not stored.summarised]

    def previous(self, session: Session) -> MatchResult:
        """The clusters and review queue the last run left. Records never matched are in
        none: a new source joining a service must not count as a predecessor of its ID."""
        services: dict[str, set[str]] = defaultdict(set)
        organizations: dict[str, set[str]] = defaultdict(set)
        for match_id, stored in self.records.items():
            if stored.matched_hash is None:
                continue
            # (a service or organisation deleted since leaves the record's own ID)
            services[stored.service_id or stored.own_service_id].add(match_id)
            organization = stored.organization_id or stored.own_organization_id
            if organization:
                organizations[organization].add(match_id)
        return MatchResult(
            services=_clustering(services),
            organizations=_clustering(organizations),
            review=list(stored_review(session, self)),
        )


def _clustering(groups: dict[str, set[str]]) -> Clustering:
    return Clustering.from_clusters({cid: frozenset(ids) for cid, ids in groups.items()})


def load_state(session: Session) -> State:
    """Who the records are and where they are published, without reading the records
    themselves: their own IDs come from match_summary (`read_records` fills them in for
    the records whose summary is out of date)."""
    state = State(priority=dict(session.execute(select(Source.name, Source.priority)).all()))
    query = (
        select(
            SourceRecord.id,
            Source.name,
            SourceRecord.key,
            SourceRecord.service_id,
            SourceRecord.organization_id,
            SourceRecord.content_hash,
            SourceRecord.matched_hash,
            SourceRecord.status,
            MatchSummary.content_hash.label("summary_hash"),
            MatchSummary.own_service_id,
            MatchSummary.own_organization_id,
            MatchSummary.names_organization,
        )
        .join(Source, Source.id == SourceRecord.source_id)
        .outerjoin(MatchSummary, MatchSummary.record_id == SourceRecord.id)
        .where(or_(SourceRecord.status == "active", SourceRecord.matched_hash.is_not(None)))
        .order_by(SourceRecord.id)
        .execution_options(yield_per=_STREAM)
    )
    for row in session.execute(query):
        stored = Stored(
            id=row.id,
            match_id=f"{row.name}/{row.key}",
            service_id=row.service_id,
            organization_id=row.organization_id,
            content_hash=row.content_hash,
            matched_hash=row.matched_hash,
            active=row.status == "active",
            summary_hash=row.summary_hash,
            own_service_id=row.own_service_id or "",
            own_organization_id=row.own_organization_id,
            names_organization=bool(row.names_organization),
        )
        state.records[stored.match_id] = stored
    return state


def source_records(session: Session, ids: Iterable[str]) -> Iterator[tuple]:
    """(source_record.id, source name, key, record) of these records, in id order, a chunk
    at a time (streamed: 100,000 records' JSON never sit in memory at once)."""
    for batch in chunks(sorted(ids)):
        yield from session.execute(
            select(SourceRecord.id, Source.name, SourceRecord.key, SourceRecord.record)
            .join(Source, Source.id == SourceRecord.source_id)
            .where(SourceRecord.id.in_(batch))
            .order_by(SourceRecord.id)
        )


def read_records(session: Session, records: Iterable[Stored]) -> dict[str, MatchRecord]:
    """The records' MatchRecords, by match ID, in source_record.id order; fills in their
    own IDs as they stand."""
    by_id = {stored.id: stored for stored in records}
    found: dict[str, MatchRecord] = {}
    for row_id, source, key, record in source_records(session, by_id):
        stored = by_id[row_id]
        stored.own_service_id = record["id"]
        stored.own_organization_id = (record.get("organization") or {}).get("id")
        match = MatchRecord.from_service(source, key, record, keep_service=False)
        stored.names_organization = bool(match.organization)
        found[stored.match_id] = match
    return found


def needs_matching(session: Session) -> bool:
    """Whether any record is new, changed or withdrawn since the last run matched it."""
    unmatched = or_(
        SourceRecord.matched_hash.is_(None),
        SourceRecord.matched_hash != SourceRecord.content_hash,
    )
    query = select(SourceRecord.id).where(
        or_(
            (SourceRecord.status == "active") & unmatched,
            (SourceRecord.status != "active") & SourceRecord.matched_hash.is_not(None),
        )
    )
    return session.scalar(query.limit(1)) is not None


def human_decisions(session: Session, state: State) -> HumanDecisions:
    """Reviewers' decisions between records the run knows, as the matcher takes them."""
    by_id = state.by_record_id()
    must: set[tuple[str, str]] = set()
    cannot: set[tuple[str, str]] = set()
    rows = session.execute(
        select(MatchDecision.record_a_id, MatchDecision.record_b_id, MatchDecision.decision)
    )
    for a_id, b_id, decision in rows:
        a, b = by_id.get(a_id), by_id.get(b_id)
        if a is None or b is None or not (a.active and b.active):
            continue
        pair = tuple(sorted((a.match_id, b.match_id)))
        (must if decision == "must_link" else cannot).add(pair)  # type: ignore[arg-type]
    return HumanDecisions(frozenset(must), frozenset(cannot))


def stored_review(session: Session, state: State) -> Iterator[tuple[float, str, str]]:
    """The last run's possible matches, as (score, match ID, match ID)."""
    by_id = state.by_record_id()
    query = select(MatchReview.score, MatchReview.record_a_id, MatchReview.record_b_id)
    for score, a_id, b_id in session.execute(query):
        if a_id in by_id and b_id in by_id:
            yield score, by_id[a_id].match_id, by_id[b_id].match_id
