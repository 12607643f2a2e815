"""A service's change history: the HSDS metadata rows about it and the objects it holds.

The service's own rows, plus those of its direct parts (phones, schedules, contacts,
languages, cost options, service areas, service_at_locations and what hangs off them,
its attributes) — including parts since deleted, found by the service_id their create
and delete rows recorded. Newest first.

Every part is named by (resource type, id), never by id alone: an id is unique only
within its table, so a schedule someone else once gave the id of this service's phone
must not bring that schedule's rows into this history (issue 19, H1).
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import and_, or_, select
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
Part = tuple[str, str]  # (resource type, id)


def part_ids(session: Session, service_id: str) -> set[Part]:
    """(resource type, id) of the service and of every part it holds or once held."""
    parts: set[Part] = {("service", service_id)}
    for model in SERVICE_PARTS:
        query = select(model.id).where(model.service_id == service_id)
        parts |= {(model.__tablename__, row_id) for row_id in session.scalars(query)}
    sal_ids = set(
        session.scalars(
            select(ServiceAtLocation.id).where(ServiceAtLocation.service_id == service_id)
        )
    )
    for model in SAL_PARTS:
        query = select(model.id).where(model.service_at_location_id.in_(sal_ids))
        parts |= {(model.__tablename__, row_id) for row_id in session.scalars(query)}
    holders = parts | {("service_at_location", sal_id) for sal_id in sal_ids}
    linked = select(Attribute.id).where(_named(Attribute.link_entity, Attribute.link_id, holders))
    parts |= {("attribute", row_id) for row_id in session.scalars(linked)}
    # Parts deleted (or moved away) since: their rows named this service as the owner
    # before. Only people's edits write rows about parts, so this scan stays small.
    former = select(MetadataEntry.resource_type, MetadataEntry.resource_id).where(
        MetadataEntry.resource_type.in_(PART_TYPES),
        MetadataEntry.field_name.in_(OWNER_FIELDS),
        MetadataEntry.previous_value.in_([service_id, *sal_ids]),
    )
    return parts | {(kind, row_id) for kind, row_id in session.execute(former)}


def _named(type_column, id_column, parts: set[Part]):
    """A condition: (type_column, id_column) is one of `parts` (grouped by type)."""
    by_type: dict[str, list[str]] = defaultdict(list)
    for kind, row_id in parts:
        by_type[kind].append(row_id)
    return or_(
        *(
            and_(type_column == kind, id_column.in_(sorted(ids)))
            for kind, ids in sorted(by_type.items())
        )
    )


def service_history(
    session: Session, service_id: str, page: int, per_page: int
) -> Page[MetadataEntry]:
    if session.get(Service, service_id) is None:
        raise NotFound(f"No service with id '{service_id}'.")
    ids = (
        select(MetadataEntry.id)
        .where(
            _named(
                MetadataEntry.resource_type,
                MetadataEntry.resource_id,
                part_ids(session, service_id),
            )
        )
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
