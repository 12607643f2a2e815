"""Writes as the OpenAPI says: If-Match (412 on a stale ETag), a required body, UUIDs
that are UUIDs, and authentication before validation."""

from __future__ import annotations

import pytest

from app.models import new_id
from tests.accounts.conftest import CAMDEN, HEATH_WALK


def phone_of_heath_walk(client, jo) -> tuple[str, str]:
    """A new phone's id and the ETag of the write's answer."""
    response = client.post(
        "/phones", json={"service_id": HEATH_WALK, "number": "020 7946 0000"}, headers=jo.headers
    )
    assert response.status_code == 201
    assert response.headers["ETag"]
    return response.get_json()["id"], response.headers["ETag"]


def test_a_write_with_the_etag_of_the_get_goes_ahead(client, jo):
    etag = client.get(f"/services/{HEATH_WALK}").headers["ETag"]
    response = client.patch(
        f"/services/{HEATH_WALK}",
        json={"fees_description": "Pay what you can"},
        headers={**jo.headers, "If-Match": etag},
    )
    assert response.status_code == 200
    assert response.headers["ETag"] != etag


def test_a_write_with_a_stale_etag_is_a_412_and_changes_nothing(client, jo):
    stale = client.get(f"/services/{HEATH_WALK}").headers["ETag"]
    since = {"fees_description": "Pay what you can"}  # someone else's change, since
    url = f"/services/{HEATH_WALK}"
    assert client.patch(url, json=since, headers=jo.headers).status_code == 200
    response = client.put(
        url,
        json={"name": "Heath walk", "organization_id": CAMDEN},
        headers={**jo.headers, "If-Match": stale},
    )
    assert response.status_code == 412
    assert list(response.get_json()) == ["code", "status", "message", "errors"]
    assert client.get(url).get_json()["fees_description"] == since["fees_description"]


def test_the_etag_of_a_write_answer_guards_the_next_write(client, jo):
    phone_id, etag = phone_of_heath_walk(client, jo)
    first = client.patch(
        f"/phones/{phone_id}",
        json={"number": "020 7946 0001"},
        headers={**jo.headers, "If-Match": etag},
    )
    assert first.status_code == 200
    again = client.patch(
        f"/phones/{phone_id}",
        json={"number": "020 7946 0002"},
        headers={**jo.headers, "If-Match": etag},
    )
    assert again.status_code == 412
    gone = client.delete(f"/phones/{phone_id}", headers={**jo.headers, "If-Match": etag})
    assert gone.status_code == 412
    current = first.headers["ETag"]
    assert (
        client.delete(
            f"/phones/{phone_id}", headers={**jo.headers, "If-Match": current}
        ).status_code
        == 204
    )


def test_if_match_star_needs_the_object_to_exist(client, jo):
    missing = client.patch(
        f"/phones/{new_id()}", json={"number": "1"}, headers={**jo.headers, "If-Match": "*"}
    )
    assert missing.status_code == 412
    phone_id, _etag = phone_of_heath_walk(client, jo)
    ok = client.patch(
        f"/phones/{phone_id}", json={"number": "2"}, headers={**jo.headers, "If-Match": "*"}
    )
    assert ok.status_code == 200


@pytest.mark.parametrize("method", ["post", "put", "patch"])
def test_a_write_without_a_body_is_a_422(client, jo, method):
    phone_id, _etag = phone_of_heath_walk(client, jo)
    url = "/cost_options" if method == "post" else f"/phones/{phone_id}"
    response = getattr(client, method)(url, headers=jo.headers)
    assert response.status_code == 422
    assert "_schema" in response.get_json()["errors"]["json"]


def test_an_empty_string_is_not_a_uuid(client, jo):
    phone_id, _etag = phone_of_heath_walk(client, jo)
    response = client.patch(f"/phones/{phone_id}", json={"location_id": ""}, headers=jo.headers)
    assert response.status_code == 422
    assert "location_id" in response.get_json()["errors"]["json"]
    cleared = client.patch(f"/phones/{phone_id}", json={"location_id": None}, headers=jo.headers)
    assert cleared.status_code == 200


@pytest.mark.parametrize("token_id", ["not-a-uuid", "9b0f3f5c-0b8e-4d55-9c43-2a4f1d1e7a10"])
def test_revoking_a_token_authenticates_before_validating(client, token_id):
    assert client.delete(f"/tokens/{token_id}").status_code == 401
