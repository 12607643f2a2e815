"""The Open Referral examples (vendored in app/data/reference) imported as
people import them: several sources at once, organisation documents, the wrong kind of
document."""

import json
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.models import Funding, Program, Service, SourceRecord
from app.records.ids import ids_of
from app.reference import HSDS_1_1_DATAPACKAGE, HSDS_EXAMPLES, ORUK_V3_EXAMPLES
from importers.pipeline.run import SourceSpec, run_import
from importers.readers.datapackage import read_datapackage
from importers.readers.hsds_json import read_hsds
from importers.readers.oruk import read_oruk
from importers.readers.record import Note, RecordError, SourceFormatError

EXAMPLES = {"hsds": HSDS_EXAMPLES, "oruk": ORUK_V3_EXAMPLES}
EXAMPLE_SERVICE = "ac148810-d857-441c-9679-408f346de14b"
READERS = {"hsds": read_hsds, "oruk": read_oruk}


def import_json(session, format_name: str, path: Path, name: str):
    spec = SourceSpec(name=name, format=format_name)
    report = run_import(session, spec, READERS[format_name](path), keep_ids=True)
    session.commit()
    return report


def stored(session, name: str) -> list[SourceRecord]:
    query = select(SourceRecord).join(SourceRecord.source).where(SourceRecord.source.has(name=name))
    return list(session.scalars(query.order_by(SourceRecord.key)))


def test_two_sources_sending_the_same_example_service_both_import(session, tmp_path):
    first = import_json(session, "hsds", HSDS_EXAMPLES / "service_full.json", "hsds-example")
    # the HSDS example read as an ORUK 3.0 feed: the same IDs from a second source
    second = import_json(session, "oruk", HSDS_EXAMPLES / "service_full.json", "oruk-example")
    assert (first.created, second.created, second.rejected) == (1, 1, 0)
    (kept,), (rekeyed,) = stored(session, "hsds-example"), stored(session, "oruk-example")
    assert kept.record["id"] == EXAMPLE_SERVICE  # the first source keeps its HSDS IDs
    assert rekeyed.record["id"] != EXAMPLE_SERVICE
    assert rekeyed.raw["id"] == EXAMPLE_SERVICE  # what the source sent is kept
    assert rekeyed.record["program"]["id"] != kept.record["program"]["id"]
    (warning,) = [p for p in second.problems if p.field == "id"]
    assert warning.position == "item 1" and "already another record's" in warning.reason
    assert session.get(Program, kept.record["program"]["id"]) is not None
    assert session.scalar(select(Funding.id).where(Funding.id == kept.record["funding"][0]["id"]))


def test_a_rekeyed_source_keeps_its_ids_when_reimported_changed(session, tmp_path):
    import_json(session, "hsds", HSDS_EXAMPLES / "service_full.json", "hsds-example")
    import_json(session, "oruk", HSDS_EXAMPLES / "service_full.json", "oruk-example")
    (before,) = stored(session, "oruk-example")
    ids_before = sorted(ids_of(before.record))
    changed = json.loads((HSDS_EXAMPLES / "service_full.json").read_text())
    changed["description"] = "Now on Saturdays too."
    path = tmp_path / "service_full.json"
    path.write_text(json.dumps(changed))

    report = import_json(session, "oruk", path, "oruk-example")
    session.expire_all()
    (after,) = stored(session, "oruk-example")
    assert (report.updated, report.rejected) == (1, 0)
    assert after.record["description"] == "Now on Saturdays too."
    assert sorted(ids_of(after.record)) == ids_before
    again = import_json(session, "hsds", HSDS_EXAMPLES / "service_full.json", "hsds-example")
    assert (again.unchanged, again.rejected) == (1, 0)
    assert session.get(Service, EXAMPLE_SERVICE) is not None


@pytest.mark.parametrize("format_name", ["hsds", "oruk"])
@pytest.mark.parametrize("folder", ["hsds", "oruk"])
def test_an_organization_document_imports_as_its_services(session, folder, format_name):
    document = json.loads((EXAMPLES[folder] / "organization_full.json").read_text())
    report = import_json(session, format_name, EXAMPLES[folder] / "organization_full.json", "org")
    assert (report.read, report.created, report.rejected) == (len(document["services"]), 1, 0)
    (record,) = stored(session, "org")
    assert record.key == document["services"][0]["id"]
    assert record.position == "item 1 services[0]"
    assert record.record["name"] == document["services"][0]["name"]  # not the organization's
    assert record.record["organization"]["name"] == document["name"]
    assert "services" not in record.record["organization"]


