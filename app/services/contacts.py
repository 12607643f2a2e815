"""An organisation's contacts as its editors see them: private ones included.

The public read API never shows a private contact (the ORM relationships filter them
out); this is the one place that lists them, for people allowed to edit them.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from app.errors import NotFound
from app.models import Contact, Location, Organization, Service, ServiceAtLocation
from app.models.accounts import Account
from app.resources import owners, row_values
from app.services.permissions import may_edit


def organization_contacts(
    session: Session, organization_id: str, account: Account, own: set[str]
) -> list[Contact]:
    """Every contact of the organisation, its services, and the places they run, that the
    account may edit (a venue shared with another organisation keeps its contacts apart)."""
    if session.get(Organization, organization_id) is None:
        raise NotFound(f"No organization with id '{organization_id}'.")
    services = select(Service.id).where(Service.organization_id == organization_id)
    sals = select(ServiceAtLocation.id).where(ServiceAtLocation.service_id.in_(services))
    locations = select(Location.id).where(
        or_(
            Location.organization_id == organization_id,
            Location.id.in_(
                select(ServiceAtLocation.location_id).where(
                    ServiceAtLocation.service_id.in_(services)
                )
            ),
        )
    )
    query = (
        select(Contact)
        .where(
            or_(
                Contact.organization_id == organization_id,
                Contact.service_id.in_(services),
                Contact.service_at_location_id.in_(sals),
                Contact.location_id.in_(locations),
            )
        )
        .options(selectinload(Contact.phones))
        .order_by(Contact.name, Contact.id)
    )
    return [
        contact
        for contact in session.scalars(query)
        if may_edit(account, owners(session, "contact", row_values(contact)), own)
    ]
