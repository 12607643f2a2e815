"""Issue 19, H1, repeated on every write resource: reusing an ID never reaches another
organisation.

Organisation B ("Friends of Kentish Town") publishes through an import. Editor A (Sam,
Islington Mind) creates, then deletes, objects of every writable kind whose ids are
B's. Before the fix, a schedule created and deleted with the id of B's phone deleted
that phone at B's next import, sent B's source updates to moderation and put A's text
in B's public history. Now a new object may not take an id another kind of object has
(409), and every field lock and history row is keyed by (resource type, id), so even
an id A guessed before B's import created it leaves B's listing alone.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.models import Location, SourceRecord, TaxonomyTerm, new_id
from app.models.accounts import ChangeRequest
from app.resources import RESOURCES
from importers.pipeline.run import SourceSpec, run_import
from importers.readers.record import Record
from tests.accounts.conftest import ISLINGTON, KNIT

SOURCE = SourceSpec(name="kentish-town", format="hsds")
A_TEXT = "Planted by another organisation"
WRITE_TYPES = list(RESOURCES)


def b_service(number: str = "020 7946 0700", name: str = "Lunch Club") -> dict:
    """B's listing with a part of every kind an import publishes."""
    return {
        "name": name,
        "description": "Soup",
        "organization": {"name": "Friends of Kentish Town", "website": "https://fokt.example"},
        "phones": [{"number": number}],
        "schedules": [{"byday": "TU", "opens_at": "12:00", "closes_at": "14:00", "freq": "WEEKLY"}],
        "contacts": [{"name": "Front desk", "email": "desk@fokt.example"}],
        "languages": [{"name": "English", "code": "en"}],
        "cost_options": [{"option": "Soup", "amount": 2.5, "currency": "GBP"}],
        "service_areas": [{"name": "Kentish Town"}],
        "service_at_locations": [
            {
                "location": {
                    "name": "Community hall",
                    "latitude": 51.55,
                    "longitude": -0.14,
                    "accessibility": [{"description": "Step-free"}],
                },
                "schedules": [{"byday": "TU", "freq": "WEEKLY", "description": "Lunch"}],
            }
        ],
    }


def import_b(session, key: str = "club-1", commit: bool = True, **changes) -> str:
    record = Record(key=key, position="item 1", raw={}, service=b_service(**changes))
    run_import(session, SOURCE, [record], full=False)
    if commit:
        session.commit()
    return session.scalar(select(SourceRecord.service_id).where(SourceRecord.key == key))


def b_objects(client, service_id: str) -> dict[str, set[str]]:
    """{resource type: ids} of B's listing as the API publishes it."""
    service = client.get(f"/services/{service_id}").get_json()
    found: dict[str, set[str]] = {
        "service": {service["id"]},
        "organization": {service["organization"]["id"]},
    }

    def add(kind: str, items) -> None:
        found.setdefault(kind, set()).update(item["id"] for item in items or [])

    for key, kind in [
        ("phones", "phone"),
        ("schedules", "schedule"),
        ("contacts", "contact"),
        ("languages", "language"),
        ("cost_options", "cost_option"),
        ("service_areas", "service_area"),
        ("service_at_locations", "service_at_location"),
    ]:
        add(kind, service.get(key))
    for sal in service.get("service_at_locations") or []:
        add("schedule", sal.get("schedules"))
        add("location", [sal["location"]])
        add("accessibility", sal["location"].get("accessibility"))
    return found


def b_objects_in(session, service_id: str) -> dict[str, set[str]]:
    """b_objects read from the session (an import not yet committed)."""
    from app.models import Service

    service = session.get(Service, service_id)
    found = {"service": {service.id}, "organization": {service.organization_id}}
    for kind in ("phone", "schedule", "contact", "language", "cost_option", "service_area"):
        model = RESOURCES[kind].model
        found[kind] = set(session.scalars(select(model.id).where(model.service_id == service_id)))
    sals = RESOURCES["service_at_location"].model
    rows = session.execute(select(sals.id, sals.location_id).where(sals.service_id == service_id))
    rows = rows.all()
    found["service_at_location"] = {sal_id for sal_id, _ in rows}
    found["location"] = {location_id for _, location_id in rows}
    schedule, access = RESOURCES["schedule"].model, RESOURCES["accessibility"].model
    found["schedule"] |= set(
        session.scalars(
            select(schedule.id).where(
                schedule.service_at_location_id.in_(found["service_at_location"])
            )
        )
    )
    found["accessibility"] = set(
        session.scalars(select(access.id).where(access.location_id.in_(found["location"])))
    )
    return found


