"""Publish a matching run's clusters: one service per cluster, one organisation per
organisation cluster, every field from the record survivorship chose.

Only what the run changed is written. A cluster of one record under that record's own
IDs is exactly what the importer already published for it, so it is left alone unless
it used to be merged. Every other cluster whose records, or whose organisation's
records, changed is published from its records (app.matching.survive: source priority,
then recency, then completeness), and which record each field came from is kept in
merged_service for `GET /services/{id}/provenance`.

An ID that no cluster holds any more is retired, never deleted: a service becomes
`inactive` with no venues or contacts left (so a client syncing with modified_after
sees it go) and an alias sends its old links to the service that holds its records now;
an organisation left with no services is removed the same way, its editors' links
moved to the organisation that took its records. A person's edits to a merged service
are kept as they are on import (app.services.field_locks).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from app.chunks import chunks
from app.dedupe.state import State, source_records
from app.matching import MatchResult, survive
from app.models import (
    Location,
    MergedAlias,
    MergedService,
    MetadataEntry,
    Organization,
    OrganizationIdentifier,
    Service,
    ServiceAtLocation,
    SourceRecord,
)
from app.models.accounts import AccountOrganization
from app.records.publish import Publisher
from app.records.rows import Rows, flatten_organization
from app.services.audit import change_rows
from app.services.field_locks import keep_editor_fields

BY = "dedupe"
BATCH = 500
Data = dict[str, Any]


@dataclass(slots=True)
class Survivor:
    """A record as survivorship reads it (app.matching.survivorship.Candidate)."""

    source: str
    record_id: str
    last_modified: str | None
    service: Data


def _text(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


@dataclass
class Published:
    """What publishing wrote: for the report, the search index and the boroughs."""

    services: list[str] = field(default_factory=list)  # published cluster IDs
    retired: dict[str, str] = field(default_factory=dict)  # old service ID -> new


class ClusterPublisher:
    """Publishes one run's result; holds the lookups every step shares."""

    def __init__(self, session: Session, state: State, previous: MatchResult, result: MatchResult):
        self.session = session
        self.state = state
        self.previous = previous
        self.result = result
        self.merged_ids = set(session.scalars(select(MergedService.service_id)))
        self.organizations: dict[str, Data] = {}  # merged organisation dicts, by cluster
        self.org_of = {
            match_id: result.organizations.membership.get(match_id)
            for match_id, stored in state.records.items()
            if stored.active and stored.own_organization_id
        }

    # -- what to publish -------------------------------------------------------------

    def trivial(self, cluster_id: str, members: frozenset[str]) -> bool:
        """One record under its own service and organisation IDs, alone in both."""
        if len(members) != 1:
            return False
        stored = self.state.records[next(iter(members))]
        org_id = self.org_of.get(stored.match_id)
        if cluster_id != stored.own_service_id or org_id != stored.own_organization_id:
            return False
        return org_id is None or self._own_organization(org_id)

    def changed_organizations(self) -> set[str]:
        """Organisation clusters whose records, or membership, changed."""
        old = self.previous.organizations.clusters
        return {
            org_id
            for org_id, members in self.result.organizations.clusters.items()
            if old.get(org_id) != members or any(self.state.records[m].changed for m in members)
        }

    def targets(self) -> dict[str, frozenset[str]]:
        """The service clusters to (re)publish: those whose records, or the organisation
        cluster their records are in, changed. (A change inside an organisation cluster
        alone rewrites just the organisation: `write_organizations`.)"""
        old = self.previous.services.clusters
        chosen: dict[str, frozenset[str]] = {}
        for cluster_id, members in self.result.services.clusters.items():
            stored = [self.state.records[m] for m in members]
            if self.trivial(cluster_id, members):
                only = stored[0]
                stale = (
                    only.service_id != cluster_id
                    or only.organization_id != only.own_organization_id
                    or cluster_id in self.merged_ids
                )
                if stale:
                    chosen[cluster_id] = members
            elif (
                old.get(cluster_id) != members
                or any(s.changed for s in stored)
                or any(self.org_of.get(s.match_id) != s.organization_id for s in stored)
                or cluster_id not in self.merged_ids
            ):
                chosen[cluster_id] = members
        return chosen

    # -- publishing ------------------------------------------------------------------

    def publish(self, now: dt.datetime) -> Published:
        published = Published()
        targets = self.targets()
        in_use = set(self.result.services.clusters)
        published.retired = self.superseded(targets, in_use)
        lost_locations = self.retire_services(published.retired, now)
        publisher = Publisher(self.session)
        # A record that moved between two published services takes its venues and
        # contacts (and their IDs) along: empty every target first, so no batch inserts
        # a row a later batch's service still holds.
        for batch in chunks(sorted(targets), BATCH):
            publisher._clear(batch, [])
        for batch in chunks(sorted(targets), BATCH):
            services, sources = self.merged_services({cid: targets[cid] for cid in batch})
            services = keep_editor_fields(self.session, services, BY, now)
            publisher.publish(services, now)
            self._record_sources(sources, now)
        self.session.execute(delete(MergedAlias).where(MergedAlias.old_id.in_(list(targets))))
        self.write_organizations(targets)
        published.services = sorted(targets)
        self.retire_organizations(targets, now)
        self._drop_orphan_locations(lost_locations)
        return published

    def superseded(self, targets: dict[str, frozenset[str]], in_use: set[str]) -> dict[str, str]:
        """Old service ID -> the cluster now holding most of its records."""
        moved: dict[str, Counter[str]] = defaultdict(Counter)
        for cluster_id, members in targets.items():
            for match_id in members:
                stored = self.state.records[match_id]
                for old_id in {stored.service_id, stored.own_service_id}:
                    if old_id and old_id not in in_use:
                        moved[old_id][cluster_id] += 1
        existing: set[str] = set()
        aliased: dict[str, str] = {}
        for batch in chunks(sorted(moved)):
            existing |= set(self.session.scalars(select(Service.id).where(Service.id.in_(batch))))
            aliased.update(
                self.session.execute(
                    select(MergedAlias.old_id, MergedAlias.new_id).where(
                        MergedAlias.old_id.in_(batch)
                    )
                ).all()
            )
        chosen = {
            old_id: min(counts, key=lambda cid: (-counts[cid], cid))
            for old_id, counts in moved.items()
            if old_id in existing
        }
        # Retired before and still pointing at the right service: nothing to do again.
        return {old: new for old, new in chosen.items() if aliased.get(old) != new}

    def merged_services(
        self, clusters: dict[str, frozenset[str]]
    ) -> tuple[list[Data], dict[str, dict[str, str]]]:
        """Each cluster's merged service dict, and per field the source_record.id chosen."""
        org_ids = {
            self.org_of[m] for members in clusters.values() for m in members if self.org_of.get(m)
        }
        org_members = {
            oid: self.result.organizations.clusters[oid]
            for oid in org_ids
            if oid not in self.organizations
        }
        wanted = {m for members in clusters.values() for m in members}
        wanted |= {m for members in org_members.values() for m in members}
        records = self._match_records(wanted)
        for oid, members in org_members.items():  # once per run, however many batches
            cluster = [records[m] for m in sorted(members)]
            self.organizations[oid] = self._merged_organization(oid, cluster)
        organizations = self.organizations
        services: list[Data] = []
        field_sources: dict[str, dict[str, str]] = {}
        for cluster_id, members in clusters.items():
            cluster = [records[m] for m in sorted(members)]
            merged, sources = survive(cluster, self.state.priority)
            merged["id"] = cluster_id
            org_id = self._organization_of(members, sources)
            merged.pop("organization", None)
            if org_id:
                merged["organization"] = organizations[org_id]
            services.append(merged)
            field_sources[cluster_id] = {
                name: self.state.records[match_id].id for name, match_id in sources.items()
            }
        return services, field_sources

    def _organization_of(self, members: frozenset[str], sources: dict[str, str]) -> str | None:
        """The organisation cluster of the record whose organisation name won."""
        chosen = sources.get("organization.name")
        if chosen and self.org_of.get(chosen):
            return self.org_of[chosen]
        found = sorted(filter(None, (self.org_of.get(m) for m in members)))
        return found[0] if found else None

    def _merged_organization(self, org_id: str, records: list[Survivor]) -> Data:
        merged, _sources = survive(records, self.state.priority)
        organization = dict(merged.get("organization") or {})
        organization["id"] = org_id
        return organization

    def _match_records(self, match_ids: set[str]) -> dict[str, Survivor]:
        """The records' service dicts, for survivorship."""
        ids = {self.state.records[m].id: m for m in match_ids}
        found: dict[str, Survivor] = {}
        for record_id, source, key, record in source_records(self.session, ids):
            found[ids[record_id]] = Survivor(
                source, f"{source}/{key}", _text(record.get("last_modified")), record
            )
        return found

    def _record_sources(self, sources: dict[str, dict[str, str]], now: dt.datetime) -> None:
        """merged_service rows for the clusters published merged (not as a record alone
        under its own IDs, which is what the importer publishes too)."""
        ids = list(sources)
        self.session.execute(delete(MergedService).where(MergedService.service_id.in_(ids)))
        rows = [
            {"service_id": cid, "field_sources": fields, "merged_at": now}
            for cid, fields in sources.items()
            if not self.trivial(cid, self.result.services.clusters[cid])
        ]
        if rows:
            self.session.execute(insert(MergedService), rows)

    # -- retiring --------------------------------------------------------------------

    def retire_services(self, retired: dict[str, str], now: dt.datetime) -> set[str]:
        """Empty and deactivate merged-away services; return the locations they had."""
        if not retired:
            return set()
        ids = sorted(retired)
        locations: set[str] = set()
        for batch in chunks(ids):
            locations |= set(
                self.session.scalars(
                    select(ServiceAtLocation.location_id).where(
                        ServiceAtLocation.service_id.in_(batch)
                    )
                )
            )
            statuses = dict(
                self.session.execute(
                    select(Service.id, Service.status).where(Service.id.in_(batch))
                ).all()
            )
            Publisher(self.session)._clear(batch, [])
            self.session.execute(delete(MergedService).where(MergedService.service_id.in_(batch)))
            history = [
                row
                for old_id in batch
                for row in change_rows(
                    "service",
                    old_id,
                    "merge",
                    BY,
                    {
                        "status": (statuses.get(old_id), "inactive"),
                        "merged_into": (None, retired[old_id]),
                    },
                    now,
                )
            ]
            self.session.execute(insert(MetadataEntry), history)
        self.session.execute(
            update(Service).where(Service.id.in_(ids)).values(status="inactive", last_modified=now)
        )
        self._alias("service", retired, now)
        return {location_id for location_id in locations if location_id}

    def retire_organizations(
        self, targets: dict[str, frozenset[str]], now: dt.datetime
    ) -> dict[str, str]:
        """Remove organisations whose records (in the clusters just published) all moved
        to other organisation clusters; their services, venues and editors' links follow
        to the organisation that took most of their records."""
        in_use = set(self.result.organizations.clusters)
        moved: dict[str, Counter[str]] = defaultdict(Counter)
        for match_id in (m for members in targets.values() for m in members):
            org_id = self.org_of.get(match_id)
            stored = self.state.records[match_id]
            for old_id in {stored.organization_id, stored.own_organization_id}:
                if old_id and old_id not in in_use and org_id:
                    moved[old_id][org_id] += 1
        retired = {
            old_id: min(counts, key=lambda oid: (-counts[oid], oid))
            for old_id, counts in moved.items()
        }
        existing: set[str] = set()
        for batch in chunks(sorted(retired)):
            query = select(Organization.id).where(Organization.id.in_(batch))
            existing |= set(self.session.scalars(query))
        retired = {o: n for o, n in retired.items() if o in existing}
        self._move_organizations(retired)
        still_used: set[str] = set()
        for batch in chunks(sorted(retired)):
            query = select(Service.organization_id).where(Service.organization_id.in_(batch))
            still_used |= set(self.session.scalars(query))
        gone = {o: n for o, n in retired.items() if o not in still_used}
        for batch in chunks(sorted(gone)):
            self.session.execute(delete(Organization).where(Organization.id.in_(batch)))
        self._alias("organization", gone, now)
        return gone

    def write_organizations(self, targets: dict[str, frozenset[str]]) -> None:
        """Write the organisation clusters that changed, and those the published records
        are in that no published service wrote (a service shows one organisation, its
        records may name two; their source_record rows point at them). A cluster of one
        source's records under their own ID, unchanged in membership, is the importer's."""
        old = self.previous.organizations.clusters
        wanted = {
            org_id
            for org_id in self.changed_organizations()
            if old.get(org_id) != self.result.organizations.clusters[org_id]
            or not self._own_organization(org_id)
        }
        named = {self.org_of.get(m) for members in targets.values() for m in members}
        for batch in chunks(sorted(o for o in named - wanted if o)):
            query = select(Organization.id).where(Organization.id.in_(batch))
            wanted |= set(batch) - set(self.session.scalars(query))
        if not wanted:
            return
        clusters = self.result.organizations.clusters
        todo = {o: clusters[o] for o in wanted if o not in self.organizations}
        records = self._match_records({m for members in todo.values() for m in members})
        for org_id, members in todo.items():
            self.organizations[org_id] = self._merged_organization(
                org_id, [records[m] for m in sorted(members)]
            )
        rows = Rows()
        for org_id in sorted(wanted):
            flatten_organization(self.organizations[org_id], rows)
        publisher = Publisher(self.session)
        publisher._clear_identifiers(rows)
        publisher._upsert(Organization, rows.tables.get(Organization, []))
        publisher._insert(OrganizationIdentifier, rows.tables.get(OrganizationIdentifier, []))

    def _own_organization(self, org_id: str) -> bool:
        """Every record in the cluster names this organisation under its own ID."""
        members = self.result.organizations.clusters[org_id]
        return all(self.state.records[m].own_organization_id == org_id for m in members)

    def _move_organizations(self, retired: dict[str, str]) -> None:
        """Point what hangs off retired organisations at the ones that took their records."""
        pairs = [{"old": old, "new": new} for old, new in retired.items()]
        if not pairs:
            return
        connection = self.session.connection()
        service, location = Service.__table__, Location.__table__
        connection.execute(
            update(service)
            .where(service.c.organization_id == bindparam("old"))
            .values(organization_id=bindparam("new")),
            pairs,
        )
        connection.execute(
            update(location)
            .where(location.c.organization_id == bindparam("old"))
            .values(organization_id=bindparam("new")),
            pairs,
        )
        links = AccountOrganization
        for batch in chunks(sorted(retired)):
            query = select(links.account_id, links.organization_id).where(
                links.organization_id.in_(batch)
            )
            for account_id, old_id in self.session.execute(query).all():
                new_id = retired[old_id]
                self.session.execute(
                    delete(links).where(
                        links.account_id == account_id, links.organization_id == old_id
                    )
                )
                if self.session.get(links, (account_id, new_id)) is None:
                    self.session.execute(
                        insert(links).values(
                            account_id=account_id,
                            organization_id=new_id,
                            created_at=dt.datetime.now(dt.UTC),
                        )
                    )

    def _alias(self, kind: str, retired: dict[str, str], now: dt.datetime) -> None:
        """Record old -> new, and send older aliases of the old IDs on to the new ones."""
        if not retired:
            return
        ids = sorted(retired)
        older: list[dict[str, str]] = []
        for batch in chunks(ids):
            query = select(MergedAlias.old_id, MergedAlias.new_id).where(
                MergedAlias.new_id.in_(batch)
            )
            older += [{"_old": o, "new_id": retired[n]} for o, n in self.session.execute(query)]
        if older:
            table = MergedAlias.__table__
            self.session.connection().execute(
                update(table).where(table.c.old_id == bindparam("_old")), older
            )
        for batch in chunks(ids):
            self.session.execute(delete(MergedAlias).where(MergedAlias.old_id.in_(batch)))
        self.session.execute(
            insert(MergedAlias),
            [
                {"old_id": o, "kind": kind, "new_id": n, "merged_at": now}
                for o, n in retired.items()
            ],
        )

    def _drop_orphan_locations(self, location_ids: Iterable[str]) -> None:
        """Delete retired services' venues that no service runs at any more."""
        for batch in chunks(sorted(location_ids)):
            used = set(
                self.session.scalars(
                    select(ServiceAtLocation.location_id).where(
                        ServiceAtLocation.location_id.in_(batch)
                    )
                )
            )
            orphans = [location_id for location_id in batch if location_id not in used]
            if orphans:
                Publisher(self.session)._clear([], orphans)
                self.session.execute(delete(Location).where(Location.id.in_(orphans)))


def record_clusters(session: Session, state: State, result: MatchResult, org_of: dict) -> int:
    """Store each record's clusters and mark it matched; returns how many rows changed."""
    rows = []
    for match_id, stored in state.records.items():
        if stored.removed:
            rows.append({"_id": stored.id, "matched_hash": None})
            continue
        service_id = result.services.membership[match_id]
        org_id = org_of.get(match_id) if stored.own_organization_id else None
        if (stored.service_id, stored.organization_id, stored.matched_hash) != (
            service_id,
            org_id,
            stored.content_hash,
        ):
            rows.append(
                {
                    "_id": stored.id,
                    "service_id": service_id,
                    "organization_id": org_id,
                    "matched_hash": stored.content_hash,
                }
            )
    _update_records(session, rows)
    return len(rows)


def _update_records(session: Session, rows: list[dict[str, Any]]) -> None:
    table = SourceRecord.__table__
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[tuple(sorted(row))].append(row)
    for columns, group in groups.items():
        values = {name: bindparam(name) for name in columns if name != "_id"}
        statement = update(table).where(table.c.id == bindparam("_id")).values(values)
        session.connection().execute(statement, group)
