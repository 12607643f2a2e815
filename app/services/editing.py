"""Changing the directory: create, update and delete HSDS objects, with permission checks,
the moderation queue, the change history and field locks.

A person's change goes through `submit_change`: it is checked (the object exists, what
it points at exists, the person may change it both before and after), then either
applied at once or queued as a change_request for a moderator (who later applies it
with `apply_change`). Every applied change writes HSDS metadata rows (one per field,
with the previous and new value and who made it), locks the fields a person set so an
import cannot silently overwrite them, stamps the services it touches with a new
last_modified and refreshes their search index rows.

Deleting a service never removes it: it becomes "defunct" and keeps its history, so a
mirror syncing with `modified_after` sees it go. Other objects are deleted; their
metadata rows keep what they said.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.orm import Session

from app import search
from app.auth.accounts import link_organization
from app.errors import Conflict, NotFound, Unprocessable
from app.models import MetadataEntry, Phone, Program, Service, TaxonomyTerm, new_id
from app.models.accounts import Account, ChangeRequest, FieldLock
from app.resources import (
    LINKABLE,
    RESOURCES,
    affected_services,
    id_in_use,
    load_row,
    owners,
    parent_refs,
    row_values,
)
from app.services.audit import record_change
from app.services.capacity import CAPACITY_FIELDS, capacity_weeks, publish_capacity, stamp_capacity
from app.services.permissions import require_may_edit, require_may_use_venue

DELETED_SERVICE_STATUS = "defunct"
LIVE_SERVICE_STATUSES = ("active", "temporarily closed")
NOT_AUDITED = ("id", "last_modified")
PRIVATE = "(private)"
CREATED, DELETED = "*", "-"  # field_lock names for whole objects


@dataclass
class Change:
    """One proposed change to one object: `values` are validated fields to set."""

    resource: str
    action: str  # create | update | delete
    resource_id: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class Outcome:
    """What became of a submitted change: applied (`row`) or queued (`change_request`);
    `changed` is False when it asked for what is already there."""

    row: Any = None
    change_request: ChangeRequest | None = None
    changed: bool = True

    @property
    def queued(self) -> bool:
        return self.change_request is not None


def submit_change(
    session: Session,
    account: Account,
    own: set[str],
    change: Change,
    *,
    moderate: bool,
    now: dt.datetime | None = None,
) -> Outcome:
    """Check a person's change, then apply it or queue it for a moderator."""
    now = now or dt.datetime.now(dt.UTC)
    change = _as_stored(session, change)
    if change.resource == "service" and change.action != "delete":
        change.values = stamp_capacity(change.values, now.date())
    current = _current(session, change)
    proposed = _proposed(change, current)
    if change.action != "delete":
        validate_references(session, change.resource, proposed)
    versions = [v for v in (current, proposed) if v is not None]
    if not (change.resource == "organization" and change.action == "create"):
        # Anyone may propose a new organisation (an editor's always waits for a moderator).
        require_may_edit(session, account, own, change.resource, *versions)
    if change.resource == "service_at_location" and proposed is not None:
        if proposed.get("location_id") != (current or {}).get("location_id"):
            require_may_use_venue(session, account, own, proposed.get("location_id"))
    _check_deletable(session, change)
    diff = make_diff(current, proposed, change.values if current else None)
    if change.action == "update" and not diff:
        return Outcome(row=load_row(session, change.resource, change.resource_id), changed=False)
    if moderate:
        return Outcome(change_request=_queue(session, account, change, current, diff, now))
    row = apply_change(
        session, change, updated_by=f"account:{account.id}", account_id=account.id, now=now
    )
    if change.resource == "organization" and change.action == "create":
        link_organization(session, account, change.resource_id)
    return Outcome(row=row)


def _as_stored(session: Session, change: Change) -> Change:
    """A service is never deleted: deleting it marks it defunct (its history stays)."""
    if change.resource == "service" and change.action == "delete":
        return Change("service", "update", change.resource_id, {"status": DELETED_SERVICE_STATUS})
    return change


def _check_deletable(session: Session, change: Change) -> None:
    """An organisation goes only when none of its services is still running."""
    if change.resource == "organization" and change.action == "delete":
        live = session.scalar(
            select(Service.id).where(
                Service.organization_id == change.resource_id,
                Service.status.in_(LIVE_SERVICE_STATUSES),
            )
        )
        if live:
            raise Conflict(
                "This organization still has active services; delete them (they become "
                "defunct) before deleting the organization."
            )


