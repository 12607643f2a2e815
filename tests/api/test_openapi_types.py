"""The project's own OpenAPI says what the server requires: UUID path ids, open_on's
weekdays, If-Match on writes, required bodies; the root names the ORUK profile."""

from pathlib import Path

import yaml

OPENAPI = yaml.safe_load((Path(__file__).resolve().parents[2] / "openapi.yaml").read_text())


def operations():
    for path, item in OPENAPI["paths"].items():
        for method, operation in item.items():
            if method in ("get", "put", "patch", "post", "delete"):
                yield path, method, operation


def test_every_path_id_is_a_uuid():
    ids = 0
    for path, item in OPENAPI["paths"].items():
        for parameter in item.get("parameters", []):
            if parameter["in"] == "path" and parameter["name"].endswith("_id"):
                assert parameter["schema"] == {"type": "string", "format": "uuid"}, path
                ids += 1
    assert ids >= 20


def test_open_on_lists_the_weekdays():
    (parameter,) = [
        p for p in OPENAPI["paths"]["/services"]["get"]["parameters"] if p["name"] == "open_on"
    ]
    assert parameter["schema"]["enum"][0] == "monday" and len(parameter["schema"]["enum"]) == 7


def test_writes_of_objects_document_if_match_and_412():
    guarded = 0
    for path, method, operation in operations():
        if method in ("put", "patch") or (method == "delete" and path.startswith("/phones")):
            # Not HSDS objects: tokens, accounts, the queue, and referrals (a PATCH there
            # records the newest status; If-Match for it is not built yet).
            workflow = ("/tokens", "/accounts", "/change_requests", "/referrals")
            if "{" not in path or path.startswith(workflow):
                continue
            names = [p["name"] for p in operation.get("parameters", [])]
            assert "If-Match" in names, (method, path)
            assert "412" in operation["responses"], (method, path)
            guarded += 1
    assert guarded >= 20


def test_json_bodies_are_required_unless_optional_by_design():
    optional = set()
    for path, _method, operation in operations():
        body = operation.get("requestBody")
        if body is not None and not body.get("required"):
            optional.add(path)
    assert optional <= {
        "/organizations/{organization_id}/claims",
        "/change_requests/{request_id}/approve",
        "/change_requests/{request_id}/reject",
    }


def test_the_root_names_the_oruk_profile(client):
    assert client.get("/").get_json()["profile"] == "https://github.com/OpenReferralUK/uk-profile"


def test_a_malformed_path_id_is_still_a_422(client):
    response = client.get("/services/not-a-uuid")
    assert response.status_code == 422
    assert "id" in response.get_json()["message"]
