"""Keeping listings current: an editor confirms "still running, details correct" in one
step (assured_date and assurer_email), and `signpost stale` finds the listings nobody
has confirmed or changed for months, per borough, flagging them for follow-up.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.auth.permissions import require_may_edit
from app.errors import NotFound
from app.models import Location, Service, ServiceAtLocation
from app.models.accounts import Account, FollowUp

from .editing import LIVE_SERVICE_STATUSES, Change, apply_change
from .resources import row_values

UNKNOWN_BOROUGH = "unknown"
STALE_REASON = "stale"


def confirm_service(session: Session, account: Account, own: set[str], service_id: str) -> Service:
    """Record that the service still runs as listed: assured today by this account.
    Goes live at once (it changes no details) and clears any follow-up flag."""
    service = session.get(Service, service_id)
    if service is None:
        raise NotFound(f"No service with id '{service_id}'.")
    require_may_edit(session, account, own, "service", row_values(service))
    now = dt.datetime.now(dt.UTC)
    values = {"assured_date": now.date().isoformat(), "assurer_email": account.email}
    apply_change(
        session,
        Change("service", "update", service_id, values),
        updated_by=f"account:{account.id}",
        account_id=account.id,
        now=now,
    )
    # Confirming is news even when the values are today's already.
    service.last_modified = now
    session.execute(delete(FollowUp).where(FollowUp.service_id == service_id))
    session.flush()
    return service


@dataclass
class StaleListing:
    service_id: str
    name: str
    organization_id: str | None
    last_seen: dt.datetime  # the later of last_modified and assured_date
    flagged: bool


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """The same day `months` calendar months earlier (clamped to the month's last day)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def last_seen(service: Service) -> dt.datetime:
    seen = service.last_modified
    if service.assured_date:
        try:
            assured = dt.date.fromisoformat(service.assured_date[:10])
        except ValueError:
            return seen
        assured_at = dt.datetime(assured.year, assured.month, assured.day, tzinfo=dt.UTC)
        seen = max(seen, assured_at)
    return seen


def list_stale(
    session: Session, months: int, now: dt.datetime | None = None
) -> dict[str, list[StaleListing]]:
    """Live listings neither changed nor confirmed in `months`, by borough ("unknown"
    when none of its locations has one); a listing in two boroughs is under both."""
    cutoff = months_before(now or dt.datetime.now(dt.UTC), months)
    candidates = session.scalars(
        select(Service)
        .where(Service.status.in_(LIVE_SERVICE_STATUSES), Service.last_modified < cutoff)
        .order_by(Service.name, Service.id)
    )
    stale = [s for s in candidates if last_seen(s) < cutoff]
    ids = [s.id for s in stale]
    boroughs: dict[str, set[str]] = defaultdict(set)
    flagged: set[str] = set()
    if ids:
        rows = session.execute(
            select(ServiceAtLocation.service_id, Location.borough)
            .join(Location, Location.id == ServiceAtLocation.location_id)
            .where(ServiceAtLocation.service_id.in_(ids), Location.borough.is_not(None))
        )
        for service_id, borough in rows:
            boroughs[service_id].add(borough)
        flagged = set(
            session.scalars(select(FollowUp.service_id).where(FollowUp.service_id.in_(ids)))
        )
    grouped: dict[str, list[StaleListing]] = defaultdict(list)
    for service in stale:
        listing = StaleListing(
            service.id,
            service.name,
            service.organization_id,
            last_seen(service),
            service.id in flagged,
        )
        for borough in sorted(boroughs[service.id]) or [UNKNOWN_BOROUGH]:
            grouped[borough].append(listing)
    return dict(sorted(grouped.items(), key=lambda item: (item[0] == UNKNOWN_BOROUGH, item[0])))


def mark_stale(session: Session, grouped: dict[str, list[StaleListing]]) -> int:
    """Flag these listings for follow-up (once each); returns how many were newly flagged."""
    now = dt.datetime.now(dt.UTC)
    ids = {listing.service_id for listings in grouped.values() for listing in listings}
    existing = set(session.scalars(select(FollowUp.service_id).where(FollowUp.service_id.in_(ids))))
    new = sorted(ids - existing)
    session.add_all(FollowUp(service_id=i, reason=STALE_REASON, flagged_at=now) for i in new)
    session.flush()
    return len(new)


def is_flagged(session: Session, service_id: str) -> bool:
    return session.get(FollowUp, service_id) is not None
