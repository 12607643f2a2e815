"""Eager-loading options for each nested HSDS response shape.

selectinload issues one query per relationship level for a whole page, never one per row.
Each function takes the loader path it hangs under (None at the top level).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import joinedload, selectinload

from app.models import (
    Attribute,
    Contact,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)


def _loader(path: Any = None):
    return path.selectinload if path is not None else selectinload


def with_terms(load: Any) -> Any:
    """An attributes load extended to each attribute's term and that term's taxonomy."""
    return load.selectinload(Attribute.taxonomy_term).selectinload(TaxonomyTerm.taxonomy_detail)


def location_options(path: Any = None) -> list[Any]:
    rel = _loader(path)
    return [
        rel(Location.addresses),
        rel(Location.accessibility),
        rel(Location.phones).selectinload(Phone.languages),
        with_terms(rel(Location.schedules).selectinload(Schedule.attributes)),
        rel(Location.languages),
        rel(Location.contacts).selectinload(Contact.phones).selectinload(Phone.languages),
        with_terms(rel(Location.attributes)),
    ]


def organization_detail_options(path: Any = None) -> list[Any]:
    rel = _loader(path)
    return [
        rel(Organization.funding),
        rel(Organization.contacts).selectinload(Contact.phones).selectinload(Phone.languages),
        rel(Organization.phones).selectinload(Phone.languages),
        rel(Organization.programs),
        rel(Organization.organization_identifiers),
        with_terms(rel(Organization.attributes)),
    ]


def service_list_options() -> list[Any]:
    """A list page's services with their organisation and program in the same query
    (each service has at most one of each: a join, not two more round trips)."""
    return [joinedload(Service.organization), joinedload(Service.program)]


def service_at_location_list_options() -> list[Any]:
    """What one item of GET /service_at_locations shows: the location without its contacts,
    phones and schedules, and the service as a list shows it (organisation, program). The
    one-to-one parts come by join, in the same query."""
    location = joinedload(ServiceAtLocation.location)
    service = joinedload(ServiceAtLocation.service)
    return [
        location.selectinload(Location.addresses),
        location.selectinload(Location.accessibility),
        location.selectinload(Location.languages),
        with_terms(location.selectinload(Location.attributes)),
        service.joinedload(Service.organization),
        service.joinedload(Service.program),
    ]


def service_at_location_options(path: Any = None) -> list[Any]:
    rel = _loader(path)
    return [
        rel(ServiceAtLocation.contacts).selectinload(Contact.phones).selectinload(Phone.languages),
        rel(ServiceAtLocation.phones).selectinload(Phone.languages),
        with_terms(rel(ServiceAtLocation.schedules).selectinload(Schedule.attributes)),
        with_terms(rel(ServiceAtLocation.attributes)),
        *location_options(rel(ServiceAtLocation.location)),
    ]


def service_full_options(path: Any = None, with_locations: bool = True) -> list[Any]:
    rel = _loader(path)
    options = [
        rel(Service.phones).selectinload(Phone.languages),
        with_terms(rel(Service.schedules).selectinload(Schedule.attributes)),
        rel(Service.service_areas),
        rel(Service.languages),
        *organization_detail_options(rel(Service.organization)),
        rel(Service.funding),
        rel(Service.cost_options),
        rel(Service.program),
        rel(Service.required_documents),
        rel(Service.contacts).selectinload(Contact.phones).selectinload(Phone.languages),
        with_terms(rel(Service.attributes)),
        rel(Service.metadata_entries),
    ]
    if with_locations:
        options += service_at_location_options(rel(Service.service_at_locations))
    return options
