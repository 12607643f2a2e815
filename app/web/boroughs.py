"""`/boroughs`: active services per London borough and per need, so commissioners can
see where the gaps are."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, render_template
from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from app.db import get_read_session
from app.geo import count_services_by_borough
from app.models import Location, Service, ServiceAtLocation
from app.search import filters
from app.search.capacity import NOT_KNOWN, status_column
from app.taxonomy import find_term_ids
from app.web.capacity import capacity_weeks
from app.web.search import NEEDS

blp = Blueprint("boroughs", __name__)
CAPACITY_COLUMNS = (
    ("taking", "Taking new people"),
    ("waiting_list", "Waiting list"),
    ("full", "Full"),
    ("paused", "Paused"),
    (NOT_KNOWN, "Not known"),
)


def count_services_by_borough_and_need(
    session: Session, needs: tuple[tuple[str, str], ...] = NEEDS
) -> dict[str, dict[str, int]]:
    """Need code -> borough name -> active services with a venue there tagged with the
    need's term (or a term below it, or a same-named term of an imported taxonomy)."""
    counts: dict[str, dict[str, int]] = {}
    for code, _label in needs:
        term_ids = find_term_ids(session, code)
        counts[code] = {}
        if not term_ids:
            continue
        rows = session.execute(
            select(Location.borough, func.count(distinct(Service.id)))
            .join(ServiceAtLocation, ServiceAtLocation.location_id == Location.id)
            .join(Service, Service.id == ServiceAtLocation.service_id)
            .where(
                Service.status == "active",
                Location.borough.is_not(None),
                filters.tagged(term_ids).service,
            )
            .group_by(Location.borough)
        )
        counts[code] = {borough: count for borough, count in rows}
    return counts


def count_capacity_by_borough(
    session: Session, today: dt.date, weeks: int
) -> dict[str, dict[str, int]]:
    """Borough name -> capacity status as read today (taking, waiting_list, full, paused,
    not_known) -> active services with a venue there."""
    status = status_column(today, weeks).label("capacity")
    rows = session.execute(
        select(Location.borough, status, func.count(distinct(Service.id)))
        .join(ServiceAtLocation, ServiceAtLocation.location_id == Location.id)
        .join(Service, Service.id == ServiceAtLocation.service_id)
        .where(Service.status == "active", Location.borough.is_not(None))
        .group_by(Location.borough, status)
    )
    counts: dict[str, dict[str, int]] = {}
    for borough, capacity, count in rows:
        counts.setdefault(borough, {})[capacity] = count
    return counts


@blp.get("/boroughs")
def overview() -> str:
    """A table: each borough's active services, in all and per need."""
    session = get_read_session()
    totals = count_services_by_borough(session)
    by_need = count_services_by_borough_and_need(session)
    by_capacity = count_capacity_by_borough(session, dt.date.today(), capacity_weeks())
    return render_template(
        "search/boroughs.html",
        totals=totals,
        by_need=by_need,
        needs=NEEDS,
        by_capacity=by_capacity,
        capacity_labels=CAPACITY_COLUMNS,
    )