@pytest.mark.parametrize(
    ("document", "said"),
    [
        ({"id": "o1", "name": "Example Org", "website": "http://example.com"},
         "this is an organization document (Example Org) listing no services"),
        ({"id": "sal1", "service": {"id": "s1", "name": "A"}, "location": {"id": "l1"}},
         "this is a service_at_location document, not a service"),
        ({"id": "t1", "name": "Housing", "code": "H1", "term_uri": "http://x"},
         "this is a taxonomy_term document, not a service"),
        ({"id": "t1", "name": "OpenEligibility", "uri": "http://x", "version": "1"},
         "this is a taxonomy document, not a service"),
        ({"version": "3.0", "profile": "x", "openapi_url": "http://x"},
         "this is not an HSDS service (a JSON object with keys: openapi_url, profile, version)"),
        ({"name": "hsds", "resources": [{"name": "service", "path": "services.csv"}]},
         "this is a data package descriptor (datapackage.json), not a service: import its "
         "folder or zip with `signpost import datapackage PATH`"),
        ({"type": "FeatureCollection", "features": []},
         "this is a GeoJSON document, not an HSDS service"),
    ],
)  # fmt: skip
def test_a_document_of_another_kind_is_named_as_what_it_is(document, said, tmp_path):
    path = tmp_path / "document.json"
    path.write_text(json.dumps(document))
    for reader in READERS.values():
        (error,) = reader(path)
        assert isinstance(error, RecordError)
        assert error.position == "item 1" and error.reason.startswith(said)


@pytest.mark.parametrize("format_name", ["hsds", "oruk"])
def test_what_an_organization_holds_and_none_of_its_services_does_is_named(
    session, tmp_path, format_name
):
    document = json.loads((HSDS_EXAMPLES / "organization_full.json").read_text())
    document["phones"].append({"id": "org-only-phone", "number": "020 7946 0001"})
    document["locations"].append({"id": "org-only-location", "name": "Head office"})
    path = tmp_path / "organization_full.json"
    path.write_text(json.dumps(document))

    *_, note = READERS[format_name](path)
    assert isinstance(note, Note) and note.position == "item 1"
    assert note.reason.startswith(
        "organization Example Organization Inc.: its own locations (1), phones (1) appear "
        "in none of its services, and are not imported"
    )
    report = import_json(session, format_name, path, "org")
    assert (report.created, report.rejected) == (1, 0)
    assert [p.position for p in report.problems if p.field == "locations, phones"] == ["item 1"]


def test_an_organization_whose_parts_its_services_hold_has_no_note():
    # the HSDS example repeats the organization's phone, contact, funding, program and
    # location in its service: nothing is left out, so nothing is said
    items = list(read_hsds(HSDS_EXAMPLES / "organization_full.json"))
    assert not [item for item in items if isinstance(item, Note | RecordError)]


def test_the_service_at_location_example_is_refused_by_name():
    for folder, reader in [("hsds", read_hsds), ("oruk", read_oruk)]:
        (error,) = reader(EXAMPLES[folder] / "service_at_location_full.json")
        assert "service_at_location document" in error.reason


def test_warnings_say_where_in_the_record_they_come_from_once_each(session):
    report = import_json(session, "oruk", HSDS_EXAMPLES / "service_full.json", "oruk-example")
    warnings = [p.reason for p in report.problems if p.kind == "warning"]
    assert len(warnings) == len(set(warnings))
    phone = "1554f2e2-a373-45db-a3fa-9fc48a61c15e"
    assert f"phones[0] (id {phone}): '\"+44 1234 234567\"' is not a UK phone number; dropped" in (
        warnings
    )
    assert any(w.startswith(f"service_at_locations[0].phones[0] (id {phone})") for w in warnings)
    assert any(
        w.startswith("service_at_locations[0].location.addresses[0].postal_code: 'ABC 1234'")
        for w in warnings
    )
    # the reader's own note (coordinates out of range) is reported too
    assert any("is not a valid position; coordinates dropped" in w for w in warnings)


def test_a_child_tables_warning_names_its_table_and_row(session, tmp_path):
    (tmp_path / "services.csv").write_text("id,name,description\ns1,Knit club,Knitting\n")
    (tmp_path / "phones.csv").write_text("id,service_id,number,extension\np1,s1,none,x2\n")
    resources = [{"name": name, "path": f"{name}.csv"} for name in ("services", "phones")]
    (tmp_path / "datapackage.json").write_text(json.dumps({"resources": resources}))
    spec = SourceSpec(name="package", format="datapackage")
    report = run_import(session, spec, read_datapackage(tmp_path), keep_ids=True)
    warnings = [(p.position, p.reason, p.key) for p in report.problems if p.kind == "warning"]
    assert warnings == [
        ("phones.csv line 2", "extension 'x2' is not a number; left out", "s1"),
        ("phones.csv line 2", "phones[0] (id p1): 'none' is not a UK phone number; dropped", "s1"),
    ]


