"""A later import never silently overwrites what a person changed.

The source says one thing, an editor corrects it, the source changes: the editor's value
stays live and the source's goes to the moderation queue as an "import_conflict".
"""

from __future__ import annotations

from sqlalchemy import select

from app.models import Phone, Service, SourceRecord
from app.models.accounts import ChangeRequest
from importers.pipeline.run import SourceSpec, run_import
from importers.readers.record import Record

SOURCE = SourceSpec(name="lunch-clubs", format="hsds")


def import_lunch_club(session, description="Soup", name="Lunch Club", phone="020 7946 0700"):
    """Import one record from the "lunch-clubs" source; returns the service id."""
    service = {
        "name": name,
        "description": description,
        "organization": {"name": "Friends of Kentish Town", "website": "https://fokt.example.org"},
        "phones": [{"number": phone}],
    }
    record = Record(key="club-1", position="item 1", raw={"name": name}, service=service)
    run_import(session, SOURCE, [record], full=False)
    session.commit()
    return session.scalar(select(SourceRecord.service_id).where(SourceRecord.key == "club-1"))


def editor_of(make_person, session, service_id):
    organization_id = session.get(Service, service_id).organization_id
    return make_person("cook@fokt.example.org", organizations=[organization_id], trusted=True)


def conflicts(session) -> list[ChangeRequest]:
    query = select(ChangeRequest).where(ChangeRequest.kind == "import_conflict")
    return list(session.scalars(query.order_by(ChangeRequest.created_at)))


def live(client, service_id) -> dict:
    return client.get(f"/services/{service_id}").get_json()


def test_the_editors_value_stays_and_the_sources_waits_for_a_moderator(
    client, session, make_person
):
    service_id = import_lunch_club(session, description="Soup")
    editor = editor_of(make_person, session, service_id)
    client.patch(
        f"/services/{service_id}",
        json={"description": "Soup and pudding, Tuesdays"},
        headers=editor.headers,
    )

    import_lunch_club(session, description="Soup, Wednesdays")

    assert live(client, service_id)["description"] == "Soup and pudding, Tuesdays"
    [conflict] = conflicts(session)
    assert (conflict.status, conflict.resource_id, conflict.proposed) == (
        "pending",
        service_id,
        {"description": "Soup, Wednesdays"},
    )
    assert conflict.diff == [
        {
            "field": "description",
            "previous": "Soup and pudding, Tuesdays",
            "proposed": "Soup, Wednesdays",
        }
    ]
    assert conflict.submitted_by_label == "import:lunch-clubs"
    # The source's own version is kept as the source gave it.
    record = session.scalar(select(SourceRecord).where(SourceRecord.key == "club-1"))
    assert record.record["description"] == "Soup, Wednesdays"


def test_fields_nobody_changed_still_follow_the_source(client, session, make_person):
    service_id = import_lunch_club(session, description="Soup", name="Lunch Club")
    editor = editor_of(make_person, session, service_id)
    client.patch(
        f"/services/{service_id}", json={"description": "Soup and pudding"}, headers=editor.headers
    )
    import_lunch_club(session, description="Soup", name="Kentish Town Lunch Club")
    service = live(client, service_id)
    assert (service["name"], service["description"]) == (
        "Kentish Town Lunch Club",
        "Soup and pudding",
    )
    assert conflicts(session) == []  # the source still says what it said before: nothing new


def test_the_same_imported_value_is_queued_once(client, session, make_person):
    service_id = import_lunch_club(session, description="Soup")
    editor = editor_of(make_person, session, service_id)
    client.patch(
        f"/services/{service_id}", json={"description": "Soup and pudding"}, headers=editor.headers
    )
    import_lunch_club(session, description="Soup, Wednesdays")
    import_lunch_club(session, description="Soup, Wednesdays", name="Lunch club")
    assert len(conflicts(session)) == 1
    import_lunch_club(session, description="Soup, Thursdays", name="Lunch club")
    assert [c.status for c in conflicts(session)] == ["superseded", "pending"]


def test_approving_a_conflict_lets_the_source_win_again(client, session, make_person, mo):
    service_id = import_lunch_club(session, description="Soup")
    editor = editor_of(make_person, session, service_id)
    client.patch(
        f"/services/{service_id}", json={"description": "Soup and pudding"}, headers=editor.headers
    )
    import_lunch_club(session, description="Soup, Wednesdays")
    [conflict] = conflicts(session)
    response = client.post(
        f"/change_requests/{conflict.id}/approve", json={"reason": "Checked"}, headers=mo.headers
    )
    assert response.get_json()["status"] == "approved"
    assert live(client, service_id)["description"] == "Soup, Wednesdays"
    import_lunch_club(session, description="Soup, Fridays")
    assert live(client, service_id)["description"] == "Soup, Fridays"


def test_rejecting_a_conflict_keeps_the_editors_value(client, session, make_person, mo):
    service_id = import_lunch_club(session, description="Soup")
    editor = editor_of(make_person, session, service_id)
    client.patch(
        f"/services/{service_id}", json={"description": "Soup and pudding"}, headers=editor.headers
    )
    import_lunch_club(session, description="Soup, Wednesdays")
    [conflict] = conflicts(session)
    client.post(
        f"/change_requests/{conflict.id}/reject",
        json={"reason": "Source is out of date"},
        headers=mo.headers,
    )
    import_lunch_club(session, description="Soup, Wednesdays", name="Lunch club")
    assert live(client, service_id)["description"] == "Soup and pudding"
    assert [c.status for c in conflicts(session)] == ["rejected"]


def test_parts_a_person_changed_added_or_deleted_survive_an_import(client, session, make_person):
    service_id = import_lunch_club(session, phone="020 7946 0700")
    editor = editor_of(make_person, session, service_id)
    [imported_phone] = session.scalars(select(Phone).where(Phone.service_id == service_id))
    client.delete(f"/phones/{imported_phone.id}", headers=editor.headers)
    added = client.post(
        "/phones", json={"service_id": service_id, "number": "07700 900123"}, headers=editor.headers
    ).get_json()
    schedule = client.post(
        "/schedules",
        json={"service_id": service_id, "description": "Tuesdays at noon"},
        headers=editor.headers,
    ).get_json()

    import_lunch_club(session, phone="020 7946 0799", description="Soup and bread")

    service = live(client, service_id)
    assert service["description"] == "Soup and bread"
    assert [p["number"] for p in service["phones"]] == ["07700 900123"]
    assert service["phones"][0]["id"] == added["id"]
    assert [s["id"] for s in service["schedules"]] == [schedule["id"]]


def test_the_history_records_no_import_change_to_a_field_an_editors_lock_kept(
    client, session, make_person
):
    service_id = import_lunch_club(session, description="Soup", name="Lunch Club")
    editor = editor_of(make_person, session, service_id)
    client.patch(
        f"/services/{service_id}", json={"description": "Soup and pudding"}, headers=editor.headers
    )

    import_lunch_club(session, description="Soup, Wednesdays", name="Kentish Town Lunch Club")

    history = client.get(f"/services/{service_id}/history", query_string={"per_page": 100})
    by_import = [
        (row["field_name"], row["previous_value"], row["replacement_value"])
        for row in history.get_json()["contents"]
        if row["updated_by"] == "import:lunch-clubs" and row["last_action_type"] == "update"
    ]
    assert by_import == [("name", "Lunch Club", "Kentish Town Lunch Club")]
