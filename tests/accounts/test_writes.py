"""Writing listings through the API: validation, what each method does, side effects."""

from __future__ import annotations

import datetime as dt

import pytest

from app.models import new_id
from tests.accounts.conftest import CAMDEN, HEATH_WALK


def parse(moment: str) -> dt.datetime:
    return dt.datetime.fromisoformat(moment)


@pytest.mark.parametrize(
    "path, body, field, says",
    [
        ("/services", {"organization_id": CAMDEN}, "name", "Missing data"),
        ("/services", {"name": "", "organization_id": CAMDEN}, "name", "Must not be empty"),
        ("/services", {"name": "Walk", "status": "paused"}, "status", "Must be one of"),
        ("/services", {"name": "Walk", "email": "not-an-email"}, "email", "email"),
        ("/services", {"name": "Walk", "url": "javascript:alert(1)"}, "url", "URL"),
        ("/services", {"name": "Walk", "minimum_age": -1}, "minimum_age", "greater than"),
        ("/services", {"name": "Walk", "organization_id": "camden"}, "organization_id", "UUID"),
        ("/services", {"name": "Walk", "colour": "green"}, "colour", "Unknown field"),
        ("/services", {"name": "Walk", "wait_time": "1\x00 week"}, "wait_time", "NUL"),
        ("/schedules", {"service_id": HEATH_WALK, "byday": "Mondays"}, "byday", "comma"),
        ("/schedules", {"service_id": HEATH_WALK, "opens_at": "25:00"}, "opens_at", "HH:MM"),
        ("/schedules", {"service_id": HEATH_WALK, "count": 2**70}, "count", "less than"),
        (
            "/phones",
            {"service_id": HEATH_WALK, "number": "1", "extension": 2**31},
            "extension",
            "less than",
        ),
        ("/phones", {"service_id": HEATH_WALK}, "number", "Missing data"),
        (
            "/locations",
            {"location_type": "boat", "organization_id": CAMDEN},
            "location_type",
            "Must be one of",
        ),
        ("/cost_options", {"service_id": HEATH_WALK, "amount": -3}, "amount", "greater than"),
        (
            "/attributes",
            {"link_id": HEATH_WALK, "link_entity": "service"},
            "taxonomy_term_id",
            "Missing data",
        ),
    ],
)
def test_invalid_bodies_are_422_naming_the_field(client, jo, path, body, field, says):
    response = client.post(path, json=body, headers=jo.headers)
    assert response.status_code == 422
    error = response.get_json()
    assert list(error) == ["code", "status", "message", "errors"]
    assert says.lower() in " ".join(error["errors"]["json"][field]).lower()
    assert f"'{field}'" in error["message"]


@pytest.mark.parametrize(
    "path, body, field",
    [
        ("/phones", {"service_id": new_id(), "number": "1"}, "service_id"),
        ("/services", {"name": "Walk", "organization_id": new_id()}, "organization_id"),
        (
            "/services",
            {"name": "Walk", "organization_id": CAMDEN, "program_id": new_id()},
            "program_id",
        ),
        ("/phones", {"number": "1"}, "_schema"),
    ],
)
def test_pointing_at_nothing_is_422(client, mo, path, body, field):
    response = client.post(path, json=body, headers=mo.headers)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["json"]


def test_creating_a_service_publishes_it_and_indexes_it_for_search(client, jo):
    response = client.post(
        "/services",
        headers=jo.headers,
        json={
            "name": "Zumba Gold",
            "organization_id": CAMDEN,
            "description": "Gentle dance.",
            "email": "zumba@camdenhealthwalks.example.org",
        },
    )
    assert response.status_code == 201
    created = response.get_json()
    assert created["status"] == "active" and created["last_modified"]
    assert client.get(f"/services/{created['id']}").get_json()["name"] == "Zumba Gold"
    found = client.get("/services?search=zumba").get_json()["contents"]
    assert [s["id"] for s in found] == [created["id"]]


def test_a_client_may_choose_the_id_but_not_reuse_one(client, jo):
    chosen = new_id()
    body = {"id": chosen, "name": "Tai chi", "organization_id": CAMDEN}
    assert client.post("/services", json=body, headers=jo.headers).get_json()["id"] == chosen
    again = client.post("/services", json=body, headers=jo.headers)
    assert again.status_code == 409


def test_patch_changes_only_the_fields_given_and_bumps_last_modified(client, jo):
    before = client.get(f"/services/{HEATH_WALK}").get_json()
    response = client.patch(
        f"/services/{HEATH_WALK}",
        json={"fees_description": "Free, donations welcome"},
        headers=jo.headers,
    )
    after = client.get(f"/services/{HEATH_WALK}").get_json()
    assert response.status_code == 200
    assert after["fees_description"] == "Free, donations welcome"
    assert after["description"] == before["description"]
    assert parse(after["last_modified"]) > parse(before["last_modified"])


def test_put_replaces_the_whole_object(client, jo):
    response = client.put(
        f"/services/{HEATH_WALK}",
        headers=jo.headers,
        json={"name": "Heath walk", "organization_id": CAMDEN},
    )
    after = client.get(f"/services/{HEATH_WALK}").get_json()
    assert response.status_code == 200
    assert after["name"] == "Heath walk" and "description" not in after
    assert after["status"] == "active"


