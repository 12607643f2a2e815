"""Publishing a service's capacity the HSDS way, and keeping what is published true.

The editor's statement lives in four service columns (not HSDS). What HSDS readers see
is derived from it: one `attribute` of the service, linking the term of the
`signpost-capacity` taxonomy its statement reads as today (taking, waiting-list, full,
paused, not-known; documented in docs/capacity.md), its value the sentence with the
dates; and, for a waiting list, `wait_time` ("About 6 weeks (waiting list, said 2
November 2026)") unless the service has a wait_time of its own. Being rows, they reach
the API, the JSON dumps and the tabular package alike.

A statement expires with time, not with an edit, so `refresh_capacity` (run daily by
`signpost freshness run`) republishes the ones whose reading has changed since.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import generation
from app.models import Attribute, Service, Taxonomy, TaxonomyTerm, stable_id
from app.search.capacity import (
    EXPIRY_WEEKS,
    LABELS,
    NOT_KNOWN,
    CapacityReading,
    capacity_of,
    long_date,
)

CAPACITY_FIELDS = ("capacity_status", "capacity_wait_weeks", "capacity_until", "capacity_stated")
TAXONOMY_NAME = "signpost-capacity"
TAXONOMY_DESCRIPTION = (
    "Whether a service is taking new people, as its editor said and for how long that "
    "holds: see docs/capacity.md. An attribute of this taxonomy on a service says what "
    "the statement reads as on the day it was published; its value gives the dates."
)
TERM_CODES = {
    "taking": "signpost-capacity:taking",
    "waiting_list": "signpost-capacity:waiting-list",
    "full": "signpost-capacity:full",
    "paused": "signpost-capacity:paused",
    NOT_KNOWN: "signpost-capacity:not-known",
}
LINK_TYPE = "capacity"
WAIT_PREFIX = "About "
WAIT_MARK = "(waiting list, said "


def taxonomy_id() -> str:
    return stable_id("taxonomy", TAXONOMY_NAME)


def term_id(status: str) -> str:
    return stable_id("taxonomy_term", TAXONOMY_NAME, TERM_CODES[status])


def attribute_id(service_id: str) -> str:
    return stable_id("attribute", TAXONOMY_NAME, service_id)


def capacity_weeks(session: Session) -> int:
    """SIGNPOST_CAPACITY_WEEKS, as create_app gives it to every session (else 8)."""
    return int(session.info.get("capacity_weeks", EXPIRY_WEEKS))


def stamp_capacity(values: dict[str, Any], today: dt.date) -> dict[str, Any]:
    """A service's new values with `capacity_stated` today when a status is set without
    saying when (the editor is saying it now)."""
    if values.get("capacity_status") and not values.get("capacity_stated"):
        return {**values, "capacity_stated": today.isoformat()}
    return values


def ensure_capacity_taxonomy(session: Session) -> None:
    """The signpost-capacity taxonomy and its five terms (created once)."""
    if session.get(Taxonomy, taxonomy_id()) is None:
        session.add(
            Taxonomy(id=taxonomy_id(), name=TAXONOMY_NAME, description=TAXONOMY_DESCRIPTION)
        )
        session.flush()
    for status, code in TERM_CODES.items():
        if session.get(TaxonomyTerm, term_id(status)) is None:
            session.add(
                TaxonomyTerm(
                    id=term_id(status), code=code, name=LABELS[status],
                    description=f"Capacity: {LABELS[status].lower()}.",
                    taxonomy=TAXONOMY_NAME, taxonomy_id=taxonomy_id(),
                )
            )  # fmt: skip
    session.flush()


def attribute_value(reading: CapacityReading) -> str:
    """The published sentence, e.g. "Waiting list: about 6 weeks (said 2026-11-02; holds
    until 2026-12-28)"; for an expired one, when it was said and when it lapsed."""
    if reading.stated is None or reading.expires is None:
        return reading.text
    last = (reading.expires - dt.timedelta(days=1)).isoformat()
    return f"{reading.text} (said {reading.stated.isoformat()}; holds until {last})"


def wait_text(reading: CapacityReading) -> str | None:
    if reading.status != "waiting_list" or not reading.wait_weeks or reading.stated is None:
        return None
    weeks = f"{reading.wait_weeks} week{'s' if reading.wait_weeks != 1 else ''}"
    return f"{WAIT_PREFIX}{weeks} {WAIT_MARK}{long_date(reading.stated)})"


def is_derived_wait(text: str | None) -> bool:
    return bool(text) and text.startswith(WAIT_PREFIX) and WAIT_MARK in text


def publish_capacity(
    session: Session, service: Service, today: dt.date, weeks: int = EXPIRY_WEEKS
) -> bool:
    """Write the attribute and wait_time the service's statement reads as today (none
    when it never had one); returns whether anything changed."""
    reading = capacity_of(service, today, weeks)
    attribute = session.get(Attribute, attribute_id(service.id))
    changed = False
    if service.capacity_status is None and reading.stated is None:
        if attribute is not None:
            session.delete(attribute)
            changed = True
    else:
        ensure_capacity_taxonomy(session)
        wanted = {"taxonomy_term_id": term_id(reading.status), "value": attribute_value(reading)}
        if attribute is None:
            session.add(
                Attribute(
                    id=attribute_id(service.id), link_id=service.id, link_entity="service",
                    link_type=LINK_TYPE, **wanted,
                )
            )  # fmt: skip
            changed = True
        elif any(getattr(attribute, k) != v for k, v in wanted.items()):
            for key, value in wanted.items():
                setattr(attribute, key, value)
            changed = True
    wait = wait_text(reading)
    if (not service.wait_time or is_derived_wait(service.wait_time)) and service.wait_time != wait:
        service.wait_time = wait
        changed = True
    session.flush()
    return changed


def refresh_capacity(session: Session, today: dt.date, weeks: int = EXPIRY_WEEKS) -> int:
    """Republish every stated capacity whose reading has changed (expired, or a pause
    over); returns how many changed. The search generation changes when any did."""
    changed = 0
    services = session.scalars(select(Service).where(Service.capacity_status.is_not(None)))
    for service in services:
        changed += publish_capacity(session, service, today, weeks)
    if changed:
        generation.change_after_commit(session)
    return changed
