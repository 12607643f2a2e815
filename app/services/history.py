"""A service's change history: the HSDS metadata rows about it and the objects it holds.

The service's own rows, plus those of its direct parts (phones, schedules, contacts,
languages, cost options, service areas, service_at_locations and what hangs off them,
its attributes) — including parts since deleted, found by the service_id their create
and delete rows recorded. Newest first.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import NotFound
from app.models import (
    Attribute,
    Contact,
    CostOption,
    Language,
    MetadataEntry,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
)
from app.services.paging import Page, in_order, paginate

SERVICE_PARTS = (Phone, Schedule, Contact, Language, CostOption, ServiceArea, ServiceAtLocation)
SAL_PARTS = (Phone, Schedule, Contact)
OWNER_FIELDS = ("service_id", "service_at_location_id", "link_id")
PART_TYPES = (
    "phone",
    "schedule",
    "contact",
    "language",
    "cost_option",
    "service_area",
    "service_at_location",
    "attribute",
)


def part_ids(session: Session, service_id: str) -> set[str]:
    ids = {service_id}
    for model in SERVICE_PARTS:
        ids |= set(session.scalars(select(model.id).where(model.service_id == service_id)))
    sal_ids = set(
        session.scalars(
            select(ServiceAtLocation.id).where(ServiceAtLocation.service_id == service_id)
        )
    )
    for model in SAL_PARTS:
        query = select(model.id).where(model.service_at_location_id.in_(sal_ids))
        ids |= set(session.scalars(query))
    linked = select(Attribute.id).where(Attribute.link_id.in_(ids | sal_ids))
    ids |= set(session.scalars(linked))
    # Parts deleted (or moved away) since: their rows named this service as the owner
    # before. Only people's edits write rows about parts, so this scan stays small.
    former = select(MetadataEntry.resource_id).where(
        MetadataEntry.resource_type.in_(PART_TYPES),
        MetadataEntry.field_name.in_(OWNER_FIELDS),
        MetadataEntry.previous_value.in_([service_id, *sal_ids]),
    )
    return ids | set(session.scalars(former))


def service_history(
    session: Session, service_id: str, page: int, per_page: int
) -> Page[MetadataEntry]:
    if session.get(Service, service_id) is None:
        raise NotFound(f"No service with id '{service_id}'.")
    ids = (
        select(MetadataEntry.id)
        .where(MetadataEntry.resource_id.in_(part_ids(session, service_id)))
        .order_by(
            MetadataEntry.last_action_date.desc(),
            MetadataEntry.resource_type,
            MetadataEntry.field_name,
            MetadataEntry.id,
        )
    )

    def load(page_ids: list[str]) -> list[MetadataEntry]:
        rows = session.scalars(select(MetadataEntry).where(MetadataEntry.id.in_(page_ids)))
        return in_order(list(rows), page_ids)

    return paginate(session, ids, page, per_page, load)