@pytest.mark.parametrize(
    "method, body, field",
    [
        ("post", {"name": "Walk", "organization_id": CAMDEN, "status": None}, "status"),
        ("put", {"name": "Heath walk", "organization_id": CAMDEN, "status": None}, "status"),
        ("patch", {"status": None}, "status"),
    ],
)
def test_null_for_a_field_that_must_have_a_value_is_422(client, jo, method, body, field):
    path = "/services" if method == "post" else f"/services/{HEATH_WALK}"
    response = getattr(client, method)(path, json=body, headers=jo.headers)
    assert response.status_code == 422
    assert "null" in " ".join(response.get_json()["errors"]["json"][field]).lower()


def test_an_empty_organization_description_is_kept_empty(client, jo):
    response = client.patch(
        f"/organizations/{CAMDEN}", json={"description": ""}, headers=jo.headers
    )
    assert response.status_code == 200
    assert response.get_json()["description"] == ""


def test_put_accepts_what_get_returned(client, jo):
    """A client may fetch a service, change it and PUT it back, nested parts and all."""
    service = client.get(f"/services/{HEATH_WALK}").get_json()
    service["name"] = "Hampstead Heath walk"
    response = client.put(f"/services/{HEATH_WALK}", json=service, headers=jo.headers)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["name"] == "Hampstead Heath walk"


def test_the_body_id_must_match_the_path(client, jo):
    response = client.patch(
        f"/services/{HEATH_WALK}", json={"id": new_id(), "name": "x"}, headers=jo.headers
    )
    assert response.status_code == 422


def test_unknown_objects_are_404(client, jo):
    response = client.patch(f"/phones/{new_id()}", json={"number": "1"}, headers=jo.headers)
    assert response.status_code == 404


def test_deleting_a_service_marks_it_defunct_and_keeps_it(client, jo):
    assert client.delete(f"/services/{HEATH_WALK}", headers=jo.headers).status_code == 204
    service = client.get(f"/services/{HEATH_WALK}").get_json()
    assert service["status"] == "defunct"
    listed = [s["id"] for s in client.get("/services").get_json()["contents"]]
    assert HEATH_WALK not in listed
    since = client.get("/services?modified_after=2000-01-01").get_json()["contents"]
    assert {"id": HEATH_WALK, "status": "defunct"}.items() <= next(
        s for s in since if s["id"] == HEATH_WALK
    ).items()


NEAR_THE_HEATH = "/services?lat=51.5589&lon=-0.1503&proximity=1000"


def near_the_heath(client) -> dict[str, float]:
    return {s["id"]: s["distance"] for s in client.get(NEAR_THE_HEATH).get_json()["contents"]}


def test_a_deleted_service_leaves_place_searches_at_once(client, jo):
    assert HEATH_WALK in near_the_heath(client)
    assert client.delete(f"/services/{HEATH_WALK}", headers=jo.headers).status_code == 204
    assert HEATH_WALK not in near_the_heath(client)


def test_moving_a_venue_moves_it_in_place_searches(client, jo):
    venue = client.get(f"/services/{HEATH_WALK}").get_json()["service_at_locations"][0]
    assert near_the_heath(client)[HEATH_WALK] < 100
    moved = {"latitude": 51.5620, "longitude": -0.1503}  # 345 m north
    location = f"/locations/{venue['location']['id']}"
    assert client.patch(location, json=moved, headers=jo.headers).status_code == 200
    assert near_the_heath(client)[HEATH_WALK] == pytest.approx(345, abs=5)
    away = {"latitude": 51.4500, "longitude": -0.1503}  # 12 km south
    assert client.patch(location, json=away, headers=jo.headers).status_code == 200
    assert HEATH_WALK not in near_the_heath(client)


def test_deleting_a_part_removes_it_and_touches_its_service(client, jo, listings):
    phone = listings["camden"]["phone"]
    before = client.get(f"/services/{HEATH_WALK}").get_json()
    assert client.delete(f"/phones/{phone}", headers=jo.headers).status_code == 204
    after = client.get(f"/services/{HEATH_WALK}").get_json()
    assert phone not in [p["id"] for p in after.get("phones", [])]
    assert parse(after["last_modified"]) > parse(before["last_modified"])


def test_an_organisation_with_running_services_cannot_be_deleted(client, mo):
    response = client.delete(f"/organizations/{CAMDEN}", headers=mo.headers)
    assert response.status_code == 409


def test_an_organisation_without_running_services_can_be_deleted(client, mo, sample):
    for service in [s for s in sample if s["organization"]["id"] == CAMDEN]:
        client.delete(f"/services/{service['id']}", headers=mo.headers)
    assert client.delete(f"/organizations/{CAMDEN}", headers=mo.headers).status_code == 204
    assert client.get(f"/organizations/{CAMDEN}").status_code == 404
    assert client.get(f"/services/{HEATH_WALK}").get_json()["status"] == "defunct"


def test_oversized_bodies_are_refused_before_anything_else(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 2 * 1024 * 1024
    response = client.post("/phones", data=b"x" * (3 * 1024 * 1024))
    assert response.status_code == 413


def test_a_body_that_is_not_json_is_a_400_in_the_one_error_format(client, jo):
    headers = jo.headers | {"Content-Type": "application/json"}
    response = client.patch(f"/services/{HEATH_WALK}", data=b"\x00{", headers=headers)
    assert response.status_code == 400
    assert list(response.get_json()) == ["code", "status", "message", "errors"]
