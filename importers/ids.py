"""Stable IDs for everything a source record publishes.

Every object nested in a record's service gets uuid5(source, record key, its path), so
re-importing the same record gives the same IDs and a changed record keeps them.
Organizations are keyed by the source's own organization ID (or name), so the services
of one provider in one source share one organization. Sources that publish HSDS UUIDs
themselves (HSDS feeds, data packages) can keep theirs (`keep_ids`), so a dump
imported into an empty instance has the same IDs as the original.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from app.models import stable_id

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