def test_a_nested_tables_warning_names_its_row_not_the_services(session, tmp_path):
    files = {
        "services.csv": "id,name\ns1,Knit club\ns2,Walk group\n",
        "service_at_location.csv": "id,service_id,location_id\nsl1,s1,l1\nsl2,s2,l1\n",
        "locations.csv": "id,name,latitude,longitude\nl1,Hall,north,0.1\n",
        "addresses.csv": "id,location_id,address_1,postal_code\na1,l1,1 High St,ABC 1234\n",
        "phones.csv": "id,service_id,number\np0,s2,020 7946 0000\np1,s2,none\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    spec = SourceSpec(name="package", format="datapackage")
    report = run_import(session, spec, read_datapackage(tmp_path), keep_ids=True)
    warnings = [(p.position, p.reason) for p in report.problems if p.kind == "warning"]
    postcode = "service_at_locations[0].location.addresses[0].postal_code: 'ABC 1234' is not"
    assert [w for w in warnings if w[1].startswith(postcode)] == [
        ("addresses.csv line 2", f"{postcode} a UK postcode; kept as written"),
    ]  # once, though both services nest the one address
    assert ("locations.csv line 2", "latitude 'north' is not a number; left out") in warnings
    assert ("phones.csv line 3", "phones[1] (id p1): 'none' is not a UK phone number; dropped") in (
        warnings
    )
    # what is about the service itself stays at its line; nothing is said twice per record
    assert all(w[0] != "services.csv line 2" or "phones" not in w[1] for w in warnings)
    assert len(warnings) == len(set(warnings))


def test_the_issues_two_imports_run_from_the_command_line(runner, session):
    path = str(HSDS_EXAMPLES / "service_full.json")
    first = runner.invoke(args=["import", "hsds", path, "--source", "hsds-example", "--silent"])
    second = runner.invoke(args=["import", "oruk", path, "--source", "oruk-example", "--silent"])
    assert (first.exit_code, second.exit_code) == (0, 0), second.output
    assert "created 1" in second.output and "Traceback" not in second.output


def test_a_database_refusal_is_a_sentence_naming_the_file(runner, monkeypatch):
    def refuse(*_args, **_kwargs):
        raise IntegrityError("INSERT", {}, Exception("UNIQUE constraint failed: program.id"))

    monkeypatch.setattr("app.cli.run_import", refuse)
    path = str(HSDS_EXAMPLES / "service_full.json")
    result = runner.invoke(args=["import", "hsds", path, "--silent"])
    assert result.exit_code == 1
    assert result.output == (
        "Error: Nothing was imported from service_full.json: the database refused it "
        "(UNIQUE constraint failed: program.id).\n"
    )


def test_one_sources_services_share_its_organization_and_location(session, tmp_path):
    document = json.loads((HSDS_EXAMPLES / "organization_full.json").read_text())
    second = {**document["services"][0], "id": "bd9ae1b6-1b34-4c4e-9f3b-7b5b8a1b2c3d"}
    second["name"] = "Community Counselling (evenings)"
    document["services"].append(second)
    path = tmp_path / "organization_full.json"
    path.write_text(json.dumps(document))

    report = import_json(session, "hsds", path, "hsds-org")
    records = stored(session, "hsds-org")
    assert (report.created, report.rejected) == (2, 0)
    assert {r.record["organization"]["id"] for r in records} == {document["id"]}
    locations = {r.record["service_at_locations"][0]["location"]["id"] for r in records}
    assert locations == {document["services"][0]["service_at_locations"][0]["location"]["id"]}
    # the second service's own parts repeat the first's IDs: those are given their own
    (warning,) = [p for p in report.problems if p.field == "id"]
    assert warning.key == second["id"]
    funding = [r.record["funding"][0]["id"] for r in records]
    assert len(set(funding)) == 2


DATA = Path(__file__).parents[1] / "data"


@pytest.mark.parametrize(
    ("path", "said"),
    [
        (DATA / "careplace" / "lambeth.csv",
         "is a .csv file, not HSDS JSON: import a data package's CSVs with `signpost import "
         "datapackage`, a CarePlace export with `signpost import careplace`"),
        (DATA / "spreadsheet" / "example_council.xlsx",
         "is a .xlsx file, not HSDS JSON: import a spreadsheet with `signpost import csv"),
        (DATA / "lvsc" / "social_prescribing_map.kmz",
         "is a .kmz file, not HSDS JSON: import an LVSC map with `signpost import lvsc`"),
        (HSDS_1_1_DATAPACKAGE,
         "is a folder, not HSDS JSON: import a tabular data package (folder or zip) with "
         "`signpost import datapackage`"),
    ],
)  # fmt: skip
@pytest.mark.parametrize("format_name", ["hsds", "oruk"])
def test_a_file_of_another_format_is_refused_naming_what_reads_it(path, said, format_name):
    with pytest.raises(SourceFormatError) as caught:
        list(READERS[format_name](path))
    assert str(caught.value).startswith(f"{path} {said}")


def test_the_package_reader_given_hsds_json_says_which_reader_takes_it():
    path = HSDS_EXAMPLES / "service_full.json"
    with pytest.raises(SourceFormatError) as caught:
        list(read_datapackage(path))
    assert str(caught.value) == (
        f"{path} is a JSON file, not a data package: import HSDS JSON with `signpost import "
        "hsds` (or `oruk`), or give the package's folder or zip."
    )


def _uuid(number: int) -> str:
    return str(uuid.UUID(int=number))


def test_a_source_reusing_every_id_of_another_in_other_roles_imports(session, tmp_path):
    """Source b sends a's service ID as its organization's, a's location ID as its
    service's, a's program ID as a service_at_location's, a's phone ID as an address's,
    and so on: each is given an ID of b's own, and b's raw payload keeps what it sent."""
    first = {
        "id": _uuid(1),
        "name": "Knit club",
        "organization": {
            "id": _uuid(2),
            "name": "Org A",
            "organization_identifiers": [
                {"id": _uuid(9), "identifier": "123", "identifier_type": "charity"}
            ],
        },
        "program": {"id": _uuid(3), "name": "Crafts"},
        "attributes": [
            {"id": _uuid(10), "taxonomy_term": {"id": _uuid(4), "name": "Term A", "taxonomy": "tx"}}
        ],
        "service_at_locations": [
            {
                "id": _uuid(5),
                "location": {
                    "id": _uuid(6),
                    "name": "Hall",
                    "addresses": [
                        {
                            "id": _uuid(7),
                            "address_1": "1 High St",
                            "city": "London",
                            "postal_code": "NW1 1AA",
                            "country": "GB",
                            "address_type": "physical",
                        }
                    ],
                },
            }
        ],
        "phones": [{"id": _uuid(8), "number": "020 7946 0000"}],
    }
    second = {
        "id": _uuid(6), "name": "Walk group",
        "organization": {"id": _uuid(1), "name": "Org B", "organization_identifiers": [
            {"id": _uuid(9), "identifier": "456", "identifier_type": "charity"}]},
        "program": {"id": _uuid(2), "name": "Walks"},
        "attributes": [{"id": _uuid(10), "taxonomy_term": {
            "id": _uuid(4), "name": "Term B", "taxonomy": "other"}}],
        "service_at_locations": [
            {"id": _uuid(3), "location": {"id": _uuid(5), "name": "Park"}},
            {"id": _uuid(12), "location": {"id": _uuid(6), "name": "Hall again"}}],
        "phones": [{"id": _uuid(7), "number": "020 7946 0001"}],
        "contacts": [{"id": _uuid(1), "name": "Sam", "phones": [
            {"id": _uuid(7), "number": "020 7946 0002"}]}],
    }  # fmt: skip
    for name, service in (("a", first), ("b", second)):
        (tmp_path / f"{name}.json").write_text(json.dumps([service]))
    import_json(session, "hsds", tmp_path / "a.json", "source-a")
    report = import_json(session, "oruk", tmp_path / "b.json", "source-b")

    assert (report.created, report.rejected) == (1, 0)
    (record,) = stored(session, "source-b")
    assert record.raw["id"] == _uuid(6)  # what b sent is kept with its record
    published = session.get(Service, record.record["id"])
    assert published.name == "Walk group" and record.record["id"] != _uuid(6)
    assert session.get(Service, _uuid(1)).name == "Knit club"  # a keeps its IDs
    (warning,) = [p for p in report.problems if p.field == "id"]
    assert warning.position == "item 1" and "already another record's" in warning.reason
    again = import_json(session, "oruk", tmp_path / "b.json", "source-b")
    assert (again.unchanged, again.rejected) == (1, 0)  # idempotent, the same IDs
