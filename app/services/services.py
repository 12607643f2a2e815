"""Reading services and service_at_locations: filters, ordering, one page, one record."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from app import search
from app.errors import NotFound
from app.models import Attribute, Service, ServiceAtLocation, TaxonomyTerm

from .loading import service_at_location_options, service_full_options, service_list_options
from .paging import Page, in_order, paginate


@dataclass
class ServiceFilters:
    search: str | None = None
    taxonomy_term_id: str | None = None
    taxonomy_id: str | None = None
    organization_id: str | None = None
    modified_after: dt.datetime | None = None
    status: str | None = None

    def statuses(self) -> list[str] | None:
        """Active only by default; a sync client asking `modified_after` sees withdrawals too."""
        if self.status:
            return [self.status]
        return None if self.modified_after else ["active"]


def filter_service_ids(session: Session, filters: ServiceFilters) -> Select:
    """A select of service ids matching the filters, in the order they should be listed."""
    query = select(Service.id)
    if statuses := filters.statuses():
        query = query.where(Service.status.in_(statuses))
    if filters.organization_id:
        query = query.where(Service.organization_id == filters.organization_id)
    if filters.modified_after:
        query = query.where(Service.last_modified >= filters.modified_after)
    if filters.taxonomy_term_id or filters.taxonomy_id:
        query = query.where(Service.id.in_(_tagged_service_ids(filters)))
    if filters.search:
        matches = search.match_services(session, filters.search).subquery()
        return query.join(matches, matches.c.service_id == Service.id).order_by(
            matches.c.rank, Service.name, Service.id
        )
    return query.order_by(Service.name, Service.id)


def _tagged_service_ids(filters: ServiceFilters) -> Select:
    query = select(Attribute.link_id).where(Attribute.link_entity == "service")
    if filters.taxonomy_term_id:
        query = query.where(Attribute.taxonomy_term_id == filters.taxonomy_term_id)
    if filters.taxonomy_id:
        query = query.join(TaxonomyTerm, TaxonomyTerm.id == Attribute.taxonomy_term_id).where(
            TaxonomyTerm.taxonomy_id == filters.taxonomy_id
        )
    return query


def list_services(
    session: Session, filters: ServiceFilters, page: int, per_page: int, full: bool = False
) -> Page[Service]:
    options = service_full_options() if full else service_list_options()

    def load(ids: list[str]) -> list[Service]:
        rows = session.scalars(select(Service).where(Service.id.in_(ids)).options(*options))
        return in_order(list(rows), ids)

    return paginate(session, filter_service_ids(session, filters), page, per_page, load)


def get_service(session: Session, service_id: str) -> Service:
    service = session.scalars(
        select(Service).where(Service.id == service_id).options(*service_full_options())
    ).one_or_none()
    if service is None:
        raise NotFound(f"No service with id '{service_id}'.")
    return service


def list_service_at_locations(
    session: Session, filters: ServiceFilters, page: int, per_page: int, full: bool = False
) -> Page[ServiceAtLocation]:
    service_ids = filter_service_ids(session, filters).subquery()
    ids = (
        select(ServiceAtLocation.id)
        .join(service_ids, service_ids.c.id == ServiceAtLocation.service_id)
        .order_by(ServiceAtLocation.service_id, ServiceAtLocation.id)
    )
    options = service_at_location_options() + _sal_service_options(full)

    def load(page_ids: list[str]) -> list[ServiceAtLocation]:
        query = select(ServiceAtLocation).where(ServiceAtLocation.id.in_(page_ids))
        return in_order(list(session.scalars(query.options(*options))), page_ids)

    return paginate(session, ids, page, per_page, load)


def _sal_service_options(full: bool) -> list:
    path = selectinload(ServiceAtLocation.service)
    if full:
        return service_full_options(path, with_locations=False)
    return [path.selectinload(Service.organization), path.selectinload(Service.program)]


def get_service_at_location(session: Session, sal_id: str) -> ServiceAtLocation:
    options = service_at_location_options() + _sal_service_options(full=True)
    sal = session.scalars(
        select(ServiceAtLocation).where(ServiceAtLocation.id == sal_id).options(*options)
    ).one_or_none()
    if sal is None:
        raise NotFound(f"No service_at_location with id '{sal_id}'.")
    return sal
