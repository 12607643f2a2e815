"""The HSDS objects people may write, what owns each, and which services a change touches.

Every writable object belongs to organisations through its parents: a phone through its
service, location, contact or organization; an attribute through the object it links.
An editor may change an object only when every organisation that owns it is theirs.
A location without an organization_id belongs to the organisations whose services run
there; an object with no owner at all can only be changed by moderators and admins.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from app.models import (
    Accessibility,
    Attribute,
    Contact,
    CostOption,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
)

Values = Mapping[str, Any]


@dataclass(frozen=True)
class Resource:
    name: str  # the HSDS table name, also metadata.resource_type
    collection: str  # the URL path: /phones
    model: type
    parents: tuple[str, ...] = ()  # foreign keys that name an owner


PARENT_RESOURCE = {
    "organization_id": "organization",
    "service_id": "service",
    "location_id": "location",
    "service_at_location_id": "service_at_location",
    "contact_id": "contact",
    "phone_id": "phone",
}

RESOURCES: dict[str, Resource] = {
    r.name: r
    for r in (
        Resource("organization", "organizations", Organization),
        Resource("service", "services", Service, ("organization_id",)),
        Resource("location", "locations", Location, ("organization_id",)),
        Resource(
            "service_at_location",
            "service_at_locations",
            ServiceAtLocation,
            ("service_id", "location_id"),
        ),
        Resource(
            "schedule",
            "schedules",
            Schedule,
            ("service_id", "location_id", "service_at_location_id"),
        ),
        Resource(
            "phone",
            "phones",
            Phone,
            (
                "service_id",
                "location_id",
                "organization_id",
                "contact_id",
                "service_at_location_id",
            ),
        ),
        Resource(
            "contact",
            "contacts",
            Contact,
            ("organization_id", "service_id", "service_at_location_id", "location_id"),
        ),
        Resource("cost_option", "cost_options", CostOption, ("service_id",)),
        Resource("language", "languages", Language, ("service_id", "location_id", "phone_id")),
        Resource("accessibility", "accessibility", Accessibility, ("location_id",)),
        Resource("service_area", "service_areas", ServiceArea, ("service_id",)),
        Resource("attribute", "attributes", Attribute, ("link_id",)),
    )
}
LINKABLE = ("organization", "service", "location", "service_at_location", "schedule")


def row_values(row: Any) -> dict[str, Any]:
    """A model row's column values by name."""
    return {attr.key: getattr(row, attr.key) for attr in inspect(row).mapper.column_attrs}


def column_default(resource: str, name: str) -> Any:
    """The value a column gets when a write does not give one (None unless the model says)."""
    column = RESOURCES[resource].model.__table__.columns.get(name)
    default = getattr(column, "default", None)
    return default.arg if default is not None and default.is_scalar else None


def load_row(session: Session, resource: str, row_id: str | None) -> Any | None:
    if not row_id or resource not in RESOURCES:
        return None
    return session.get(RESOURCES[resource].model, row_id)


def id_in_use(session: Session, resource: str, row_id: str) -> str | None:
    """The kind of object that already has (or once had) this id, if any but `resource`.

    IDs are unique per table only, yet an id names one object to the API, the history and
    the field locks: a new object may not take an id any other kind of object has or had
    (issue 19, H1). Deleted objects are found by their history and field-lock rows.
    """
    from app.models import MetadataEntry
    from app.models.accounts import FieldLock

    for name, info in RESOURCES.items():
        if name != resource and session.get(info.model, row_id) is not None:
            return name
    others = [name for name in RESOURCES if name != resource]
    for model in (MetadataEntry, FieldLock):
        found = session.scalar(
            select(model.resource_type)
            .where(model.resource_type.in_(others), model.resource_id == row_id)
            .limit(1)
        )
        if found is not None:
            return found
    return None


def parent_refs(resource: str, values: Values) -> list[tuple[str, str, str]]:
    """(field, parent resource, parent id) for each parent the values name."""
    if resource == "attribute":
        entity = values.get("link_entity")
        return [("link_id", entity, values["link_id"])] if values.get("link_id") else []
    return [
        (name, PARENT_RESOURCE[name], values[name])
        for name in RESOURCES[resource].parents
        if values.get(name)
    ]


def owners(session: Session, resource: str, values: Values) -> set[str | None]:
    """The organisations that own an object with these values (None: an owner is missing)."""
    if resource == "organization":
        return {values.get("id")}
    if resource == "service":
        return {values.get("organization_id")}
    if resource == "location":
        if values.get("organization_id"):
            return {values["organization_id"]}
        query = (
            select(Service.organization_id)
            .join(ServiceAtLocation, ServiceAtLocation.service_id == Service.id)
            .where(ServiceAtLocation.location_id == values.get("id"))
        )
        return set(session.scalars(query)) or {None}
    if resource == "service_at_location":
        # Running a service at a venue is the service's business, not the venue's.
        return owners_of(session, "service", values.get("service_id"))
    refs = parent_refs(resource, values)
    if not refs:
        return {None}
    found: set[str | None] = set()
    for _field, parent, parent_id in refs:
        found |= owners_of(session, parent, parent_id)
    return found


def owners_of(session: Session, resource: str, row_id: str | None) -> set[str | None]:
    row = load_row(session, resource, row_id)
    return {None} if row is None else owners(session, resource, row_values(row))


def affected_services(session: Session, resource: str, values: Values) -> set[str]:
    """The services whose published record shows this object."""
    if resource == "service":
        return {values["id"]} if values.get("id") else set()
    if resource == "organization":
        query = select(Service.id).where(Service.organization_id == values.get("id"))
        return set(session.scalars(query))
    if resource == "location":
        query = select(ServiceAtLocation.service_id).where(
            ServiceAtLocation.location_id == values.get("id")
        )
        return {sid for sid in session.scalars(query) if sid}
    found: set[str] = set()
    for _field, parent, parent_id in parent_refs(resource, values):
        row = load_row(session, parent, parent_id)
        if row is not None:
            found |= affected_services(session, parent, row_values(row))
    return found
