import json
from pathlib import Path

import pytest

from app import reference
from importers.readers.oruk import is_v1_service, parse_byday, parse_time, read_oruk
from importers.readers.record import Record, RecordError, SourceFormatError
from tests import hsds

DATA = Path(__file__).parents[1] / "data" / "oruk"
ORUK3_EXAMPLES = reference.ORUK_V3_EXAMPLES
BASE = "https://api.example-council.gov.uk/oruk"


@pytest.fixture(scope="module")
def v1_items():
    return list(read_oruk(DATA / "v1_services_page.json"))


@pytest.fixture(scope="module")
def lunch_club(v1_items):
    return v1_items[0]


def fake_server(routes):
    def fetch(url):
        fetch.calls.append(url)
        if url not in routes:
            raise OSError(f"HTTP Error 404: Not Found ({url})")
        return routes[url]

    fetch.calls = []
    return fetch


# -- ORUK v1 ---------------------------------------------------------------------------------


def test_v1_page_yields_records_and_an_error_for_the_nameless_item(v1_items):
    assert [type(item) for item in v1_items] == [Record, Record, RecordError]
    assert [item.key for item in v1_items] == ["lbx-1001", "lbx-1002", "lbx-1003"]
    assert (v1_items[2].position, v1_items[2].field) == ("item 3", "name")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (("name",), "Silver Sunday Lunch Club"),
        (("fees_description",), "£3.50 per meal"),
        (("minimum_age",), 60),
        (("eligibility_description",), "Older people"),
        (("organization", "name"), "Islington Age Friends"),
        (("organization", "website"), "https://example.org"),
        (("contacts", 0, "phones", 0, "number"), "020 7946 0000"),
        (("contacts", 0, "phones", 0, "languages"), [{"code": "en"}, {"code": "pl"}]),
        (("cost_options", 0), {"id": "co-1", "option": "Meal", "amount": 3.5,
                               "amount_description": "per meal"}),
        (("funding", 0, "source"), "Islington Council community grant"),
        (("languages",), [{"id": "l-1", "name": "English"}, {"id": "l-2", "code": "pl"}]),
        (("service_areas", 0), {"id": "sa-1", "name": "Islington"}),
        (("schedules", 0), {"id": "rs-1", "interval": 1, "freq": "WEEKLY", "byday": "SU",
                            "opens_at": "12:00", "closes_at": "14:30"}),
        (("schedules", 1), {"id": "hs-1", "valid_from": "2024-12-24", "valid_to": "2025-01-02",
                            "notes": "Closed (holiday)"}),
    ],
)  # fmt: skip
def test_v1_service_fields_land_in_hsds3_places(lunch_club, path, expected):
    value = lunch_club.service
    for step in path:
        value = value[step]
    assert value == expected


def test_v1_location_becomes_hsds3_location(lunch_club):
    (link,) = lunch_club.service["service_at_locations"]
    location = link["location"]
    assert location["location_type"] == "physical"
    assert (location["latitude"], location["longitude"]) == (51.5265, -0.1039)
    assert location["addresses"] == [
        {
            "id": "pa-1",
            "address_1": "245 St John Street",
            "city": "London",
            "state_province": "Islington",
            "postal_code": "EC1V 4NB",
            "country": "England",
            "address_type": "physical",
        }
    ]
    assert location["accessibility"] == [{"id": "ad-1", "description": "Step-free access"}]
    assert link["schedules"][0]["byday"] == "SU"
    assert "physical_addresses" not in location


def test_v1_taxonomies_and_extra_fields_become_attributes(lunch_club):
    attributes = lunch_club.service["attributes"]
    assert attributes[0] == {
        "id": "st-1",
        "taxonomy_term": {
            "id": "lunch-clubs",
            "name": "Lunch clubs",
            "parent_id": "food",
            "taxonomy": "esdServiceTypes",
        },
    }
    assert attributes[1]["taxonomy_term"] == {
        "id": "older",
        "name": "Older people",
        "taxonomy": "esdCircumstances",
    }
    by_field = {a["taxonomy_term"]["name"]: a.get("value") for a in attributes[2:]}
    assert by_field == {
        "deliverable_type": "Information",
        "attending_type": "venue",
        "attending_access": "drop-in",
    }


def test_v1_mapping_is_hsds3_shaped(v1_items):
    # the source's own IDs are not UUIDs and derived objects have none: the pipeline sets them
    left_to_the_pipeline = (
        "'id' is a required property",
        "is not a 'uuid'",
        "'description' is a required property",  # taxonomy_term
    )
    for record in v1_items[:2]:
        problems = hsds.errors(record.service, "compiled/service.json")
        assert [p for p in problems if not p.endswith(left_to_the_pipeline)] == []


def test_v1_raw_is_the_item_as_read(lunch_club):
    assert lunch_club.raw["regular_schedules"][0]["weekday"] == "Sunday"
    assert "_warnings" not in lunch_club.raw


