"""Nobody may change a listing that is not theirs — checked on every write endpoint.

One table of every writable resource and method: an editor of Camden Health Walks is
refused (403) on each of Islington Mind's objects, anonymous callers get 401, a
read-only token 403; the same requests on Camden's own objects succeed, and a moderator
may change anyone's.
"""

from __future__ import annotations

import pytest

from app.models import new_id
from tests.accounts.conftest import ISLINGTON

RESOURCES = [
    "organization",
    "service",
    "location",
    "service_at_location",
    "schedule",
    "phone",
    "contact",
    "cost_option",
    "language",
    "accessibility",
    "service_area",
    "attribute",
]
COLLECTIONS = {"accessibility": "accessibility"}
METHODS = ["POST", "PUT", "PATCH", "DELETE"]


def collection(resource: str) -> str:
    return "/" + COLLECTIONS.get(resource, f"{resource}s")


def create_body(resource: str, ids: dict[str, str]) -> dict:
    """A new object hanging off the organisation whose `ids` these are."""
    return {
        "organization": {"name": "A new group"},
        "service": {"name": "Tea and chat", "organization_id": ids["organization"]},
        "location": {"name": "Church hall", "organization_id": ids["organization"]},
        "service_at_location": {"service_id": ids["service"], "location_id": ids["location"]},
        "schedule": {"service_id": ids["service"], "description": "Mondays 2pm"},
        "phone": {"service_id": ids["service"], "number": "020 7946 0999"},
        "contact": {"service_id": ids["service"], "name": "Organiser"},
        "cost_option": {"service_id": ids["service"], "option": "Donation", "currency": "GBP"},
        "language": {"service_id": ids["service"], "name": "Welsh", "code": "cy"},
        "accessibility": {"location_id": ids["location"], "description": "Hearing loop"},
        "service_area": {"service_id": ids["service"], "name": "Islington"},
        "attribute": {
            "link_id": ids["service"],
            "link_entity": "service",
            "taxonomy_term_id": ids["term"],
        },
    }[resource]


def replace_body(resource: str, ids: dict[str, str]) -> dict:
    body = create_body(resource, ids)
    if resource == "organization":
        body = {"name": "Renamed group"}
    if resource == "attribute":
        body["value"] = "yes"
    return body


def patch_body(resource: str) -> dict:
    return {
        "organization": {"description": "Changed"},
        "service": {"description": "Changed"},
        "location": {"description": "Changed"},
        "service_at_location": {"description": "Changed"},
        "schedule": {"description": "Changed"},
        "phone": {"number": "020 7946 0000"},
        "contact": {"name": "Changed"},
        "cost_option": {"amount_description": "Changed"},
        "language": {"note": "Changed"},
        "accessibility": {"details": "Changed"},
        "service_area": {"description": "Changed"},
        "attribute": {"value": "Changed"},
    }[resource]


def request_for(resource: str, method: str, ids: dict[str, str]) -> tuple[str, dict | None]:
    if method == "POST":
        return collection(resource), create_body(resource, ids)
    path = f"{collection(resource)}/{ids[resource]}"
    if method == "PUT":
        return path, replace_body(resource, ids)
    if method == "PATCH":
        return path, patch_body(resource)
    return path, None


def send(client, method: str, path: str, body: dict | None, headers=None):
    return client.open(path, method=method, json=body, headers=headers or {})


CASES = [(r, m) for r in RESOURCES for m in METHODS if not (r == "organization" and m == "POST")]


@pytest.mark.parametrize("resource, method", CASES)
def test_an_editor_cannot_touch_another_organisations_objects(
    client, jo, listings, resource, method
):
    path, body = request_for(resource, method, listings["islington"])
    response = send(client, method, path, body, jo.headers)
    assert response.status_code == 403, response.get_json()
    assert response.get_json()["code"] == 403
    assert "another organisation" in response.get_json()["message"]


