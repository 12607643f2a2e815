"""The one import pipeline every source shares.

read (a reader module) -> validate and normalise (prepare.py) -> geocode (geocode.py)
-> stage as source_records, raw payload kept -> publish HSDS objects (publish.py)
-> withdraw what a full export no longer lists -> refresh the search index.

One import is one transaction: the caller commits only when `run_import` returns, so a
crash or an unreadable file leaves the database as it was. Re-running an import with the
same file changes nothing (records are compared by content hash); a changed record
updates in place and keeps its IDs; a record missing from a full export is withdrawn
(its service marked inactive, kept with its history), never deleted.

No malformed file may withdraw records it failed to read: a full import that would
withdraw more than WITHDRAW_LIMIT of the records a source lists (a header-only file, a
truncated one, one whose keys all changed) raises WithdrawalRefused and changes
nothing, unless the caller allows it (`signpost import --allow-withdraw`).

Every record first publishes its own service; deduplication (app.dedupe), run at the end
of the import unless the caller turns it off, then merges records of one real-world
service into one. A record already merged into another is left for deduplication to
republish, so an import never brings back a service merged away.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from app import search
from app.chunks import chunks
from app.db import widen_cache
from app.dedupe import DedupeReport, lock_dedupe, run_dedupe
from app.dedupe.state import needs_matching
from app.geo.areas import assign_boroughs
from app.geo.locations import locations_of
from app.models import (
    MergedService,
    MetadataEntry,
    Service,
    Source,
    SourceRecord,
    TaxonomyTerm,
    stable_id,
)
from app.records.bulk_insert import insert_rows
from app.records.conform import MAX_INDEXED_TEXT
from app.records.ids import IdClaims, assign_ids
from app.records.json_text import JSONText
from app.records.publish import Publisher
from app.services.audit import change_rows
from app.services.field_locks import keep_editor_fields
from app.taxonomy.mapping import ensure_builtin_terms
from importers.pipeline.finish import (
    Finished,
    add_mapped_categories,
    attribute_holders,
    bare_term_id,
    cached_terms,
    content_hash,
    locations,
)
from importers.pipeline.gc_tuning import fewer_collections
from importers.pipeline.geocode import Geocoder
from importers.pipeline.prepare import Prepared, Rejected, prepare_record
from importers.pipeline.statistics import refresh_statistics
from importers.readers.record import Note, Record, RecordError, SourceFormatError

AUDITED_FIELDS = ("name", "description", "url", "email", "status", "fees_description")


WITHDRAW_LIMIT = 0.2  # share of a source's active records one import may withdraw


class WithdrawalRefused(SourceFormatError):
    """A full import would withdraw more of a source than WITHDRAW_LIMIT: far more likely
    a broken or wrong file than a source that dropped that share of its services."""


@dataclass
class SourceSpec:
    """What we know about a source: who publishes it and on what terms."""

    name: str
    format: str
    title: str | None = None
    url: str | None = None
    licence: str | None = None
    attribution: str | None = None
    redistributable: bool = True
    priority: int = 100


@dataclass
class Problem:
    """One record the import rejected, or one value it had to drop or fix."""

    kind: str  # "rejected" or "warning"
    position: str
    reason: str
    key: str | None = None
    field: str | None = None


@dataclass
class ImportReport:
    source: str
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    problems: list[Problem] = field(default_factory=list)
    dedupe: DedupeReport | None = None

    @property
    def rejected(self) -> int:
        return sum(1 for p in self.problems if p.kind == "rejected")

    def summary(self) -> str:
        return (
            f"{self.source}: read {self.read}, created {self.created}, updated {self.updated}, "
            f"unchanged {self.unchanged}, withdrawn {self.withdrawn}, rejected {self.rejected}"
        )


def active_hashes(session: Session, source_name: str) -> dict[str, str]:
    """Key -> content hash of a source's active records: what a re-import will find
    unchanged (the worker then skips giving them IDs: finish.Finishing)."""
    query = (
        select(SourceRecord.key, SourceRecord.content_hash)
        .join(Source, Source.id == SourceRecord.source_id)
        .where(Source.name == source_name, SourceRecord.status == "active")
    )
    return {key: digest for key, digest in session.execute(query)}


def ensure_source(session: Session, spec: SourceSpec) -> Source:
    """The source row for `spec.name`, created or updated from the spec."""
    source = session.scalar(select(Source).where(Source.name == spec.name))
    if source is None:
        source = Source(id=stable_id("source", spec.name), name=spec.name)
        session.add(source)
    for key in ("title", "format", "url", "licence", "attribution", "redistributable", "priority"):
        value = getattr(spec, key)
        if value is not None:
            setattr(source, key, value)
    session.flush()
    return source


@dataclass
class Staged:
    """A record waiting in the current batch to be published."""

    item: Record
    service: dict[str, Any]
    digest: str
    record_id: str
    is_new: bool
    finished: Finished | None  # by the worker: raw and record may be JSON already


class Importer:
    """Stages and publishes one source's records in batches; holds one run's state."""

    def __init__(self, session: Session, source: Source, keep_ids: bool) -> None:
        self.session = session
        self.source_id = source.id
        self.source_name = source.name
        self.keep_ids = keep_ids
        self.now = dt.datetime.now(dt.UTC)
        self.geocoder = Geocoder(session)
        self.publisher = Publisher(session)
        self.report = ImportReport(source=source.name)
        self.seen: set[str] = set()
        self.row_warnings: set[tuple[str, str]] = set()  # (table row, reason) reported
        self.touched: list[str] = []
        self.analyzed = 0  # services written when the planner's statistics were refreshed
        self.pending: list[Staged] = []
        self.categories: dict[str, list[str]] = {}
        self.term_ids: dict[str, bool] = {}  # taxonomy_term_id -> whether it exists here
        self.builtin_ensured = False  # the built-in terms, which mapped categories link
        self.known: dict[str, tuple[str, str, str]] = {}
        # key -> (service, organization) a matched record is published in
        self.published_in: dict[str, tuple[str | None, str | None]] = {}
        for key, record_id, digest, status, service_id, org_id, matched in session.execute(
            select(
                SourceRecord.key,
                SourceRecord.id,
                SourceRecord.content_hash,
                SourceRecord.status,
                SourceRecord.service_id,
                SourceRecord.organization_id,
                SourceRecord.matched_hash,
            ).where(SourceRecord.source_id == source.id)
        ):
            self.known[key] = (record_id, digest, status)
            if matched is not None and service_id:
                self.published_in[key] = (service_id, org_id)
        self.merged = set(session.scalars(select(MergedService.service_id)))
        self.claims = IdClaims(session, source.id, source.name) if keep_ids else None

    def add(self, item: Record | RecordError | Note) -> None:
        if isinstance(item, Note):
            self._problem("warning", item.position, item.reason, field_name=item.field)
            return
        if isinstance(item, RecordError):
            self._problem("rejected", item.position, item.reason, item.key, item.field)
            if item.key:
                self.seen.add(item.key)  # a bad row this time is no reason to withdraw
            return
        self.report.read += 1
        if item.prepared is None:
            prepare_record(item)
        if len(item.key) > MAX_INDEXED_TEXT:
            reason = f"its ID is over {MAX_INDEXED_TEXT} characters long"
            self._problem("rejected", item.position, reason, item.key[:80] + "...")
            return
        if item.key in self.seen:
            self._problem("rejected", item.position, "repeats an earlier record's ID", item.key)
            return
        self.seen.add(item.key)
        prepared = item.prepared
        if isinstance(prepared, Rejected):
            self._problem("rejected", item.position, prepared.reason, item.key, prepared.field)
            return
        finished = self._finished(item)
        if finished is None:
            self._finish(prepared)
        for warning in _warnings_of(item, prepared):
            position, reason = placed(item, warning)
            if position != item.position:  # a table row several records nest: said once
                if (position, reason) in self.row_warnings:
                    continue
                self.row_warnings.add((position, reason))
            self._problem("warning", position, reason, item.key)
        self._stage(item, prepared.service, finished)

    def _finished(self, item: Record) -> Finished | None:
        """What the worker finished of the record (finish.py), if anything."""
        finished = item.finished
        if finished is None:
            return None
        if (finished.source, finished.keep_ids) != (self.source_name, self.keep_ids):
            raise ValueError(
                f"{item.position} was finished for source {finished.source!r} "
                f"(keep_ids={finished.keep_ids}), not for this import"
            )
        if finished.mapped_terms:
            self._ensure_builtin_terms()
        return finished

    def _finish(self, prepared: Prepared) -> None:
        """What finish.finish_record does in the worker, with the database to hand."""
        for location in locations(prepared.service):
            self.geocoder.locate(location, prepared.warnings)
        self._drop_unknown_terms(prepared.service, prepared.warnings)
        add_mapped_categories(prepared.service, self._category_terms)

    def _drop_unknown_terms(self, service: dict[str, Any], warnings: list[str]) -> None:
        """An attribute may name its term by `taxonomy_term_id` alone; one that is not
        here would make the foreign key refuse the whole import, so it is left out."""
        for holder in attribute_holders(service):
            for attribute in holder.get("attributes") or []:
                term_id = bare_term_id(attribute)
                if not term_id:
                    continue
                if term_id not in self.term_ids:
                    self.term_ids[term_id] = self.session.get(TaxonomyTerm, term_id) is not None
                if not self.term_ids[term_id]:
                    warnings.append(f"attributes: taxonomy term {term_id} is not known; left out")
                    del attribute["taxonomy_term_id"]

    def _category_terms(self, name: str) -> list[str]:
        terms = cached_terms(self.categories, name)
        if terms:
            self._ensure_builtin_terms()
        return terms

    def _ensure_builtin_terms(self) -> None:
        """Once per import: the built-in terms that mapped categories link to."""
        if not self.builtin_ensured:
            ensure_builtin_terms(self.session)
            self.builtin_ensured = True

    def _stage(self, item: Record, service: dict[str, Any], finished: Finished | None) -> None:
        digest = finished.digest if finished else content_hash(service)
        known = self.known.get(item.key)
        if known and known[1] == digest and known[2] == "active":
            self.report.unchanged += 1
            return
        if finished is None or finished.record is None:
            assign_ids(service, self.source_name, item.key, self.keep_ids)
        record_id = known[0] if known else stable_id(self.source_id, item.key)
        staged = Staged(item, service, digest, record_id, known is None, finished)
        self.pending.append(staged)
        if len(self.pending) >= BATCH_SIZE:
            self.flush()

    def flush(self) -> None:
        """Publish the pending batch, then write its source records and history."""
        if not self.pending:
            return
        batch, self.pending = self.pending, []
        if self.claims:
            self._settle_ids(batch)
        previous = self._previous_records([s.record_id for s in batch if not s.is_new])
        # What people changed by hand wins; the source's differing values go to moderation.
        own = [s.service for s in batch if not self._merged(s)]
        services = keep_editor_fields(self.session, own, self.source_name, self.now)
        self.publisher.publish(services, self.now)
        connection = self.session.connection()
        new = [self._record_row(s) for s in batch if s.is_new]
        if new:
            insert_rows(connection, SourceRecord.__table__, new)
        changed = [self._record_row(s) for s in batch if not s.is_new]
        if changed:
            connection.execute(UPDATE_RECORD, [{**row, "_id": row["id"]} for row in changed])
        shown = {service["id"]: service for service in services}  # after editors' locks
        history = [
            row
            for s in batch
            for row in self._audit(s, previous.get(s.record_id), shown.get(s.service["id"]))
        ]
        if history:
            insert_rows(connection, MetadataEntry.__table__, history)
        self.touched.extend(s.service["id"] for s in batch)
        self.analyzed = refresh_statistics(self.session, len(self.touched), self.analyzed)

    def _settle_ids(self, batch: list[Staged]) -> None:
        """Kept IDs another source (or record) already holds are re-keyed (ids.IdClaims)."""
        records = [(s.record_id, s.item.key, s.service) for s in batch]
        rekeyed = self.claims.settle(records)
        for staged in batch:
            count = rekeyed.get(staged.record_id)
            if not count:
                continue
            if staged.finished and staged.finished.record is not None:
                staged.finished.record = JSONText(json.dumps(staged.service))
            reason = f"{count} of its IDs are already another record's; given IDs of its own"
            self._problem("warning", staged.item.position, reason, staged.item.key, "id")

    def _merged(self, staged: Staged) -> bool:
        """Published merged with other records: deduplication republishes it."""
        if staged.item.key not in self.published_in:
            return False
        service_id = self.published_in[staged.item.key][0]
        return service_id != staged.service["id"] or service_id in self.merged

    def _previous_records(self, record_ids: list[str]) -> dict[str, dict[str, Any]]:
        if not record_ids:
            return {}
        query = select(SourceRecord.id, SourceRecord.record).where(SourceRecord.id.in_(record_ids))
        return {record_id: record for record_id, record in self.session.execute(query)}

    def _record_row(self, staged: Staged) -> dict[str, Any]:
        json_text = staged.finished if staged.finished and staged.finished.record else None
        own = (staged.service["id"], (staged.service.get("organization") or {}).get("id"))
        service_id, organization_id = self.published_in.get(staged.item.key, own)
        row = {
            "id": staged.record_id,
            "source_id": self.source_id,
            "key": staged.item.key,
            "position": staged.item.position,
            # made storable by prepare_record; already JSON when the worker finished it
            "raw": json_text.raw if json_text else staged.item.raw,
            "record": json_text.record if json_text else staged.service,
            "content_hash": staged.digest,
            "status": "active",
            "service_id": service_id,
            "organization_id": organization_id,
            "last_seen_at": self.now,
            "updated_at": self.now,
        }
        if staged.is_new:
            row["first_seen_at"] = self.now
        return row

    def _audit(
        self, staged: Staged, previous: dict | None, shown: dict | None
    ) -> list[dict[str, Any]]:
        """History rows for what the import changed in the published service: a field an
        editor's lock kept (`shown` holds their value, not the source's) did not change."""
        by = f"import:{self.source_name}"
        service_id = self.published_in.get(staged.item.key, (staged.service["id"],))[0]
        if staged.is_new:
            self.report.created += 1
            return change_rows("service", service_id, "create", by, when=self.now)
        self.report.updated += 1
        previous, shown = previous or {}, shown or staged.service
        changes = {
            name: (previous.get(name), staged.service.get(name))
            for name in AUDITED_FIELDS
            if previous.get(name) != staged.service.get(name)
            and shown.get(name) == staged.service.get(name)
        }
        return change_rows("service", service_id, "update", by, changes, self.now)

    def withdraw_missing(self, limit: float | None = WITHDRAW_LIMIT) -> None:
        """Mark records a full export no longer lists as withdrawn, their services inactive;
        raise WithdrawalRefused if that is more than `limit` of them (None: no limit)."""
        active = [
            (key, record_id)
            for key, (record_id, _digest, status) in self.known.items()
            if status == "active"
        ]
        gone = [record_id for key, record_id in active if key not in self.seen]
        if limit is not None and len(gone) > limit * len(active):
            raise WithdrawalRefused(self._refusal(len(gone), len(active), limit))
        self.report.withdrawn = len(gone)
        if not gone:
            return
        self.session.execute(
            update(SourceRecord)
            .where(SourceRecord.id.in_(gone))
            .values(status="withdrawn", updated_at=self.now)
        )
        service_ids = self._services_left_without_records(gone)
        self.session.execute(
            update(Service)
            .where(Service.id.in_(service_ids))
            .values(status="inactive", last_modified=self.now)
        )
        by = f"import:{self.source_name}"
        change = {"status": ("active", "inactive")}
        history = [
            row
            for service_id in service_ids
            for row in change_rows("service", service_id, "withdraw", by, change, self.now)
        ]
        if history:
            self.session.connection().execute(insert(MetadataEntry.__table__), history)
        self.touched.extend(service_ids)

    def _refusal(self, gone: int, active: int, limit: float) -> str:
        """Why the import stopped, in numbers the person running it can check."""
        read = self.report.read
        found = (
            "the file holds no records"
            if read == 0 and not self.report.rejected
            else f"it read {read} record{'s' if read != 1 else ''} "
            f"({self.report.rejected} rejected)"
        )
        return (
            f"{self.source_name}: this import would withdraw {gone} of the source's {active} "
            f"listed records ({gone / active:.0%}, over the {limit:.0%} limit): {found}. "
            "Check the file; if the source really dropped them, run it again with "
            "--allow-withdraw."
        )

    def _services_left_without_records(self, gone: list[str]) -> list[str]:
        """The services of these withdrawn records that no active record still lists (a
        merged service stays while another source lists it)."""
        found: set[str] = set()
        for chunk in chunks(gone):
            query = select(SourceRecord.service_id).where(SourceRecord.id.in_(chunk))
            found |= {service_id for service_id in self.session.scalars(query) if service_id}
        listed: set[str] = set()
        for chunk in chunks(sorted(found)):
            query = select(SourceRecord.service_id).where(
                SourceRecord.service_id.in_(chunk), SourceRecord.status == "active"
            )
            listed |= set(self.session.scalars(query))
        return sorted(found - listed)

    def _problem(self, kind: str, position: str, reason: str, key=None, field_name=None) -> None:
        self.report.problems.append(Problem(kind, position, reason, key, field_name))


def _warnings_of(item: Record, prepared: Prepared) -> list[str]:
    """The reader's notes (``raw["_warnings"]``, naming the table row or object they are
    about) and the normaliser's, each once."""
    notes = item.raw.get("_warnings") if isinstance(item.raw, dict) else None
    notes = [str(note) for note in notes] if isinstance(notes, list) else []
    return list(dict.fromkeys([*notes, *prepared.warnings]))