def test_v1_schedules_in_other_spellings_and_bad_coordinates(v1_items):
    record = v1_items[1]
    schedules = record.service["schedules"]
    assert schedules[0] == {
        "id": "rs-3",
        "freq": "WEEKLY",
        "byday": "TU",
        "opens_at": "09:30",
        "closes_at": "10:30",
    }
    assert schedules[1] == {
        "id": "rs-4",
        "freq": "WEEKLY",
        "byday": "TH,FR",
        "closes_at": "13:00",
        "notes": "opens_at given as 'noon'",
    }
    locations = [link["location"] for link in record.service["service_at_locations"]]
    assert all("latitude" not in loc and "longitude" not in loc for loc in locations)
    warnings = record.raw["_warnings"]
    assert any("opens_at 'noon'" in w for w in warnings)
    assert any("location loc-2" in w and "coordinates dropped" in w for w in warnings)
    assert any("location loc-3" in w and "'200'" in w for w in warnings)
    assert record.service["attributes"][0]["taxonomy_term"] == {
        "id": "exercise",
        "name": "Exercise",
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("MO", "MO"),
        ("mo,tu", "MO,TU"),
        ("Monday", "MO"),
        ("Tues", "TU"),
        ("Thursday, Friday", "TH,FR"),
        (1, "MO"),
        ("7", "SU"),
        (0, "SU"),
        ("1MO", "1MO"),
        ("-1FR", "-1FR"),
        ("Funday", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_byday(value, expected):
    assert parse_byday(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("09:00:00", "09:00"),
        ("9:00", "09:00"),
        ("0930", "09:30"),
        ("17.45", "17:45"),
        ("10:00:00Z", "10:00"),
        ("24:00", "24:00"),
        ("25:00", None),
        ("noon", None),
        (None, None),
    ],
)
def test_parse_time(value, expected):
    assert parse_time(value) == expected


# -- ORUK 3.0 ------------------------------------------------------------------------------


def test_v3_file_keeps_hsds3_shape_and_drops_invalid_coordinates():
    (record,) = read_oruk(ORUK3_EXAMPLES / "service_full.json")
    assert record.key == "ac148810-d857-441c-9679-408f346de14b"
    service = record.service
    assert service["name"] == "Community Counselling"
    assert service["schedules"][0]["opens_at"] == "10:00:00"  # HSDS 3.0 passes through
    location = service["service_at_locations"][0]["location"]
    assert location["name"] == "MyCity Civic Center"
    assert location["addresses"][0]["postal_code"] == "ABC 1234"
    assert "latitude" not in location and "longitude" not in location
    assert record.raw["service_at_locations"][0]["location"]["latitude"] == 100
    (warning,) = record.raw["_warnings"]
    assert "3a19ff88-4620-4d17-9830-ac1d859eb5d5" in warning and "100" in warning
    assert service["fees_description"] == "fees_description"  # from the ORUK `fees` field
    assert hsds.errors(service, "compiled/service.json") == []


def test_v3_api_pages_and_fetches_full_services():
    folder = ORUK3_EXAMPLES
    detail = (folder / "service_full.json").read_bytes()
    page = f"{BASE}/services?page=1&per_page=100&full=true"
    fetch = fake_server(
        {
            page: (folder / "service_list.json").read_bytes(),
            f"{BASE}/services/ac148810-d857-441c-9679-408f346de14b": detail,
        }
    )
    (record,) = read_oruk(BASE + "/", fetch=fetch)
    assert fetch.calls == [page, f"{BASE}/services/ac148810-d857-441c-9679-408f346de14b"]
    assert record.service["service_at_locations"][0]["location"]["id"] == (
        "3a19ff88-4620-4d17-9830-ac1d859eb5d5"
    )
    assert record.position == "item 1"


def test_v1_api_uses_content_and_total_pages_keys():
    body = json.loads((DATA / "v1_services_page.json").read_text(encoding="utf-8"))
    first = body | {"content": body["content"][:1], "totalPages": 2}
    second = body | {"content": body["content"][1:2], "totalPages": 2}
    fetch = fake_server(
        {
            f"{BASE}/services?page=1&per_page=1&full=true": json.dumps(first).encode(),
            f"{BASE}/services?page=2&per_page=1&full=true": json.dumps(second).encode(),
        }
    )
    # v1 items carry service_at_locations, so no detail requests are needed
    records = list(read_oruk(BASE, fetch=fetch, per_page=1))
    assert [r.key for r in records] == ["lbx-1001", "lbx-1002"]
    assert records[0].service["schedules"][0]["byday"] == "SU"
    assert len(fetch.calls) == 2


V1_LOCATION = {"id": "l", "physical_addresses": []}
V3_LOCATION = {"id": "l", "addresses": []}


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ({"id": "a", "name": "b", "regular_schedules": []}, True),
        ({"id": "a", "name": "b", "service_taxonomys": []}, True),
        ({"id": "a", "name": "b", "service_at_locations": [{"location": V1_LOCATION}]}, True),
        ({"id": "a", "name": "b", "schedules": [], "attributes": []}, False),
        ({"id": "a", "name": "b", "service_at_locations": [{"location": V3_LOCATION}]}, False),
    ],
)
def test_shape_detection(item, expected):
    assert is_v1_service(item) is expected


def test_broken_file_is_a_source_format_error(tmp_path):
    path = tmp_path / "feed.json"
    path.write_text('{"content": [{"id": "1", "name": "x"}', encoding="utf-8")
    with pytest.raises(SourceFormatError, match="feed.json is not valid JSON"):
        list(read_oruk(path))
