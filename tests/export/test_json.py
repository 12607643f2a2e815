"""The nested JSON dumps: every service exactly as GET /services/{id} gives it, plus where
it came from, as one JSON array or one service a line."""

import json

import pytest

from tests import hsds


def read_services(path, format_name):
    text = path.read_text(encoding="utf-8")
    if format_name == "json":
        return json.loads(text)
    return [json.loads(line) for line in text.splitlines()]


@pytest.fixture(params=["json", "ndjson"])
def format_name(request):
    return request.param


@pytest.fixture
def services(planted, export, format_name):
    return read_services(export(format_name), format_name)


def test_each_service_is_valid_hsds(services):
    assert services
    for service in services:
        assert hsds.errors(service, "compiled/service.json") == [], service["name"]


def test_each_service_is_what_the_api_serves_plus_provenance(services, client):
    for service in services:
        provenance = service.pop("_provenance")
        assert isinstance(provenance, list)
        served = client.get(f"/services/{service['id']}").get_json()
        assert by_id(service) == by_id(served)


def test_nested_lists_come_in_id_order(services):
    walk_attributes = [a["id"] for a in services[0]["attributes"]]
    assert walk_attributes == sorted(walk_attributes)


def by_id(value):
    """Nested lists sorted by id: the API leaves their order to the database."""
    if isinstance(value, dict):
        return {key: by_id(item) for key, item in value.items()}
    if isinstance(value, list):
        return sorted((by_id(item) for item in value), key=lambda item: item.get("id", ""))
    return value


def test_services_come_in_id_order(services):
    ids = [service["id"] for service in services]
    assert ids == sorted(ids)


def test_provenance_lists_each_source_record(services, planted):
    by_id = {service["id"]: service for service in services}
    assert by_id[planted.walk["id"]]["_provenance"] == [
        {
            "source": "camden-directory",
            "source_title": "Camden Directory",
            "key": "C-1",
            "licence": "CC-BY-4.0",
        }
    ]
    own = [s for s in services if s["id"] != planted.walk["id"]]
    assert all(service["_provenance"] == [] for service in own)


def test_ndjson_is_one_service_a_line(planted, export):
    lines = export("ndjson").read_text().splitlines()
    assert len(lines) == 6
    assert all(json.loads(line)["id"] for line in lines)


def test_an_empty_directory_gives_an_empty_array(export, session):
    assert json.loads(export("json").read_text()) == []
    assert export("ndjson").read_text() == ""


def test_batches_give_the_same_dump_whatever_their_size(planted, export, tmp_path):
    """Services are read in id-ordered keyset batches; the batch size changes nothing."""
    one_by_one = export("json", batch_size=1).read_text()
    assert one_by_one == export("json", batch_size=500).read_text()
