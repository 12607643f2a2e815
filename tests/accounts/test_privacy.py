"""Private contacts never appear in the public read API; their own editors see them."""

from __future__ import annotations

import pytest

from tests.accounts.conftest import CAMDEN, HEATH_WALK

SECRET = "07700 900999"


@pytest.fixture
def private_contacts(client, jo, listings) -> dict[str, str]:
    """A private contact (with a phone) on Camden's organisation, service, location and sal."""
    camden = listings["camden"]
    made = {}
    for parent, field in [
        ("organization", "organization_id"),
        ("service", "service_id"),
        ("location", "location_id"),
        ("service_at_location", "service_at_location_id"),
    ]:
        body = {
            field: camden[parent],
            "name": f"Private {parent}",
            "email": f"{parent}@home.example",
            "is_public": False,
        }
        response = client.post("/contacts", json=body, headers=jo.headers)
        assert response.status_code == 201, response.get_json()
        assert response.get_json()["is_public"] is False
        contact_id = response.get_json()["id"]
        client.post(
            "/phones", json={"contact_id": contact_id, "number": SECRET}, headers=jo.headers
        )
        made[parent] = contact_id
    return made


@pytest.mark.parametrize(
    "path",
    [
        f"/services/{HEATH_WALK}",
        f"/organizations/{CAMDEN}",
        f"/organizations/{CAMDEN}?full_service=true",
        "/locations/7da4f5d9-ff21-570d-94d7-cb6920fae998",
        "/service_at_locations/8a17172a-afc7-59e9-b2e8-2b61ae2e6f90",
        f"/services?full=true&organization_id={CAMDEN}",
        f"/services/{HEATH_WALK}/history?per_page=1000",
    ],
)
def test_private_contacts_never_appear_in_the_public_api(client, private_contacts, path):
    body = client.get(path).get_data(as_text=True)
    assert client.get(path).status_code == 200
    assert "home.example" not in body and SECRET not in body and "Private " not in body
    if "/history" not in path:  # the history says a private contact changed, not what
        for contact_id in private_contacts.values():
            assert contact_id not in body


def test_public_contacts_still_appear(client, private_contacts):
    contacts = client.get(f"/services/{HEATH_WALK}").get_json()["contacts"]
    assert [c["name"] for c in contacts] == ["Volunteer coordinator"]


def test_contacts_are_public_unless_marked_otherwise(client, jo):
    response = client.post(
        "/contacts", json={"service_id": HEATH_WALK, "name": "Walk leader"}, headers=jo.headers
    )
    assert response.get_json()["is_public"] is True
    names = [c["name"] for c in client.get(f"/services/{HEATH_WALK}").get_json()["contacts"]]
    assert "Walk leader" in names


def test_an_editor_sees_their_own_private_contacts(client, jo, private_contacts):
    response = client.get(f"/organizations/{CAMDEN}/contacts", headers=jo.headers)
    assert response.status_code == 200
    contacts = {c["id"]: c for c in response.get_json()["contents"]}
    assert set(private_contacts.values()) <= set(contacts)
    private = contacts[private_contacts["service"]]
    assert private["is_public"] is False and private["phones"][0]["number"] == SECRET
    assert any(c["is_public"] for c in contacts.values())


@pytest.mark.parametrize("who, status", [("sam", 403), ("mo", 200), (None, 401)])
def test_only_the_organisations_editors_and_staff_see_private_contacts(
    client, request, private_contacts, who, status
):
    headers = request.getfixturevalue(who).headers if who else {}
    assert client.get(f"/organizations/{CAMDEN}/contacts", headers=headers).status_code == status
