"""Exporting the HSDS data package and importing it into an empty instance gives the same
API: every GET /services/{id} body is the same, apart from last_modified (the import's
own time) and two things HSDS's tabular form cannot say (see `as_tabular_says_it`).

The import here is the data package reader plus `app.demo.sample.load_services`, which
publishes HSDS dicts that already carry their IDs (what an import keeping IDs does).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from app import create_app, migrate
from app.demo.sample import load_services
from app.export import export_dump
from importers.readers.datapackage import read_datapackage
from importers.readers.record import Record

HH_MM = re.compile(r"^\d{2}:\d{2}$")
DESCRIBED = ("organization", "program", "taxonomy_detail", "taxonomy_term")


@pytest.fixture
def empty_instance(tmp_path):
    """A second Signpost with its own, freshly migrated, empty SQLite database."""
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'mirror.db'}"})
    database = app.extensions["signpost_db"]
    migrate.upgrade(database.engine)
    yield app
    database.engine.dispose()


def import_package(app, path) -> list[str]:
    records = list(read_datapackage(path))
    assert all(isinstance(record, Record) for record in records), records
    session = app.extensions["signpost_db"].sessionmaker()
    with session.begin():
        load_services(session, [record.service for record in records])
    session.close()
    return [record.key for record in records]


def test_a_dump_imported_into_an_empty_instance_serves_the_same_services(
    client, sample, session, settings, tmp_path, empty_instance
):
    package = tmp_path / "signpost.zip"
    export_dump(session, "datapackage", package, settings)

    assert sorted(import_package(empty_instance, package)) == sorted(s["id"] for s in sample)
    mirror = empty_instance.test_client()
    for service in sample:
        original = client.get(f"/services/{service['id']}").get_json()
        copy = mirror.get(f"/services/{service['id']}").get_json()
        assert comparable(copy) == comparable(as_tabular_says_it(original)), service["name"]
    assert listed(mirror) == listed(client)


def listed(client) -> list[str]:
    body = client.get("/services?per_page=50").get_json()
    return [service["id"] for service in body["contents"]]


def as_tabular_says_it(value: Any, key: str = "") -> Any:
    """The API body as HSDS tabular must write it: times of day with seconds
    ("10:30" -> "10:30:00"), and a required description left empty written as the name."""
    if isinstance(value, dict):
        value = {k: as_tabular_says_it(v, k) for k, v in value.items()}
        if key in DESCRIBED and value.get("description") == "":
            value["description"] = value["name"]
        return value
    if isinstance(value, list):
        return [as_tabular_says_it(item, key) for item in value]
    if key in ("opens_at", "closes_at") and isinstance(value, str) and HH_MM.match(value):
        return value + ":00"
    return value


def comparable(value: Any) -> Any:
    """Without last_modified, and with nested lists sorted by id (the API promises no order
    within a service, and the import inserts rows in the package's id order)."""
    if isinstance(value, dict):
        return {k: comparable(v) for k, v in value.items() if k != "last_modified"}
    if isinstance(value, list):
        items = [comparable(item) for item in value]
        return sorted(
            items, key=lambda item: str(item.get("id") if isinstance(item, dict) else item)
        )
    return value
