"""Change requests in words a moderator and an editor read: which listing, which
organisation, what kind of change and from whom, instead of resource types and UUIDs.

>>> what_of("edit", "update", "schedule")
'Changed times'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Organization, Service
from app.models.accounts import ChangeRequest
from app.resources import affected_services, load_row, row_values

PARTS = {
    "service": "listing",
    "organization": "organisation",
    "location": "venue",
    "service_at_location": "venue link",
    "schedule": "times",
    "phone": "phone number",
    "contact": "contact",
    "cost_option": "cost",
    "language": "language",
    "accessibility": "venue access",
    "service_area": "area served",
    "attribute": "category",
    "program": "programme",
    "taxonomy": "taxonomy",
    "taxonomy_term": "category term",
}
ACTIONS = {"create": "New", "update": "Changed", "delete": "Removed"}


@dataclass(frozen=True)
class Subject:
    """What a change request is about, by name."""

    listing: str
    organization: str | None


def what_of(kind: str, action: str, resource_type: str) -> str:
    """A short heading for a request: "Changed times", "New phone number", "Problem reported"."""
    if kind == "claim":
        return "Request to manage the organisation"
    if kind == "report":
        return "Problem reported"
    part = PARTS.get(resource_type, resource_type.replace("_", " "))
    if kind == "import_conflict":
        return f"Import's value for the {part}"
    return f"{ACTIONS.get(action, action.capitalize())} {part}"


def who_of(label: str) -> str:
    """Who sent it, never an email address: the submitter's label is account:<id>,
    import:<source> or anonymous."""
    if label.startswith("import:"):
        return f"the import from {label.removeprefix('import:')}"
    return "a member of the public" if label == "anonymous" else "an editor"


def subject_of(session: Session, request: ChangeRequest) -> Subject:
    """The listing(s) and organisation a request touches, from the object as it is now,
    or as proposed when it does not exist yet (a new phone names its service)."""
    values = _values(session, request)
    organization = _organization_name(session, request, values)
    if request.resource_type == "organization":
        return Subject(organization or "An organisation", organization)
    if request.resource_type == "service":
        names = [values.get("name") or "A new listing"]
    else:
        ids = affected_services(session, request.resource_type, values)
        names = sorted(session.scalars(select(Service.name).where(Service.id.in_(ids))))
    if not names:
        return Subject("No listing", organization)
    listing = names[0] if len(names) == 1 else f"{names[0]} and {len(names) - 1} more"
    return Subject(listing, organization)


def _values(session: Session, request: ChangeRequest) -> dict[str, Any]:
    row = load_row(session, request.resource_type, request.resource_id)
    current = row_values(row) if row is not None else {}
    previous = {d["field"]: d["previous"] for d in request.diff or [] if d.get("previous")}
    return {**previous, **(request.proposed or {}), **current, "id": request.resource_id}


def _organization_name(
    session: Session, request: ChangeRequest, values: dict[str, Any]
) -> str | None:
    if request.resource_type == "organization":
        name = values.get("name")
        if name:
            return str(name)
    if request.organization_id:
        return session.scalar(
            select(Organization.name).where(Organization.id == request.organization_id)
        )
    return None
