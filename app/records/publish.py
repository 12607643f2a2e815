"""Write HSDS 3.0 service dicts (nested, with final IDs) into the database, in batches.

The pipeline gives every object in a dict its stable ID first, so publishing is
"replace each service and everything nested in it with what its dict says":
re-publishing the same dict changes nothing, a changed dict updates in place and keeps
its IDs. Services, organizations and locations are upserted (other rows point at them);
everything nested below them is deleted and re-inserted. All writes are Core
executemany statements, a few per batch of hundreds of services, which is what makes a
100,000-row import take seconds rather than an hour.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import cache
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import Session

from app.chunks import chunks
from app.models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    Funding,
    Language,
    Location,
    Organization,
    OrganizationIdentifier,
    Phone,
    Program,
    RequiredDocument,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
    stable_id,
)
from app.records.bulk_insert import insert_rows
from app.records.ids import is_uuid
from app.records.rows import TABLE_ORDER, Rows, columns_of, flatten_service

Data = dict[str, Any]
UPSERTED = (Organization, Program, Location, Service)  # rows others point at, or share
REPLACED_WHOLE = (Service, Location)  # upserted rows whose absent fields mean "none now"
KEPT = {"borough"}  # derived after publishing (from the area polygons), not from the dict
SERVICE_OWNED = (Language, Phone, Schedule, Contact, Funding, CostOption, ServiceArea,
                 RequiredDocument, ServiceAtLocation)  # fmt: skip
LOCATION_OWNED = (Address, Accessibility, Language)
LOCATION_SHARED = (Phone, Schedule, Contact)  # location-level only when service_id is null
# Attributes are indexed by (link_entity, link_id) and deleted one (entity, id) pair at a
# time: by link_id alone SQLite scanned the whole table once per batch, and with an IN
# list PostgreSQL, whose statistics lag behind a big import, scanned every 'service'
# attribute per batch (200 s of a 100k import). Equality on both columns is an index
# probe on both engines whatever the statistics say.
DELETE_ATTRIBUTE = delete(Attribute.__table__).where(
    Attribute.__table__.c.link_entity == bindparam("entity"),
    Attribute.__table__.c.link_id == bindparam("link"),
)


class Publisher:
    """Publishes batches of services; remembers taxonomy terms it has already ensured."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.terms: dict[tuple[str, str], str] = {}
        self.taxonomies: dict[str, str] = {}

    def publish(self, services: Iterable[Data], modified: dt.datetime) -> list[str]:
        """Replace these services (and what nests in them); returns their ids."""
        rows = Rows()
        for data in services:
            flatten_service(data, modified, rows)
        service_ids = rows.ids(Service)
        if not service_ids:
            return []
        location_ids = rows.ids(Location)
        existing = {
            Service: self._existing(Service, service_ids),
            Location: self._existing(Location, location_ids),
        }
        self._clear(service_ids, location_ids, existing)
        self._clear_identifiers(rows)
        self._resolve_attributes(rows)
        for model in TABLE_ORDER:
            table_rows = _unique(rows.tables.get(model, []))
            if not table_rows:
                continue
            if model in UPSERTED:
                self._upsert(model, table_rows, existing.get(model))
            else:
                self._insert(model, table_rows)
        return service_ids

    def _existing(self, model: type, ids: list[str]) -> set[str]:
        """Those of these ids that the model's table already has."""
        if not ids:
            return set()
        return set(self.session.scalars(select(model.id).where(model.id.in_(ids))))

    def _clear(
        self,
        service_ids: list[str],
        location_ids: list[str],
        existing: dict[type, set[str]] | None = None,
    ) -> None:
        """Delete what nests below these services and locations (the FKs cascade further).

        Only below those already written: a row under a service or location that does
        not exist yet cannot exist either (every such table has a foreign key), so a
        first import skips a dozen deletes per batch. Attributes link by id without a
        foreign key, so theirs are deleted for every id. (An attribute's link_entity names
        the table its link_id is in: the editor checks it, flatten.py sets it.)
        """
        if existing is None:
            existing = {
                Service: self._existing(Service, service_ids),
                Location: self._existing(Location, location_ids),
            }
        execute = self.session.execute
        services = [i for i in service_ids if i in existing[Service]]
        locations = [i for i in location_ids if i in existing[Location]]
        sal_ids = (
            list(
                self.session.scalars(
                    select(ServiceAtLocation.id).where(ServiceAtLocation.service_id.in_(services))
                )
            )
            if services
            else []
        )
        linked = (
            [("service", i) for i in service_ids]
            + [("service_at_location", i) for i in sal_ids]
            + [("location", i) for i in location_ids]
        )
        self.session.connection().execute(
            DELETE_ATTRIBUTE, [{"entity": entity, "link": i} for entity, i in linked]
        )
        if services:
            for model in SERVICE_OWNED:
                execute(delete(model).where(model.service_id.in_(services)))
        if locations:
            for model in LOCATION_OWNED:
                execute(delete(model).where(model.location_id.in_(locations)))
            for model in LOCATION_SHARED:
                unowned = model.service_id.is_(None)
                execute(delete(model).where(model.location_id.in_(locations), unowned))

    def _clear_identifiers(self, rows: Rows) -> None:
        """An organization's identifiers are replaced like a service's parts: delete those
        of the organizations being written, and any row already holding an ID being
        written (under another organization, e.g. one deduplication merged it into)."""
        table = OrganizationIdentifier
        for column, ids in (
            (table.organization_id, rows.ids(Organization)),
            (table.id, rows.ids(OrganizationIdentifier)),
        ):
            for chunk in chunks(ids):
                self.session.execute(delete(table).where(column.in_(chunk)))

    def _upsert(self, model: type, rows: list[Data], existing: set[str] | None = None) -> None:
        """Insert the new rows, update the others (`existing`: the ids already there).

        An updated service or location also clears what its new version no longer says;
        a new row leaves those columns out (NULL either way, and cheaper to insert).
        """
        if existing is None:
            existing = self._existing(model, [r["id"] for r in rows])
        self._insert(model, [r for r in rows if r["id"] not in existing])
        cleared = _cleared(model) if model in REPLACED_WHOLE else {}
        for group in _by_columns(cleared | r for r in rows if r["id"] in existing):
            columns = [c for c in group[0] if c != "id"]
            statement = (
                update(model.__table__)
                .where(model.__table__.c.id == bindparam("_id"))
                .values({c: bindparam(c) for c in columns})
            )
            params = [{**{c: r[c] for c in columns}, "_id": r["id"]} for r in group]
            self.session.connection().execute(statement, params)

    def _insert(self, model: type, rows: list[Data]) -> None:
        for group in _by_columns(rows):
            insert_rows(self.session.connection(), model.__table__, group)

    def _resolve_attributes(self, rows: Rows) -> None:
        for row, term in rows.attributes:
            if term:
                row["taxonomy_term_id"] = self.ensure_term(term)
            if row["taxonomy_term_id"]:
                rows.tables[Attribute].append(row)

    def ensure_term(self, term: Data) -> str:
        """The id of the term, creating it (and its taxonomy) on first use.

        A term's parent and taxonomy are kept only when they exist here: a source's IDs
        for objects it did not send would break the foreign keys.
        """
        detail = term.get("taxonomy_detail") or {}
        taxonomy_name = term.get("taxonomy") or detail.get("name") or ""
        source_id = term.get("id")
        code = term.get("code") or (
            str(source_id) if source_id and not is_uuid(source_id) else None
        )
        cache_key = (taxonomy_name, str(source_id) if is_uuid(source_id) else code or term["name"])
        if cache_key in self.terms:
            return self.terms[cache_key]
        term_id = str(source_id) if is_uuid(source_id) else stable_id("taxonomy_term", *cache_key)
        if self.session.get(TaxonomyTerm, term_id) is None:
            values = columns_of(TaxonomyTerm, term) | {"id": term_id, "taxonomy": taxonomy_name}
            values["taxonomy_id"] = self._taxonomy_id(
                term.get("taxonomy_id"), taxonomy_name, detail
            )
            values.setdefault("description", "")
            if code:
                values["code"] = code
            if (
                values.get("parent_id")
                and self.session.get(TaxonomyTerm, values["parent_id"]) is None
            ):
                values["parent_id"] = None
            self.session.add(TaxonomyTerm(**values))
            self.session.flush()
        self.terms[cache_key] = term_id
        return term_id

    def _taxonomy_id(self, given: str | None, name: str, detail: Data) -> str | None:
        if given and self.session.get(Taxonomy, given) is not None:
            return given
        if not name:
            return None
        if name not in self.taxonomies:
            self.taxonomies[name] = ensure_taxonomy(self.session, name, detail)
        return self.taxonomies[name]


