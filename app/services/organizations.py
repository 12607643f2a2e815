"""Reading organizations."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from app.errors import NotFound
from app.models import Organization
from app.services.listing import Listing
from app.services.loading import location_options, organization_detail_options, service_full_options
from app.services.paging import Page, in_order
from app.sql_text import escape_like


def organization_listing(session: Session, search: str | None, full: bool = False) -> Listing:
    """The organizations whose name matches `search` (all without one), by name."""
    ids = select(Organization.id).order_by(Organization.name, Organization.id)
    if search:
        pattern = f"%{escape_like(search)}%"
        ids = ids.where(
            or_(
                Organization.name.ilike(pattern, escape="\\"),
                Organization.alternate_name.ilike(pattern, escape="\\"),
            )
        )
    options = organization_full_options(full_service=False) if full else []

    def load(page_ids: list[str]) -> list[Organization]:
        query = select(Organization).where(Organization.id.in_(page_ids)).options(*options)
        return in_order(list(session.scalars(query)), page_ids)

    return Listing(session, load, ids=ids)


def list_organizations(
    session: Session, search: str | None, page: int, per_page: int, full: bool = False
) -> Page[Organization]:
    return organization_listing(session, search, full).page(page, per_page)


def organization_full_options(full_service: bool) -> list:
    services = selectinload(Organization.services)
    service_options = service_full_options(services) if full_service else []
    return [
        *organization_detail_options(),
        *location_options(selectinload(Organization.locations)),
        services,
        *service_options,
    ]


def get_organization(session: Session, organization_id: str, full_service: bool) -> Organization:
    query = select(Organization).where(Organization.id == organization_id)
    organization = session.scalars(
        query.options(*organization_full_options(full_service))
    ).one_or_none()
    if organization is None:
        raise NotFound(f"No organization with id '{organization_id}'.")
    return organization
