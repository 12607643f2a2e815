"""Every error, whatever caused it, comes back in the one JSON error format."""

import pytest

UNKNOWN = "00000000-0000-4000-8000-000000000000"


@pytest.mark.parametrize(
    "path, code, names",
    [
        (f"/services/{UNKNOWN}", 404, UNKNOWN),
        (f"/organizations/{UNKNOWN}", 404, UNKNOWN),
        (f"/locations/{UNKNOWN}", 404, UNKNOWN),
        (f"/service_at_locations/{UNKNOWN}", 404, UNKNOWN),
        (f"/taxonomies/{UNKNOWN}", 404, UNKNOWN),
        (f"/taxonomy_terms/{UNKNOWN}", 404, UNKNOWN),
        ("/services/not-a-uuid", 422, "id"),
        ("/organizations/123", 422, "id"),
        ("/services?page=0", 422, "page"),
        ("/services?page=abc", 422, "page"),
        ("/services?page=9696267516379355136", 422, "page"),  # past any database integer
        ("/taxonomy_terms?page=10000000000", 422, "page"),
        ("/services?per_page=10000", 422, "per_page"),
        ("/services?modified_after=yesterday", 422, "modified_after"),
        ("/services?modified_after=2024-13-45", 422, "modified_after"),
        ("/services?taxonomy_term_id=walking", 422, "taxonomy_term_id"),
        ("/service_at_locations?organization_id=x", 422, "organization_id"),
        ("/taxonomy_terms?parent_id=1", 422, "parent_id"),
        ("/services?full=maybe", 422, "full"),
        ("/organizations?search=lunch%00club", 422, "search"),  # PostgreSQL cannot hold NUL
        ("/services?taxonomy_term=walk%00", 422, "taxonomy_term"),
        ("/no/such/page", 404, "not found"),
    ],
)
def test_bad_requests_get_the_error_format(client, sample, path, code, names):
    response = client.get(path)
    assert response.status_code == code
    body = response.get_json()
    assert list(body) == ["code", "status", "message", "errors"]
    assert body["code"] == code
    assert names.lower() in body["message"].lower()


def test_wrong_method_is_a_json_405(client):
    response = client.post("/taxonomies", json={})  # (POST /services is the write API now)
    assert response.status_code == 405
    assert response.get_json()["code"] == 405


def test_unexpected_failure_is_a_generic_500(app, client, monkeypatch):
    import app.api.services as services_api

    def broken(*_args, **_kwargs):
        raise RuntimeError("database exploded with secret details")

    monkeypatch.setattr(services_api, "service_listing", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/services")
    assert response.status_code == 500
    body = response.get_json()
    assert body["code"] == 500
    assert "secret" not in body["message"]


@pytest.mark.parametrize(
    "path, parameter",
    [
        ("/services?taxonomy_terms=walking", "taxonomy_terms"),
        ("/services?postcode=NW5%201QR&proximty=500", "proximty"),
        ("/service_at_locations?open=monday", "open"),
        ("/organizations?full_services=true", "full_services"),
        (f"/organizations/{UNKNOWN}?full=true", "full"),
        ("/taxonomies?taxonomy_id=x", "taxonomy_id"),
        ("/taxonomy_terms?parent=x", "parent"),
        ("/suggest?q=walk&limt=5", "limt"),
        ("/services?format=xml", "format"),  # a known parameter: json or ndjson only
    ],
)
def test_unknown_query_parameters_are_a_422_naming_them(client, sample, path, parameter):
    response = client.get(path)
    assert response.status_code == 422, response.get_json()
    body = response.get_json()
    assert list(body) == ["code", "status", "message", "errors"]
    assert f"'{parameter}'" in body["message"]
    assert parameter in body["errors"]["query"]


def test_unknown_query_parameters_are_named_as_unknown(client):
    body = client.get("/services?taxonomy_terms=walking&page=2").get_json()
    assert body["message"] == (
        "Unknown query parameter 'taxonomy_terms' (see the OpenAPI document)."
    )


def test_hsds_format_json_is_accepted(client, sample):
    assert client.get("/services?format=json").status_code == 200


def test_pages_may_ignore_unknown_parameters(client, sample):
    response = client.get("/?utm_source=newsletter", headers={"Accept": "text/html"})
    assert response.status_code == 200
