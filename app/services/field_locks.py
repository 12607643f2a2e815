"""A later import never silently overwrites what a person changed.

Every field a person sets is locked (field_lock). Before the pipeline publishes a batch,
`keep_editor_fields` gives it copies of the imported services in which:

- a locked field keeps the value a person set; when the source has changed its value
  since its last import (and has not offered that same value before), the new value goes
  to the moderation queue as an "import_conflict" change request, which a moderator may
  approve (the source wins and the lock is released) or reject (the person's value stays);
- an object a person deleted stays deleted;
- an object a person added to an imported service (a phone, a schedule, a cost option...)
  is kept, although the source does not list it.

The pipeline keeps the source's own version in source_record, untouched.

A lock names its object by (resource type, id): ids are unique only per table, and a
schedule someone deleted must never delete the phone that happens to share its id
(issue 19, H1).
"""

from __future__ import annotations

import copy
import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.chunks import chunks
from app.models import (
    Attribute,
    Contact,
    CostOption,
    Language,
    Phone,
    Schedule,
    ServiceArea,
    Source,
    SourceRecord,
    new_id,
)
from app.models.accounts import ChangeRequest, FieldLock
from app.resources import load_row, owners, row_values
from app.services.editing import CREATED, DELETED

Data = dict[str, Any]

# Where each kind of object sits in an HSDS service dict.
KEY_RESOURCE = {
    "organization": "organization",
    "service_at_locations": "service_at_location",
    "location": "location",
    "phones": "phone",
    "schedules": "schedule",
    "contacts": "contact",
    "languages": "language",
    "cost_options": "cost_option",
    "service_areas": "service_area",
    "accessibility": "accessibility",
    "attributes": "attribute",
}
# A person's additions directly under a service, kept when the source does not list them.
KEPT_PARTS = {
    "phones": Phone,
    "schedules": Schedule,
    "contacts": Contact,
    "languages": Language,
    "cost_options": CostOption,
    "service_areas": ServiceArea,
}
NESTED_IDS = ("service_id", "contact_id", "link_id", "link_entity")


def keep_editor_fields(
    session: Session, services: list[Data], source_name: str, now: dt.datetime
) -> list[Data]:
    """The services to publish: `services` itself when nothing is locked, else copies."""
    if session.scalar(select(FieldLock.resource_id).limit(1)) is None:
        return services  # nobody has edited anything yet (a first bulk import): no walk
    source_label = f"import:{source_name}"
    objects = list(_walk_all(services))
    locks = _locks(session, {(r, obj["id"]) for r, obj, _p in objects if obj.get("id")})
    service_ids = [s["id"] for s in services]
    created = _created_parts(session, service_ids)
    if not locks and not created:
        return services
    services = copy.deepcopy(services)
    before = _previous_objects(session, source_name, service_ids) if locks else {}
    for resource, obj, parent in _walk_all(services):
        fields = locks.get((resource, obj.get("id")), set())
        if DELETED in fields and parent is not None:
            parent.remove(obj)
            continue
        for name in sorted(fields - {CREATED, DELETED}):
            said = before.get(obj["id"], {}).get(name)
            _keep(session, resource, obj, name, said, source_label, now)
    for service in services:
        _restore_created(service, created.get(service["id"], {}))
    return services


def _walk_all(services: list[Data]) -> Iterator[tuple[str, Data, list | None]]:
    for service in services:
        yield "service", service, None
        yield from _walk(service)


def _walk(data: Data) -> Iterator[tuple[str, Data, list | None]]:
    """(resource, object, the list holding it) for every object nested in `data`."""
    for key, value in list(data.items()):
        resource = KEY_RESOURCE.get(key)
        if resource is None:
            continue
        if isinstance(value, dict):
            yield resource, value, None
            yield from _walk(value)
        elif isinstance(value, list):
            for item in list(value):
                if isinstance(item, dict):
                    yield resource, item, value
                    yield from _walk(item)


def _locks(session: Session, objects: set[tuple[str, str]]) -> dict[tuple[str, str], set[str]]:
    """{(resource type, id): locked field names} for these objects (by the primary key,
    which leads with the resource type)."""
    by_type: dict[str, list[str]] = defaultdict(list)
    for resource, row_id in sorted(objects):
        by_type[resource].append(row_id)
    found: dict[tuple[str, str], set[str]] = defaultdict(set)
    for resource, ids in by_type.items():
        for chunk in chunks(ids):
            query = select(FieldLock.resource_id, FieldLock.field_name).where(
                FieldLock.resource_type == resource, FieldLock.resource_id.in_(chunk)
            )
            for resource_id, name in session.execute(query):
                found[resource, resource_id].add(name)
    return found


