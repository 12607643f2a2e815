"""Reading locations."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import NotFound
from app.models import Location
from app.services.loading import location_options


def get_location(session: Session, location_id: str) -> Location:
    query = select(Location).where(Location.id == location_id).options(*location_options())
    location = session.scalars(query).one_or_none()
    if location is None:
        raise NotFound(f"No location with id '{location_id}'.")
    return location