def ensure_taxonomy(session: Session, name: str, detail: Data | None = None) -> str:
    existing = session.scalar(select(Taxonomy.id).where(Taxonomy.name == name))
    if existing:
        return existing
    values = columns_of(Taxonomy, detail or {}) | {"name": name}
    if not is_uuid(values.get("id")):
        values["id"] = stable_id("taxonomy", name)
    values.setdefault("description", "")
    session.add(Taxonomy(**values))
    session.flush()
    return values["id"]


def publish_services(session: Session, services: list[Data], modified: dt.datetime) -> list[str]:
    """Publish a list of services in one go (for callers without a Publisher of their own)."""
    return Publisher(session).publish(services, modified)


@cache
def _cleared(model: type) -> Data:
    """None for each nullable column a new version of the row may no longer set.
    Shared: callers merge it into a new dict and never change it."""
    columns = model.__table__.columns  # type: ignore[attr-defined]
    return {c.name: None for c in columns if c.nullable and c.name not in KEPT}


def _unique(rows: list[Data]) -> list[Data]:
    """Last row wins per id: a location or organization shared in a batch is written once."""
    return list({row["id"]: row for row in rows}.values())


def _by_columns(rows: Iterable[Data]) -> list[list[Data]]:
    """Rows grouped by their set of columns: one executemany needs the same keys in each."""
    groups: dict[tuple[str, ...], list[Data]] = {}
    for row in rows:
        groups.setdefault(tuple(sorted(row)), []).append(row)
    return list(groups.values())
