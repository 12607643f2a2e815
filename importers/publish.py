"""Write one HSDS 3.0 service dict (nested, with final IDs) into the database.

The pipeline gives every object in the dict its stable ID before calling this, so
publishing is "replace the service and everything nested in it with what the dict
says": re-publishing the same dict changes nothing, a changed dict updates in place
and keeps its IDs. Organizations and locations are upserted, never deleted here,
because other services may share them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

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

Data = dict[str, Any]


def columns_of(model: type, data: Data) -> Data:
    """The dict's values for the model's own columns (nested objects and unknowns dropped)."""
    names = model.__table__.columns.keys()  # type: ignore[attr-defined]
    return {
        key: data[key] for key in names if key in data and not isinstance(data[key], (dict, list))
    }


def upsert(session: Session, model: type, data: Data, **extra: Any) -> Any:
    """Insert or update one row by id, setting only the columns the dict gives."""
    values = columns_of(model, data) | extra
    obj = session.get(model, values["id"])
    if obj is None:
        obj = model(**values)
        session.add(obj)
    else:
        for key, value in values.items():
            setattr(obj, key, value)
    return obj


def publish_service(session: Session, data: Data, modified: dt.datetime) -> Service:
    """Replace the service `data["id"]` and its nested objects with `data`.

    Parents are flushed before children: the children's foreign keys point at rows the
    unit of work has no relationship to order them by.
    """
    with session.no_autoflush:
        remove_service(session, data["id"])
        service = add_service_and_parents(session, data, modified)
        session.flush()
        owner = {"service_id": service.id}
        for sal in data.get("service_at_locations", []):
            add_children(session, sal, {"service_at_location_id": sal["id"]})
            add_attributes(session, sal.get("attributes", []), sal["id"], "service_at_location")
            if sal.get("location"):
                add_location_children(session, sal["location"])
        add_children(session, data, owner)
        for model, key in SERVICE_CHILDREN:
            for item in data.get(key, []):
                session.add(model(**columns_of(model, item) | owner))
        add_attributes(session, data.get("attributes", []), service.id, "service")
    return service


SERVICE_CHILDREN = [
    (ServiceArea, "service_areas"),
    (CostOption, "cost_options"),
    (RequiredDocument, "required_documents"),
    (Funding, "funding"),
]


def add_service_and_parents(session: Session, data: Data, modified: dt.datetime) -> Service:
    organization = data.get("organization")
    if organization:
        publish_organization(session, organization)
    if data.get("program"):
        upsert(session, Program, data["program"])
    service = Service(
        **columns_of(Service, data)
        | {
            "organization_id": organization["id"] if organization else data.get("organization_id"),
            "last_modified": modified,
            "status": data.get("status") or "active",
        }
    )
    session.add(service)
    for sal in data.get("service_at_locations", []):
        location = sal.get("location")
        if location:
            replace_location(session, location)
        session.add(
            ServiceAtLocation(
                id=sal["id"],
                service_id=service.id,
                location_id=location["id"] if location else sal.get("location_id"),
                description=sal.get("description"),
            )
        )
    return service


def add_children(session: Session, data: Data, owner: Data) -> None:
    """Phones, schedules, contacts and languages: the children any parent can have."""
    for phone in data.get("phones", []):
        add_phone(session, phone, owner)
    for schedule in data.get("schedules", []):
        session.add(Schedule(**columns_of(Schedule, schedule) | owner))
    for contact in data.get("contacts", []):
        session.add(Contact(**columns_of(Contact, contact) | owner))
        for phone in contact.get("phones", []):
            add_phone(session, phone, owner | {"contact_id": contact["id"]})
    for language in data.get("languages", []):
        if "phone_id" not in owner:
            session.add(Language(**columns_of(Language, language) | owner))


def add_phone(session: Session, phone: Data, owner: Data) -> None:
    session.add(Phone(**columns_of(Phone, phone) | owner))
    for language in phone.get("languages", []):
        session.add(Language(**columns_of(Language, language), phone_id=phone["id"]))


def replace_location(session: Session, data: Data) -> Location:
    """Upsert a location and clear what hangs off it, to be re-added from `data`."""
    location_id = data["id"]
    for model in (Address, Accessibility, Language):
        session.execute(delete(model).where(model.location_id == location_id))
    for model in (Phone, Schedule, Contact):
        session.execute(
            delete(model).where(model.location_id == location_id, model.service_id.is_(None))
        )
    location_type = data.get("location_type") or "physical"
    return upsert(session, Location, data, location_type=location_type)


def add_location_children(session: Session, data: Data) -> None:
    location_id = data["id"]
    for address in data.get("addresses", []):
        session.add(Address(**_address(address), location_id=location_id))
    for item in data.get("accessibility", []):
        session.add(Accessibility(**columns_of(Accessibility, item), location_id=location_id))
    add_children(session, data, {"location_id": location_id})
    add_attributes(session, data.get("attributes", []), location_id, "location")


def _address(data: Data) -> Data:
    """HSDS requires these address fields; an unknown one is an empty string, not absent."""
    values = columns_of(Address, data)
    for required in ("address_1", "city", "state_province", "postal_code"):
        values.setdefault(required, "")
    values.setdefault("country", "GB")
    values.setdefault("address_type", "physical")
    return values


def publish_organization(session: Session, data: Data) -> Organization:
    organization = upsert(session, Organization, data, description=data.get("description") or "")
    for identifier in data.get("organization_identifiers", []):
        upsert(session, OrganizationIdentifier, identifier, organization_id=organization.id)
    return organization


def add_attributes(session: Session, attributes: list[Data], link_id: str, entity: str) -> None:
    """Link an object to taxonomy terms, creating the taxonomy and term on first sight."""
    session.execute(
        delete(Attribute).where(Attribute.link_id == link_id, Attribute.link_entity == entity)
    )
    for attribute in attributes:
        term = attribute.get("taxonomy_term")
        term_id = ensure_term(session, term) if term else attribute.get("taxonomy_term_id")
        session.add(
            Attribute(
                id=attribute["id"],
                link_id=link_id,
                link_entity=entity,
                taxonomy_term_id=term_id,
                link_type=attribute.get("link_type"),
                value=attribute.get("value"),
            )
        )


def ensure_term(session: Session, term: Data) -> str:
    """The id of the term, creating it (and its taxonomy) if this is its first use."""
    taxonomy_name = term.get("taxonomy") or (term.get("taxonomy_detail") or {}).get("name")
    taxonomy_id = term.get("taxonomy_id")
    if taxonomy_name and not taxonomy_id:
        taxonomy_id = ensure_taxonomy(session, taxonomy_name, term.get("taxonomy_detail"))
    term_id = term.get("id") or stable_id(
        "taxonomy_term", taxonomy_name or "", term.get("code") or term["name"]
    )
    if session.get(TaxonomyTerm, term_id) is None:
        values = columns_of(TaxonomyTerm, term) | {"id": term_id, "taxonomy_id": taxonomy_id}
        values.setdefault("description", "")
        values["taxonomy"] = taxonomy_name
        session.add(TaxonomyTerm(**values))
        session.flush()
    return term_id


def ensure_taxonomy(session: Session, name: str, detail: Data | None = None) -> str:
    existing = session.scalar(select(Taxonomy.id).where(Taxonomy.name == name))
    if existing:
        return existing
    values = columns_of(Taxonomy, detail or {}) | {"name": name}
    values.setdefault("id", stable_id("taxonomy", name))
    values.setdefault("description", "")
    session.add(Taxonomy(**values))
    session.flush()
    return values["id"]


def remove_service(session: Session, service_id: str) -> None:
    """Delete a service and what hangs only off it (locations and organizations stay)."""
    sal_ids = list(
        session.scalars(
            select(ServiceAtLocation.id).where(ServiceAtLocation.service_id == service_id)
        )
    )
    owned = [service_id, *sal_ids]
    session.execute(delete(Attribute).where(Attribute.link_id.in_(owned)))
    for model in (Phone, Schedule, Contact):
        session.execute(delete(model).where(model.service_at_location_id.in_(sal_ids)))
    for model in (
        Language,
        Phone,
        Schedule,
        Contact,
        Funding,
        CostOption,
        ServiceArea,
        RequiredDocument,
    ):
        session.execute(delete(model).where(model.service_id == service_id))
    session.execute(delete(ServiceAtLocation).where(ServiceAtLocation.service_id == service_id))
    session.execute(delete(Service).where(Service.id == service_id))
    session.expire_all()