_TABLE_ROW = re.compile(r"^([^:\s][^:]*\.csv line \d+): (.+)$", re.DOTALL)


def placed(item: Record, warning: str) -> tuple[str, str]:
    """(position, reason) of a warning: at the table row it is about when the reader
    says which ("phones.csv line 7: ..." or a path in `item.origins`), else the record's.
    A warning about "service_at_locations[0].phones[1] (id p9)" names the phone's row."""
    match = _TABLE_ROW.match(warning)
    if match:
        return match.group(1), match.group(2)
    best = ""
    for path in item.origins or ():
        if (
            len(path) > len(best)
            and warning.startswith(path)
            and warning[len(path) : len(path) + 1] in (".", ":", " ", "[", "")
        ):
            best = path
    return (item.origins[best], warning) if best else (item.position, warning)


BATCH_SIZE = 500
UPDATE_RECORD = (
    update(SourceRecord.__table__)
    .where(SourceRecord.__table__.c.id == bindparam("_id"))
    .values(
        {
            name: bindparam(name)
            for name in (
                "position",
                "raw",
                "record",
                "content_hash",
                "status",
                "service_id",
                "organization_id",
                "last_seen_at",
                "updated_at",
            )
        }
    )
)


def run_import(
    session: Session,
    spec: SourceSpec,
    items: Iterable[Record | RecordError | Note],
    *,
    full: bool = True,
    keep_ids: bool = False,
    dedupe: bool = True,
    progress: Callable[[int], None] | None = None,
    allow_withdraw: bool = False,
) -> ImportReport:
    """Import a source's records into the session's transaction; the caller commits.

    `full`: the items are the source's whole current export, so anything it no longer
    lists is withdrawn. `keep_ids`: keep the source's own HSDS UUIDs (HSDS feeds and
    data packages) instead of deriving them. `dedupe`: merge what changed with the
    other sources' records (an incremental `signpost dedupe`) before returning; a bulk
    load of several sources may leave it to one `signpost dedupe` at the end.
    `allow_withdraw`: a full import may withdraw more than WITHDRAW_LIMIT of the source
    (otherwise it raises WithdrawalRefused, and the caller rolls back).
    """
    if dedupe:
        lock_dedupe(session)  # before any write: see lock_dedupe
    widen_cache(session)  # SQLite: a large page cache while this import writes
    source = ensure_source(session, spec)
    source.last_imported_at = dt.datetime.now(dt.UTC)
    session.flush()
    importer = Importer(session, source, keep_ids)
    with fewer_collections():
        _add_all(importer, items, progress)
        if importer.report.read == 0 and not importer.report.problems:
            importer.report.problems.append(Problem("warning", "the file", "it holds no records"))
        if full:
            importer.withdraw_missing(None if allow_withdraw else WITHDRAW_LIMIT)
        refresh_statistics(session, len(importer.touched), importer.analyzed)
        search.index_services(session, importer.touched)
        assign_boroughs(session, locations_of(session, importer.touched))
    session.expire_all()  # Core writes bypassed the identity map
    if dedupe and needs_matching(session):
        importer.report.dedupe = run_dedupe(session, now=importer.now)
    return importer.report


def _add_all(
    importer: Importer,
    items: Iterable[Record | RecordError | Note],
    progress: Callable[[int], None] | None,
) -> None:
    """Stage and publish every item; a row the database refuses names where it was."""
    position = "the start"
    try:
        for count, item in enumerate(items, start=1):
            position = getattr(item, "position", f"record {count}")
            importer.add(item)
            if progress:
                progress(1)
        position = "the last batch"
        importer.flush()
    except (IntegrityError, DataError) as exc:
        raise SourceFormatError(
            f"near {position}: the database refused a record ({exc.orig})"
        ) from exc
    except Exception as exc:  # unforeseen: the command's one-line error says where
        exc.add_note(f"near {position}")
        raise
