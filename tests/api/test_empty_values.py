"""ORUK: optional fields without a value are left out, empty lists included.

The issue counted 2,477 empty arrays across the 115 full services of `signpost sample`;
every answer and dump must now have none, and stay valid against the compiled HSDS
schemas (no HSDS object requires an array).
"""

import json
from collections.abc import Iterator

import pytest
from marshmallow import fields
from sqlalchemy.orm import sessionmaker

from app import create_app, migrate
from app.db import make_engine
from app.demo.directory import load_demo
from app.export.base import ExportSettings
from app.export.nested import service_documents
from app.export.provenance import Provenance
from schemas.base import HSDSSchema
from schemas.compiled import dumper
from tests import hsds
from tests.conftest import NO_RATE_LIMITS


def empty_values(value, path: str = "") -> Iterator[str]:
    """The path of every empty list or null anywhere in a JSON value."""
    if value is None or value == []:
        yield path or "/"
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield from empty_values(inner, f"{path}/{key}")
    elif isinstance(value, list):
        for number, inner in enumerate(value):
            yield from empty_values(inner, f"{path}/{number}")


def test_the_counter_finds_empty_lists_and_nulls():
    found = list(empty_values({"a": [], "b": [{"c": None, "d": [1]}], "e": "x"}))
    assert found == ["/a", "/b/0/c"]


@pytest.fixture(scope="module")
def demo_client(tmp_path_factory):
    """The app on a SQLite database holding exactly what `signpost sample` loads."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('empty') / 'signpost.db'}")
    migrate.upgrade(engine)
    load_demo(sessionmaker(bind=engine), tmp_path_factory.mktemp("sources"))
    url = engine.url.render_as_string(hide_password=False)
    app = create_app({"TESTING": True, "DATABASE_URL": url, **NO_RATE_LIMITS})
    yield app.test_client()
    engine.dispose()


def test_the_demo_directory_full_services_have_no_empty_arrays(demo_client):
    response = demo_client.get("/services?format=ndjson&full=true&status=active")
    services = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    assert len(services) == 115
    assert [path for s in services for path in empty_values(s)] == []
    for service in services:
        assert hsds.errors(service, "compiled/service.json") == [], service["name"]


@pytest.mark.parametrize(
    "url",
    [
        "/services?full=true",
        "/services",
        "/service_at_locations?full=true",
        "/organizations?full=true",
        "/taxonomy_terms",
    ],
)
def test_list_answers_leave_empty_values_out(client, sample, url):
    contents = client.get(url).get_json()["contents"]
    assert contents
    assert [path for item in contents for path in empty_values(item)] == []


def test_one_service_and_one_organization_leave_empty_values_out(client, sample):
    service = client.get(f"/services/{sample[0]['id']}").get_json()
    assert list(empty_values(service)) == []
    assert "required_documents" not in service  # the sample has none: left out, not []
    organization = client.get(f"/organizations/{service['organization_id']}?full_service=true")
    assert list(empty_values(organization.get_json())) == []


def test_the_json_dumps_leave_empty_values_out(session, sample):
    settings = ExportSettings()
    documents = list(service_documents(session, settings, Provenance(settings)))
    assert len(documents) == len(sample)
    for document in documents:
        document.pop("_provenance")  # Signpost's own member: [] says "no source records"
        assert list(empty_values(document)) == [], document["name"]
        assert hsds.errors(document, "compiled/service.json") == []


class Thing(HSDSSchema):
    name = fields.String()
    tags = fields.List(fields.String())


def test_marshmallow_and_the_compiled_dumper_agree_on_empty_lists():
    thing = {"name": "x", "tags": [], "other": None}
    assert Thing().dump(thing) == dumper(Thing())(thing) == {"name": "x"}
