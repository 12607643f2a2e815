"""The Open Referral UK validator's checks, encoded: the endpoints it calls, paging, the
totals over all pages, and the schema of up to 10 random IDs per endpoint (it samples
them the same way). Its response-time check is a figure, not a test: see bench/.
"""

import json
import math
import random

import pytest

from tests.hsds import errors

ENDPOINTS = [
    ("services", "compiled/service.json"),
    ("service_at_locations", "compiled/service_at_location.json"),
    ("organizations", "compiled/organization.json"),
    ("taxonomies", "taxonomy.json"),
    ("taxonomy_terms", "taxonomy_term.json"),
]


def per_page_of(client, collection: str) -> int:
    """A page size giving at least two pages (three, where there are enough items)."""
    return max(1, client.get(f"/{collection}").get_json()["total_items"] // 3)


def walk(client, collection: str) -> tuple[list[dict], list[dict]]:
    """(every page's envelope, every item) of a collection, a few pages' worth."""
    pages, items, number = [], [], 1
    per_page = per_page_of(client, collection)
    while True:
        response = client.get(f"/{collection}?per_page={per_page}&page={number}")
        assert response.status_code == 200
        page = response.get_json()
        pages.append(page)
        items += page["contents"]
        if page["last_page"]:
            return pages, items
        number += 1
        assert number <= 1000, f"/{collection} never reaches its last page"


def test_the_root_says_the_version_and_profile(client):
    body = client.get("/").get_json()
    assert body["version"].startswith("3.0")
    assert "OpenReferralUK" in body["profile"]


@pytest.mark.parametrize(("collection", "_schema"), ENDPOINTS)
def test_paging_adds_up_over_every_page(client, sample, collection, _schema):
    pages, items = walk(client, collection)
    total, per_page = pages[0]["total_items"], per_page_of(client, collection)
    assert len(pages) >= 2, "a single page: the check proves little"
    assert len(items) == total
    assert len({item["id"] for item in items}) == total  # no item twice, none left out
    for number, page in enumerate(pages, start=1):
        assert page["page_number"] == number
        assert page["total_items"] == total
        assert page["total_pages"] == math.ceil(total / per_page) == len(pages)
        assert page["size"] == len(page["contents"])
        assert (page["first_page"], page["last_page"]) == (number == 1, number == len(pages))
        assert page["empty"] is False
    beyond = client.get(f"/{collection}?per_page={per_page}&page={len(pages) + 1}").get_json()
    assert (beyond["contents"], beyond["empty"], beyond["size"]) == ([], True, 0)


@pytest.mark.parametrize(("collection", "schema"), ENDPOINTS)
def test_ten_random_ids_per_endpoint_are_valid(client, sample, collection, schema):
    _pages, items = walk(client, collection)
    chosen = random.Random(collection).sample(items, min(10, len(items)))
    for item in chosen:
        response = client.get(f"/{collection}/{item['id']}")
        assert response.status_code == 200
        assert errors(response.get_json(), schema) == [], item["id"]


@pytest.mark.parametrize(("collection", "_schema"), ENDPOINTS)
def test_the_ndjson_stream_holds_the_total(client, sample, collection, _schema):
    total = client.get(f"/{collection}").get_json()["total_items"]
    text = client.get(f"/{collection}?format=ndjson").get_data(as_text=True)
    assert len([json.loads(line) for line in text.splitlines()]) == total


@pytest.mark.parametrize(("collection", "_schema"), ENDPOINTS)
def test_an_unknown_id_is_a_404_and_a_malformed_one_a_422(client, sample, collection, _schema):
    unknown = client.get(f"/{collection}/00000000-0000-4000-8000-000000000000")
    assert unknown.status_code == 404
    assert client.get(f"/{collection}/nope").status_code == 422