@pytest.mark.parametrize("resource, method", CASES)
def test_the_same_requests_work_on_the_editors_own_objects(client, jo, listings, resource, method):
    path, body = request_for(resource, method, listings["camden"])
    response = send(client, method, path, body, jo.headers)
    expected = {"POST": 201, "PUT": 200, "PATCH": 200, "DELETE": 204}[method]
    if resource == "organization" and method == "DELETE":
        expected = 409  # it still has active services
    assert response.status_code == expected, response.get_json()


# Refusals that come before looking at any object need no listings at all.
ANY_IDS = {kind: new_id() for kind in [*RESOURCES, "term"]}


@pytest.mark.parametrize("resource, method", [(r, m) for r in RESOURCES for m in METHODS])
def test_anonymous_writes_are_refused(client, resource, method):
    path, body = request_for(resource, method, ANY_IDS)
    response = send(client, method, path, body)
    assert response.status_code == 401
    assert response.get_json()["code"] == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("resource, method", [(r, m) for r in RESOURCES for m in METHODS])
def test_a_read_only_token_cannot_write(client, make_person, resource, method):
    reader = make_person("reader@signpost.example", role="moderator", scope="read")
    path, body = request_for(resource, method, ANY_IDS)
    response = send(client, method, path, body, reader.headers)
    assert response.status_code == 403
    assert "read-only" in response.get_json()["message"]


@pytest.mark.parametrize("resource", [r for r in RESOURCES if r != "organization"])
def test_an_editor_cannot_move_their_object_to_another_organisation(client, jo, listings, resource):
    camden, islington = listings["camden"], listings["islington"]
    path = f"{collection(resource)}/{camden[resource]}"
    moves = {
        "service": {"organization_id": islington["organization"]},
        "location": {"organization_id": islington["organization"]},
        "service_at_location": {"service_id": islington["service"]},
        "accessibility": {"location_id": islington["location"]},
        "attribute": {"link_id": islington["service"]},
    }
    body = moves.get(resource, {"service_id": islington["service"]})
    if resource == "schedule":
        body |= {"service_at_location_id": None}
    response = client.patch(path, json=body, headers=jo.headers)
    assert response.status_code == 403


@pytest.mark.parametrize("resource", ["service", "phone", "contact", "location", "organization"])
def test_a_moderator_may_change_anyones_objects(client, mo, listings, resource):
    path = f"{collection(resource)}/{listings['islington'][resource]}"
    response = client.patch(path, json=patch_body(resource), headers=mo.headers)
    assert response.status_code == 200


def test_a_refused_change_leaves_the_listing_as_it_was(client, jo, listings):
    knit = listings["islington"]["service"]
    client.patch(f"/services/{knit}", json={"name": "Hijacked"}, headers=jo.headers)
    assert client.get(f"/services/{knit}").get_json()["name"] == "Knit and Natter"
    assert client.get(f"/services/{knit}/history").get_json()["total_items"] == 0


def test_an_editor_may_not_create_objects_without_an_owner(client, jo, sample):
    response = client.post("/locations", json={"name": "Somewhere"}, headers=jo.headers)
    assert response.status_code == 403


def test_an_editor_may_propose_a_new_organisation_which_waits_for_a_moderator(
    client, jo, mo, sample
):
    new = new_id()
    response = client.post(
        "/organizations", json={"id": new, "name": "Tufnell Park Tea Dance"}, headers=jo.headers
    )
    assert response.status_code == 202
    assert response.get_json()["status"] == "pending"
    assert client.get(f"/organizations/{new}").status_code == 404
    client.post(
        f"/change_requests/{response.get_json()['id']}/approve", json={}, headers=mo.headers
    )
    assert client.get(f"/organizations/{new}").get_json()["name"] == "Tufnell Park Tea Dance"
    assert new in client.get("/me", headers=jo.headers).get_json()["organization_ids"]
    assert ISLINGTON not in client.get("/me", headers=jo.headers).get_json()["organization_ids"]