def _previous_objects(session: Session, source_name: str, service_ids: list[str]) -> dict:
    """{object id: object} as this source last gave them (its stored source records)."""
    query = (
        select(SourceRecord.record)
        .join(Source, Source.id == SourceRecord.source_id)
        .where(Source.name == source_name, SourceRecord.service_id.in_(service_ids))
    )
    found: dict[str, Data] = {}
    for record in session.scalars(query):
        for _resource, obj, _parent in _walk_all([record]):
            if obj.get("id"):
                found[obj["id"]] = obj
    return found


def _keep(
    session: Session,
    resource: str,
    obj: Data,
    name: str,
    said_before: Any,
    source_label: str,
    now: dt.datetime,
) -> None:
    """Put back the person's value; queue the source's if the source changed it."""
    row = load_row(session, resource, obj["id"])
    if row is None:
        return
    current, imported = getattr(row, name, None), obj.get(name)
    obj[name] = current
    if imported is not None and imported != current and imported != said_before:
        _raise_conflict(session, resource, row, name, current, imported, source_label, now)


def _raise_conflict(session, resource, row, name, current, imported, source_label, now) -> None:
    """Queue the source's value once: not again while it says the same thing."""
    earlier = session.scalars(
        select(ChangeRequest).where(
            ChangeRequest.kind == "import_conflict",
            ChangeRequest.resource_type == resource,
            ChangeRequest.resource_id == row.id,
        )
    )
    for request in earlier:
        if name not in request.proposed:
            continue
        if request.proposed[name] == imported:
            return
        if request.status == "pending":
            request.status = "superseded"
    organization = sorted(o for o in owners(session, resource, row_values(row)) if o)
    session.add(
        ChangeRequest(
            id=new_id(),
            kind="import_conflict",
            status="pending",
            action="update",
            resource_type=resource,
            resource_id=row.id,
            organization_id=organization[0] if organization else None,
            proposed={name: imported},
            diff=[{"field": name, "previous": current, "proposed": imported}],
            message=f"The source now says something else for {name}, which a person changed.",
            submitted_by_label=source_label,
            created_at=now,
        )
    )
    session.flush()


def _created_parts(session: Session, service_ids: list[str]) -> dict[str, dict[str, list[Data]]]:
    """{service id: {key: [row dicts]}} of parts people added to these services."""

    def created(resource: str):
        return select(FieldLock.resource_id).where(
            FieldLock.field_name == CREATED, FieldLock.resource_type == resource
        )

    found: dict[str, dict[str, list[Data]]] = defaultdict(lambda: defaultdict(list))
    for key, model in KEPT_PARTS.items():
        query = select(model).where(
            model.service_id.in_(service_ids), model.id.in_(created(KEY_RESOURCE[key]))
        )
        if model is Phone:
            query = query.where(Phone.contact_id.is_(None))  # kept under its contact
        rows = session.scalars(query)
        for row in rows:
            item = _as_dict(row)
            if key == "contacts":
                phones = session.scalars(select(Phone).where(Phone.contact_id == row.id))
                item["phones"] = [_as_dict(phone) for phone in phones]
            found[row.service_id][key].append(item)
    attributes = session.scalars(
        select(Attribute).where(
            Attribute.link_entity == "service",
            Attribute.link_id.in_(service_ids),
            Attribute.id.in_(created("attribute")),
        )
    )
    for attribute in attributes:
        found[attribute.link_id]["attributes"].append(_as_dict(attribute))
    return found


def _as_dict(row: Any) -> Data:
    values = row_values(row)
    # The service_id and contact_id come from where the row is nested.
    return {k: v for k, v in values.items() if k not in NESTED_IDS and v is not None}


def _restore_created(service: Data, parts: dict[str, list[Data]]) -> None:
    for key, items in parts.items():
        listed = service.setdefault(key, [])
        present = {item.get("id") for item in listed}
        listed.extend(item for item in items if item["id"] not in present)
