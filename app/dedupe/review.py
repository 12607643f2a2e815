"""People's part in deduplication: the queue of possible matches, and decisions.

A decision is about two source records, not two services: "these are one" (must_link)
or "these are not one" (cannot_link). It is stored, applied at once by an incremental
run, and applied again by every later run, so the matcher never undoes it. Splitting a
record out of its merged service is a cannot_link with each of the others.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.dedupe.run import DedupeReport, run_dedupe
from app.errors import BadRequest, NotFound
from app.models import (
    MatchDecision,
    MatchReview,
    MergedAlias,
    MergedService,
    Service,
    Source,
    SourceRecord,
    new_id,
)
from app.models.dedupe import DECISIONS
from app.services.paging import Page


def find_record(session: Session, ref: str) -> SourceRecord:
    """A source record by its id, or by "source-name/record-key"."""
    ref = ref.strip()
    record = None
    try:
        record = session.get(SourceRecord, str(uuid.UUID(ref)))
    except ValueError:
        source, slash, key = ref.partition("/")
        if slash:
            record = session.scalar(
                select(SourceRecord)
                .join(Source, Source.id == SourceRecord.source_id)
                .where(Source.name == source, SourceRecord.key == key)
            )
    if record is None:
        raise NotFound(f"No source record '{ref}' (give its id or SOURCE/KEY).")
    return record


def record_summary(session: Session, record: SourceRecord) -> dict[str, Any]:
    """What a reviewer needs to tell two records apart."""
    data = record.record
    organization = data.get("organization") or {}
    places = []
    for sal in data.get("service_at_locations") or []:
        location = sal.get("location") or {}
        address = (location.get("addresses") or [{}])[0]
        places.append(
            ", ".join(
                filter(
                    None,
                    [location.get("name"), address.get("address_1"), address.get("postal_code")],
                )
            )
        )
    return {
        "id": record.id,
        "source": record.source.name,
        "key": record.key,
        "status": record.status,
        "service_id": record.service_id,
        "name": data.get("name"),
        "organization": organization.get("name"),
        "description": (data.get("description") or "")[:300],
        "places": [place for place in places if place],
        "phones": [p.get("number") for p in data.get("phones") or [] if p.get("number")],
        "email": data.get("email"),
        "url": data.get("url"),
    }


def review_page(session: Session, page: int, per_page: int) -> Page[dict[str, Any]]:
    """Possible matches, strongest first, with both records and the score's reasons."""
    total = session.scalar(select(func.count()).select_from(MatchReview)) or 0
    rows = session.scalars(
        select(MatchReview)
        .order_by(MatchReview.score.desc(), MatchReview.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    items = []
    for row in rows:
        a = session.get(SourceRecord, row.record_a_id)
        b = session.get(SourceRecord, row.record_b_id)
        items.append(
            {
                "id": row.id,
                "score": row.score,
                "reasons": row.reasons,
                "found_at": row.found_at,
                "records": [record_summary(session, a), record_summary(session, b)],
            }
        )
    return Page(items=items, total=total, page=page, per_page=per_page)


def decide(
    session: Session,
    first: str,
    second: str,
    decision: str,
    decided_by: str,
    note: str | None = None,
    now: dt.datetime | None = None,
) -> DedupeReport:
    """Record a decision on two records (replacing an earlier one) and apply it."""
    if decision not in DECISIONS:
        raise BadRequest(f"decision must be one of {', '.join(DECISIONS)}.")
    a, b = sorted((find_record(session, first), find_record(session, second)), key=lambda r: r.id)
    if a.id == b.id:
        raise BadRequest("A decision needs two different records.")
    now = now or dt.datetime.now(dt.UTC)
    _store_decision(session, a.id, b.id, decision, decided_by, note, now)
    return run_dedupe(session, now=now)


def split_out(session: Session, ref: str, decided_by: str, note: str | None = None) -> DedupeReport:
    """Take a record out of its merged service: not one with any record merged with it."""
    record = find_record(session, ref)
    others = session.scalars(
        select(SourceRecord).where(
            SourceRecord.service_id == record.service_id,
            SourceRecord.id != record.id,
            SourceRecord.status == "active",
        )
    ).all()
    if not others:
        raise BadRequest(f"Record '{ref}' is not merged with any other record.")
    now = dt.datetime.now(dt.UTC)
    for other in others:
        a_id, b_id = sorted((record.id, other.id))
        _store_decision(session, a_id, b_id, "cannot_link", decided_by, note, now)
    return run_dedupe(session, now=now)


def _store_decision(session, a_id, b_id, decision, decided_by, note, now) -> None:
    existing = session.scalar(
        select(MatchDecision).where(
            MatchDecision.record_a_id == a_id, MatchDecision.record_b_id == b_id
        )
    )
    if existing is None:
        existing = MatchDecision(id=new_id(), record_a_id=a_id, record_b_id=b_id)
        session.add(existing)
    existing.decision = decision
    existing.decided_by = decided_by
    existing.decided_at = now
    existing.note = note
    session.flush()


def cluster_rows(session: Session) -> Iterator[tuple[str, str, str | None]]:
    """(source, record key, service id) for every source record, by source and key."""
    query = (
        select(Source.name, SourceRecord.key, SourceRecord.service_id)
        .join(Source, Source.id == SourceRecord.source_id)
        .order_by(Source.name, SourceRecord.key)
        .execution_options(yield_per=5000)
    )
    for row in session.execute(query):
        yield row.name, row.key, row.service_id


def service_provenance(session: Session, service_id: str) -> dict[str, Any]:
    """Where a service's data came from: its source records and, for a merged service,
    the record each field was taken from."""
    if session.get(Service, service_id) is None:
        raise NotFound(f"No service with id '{service_id}'.")
    records = session.execute(
        select(SourceRecord, Source)
        .join(Source, Source.id == SourceRecord.source_id)
        .where(SourceRecord.service_id == service_id)
        .order_by(Source.priority, Source.name, SourceRecord.key)
    ).all()
    merged = session.get(MergedService, service_id)
    fields: dict[str, Any] = {}
    if merged is not None:
        names = {record.id: (source.name, record.key) for record, source in records}
        for name, record_id in sorted(merged.field_sources.items()):
            source, key = names.get(record_id, (None, None))
            fields[name] = {"source": source, "record_key": key, "source_record_id": record_id}
    aliases = session.scalars(
        select(MergedAlias.old_id)
        .where(MergedAlias.new_id == service_id)
        .order_by(MergedAlias.old_id)
    )
    return {
        "service_id": service_id,
        "merged": len([r for r, _s in records if r.status == "active"]) > 1,
        "source_records": [
            {
                "source_record_id": record.id,
                "source": source.name,
                "source_title": source.title,
                "licence": source.licence,
                "record_key": record.key,
                "status": record.status,
                "first_seen_at": record.first_seen_at,
                "last_seen_at": record.last_seen_at,
            }
            for record, source in records
        ],
        "fields": fields,
        "merged_ids": list(aliases),
    }


def alias_of(session: Session, old_id: str, kind: str) -> str | None:
    """The ID that holds a merged-away service's or organisation's records now."""
    return session.scalar(
        select(MergedAlias.new_id).where(MergedAlias.old_id == old_id, MergedAlias.kind == kind)
    )
