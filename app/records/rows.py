"""Flatten nested HSDS 3.0 service dicts (with final IDs) into rows, table by table.

Pure: no database. Nesting decides every foreign key, exactly as HSDS's tabular form
does: a phone under a contact gets contact_id, a schedule under a service_at_location
gets service_at_location_id. Taxonomy terms are collected separately because they are
shared by many services and created once.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from typing import Any

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
)

Data = dict[str, Any]

# Parents before children: the order rows are inserted in.
TABLE_ORDER: list[type] = [
    Organization,
    OrganizationIdentifier,
    Program,
    Location,
    Address,
    Accessibility,
    Service,
    ServiceAtLocation,
    ServiceArea,
    CostOption,
    RequiredDocument,
    Funding,
    Contact,
    Phone,
    Schedule,
    Language,
    Attribute,
]
SERVICE_LISTS = [
    (ServiceArea, "service_areas"),
    (CostOption, "cost_options"),
    (RequiredDocument, "required_documents"),
    (Funding, "funding"),
]
ADDRESS_REQUIRED = ("address_1", "city", "state_province", "postal_code")


@dataclass
class Rows:
    """Rows per model, plus the attributes whose taxonomy term still needs resolving."""

    tables: dict[type, list[Data]] = field(default_factory=lambda: defaultdict(list))
    attributes: list[tuple[Data, Data | None]] = field(default_factory=list)  # (row, term)
    organization_ids: set[str] = field(default_factory=set)  # those already added

    def add(self, model: type, data: Data, **owner: Any) -> Data:
        names = _column_names(model)
        row = columns_of(model, data) | {k: v for k, v in owner.items() if k in names}
        self.tables[model].append(row)
        return row

    def ids(self, model: type) -> list[str]:
        return [row["id"] for row in self.tables.get(model, [])]


def columns_of(model: type, data: Data) -> Data:
    """The dict's values for the model's own columns (nested objects dropped)."""
    names = _column_names(model)
    return {k: v for k, v in data.items() if k in names and not isinstance(v, (dict, list))}


@cache
def _column_names(model: type) -> frozenset[str]:
    """The model's column names (asked for once per row, so kept)."""
    return frozenset(model.__table__.columns.keys())  # type: ignore[attr-defined]


def flatten_service(data: Data, modified: dt.datetime, rows: Rows | None = None) -> Rows:
    """Add the rows of one service (and its organization, program, locations) to `rows`."""
    rows = rows if rows is not None else Rows()
    organization = data.get("organization")
    if organization:
        _organization(rows, organization)
    program = data.get("program")
    if program:
        rows.add(Program, program, organization_id=organization["id"] if organization else None)
    service_id = data["id"]
    rows.add(
        Service,
        data,
        organization_id=organization["id"] if organization else None,
        program_id=program["id"] if program else None,
        status=data.get("status") or "active",
        last_modified=modified,
    )
    for sal in data.get("service_at_locations") or []:
        _service_at_location(rows, sal, service_id)
    _children(rows, data, {"service_id": service_id})
    for model, key in SERVICE_LISTS:
        for item in data.get(key) or []:
            rows.add(model, item, service_id=service_id)
    _attributes(rows, data, service_id, "service")
    return rows


def flatten_organization(data: Data, rows: Rows | None = None) -> Rows:
    """Add the rows of one organization (and its identifiers) to `rows`."""
    rows = rows if rows is not None else Rows()
    _organization(rows, data)
    return rows


def _organization(rows: Rows, data: Data) -> None:
    if data["id"] in rows.organization_ids:
        return
    rows.organization_ids.add(data["id"])
    rows.add(Organization, data, description=data.get("description") or "")
    for identifier in data.get("organization_identifiers") or []:
        rows.add(OrganizationIdentifier, identifier, organization_id=data["id"])


def _service_at_location(rows: Rows, sal: Data, service_id: str) -> None:
    location = sal["location"]
    _location(rows, location)
    rows.add(ServiceAtLocation, sal, service_id=service_id, location_id=location["id"])
    _children(rows, sal, {"service_at_location_id": sal["id"]})
    _attributes(rows, sal, sal["id"], "service_at_location")


def _location(rows: Rows, data: Data) -> None:
    rows.add(Location, data, location_type=data.get("location_type") or "physical")
    owner = {"location_id": data["id"]}
    for address in data.get("addresses") or []:
        row = rows.add(Address, address, **owner)
        for name in ADDRESS_REQUIRED:  # HSDS requires these; unknown is "", not absent
            row.setdefault(name, "")
        row.setdefault("country", "GB")
        row.setdefault("address_type", "physical")
    for item in data.get("accessibility") or []:
        rows.add(Accessibility, item, **owner)
    _children(rows, data, owner)
    _attributes(rows, data, data["id"], "location")


def _children(rows: Rows, data: Data, owner: Data) -> None:
    """Phones, schedules, contacts and languages: the children any parent can have."""
    for phone in data.get("phones") or []:
        _phone(rows, phone, owner)
    for schedule in data.get("schedules") or []:
        rows.add(Schedule, schedule, **owner)
    for contact in data.get("contacts") or []:
        rows.add(Contact, contact, **owner)
        for phone in contact.get("phones") or []:
            _phone(rows, phone, owner | {"contact_id": contact["id"]})
    for language in data.get("languages") or []:
        rows.add(Language, language, **owner)


def _phone(rows: Rows, phone: Data, owner: Data) -> None:
    rows.add(Phone, phone, **owner)
    for language in phone.get("languages") or []:
        rows.add(Language, language, phone_id=phone["id"])


def _attributes(rows: Rows, data: Data, link_id: str, entity: str) -> None:
    for attribute in data.get("attributes") or []:
        row = {
            "id": attribute["id"],
            "link_id": link_id,
            "link_entity": entity,
            "taxonomy_term_id": attribute.get("taxonomy_term_id"),
            "link_type": attribute.get("link_type"),
            "value": attribute.get("value"),
        }
        rows.attributes.append((row, attribute.get("taxonomy_term")))