def _current(session: Session, change: Change) -> dict[str, Any] | None:
    row = load_row(session, change.resource, change.resource_id)
    if change.action == "create":
        if row is not None:
            raise Conflict(f"There is already a {change.resource} with id '{change.resource_id}'.")
        _require_free_id(session, change)
        return None
    if row is None:
        raise NotFound(f"No {change.resource} with id '{change.resource_id}'.")
    return row_values(row)


def _require_free_id(session: Session, change: Change) -> None:
    """409 when another kind of object has (or had) this id: see app.resources.id_in_use."""
    if id_in_use(session, change.resource, change.resource_id) is not None:
        raise Conflict(
            f"The id '{change.resource_id}' is already used by another kind of object; leave "
            "id out and the server assigns one."
        )


def _proposed(change: Change, current: dict[str, Any] | None) -> dict[str, Any] | None:
    if change.action == "delete":
        return None
    return {**(current or {}), **change.values, "id": change.resource_id}


def validate_references(session: Session, resource: str, values: dict[str, Any]) -> None:
    """422 naming each field that points at nothing (or at the wrong kind of thing)."""
    errors: dict[str, list[str]] = {}
    if resource == "attribute" and values.get("link_entity") not in LINKABLE:
        errors["link_entity"] = [f"Must be one of: {', '.join(LINKABLE)}."]
    for name, parent, parent_id in parent_refs(resource, values):
        if name not in errors and load_row(session, parent, parent_id) is None:
            errors[name] = [f"No {parent} with id '{parent_id}'."]
    if resource == "attribute" and session.get(TaxonomyTerm, values["taxonomy_term_id"]) is None:
        errors["taxonomy_term_id"] = [f"No taxonomy_term with id '{values['taxonomy_term_id']}'."]
    if resource == "service" and values.get("program_id"):
        if session.get(Program, values["program_id"]) is None:
            errors["program_id"] = [f"No program with id '{values['program_id']}'."]
    if resource == "organization" and values.get("parent_organization_id"):
        parent_id = values["parent_organization_id"]
        if parent_id == values["id"] or load_row(session, "organization", parent_id) is None:
            errors["parent_organization_id"] = [f"No other organization with id '{parent_id}'."]
    if resource not in ("organization", "service", "location") and not parent_refs(
        resource, values
    ):
        names = ", ".join(RESOURCES[resource].parents)
        errors["_schema"] = [f"A {resource} needs one of: {names}."]
    if errors:
        name, problems = next(iter(errors.items()))
        raise Unprocessable(f"Invalid json field '{name}': {problems[0]}", {"json": errors})


