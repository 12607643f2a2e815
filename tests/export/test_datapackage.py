"""The HSDS tabular data package: what a publisher or researcher downloads to load the
whole directory into their own tools, checked the way they would check it."""

import csv
import json
import zipfile

import frictionless
import pytest

from app.reference import HSDS_DATAPACKAGE
from tests.export.conftest import CAMDEN_ATTRIBUTION, read_meta

HSDS_DESCRIPTOR = json.loads(HSDS_DATAPACKAGE.read_text())
HSDS_RESOURCES = {resource["name"]: resource for resource in HSDS_DESCRIPTOR["resources"]}


@pytest.fixture
def package(planted, export):
    return export("datapackage")


@pytest.fixture
def unzipped(package, tmp_path):
    folder = tmp_path / "unzipped"
    with zipfile.ZipFile(package) as archive:
        archive.extractall(folder)
    return folder


def rows(folder, name):
    with (folder / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_package_is_valid_hsds_with_every_foreign_key_resolving(unzipped):
    report = frictionless.validate(unzipped / "datapackage.json")
    assert report.valid, report.flatten(["resourcePath", "rowNumber", "fieldName", "message"])


def test_hsds_tables_are_declared_exactly_as_hsds_declares_them(unzipped):
    descriptor = json.loads((unzipped / "datapackage.json").read_text())
    declared = {resource["name"]: resource for resource in descriptor["resources"]}
    for name, hsds in HSDS_RESOURCES.items():
        assert declared[name] == hsds, name


def test_each_csv_has_exactly_the_hsds_columns_in_hsds_order(unzipped):
    for resource in HSDS_DESCRIPTOR["resources"]:
        with (unzipped / resource["path"]).open(newline="", encoding="utf-8") as handle:
            header = next(csv.reader(handle))
        assert header == [field["name"] for field in resource["schema"]["fields"]]


def test_the_zip_holds_only_hsds_tables_sources_and_source_records(package):
    with zipfile.ZipFile(package) as archive:
        names = set(archive.namelist())
    expected = {resource["path"] for resource in HSDS_DESCRIPTOR["resources"]}
    assert names == expected | {"datapackage.json", "source_records.csv", "sources.csv"}


def test_services_are_those_that_may_be_redistributed(unzipped, planted, sample):
    exported = {row["id"] for row in rows(unzipped, "services.csv")}
    expected = {service["id"] for service in sample} - {planted.merged["id"]}
    assert exported == expected


def test_source_records_say_where_each_service_came_from(unzipped, planted):
    assert rows(unzipped, "source_records.csv") == [
        {
            "source": "camden-directory",
            "key": "C-1",
            "service_id": planted.walk["id"],
            "organization_id": planted.walk["organization"]["id"],
            "status": "active",
            "licence": "CC-BY-4.0",
        }
    ]
    descriptor = json.loads((unzipped / "datapackage.json").read_text())
    declared = {resource["name"]: resource["path"] for resource in descriptor["resources"]}
    assert declared["source_records"] == "source_records.csv"
    assert declared["sources"] == "sources.csv"


def test_sources_and_licences_name_everyone_whose_data_it_contains(unzipped):
    sources = rows(unzipped, "sources.csv")
    assert [(s["name"], s["licence"]) for s in sources] == [
        ("signpost", "OGL-UK-3.0"),
        ("camden-directory", "CC-BY-4.0"),
    ]
    descriptor = json.loads((unzipped / "datapackage.json").read_text())
    assert [licence["name"] for licence in descriptor["licenses"]] == ["OGL-UK-3.0", "CC-BY-4.0"]
    assert CAMDEN_ATTRIBUTION in [source["attribution"] for source in descriptor["sources"]]
    assert CAMDEN_ATTRIBUTION in descriptor["attribution"]


def test_times_and_dates_are_written_as_hsds_tabular_types(unzipped, planted):
    schedules = {row["id"]: row for row in rows(unzipped, "schedules.csv")}
    walk_schedule = planted.walk["service_at_locations"][0]["schedules"][0]
    assert schedules[walk_schedule["id"]]["opens_at"] == "10:30:00"
    services = {row["id"]: row for row in rows(unzipped, "services.csv")}
    assert services[planted.walk["id"]]["last_modified"].endswith("+00:00")


def test_a_contacts_phone_belongs_to_the_contact_alone(unzipped, planted):
    contact = planted.walk["contacts"][0]
    (phone,) = [row for row in rows(unzipped, "phones.csv") if row["contact_id"] == contact["id"]]
    assert (phone["service_id"], phone["number"]) == ("", "020 7946 0101")


def test_the_metadata_file_describes_the_package(package, planted):
    meta = read_meta(package)
    assert (meta["format"], meta["records"], meta["record_type"]) == (
        "datapackage",
        6,
        "service",
    )
    assert meta["size"] == package.stat().st_size


FORMULAS = {"name": '=HYPERLINK("http://evil.example")', "description": "@SUM(A1)"}


def test_formulas_are_defused_in_the_csvs_and_read_back_as_written(session, export, sample):
    """Issue 19, L5: text a spreadsheet would run is written with an apostrophe first (as
    the flat CSV does), and the data package reader gives back the original text."""
    from app.models import Service
    from importers.readers.datapackage import read_datapackage

    service = session.get(Service, sample[0]["id"])
    service.name, service.description = FORMULAS["name"], FORMULAS["description"]
    session.commit()
    package = export("datapackage")
    with zipfile.ZipFile(package) as archive:
        services = list(csv.DictReader(archive.read("services.csv").decode().splitlines()))
    [row] = [row for row in services if row["id"] == service.id]
    assert (row["name"], row["description"]) == ("'" + FORMULAS["name"], "'@SUM(A1)")
    assert all(not value.startswith(("=", "@")) for row in services for value in row.values())
    [record] = [r for r in read_datapackage(package) if getattr(r, "key", None) == service.id]
    assert {k: record.service[k] for k in FORMULAS} == FORMULAS
