"""Which locations services run at: what to re-place (borough, map) after the services
are written. Imports and deduplication both publish services, then set the boroughs of
their venues."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.chunks import chunks
from app.models import ServiceAtLocation

_BATCH = 500  # ids per IN list, which both engines accept


def locations_of(session: Session, service_ids: list[str]) -> list[str]:
    """The ids of the locations these services run at."""
    found: list[str] = []
    for chunk in chunks(service_ids, _BATCH):
        query = select(ServiceAtLocation.location_id).where(ServiceAtLocation.service_id.in_(chunk))
        found.extend(location_id for location_id in session.scalars(query) if location_id)
    return found