def a_body(session, kind: str, a_location: str) -> dict:
    """A valid body for editor A (Islington Mind): an object A's organisation owns."""
    term = session.scalar(select(TaxonomyTerm.id).limit(1))
    return {
        "organization": {"name": A_TEXT},
        "service": {"name": A_TEXT, "organization_id": ISLINGTON},
        "location": {"name": A_TEXT, "organization_id": ISLINGTON},
        "service_at_location": {"service_id": KNIT, "location_id": a_location},
        "schedule": {"service_id": KNIT, "description": A_TEXT},
        "phone": {"service_id": KNIT, "number": "020 7946 0999", "description": A_TEXT},
        "contact": {"service_id": KNIT, "name": A_TEXT},
        "cost_option": {"service_id": KNIT, "option": A_TEXT},
        "language": {"service_id": KNIT, "name": A_TEXT},
        "accessibility": {"location_id": a_location, "description": A_TEXT},
        "service_area": {"service_id": KNIT, "name": A_TEXT},
        "attribute": {
            "link_entity": "service",
            "link_id": KNIT,
            "taxonomy_term_id": term,
            "value": A_TEXT,
        },
    }[kind]


def a_location(client, sam) -> str:
    location_id = new_id()
    response = client.post(
        "/locations",
        json={"id": location_id, "name": "Islington hall", "organization_id": ISLINGTON},
        headers=sam.headers,
    )
    assert response.status_code == 201, response.get_json()
    return location_id


def create_and_delete(client, session, person, kind: str, object_id: str, where: str) -> int:
    """A creates a `kind` with this id and, when that worked, deletes it again."""
    collection = RESOURCES[kind].collection
    body = {"id": object_id, **a_body(session, kind, where)}
    status = client.post(f"/{collection}", json=body, headers=person.headers).status_code
    if status == 201:
        client.delete(f"/{collection}/{object_id}", headers=person.headers)
    return status


def actor(kind: str, sam, mo):
    """An editor's new organisation waits for a moderator: there the moderator acts."""
    return mo if kind == "organization" else sam


def assert_b_unharmed(client, session, service_id, before: dict[str, set[str]], number: str):
    after = b_objects(client, service_id)
    assert after == before  # nothing of B's disappeared (its phone, its only venue...)
    service = client.get(f"/services/{service_id}").get_json()
    assert [p["number"] for p in service["phones"]] == [number]  # B's update applied
    assert session.scalars(select(ChangeRequest.id)).all() == []  # nothing sent to moderation
    history = client.get(f"/services/{service_id}/history", query_string={"per_page": 100})
    assert A_TEXT not in history.get_data(as_text=True)
    assert A_TEXT not in client.get(f"/services/{service_id}").get_data(as_text=True)


@pytest.mark.parametrize("kind", WRITE_TYPES)
def test_a_new_object_may_not_take_an_id_another_kind_has(client, session, sam, mo, kind):
    service_id = import_b(session)
    before = b_objects(client, service_id)
    where = a_location(client, sam)
    statuses = {
        (target, object_id): create_and_delete(
            client, session, actor(kind, sam, mo), kind, object_id, where
        )
        for target, ids in before.items()
        if target != kind
        for object_id in ids
    }

    import_b(session, number="020 7946 0800")

    assert_b_unharmed(client, session, service_id, before, "020 7946 0800")
    assert set(statuses.values()) == {409}, statuses


@pytest.mark.parametrize("kind", WRITE_TYPES)
def test_an_id_taken_before_the_import_made_it_leaves_the_import_alone(
    client, session, sam, mo, kind
):
    """A guesses the ids B's next import will give (they are derived, not secret),
    creates and deletes objects of another kind with them first."""
    guess = import_b(session, key="club-2", commit=False, number="020 7946 0701")
    predicted = b_objects_in(session, guess)
    session.rollback()
    assert session.scalar(select(Location.id).where(Location.id.in_(predicted["location"]))) is None
    where = a_location(client, sam)
    statuses = [
        create_and_delete(client, session, actor(kind, sam, mo), kind, object_id, where)
        for target, ids in predicted.items()
        if target != kind
        for object_id in ids
    ]
    assert set(statuses) == {201}  # the ids were free: A's objects were made and deleted

    service_id = import_b(session, key="club-2", number="020 7946 0701")

    assert b_objects(client, service_id) == predicted
    assert_b_unharmed(client, session, service_id, predicted, "020 7946 0701")
