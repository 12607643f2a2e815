"""Every read endpoint returns what the HSDS 3.0 schemas say, on both engines."""

import pytest

from tests.hsds import errors

PAGE_KEYS = [
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
    "contents",
]


def first_id(client, path):
    return client.get(path).get_json()["contents"][0]["id"]


@pytest.mark.parametrize(
    "path, item_schema",
    [
        ("/services", "compiled/service_list.json"),
        ("/services?full=true", "compiled/service.json"),
        ("/service_at_locations", "compiled/service_at_location_list.json"),
        ("/service_at_locations?full=true", "compiled/service_at_location.json"),
        ("/organizations", "compiled/organization_list.json"),
        ("/organizations?full=true", "compiled/organization_list.json"),
        ("/taxonomies", "taxonomy.json"),
        ("/taxonomy_terms", "taxonomy_term.json"),
    ],
)
def test_list_pages_are_hsds_pages_of_valid_items(client, sample, path, item_schema):
    response = client.get(path)
    assert response.status_code == 200
    page = response.get_json()
    assert list(page) == PAGE_KEYS
    assert page["contents"], f"{path} returned no items"
    for item in page["contents"]:
        assert errors(item, item_schema) == []


@pytest.mark.parametrize(
    "collection, schema",
    [
        ("services", "compiled/service.json"),
        ("service_at_locations", "compiled/service_at_location.json"),
        ("organizations", "compiled/organization.json"),
        ("taxonomies", "taxonomy.json"),
        ("taxonomy_terms", "taxonomy_term.json"),
    ],
)
def test_single_objects_are_valid(client, sample, collection, schema):
    object_id = first_id(client, f"/{collection}")
    response = client.get(f"/{collection}/{object_id}")
    assert response.status_code == 200
    assert errors(response.get_json(), schema) == []


def test_location_is_valid(client, sample):
    service = client.get(f"/services/{sample[0]['id']}").get_json()
    location_id = service["service_at_locations"][0]["location"]["id"]
    response = client.get(f"/locations/{location_id}")
    assert response.status_code == 200
    assert errors(response.get_json(), "location.json") == []


def test_full_organization_with_services_is_valid(client, sample):
    organization_id = sample[0]["organization"]["id"]
    body = client.get(f"/organizations/{organization_id}?full_service=true").get_json()
    assert errors(body, "compiled/organization.json") == []
    assert {s["name"] for s in body["services"]} == {
        "Hampstead Heath Health Walk",
        "Regent's Park Health Walk",
    }


def test_root_describes_the_api(client):
    body = client.get("/").get_json()
    assert body["version"] == "3.0"
    assert body["openapi_url"].endswith("/openapi.json")
    assert body["profile"].startswith("https://")
