"""Stable IDs for everything a source record publishes.

Every object nested in a record's service gets uuid5(source, record key, its path), so
re-importing the same record gives the same IDs and a changed record keeps them.
Organizations are keyed by the source's own organization ID (or name), so the services
of one provider in one source share one organization. Sources that publish HSDS UUIDs
themselves (HSDS feeds, data packages) can keep theirs (`keep_ids`), so a dump
imported into an empty instance has the same IDs as the original.

A kept ID is held by whoever published it first (`IdClaims`, table kept_id): the
source, for an organization or location (its records share them), else the source
record. Another source, or another record, sending the same ID (the HSDS example
service in both the HSDS and the ORUK example files) gets its own derived ID instead,
the same one every time, while its raw payload keeps the ID it sent.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.chunks import chunks
from app.models import KeptId, stable_id
from app.records.bulk_insert import insert_rows

Data = dict[str, Any]

# Foreign keys inside nested objects are implied by the nesting; the source's values
# would point at its own IDs, so they are dropped and the publisher sets them.
NESTED_KEYS = {
    "organization_id",
    "service_id",
    "location_id",
    "service_at_location_id",
    "contact_id",
    "phone_id",
    "program_id",
    "link_id",
}
OWN_IDS = {"taxonomy_term", "taxonomy_detail"}  # terms are identified by taxonomy + name
SHARED = {"organization", "location"}  # one object for all of a source's records
_SPACES = re.compile(r"\s+")


def is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def assign_ids(service: Data, source: str, key: str, keep_ids: bool = False) -> None:
    """Give the service dict and everything nested in it its final IDs, in place.

    HSDS nests one object under each of its owners (a phone under the service, its
    contact and its location); each place becomes its own row, so when a kept ID repeats
    inside one record, the later place gets a derived ID instead.
    """
    organization = service.get("organization")
    if organization:
        own = organization.get("id") or _SPACES.sub(" ", organization["name"].lower())
        keep = keep_ids and is_uuid(organization.get("id"))
        organization["id"] = (
            str(organization["id"]) if keep else stable_id(source, "organization", str(own))
        )
        # A parent organization may not exist here; the link is not worth a failed import.
        organization.pop("parent_organization_id", None)
        _assign_children(organization, source, key, "organization", keep_ids, set())
    seen: set[str] = set()
    service["id"] = _own_id(service, source, key, "service", keep_ids, seen)
    service.pop("organization_id", None)
    service.pop("program_id", None)
    service["service_at_locations"] = [
        sal for sal in service.get("service_at_locations") or [] if sal.get("location")
    ]
    _assign_children(service, source, key, "service", keep_ids, seen)


def _own_id(data: Data, source: str, key: str, path: str, keep_ids: bool, seen: set[str]) -> str:
    own = str(uuid.UUID(str(data["id"]))) if keep_ids and is_uuid(data.get("id")) else None
    if own is None or own in seen:
        own = stable_id(source, key, path)
    seen.add(own)
    return own


def _assign_children(
    data: Data, source: str, key: str, path: str, keep_ids: bool, seen: set[str]
) -> None:
    for name, value in data.items():
        if name in OWN_IDS or name == "organization":
            continue
        if isinstance(value, dict):
            _assign(value, source, key, f"{path}/{name}", keep_ids, seen)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, dict):
                    _assign(item, source, key, f"{path}/{name}/{index}", keep_ids, seen)
    if isinstance(data.get("attributes"), list):
        data["attributes"] = [
            a
            for a in data["attributes"]
            if isinstance(a, dict) and (a.get("taxonomy_term") or a.get("taxonomy_term_id"))
        ]


def _assign(data: Data, source: str, key: str, path: str, keep_ids: bool, seen: set[str]) -> None:
    data["id"] = _own_id(data, source, key, path, keep_ids, seen)
    for name in NESTED_KEYS & data.keys():
        del data[name]
    _assign_children(data, source, key, path, keep_ids, seen)


def ids_of(data: Data, shared: bool = False) -> Iterator[tuple[str, bool]]:
    """(id, shared) of the object and all nested in it; shared: in an organization or a
    location, which a source's records have in common. Taxonomy terms are not ours."""
    if isinstance(data.get("id"), str):
        yield data["id"], shared
    for name, item in _nested(data):
        yield from ids_of(item, shared or name in SHARED)


def _nested(data: Data) -> Iterator[tuple[str, Data]]:
    """(key, object) for each object nested in `data` that is published with an ID of
    ours: an organization's own lists (its programs, locations...) are not published
    from it, only its identifiers."""
    for name, value in data.items():
        if name in OWN_IDS:
            continue
        if name == "organization" and isinstance(value, dict):
            yield name, {k: v for k, v in value.items() if k in ("id", "organization_identifiers")}
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict):
                yield name, item


class IdClaims:
    """Which kept IDs this import's source may publish as they are (see the module
    docstring). One look-up per batch of records; claims are written as they are made."""

    def __init__(self, session: Session, source_id: str, source_name: str) -> None:
        self.session = session
        self.source_id = source_id
        self.source_name = source_name

    def settle(self, records: list[tuple[str, str, Data]]) -> dict[str, int]:
        """Re-key, in place, what another holder already has in these (record id, key,
        service) triples; returns record id -> how many IDs it had re-keyed."""
        wanted = {object_id for _, _, service in records for object_id, _ in ids_of(service)}
        held = self._holders(sorted(wanted))
        rekeyed: dict[str, int] = {}
        new: dict[str, str] = {}
        for record_id, key, service in records:
            count = self._rekey(service, record_id, key, held, new, False)
            if count:
                rekeyed[record_id] = count
        known = held | self._holders([i for i in new if i not in held])
        fresh = [{"id": i, "holder": h} for i, h in new.items() if i not in known]
        if fresh:
            insert_rows(self.session.connection(), KeptId.__table__, fresh)
        return rekeyed

    def _holders(self, ids: list[str]) -> dict[str, str]:
        held: dict[str, str] = {}
        for chunk in chunks(ids):
            query = select(KeptId.id, KeptId.holder).where(KeptId.id.in_(chunk))
            held.update(dict(self.session.execute(query).all()))
        return held

    def _rekey(
        self,
        data: Data,
        record_id: str,
        key: str,
        held: dict[str, str],
        new: dict[str, str],
        shared: bool,
    ) -> int:
        """Give each object held by another its own ID: uuid5 of this source (and, but
        for shared objects, this record) and the ID it sent. Counts those changed."""
        count = 0
        holder = self.source_id if shared else record_id
        object_id = data.get("id")
        if isinstance(object_id, str):
            owner = held.get(object_id, new.get(object_id))
            if owner is None:
                new[object_id] = holder  # first in this batch: later ones see it held
            elif owner != holder:
                parts = ("kept", object_id) if shared else (key, "kept", object_id)
                data["id"] = stable_id(self.source_name, *parts)
                new.setdefault(data["id"], holder)
                count += 1
        for name, item in _nested(data):
            if name == "organization":
                item = data["organization"]  # re-keyed in place, not the view
                organization = {k: v for k, v in item.items() if k == "id"}
                count += self._rekey(organization, record_id, key, held, new, True)
                item["id"] = organization.get("id", item.get("id"))
                for identifier in item.get("organization_identifiers") or []:
                    if isinstance(identifier, dict):
                        count += self._rekey(identifier, record_id, key, held, new, True)
                continue
            count += self._rekey(item, record_id, key, held, new, shared or name in SHARED)
        return count
