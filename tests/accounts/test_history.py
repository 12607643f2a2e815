"""Every change, by a person or an importer, is in GET /services/{id}/history: who, what,
when, as HSDS metadata objects, newest first, in the HSDS page envelope."""

from __future__ import annotations

from app.models import new_id
from tests.accounts.conftest import CAMDEN, HEATH_WALK
from tests.accounts.test_import_conflicts import import_lunch_club

ENVELOPE = [
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
    "contents",
]


def history(client, service_id: str, **params) -> dict:
    response = client.get(f"/services/{service_id}/history", query_string=params)
    assert response.status_code == 200
    return response.get_json()


def rows(client, service_id: str) -> list[tuple]:
    return [
        (
            r["resource_type"],
            r["last_action_type"],
            r["field_name"],
            r["previous_value"],
            r["replacement_value"],
            r["updated_by"],
        )
        for r in history(client, service_id, per_page=100)["contents"]
    ]


def test_a_field_change_records_who_and_what(client, jo):
    client.patch(
        f"/services/{HEATH_WALK}",
        json={"name": "Heath walk", "alert": "No walk 24 Dec"},
        headers=jo.headers,
    )
    page = history(client, HEATH_WALK)
    assert list(page) == ENVELOPE
    who = f"account:{jo.account.id}"
    assert set(rows(client, HEATH_WALK)) == {
        ("service", "update", "name", "Hampstead Heath Health Walk", "Heath walk", who),
        ("service", "update", "alert", "", "No walk 24 Dec", who),
    }
    first = page["contents"][0]
    assert first["resource_id"] == HEATH_WALK and first["last_action_date"]


def test_changes_to_the_parts_of_a_service_are_in_its_history(client, jo, listings):
    camden = listings["camden"]
    phone = client.post(
        "/phones", json={"service_id": HEATH_WALK, "number": "020 7946 0555"}, headers=jo.headers
    ).get_json()
    client.patch(f"/schedules/{camden['schedule']}", json={"opens_at": "10:00"}, headers=jo.headers)
    client.delete(f"/cost_options/{camden['cost_option']}", headers=jo.headers)
    found = rows(client, HEATH_WALK)
    assert ("phone", "create", "number", "", "020 7946 0555", f"account:{jo.account.id}") in found
    assert any(
        r[:3] == ("schedule", "update", "opens_at") and r[3:5] == ("10:30", "10:00") for r in found
    )
    deleted = [r for r in found if r[0] == "cost_option"]
    assert deleted and {r[1] for r in deleted} == {"delete"}
    assert ("cost_option", "delete", "option", "Free", "", f"account:{jo.account.id}") in found
    assert phone["id"]


def test_history_is_newest_first_and_paged(client, jo):
    for name in ("One", "Two", "Three"):
        client.patch(f"/services/{HEATH_WALK}", json={"name": name}, headers=jo.headers)
    page = history(client, HEATH_WALK, per_page=2)
    assert [r["replacement_value"] for r in page["contents"]] == ["Three", "Two"]
    assert (page["total_items"], page["total_pages"], page["last_page"]) == (3, 2, False)
    assert history(client, HEATH_WALK, per_page=2, page=2)["contents"][0]["replacement_value"] == (
        "One"
    )


def test_deleting_a_service_is_in_its_history(client, jo):
    client.delete(f"/services/{HEATH_WALK}", headers=jo.headers)
    assert ("service", "update", "status", "active", "defunct", f"account:{jo.account.id}") in (
        rows(client, HEATH_WALK)
    )


def test_a_moderated_change_is_recorded_as_the_editors_once_approved(client, nell, mo):
    queued = client.patch(
        f"/services/{HEATH_WALK}", json={"name": "Heath walk"}, headers=nell.headers
    ).get_json()
    assert history(client, HEATH_WALK)["total_items"] == 0
    client.post(f"/change_requests/{queued['id']}/approve", json={}, headers=mo.headers)
    assert rows(client, HEATH_WALK)[0][2:] == (
        "name",
        "Hampstead Heath Health Walk",
        "Heath walk",
        f"account:{nell.account.id}",
    )


def test_importer_changes_are_in_the_history_too(client, session, tmp_path):
    service_id = import_lunch_club(session, description="Soup")
    import_lunch_club(session, description="Soup and a roll")
    found = rows(client, service_id)
    assert (
        "service",
        "update",
        "description",
        "Soup",
        "Soup and a roll",
        "import:lunch-clubs",
    ) in found
    assert ("service", "create", "", "", "", "import:lunch-clubs") in found


def test_the_history_of_an_unknown_service_is_404(client, sample):
    assert client.get(f"/services/{new_id()}/history").status_code == 404
    assert client.get("/services/nope/history").status_code == 422


def test_private_contact_details_stay_out_of_the_public_history(client, jo):
    contact = client.post(
        "/contacts",
        headers=jo.headers,
        json={
            "organization_id": CAMDEN,
            "name": "Jo Bloggs",
            "email": "jo.home@example.com",
            "is_public": False,
            "service_id": HEATH_WALK,
        },
    )
    assert contact.status_code == 201
    text = str(history(client, HEATH_WALK, per_page=100))
    assert "jo.home@example.com" not in text and "Jo Bloggs" not in text


def test_making_a_contact_private_blanks_its_earlier_history(client, jo, listings):
    contact = listings["camden"]["contact"]
    client.patch(f"/contacts/{contact}", json={"name": "Ann Other"}, headers=jo.headers)
    assert "Ann Other" in str(history(client, HEATH_WALK, per_page=100))
    client.patch(f"/contacts/{contact}", json={"is_public": False}, headers=jo.headers)
    text = str(history(client, HEATH_WALK, per_page=100))
    assert "Ann Other" not in text and "Volunteer coordinator" not in text