def make_diff(
    current: dict[str, Any] | None,
    proposed: dict[str, Any] | None,
    given: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """[{field, previous, proposed}] for each field the change would alter."""
    before, after = current or {}, proposed or {}
    names = list(given) if given is not None else list(dict.fromkeys([*before, *after]))
    return [
        {"field": name, "previous": before.get(name), "proposed": after.get(name)}
        for name in names
        if name not in NOT_AUDITED and before.get(name) != after.get(name)
    ]


def _queue(
    session: Session,
    account: Account,
    change: Change,
    current: dict[str, Any] | None,
    diff: list[dict[str, Any]],
    now: dt.datetime,
) -> ChangeRequest:
    values = current if change.action == "delete" else {**(current or {}), **change.values}
    organization = sorted(o for o in owners(session, change.resource, values) if o)
    if change.resource == "organization":
        organization = [change.resource_id]
    request = ChangeRequest(
        id=new_id(),
        kind="edit",
        status="pending",
        action=change.action,
        resource_type=change.resource,
        resource_id=change.resource_id,
        organization_id=organization[0] if organization else None,
        proposed=change.values,
        diff=diff,
        submitted_by=account.id,
        submitted_by_label=f"account:{account.id}",
        created_at=now,
    )
    session.add(request)
    session.flush()
    return request


def apply_change(
    session: Session,
    change: Change,
    *,
    updated_by: str,
    account_id: str | None,
    now: dt.datetime,
) -> Any:
    """Write a checked change: the row, its metadata rows, field locks (for a person,
    `account_id`), and the touched services' last_modified and search index rows."""
    change = _as_stored(session, change)
    _check_deletable(session, change)
    model = RESOURCES[change.resource].model
    row = load_row(session, change.resource, change.resource_id)
    before = row_values(row) if row is not None else {}
    if change.action == "create":
        if row is not None:
            raise Conflict(f"There is already a {change.resource} with id '{change.resource_id}'.")
        _require_free_id(session, change)
        values = {**change.values, "id": change.resource_id}
        if change.resource == "service":
            values = {"status": "active", **values, "last_modified": now}
        row = model(**values)
        session.add(row)
    elif row is None:
        raise NotFound(f"No {change.resource} with id '{change.resource_id}'.")
    elif change.action == "update":
        for name, value in change.values.items():
            setattr(row, name, value)
    touched = affected_services(session, change.resource, before) if before else set()
    if change.action == "delete":
        session.execute(delete(model).where(model.id == change.resource_id))
        session.expire_all()
        after, row = {}, None
    else:
        session.flush()
        after = row_values(row)
        touched |= affected_services(session, change.resource, after)
    changes = {
        d["field"]: (d["previous"], d["proposed"]) for d in make_diff(before or None, after or None)
    }
    _audit(session, change, before, after, changes, updated_by, now)
    if change.resource == "location" and {"latitude", "longitude"} & set(changes):
        search.assign_boroughs(session, [change.resource_id])  # the borough follows the point
    if account_id:
        _lock(session, change, list(changes), account_id, now)
    if change.resource == "service" and set(CAPACITY_FIELDS) & set(changes):
        publish_capacity(session, row, now.date(), capacity_weeks(session))
    touch_services(session, touched, now)
    return row


def _audit(session, change, before, after, changes, updated_by, now) -> None:
    if not changes and change.action == "update":
        return
    if is_private(session, change.resource, after or before):
        changes = {
            name: values if name == "is_public" else (PRIVATE, PRIVATE)
            for name, values in changes.items()
        }
        if change.resource == "contact" and before.get("is_public", True):
            scrub_history(session, change.resource_id)
    record_change(
        session, change.resource, change.resource_id, change.action, updated_by, changes, now
    )


def is_private(session: Session, resource: str, values: dict[str, Any]) -> bool:
    """A private contact, or a phone of one: its details stay out of the public history."""
    if resource == "contact":
        return values.get("is_public") is False
    if resource == "phone" and values.get("contact_id"):
        contact = load_row(session, "contact", values["contact_id"])
        return contact is not None and contact.is_public is False
    return False


def scrub_history(session: Session, contact_id: str) -> None:
    """Blank what the history says about a contact that has just become private."""
    phone_ids = list(session.scalars(select(Phone.id).where(Phone.contact_id == contact_id)))
    session.execute(
        update(MetadataEntry)
        .where(
            or_(
                and_(
                    MetadataEntry.resource_type == "contact",
                    MetadataEntry.resource_id == contact_id,
                ),
                and_(
                    MetadataEntry.resource_type == "phone", MetadataEntry.resource_id.in_(phone_ids)
                ),
            ),
            MetadataEntry.field_name != "is_public",
        )
        .values(previous_value=PRIVATE, replacement_value=PRIVATE)
        .execution_options(synchronize_session=False)
    )


def _lock(
    session: Session, change: Change, names: list[str], account_id: str, now: dt.datetime
) -> None:
    """Remember what a person set, so an import keeps it (see app.services.field_locks)."""
    if change.action == "create":
        names = [CREATED]
    elif change.action == "delete":
        names = [DELETED]
    for name in names:
        session.merge(
            FieldLock(
                resource_id=change.resource_id,
                field_name=name,
                resource_type=change.resource,
                account_id=account_id,
                at=now,
            )
        )


def touch_services(session: Session, service_ids: set[str], now: dt.datetime) -> None:
    """Give changed services a new last_modified and refresh their search index rows."""
    if not service_ids:
        return
    session.execute(
        update(Service).where(Service.id.in_(sorted(service_ids))).values(last_modified=now)
    )
    session.flush()
    search.index_services(session, sorted(service_ids))
