import json
import re
import shutil
import zipfile

import pytest

from app import reference
from importers.pipeline.run import SourceSpec, run_import
from importers.readers.datapackage import read_datapackage
from importers.readers.record import Note, Record, RecordError, SourceFormatError
from tests import hsds

HSDS3_CSV = reference.HSDS_EXAMPLES / "csv"
HSDS3_DESCRIPTOR = reference.HSDS_DATAPACKAGE
HSDS11 = reference.HSDS_1_1_DATAPACKAGE
SERVICE_ID = "ac148810-d857-441c-9679-408f346de14b"
NEVER_HOMELESS = "c89eb05c-62dd-4b64-b494-0cc347b6ea7f"
IDS_LEFT_TO_THE_PIPELINE = (
    "'id' is a required property",
    "is not a 'uuid'",
    "'description' is a required property",  # taxonomy_term
)


def dig(value, *path):
    for step in path:
        value = value[step]
    return value


def write_zip(target, files, prefix=""):
    with zipfile.ZipFile(target, "w") as archive:
        for name, content in files.items():
            archive.writestr(prefix + name, content)
    return target


@pytest.fixture(scope="module")
def hsds3_folder(tmp_path_factory):
    """The HSDS 3.0 example CSVs with the real descriptor (the one beside them is a link stub)."""
    folder = tmp_path_factory.mktemp("hsds3")
    for csv_file in HSDS3_CSV.glob("*.csv"):
        shutil.copy(csv_file, folder)
    shutil.copy(HSDS3_DESCRIPTOR, folder / "datapackage.json")
    return folder


@pytest.fixture(scope="module")
def hsds3_record(hsds3_folder):
    (record,) = read_datapackage(hsds3_folder)
    return record


@pytest.fixture(scope="module")
def hsds11_records():
    return {r.key: r for r in read_datapackage(HSDS11)}


# -- HSDS 3.0 example package ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (("name",), "Community Counselling"),
        (("minimum_age",), 12),
        (("maximum_age",), 100),
        (("organization", "name"), "Example Organization Inc."),
        (("organization", "year_incorporated"), 2011),
        (("organization", "organization_identifiers", 0, "identifier"), "1234567"),
        (("program", "name"), "Community Mental Health Support"),
        (("phones", 0, "extension"), 100),
        (("phones", 0, "languages", 0, "name"), "Urdu"),
        (("schedules", 0, "byday"), "TH,FR"),
        (("schedules", 0, "timezone"), 3),
        (("schedules", 0, "interval"), 1),
        (("cost_options", 0, "amount"), 35),
        (("cost_options", 0, "currency"), "gbp"),
        (("funding", 0, "source"), "This service is funded partially by the MyCity local "
         "government and via grants made by charity funding bodies. We also operate a for-profit "
         "department which is used to partially cover the expense of the public service"),
        (("required_documents", 0, "uri"), "http://example.com"),
        (("service_areas", 0, "extent_type"), "geojson"),
        (("languages", 0, "code"), "ur"),
        (("contacts", 0, "name"), "Ann Persona"),
        (("service_at_locations", 0, "description"),
         "Counselling Services provided by trained professionals in the MyCity area."),
        (("service_at_locations", 0, "location", "name"), "MyCity Civic Center"),
        (("service_at_locations", 0, "location", "external_identifier_type"), "UPRN"),
        (("service_at_locations", 0, "location", "addresses", 0, "postal_code"), "ABC 1234"),
        (("service_at_locations", 0, "location", "addresses", 0, "address_type"), "postal"),
        (("service_at_locations", 0, "location", "accessibility", 0, "details"),
         "Switch hearing aid to T-coil to access the induction loop facility."),
        (("service_at_locations", 0, "location", "languages", 0, "name"), "Urdu"),
        (("service_at_locations", 0, "location", "schedules", 0, "opens_at"), "10:00:00"),
        (("service_at_locations", 0, "schedules", 0, "closes_at"), "18:00:00"),
        (("service_at_locations", 0, "phones", 0, "type"), "voice"),
    ],
)  # fmt: skip
def test_hsds3_values_land_in_nested_places(hsds3_record, path, expected):
    assert dig(hsds3_record.service, *path) == expected


def test_hsds3_assembly_validates_against_the_hsds_service_schema(hsds3_record):
    assert hsds.errors(hsds3_record.service, "compiled/service.json") == []


def test_hsds11_assembly_is_hsds3_shaped(hsds11_records):
    # IDs of derived objects (attributes, phone languages) are left to the pipeline
    for record in hsds11_records.values():
        problems = hsds.errors(record.service, "compiled/service.json")
        assert [p for p in problems if not p.endswith(IDS_LEFT_TO_THE_PIPELINE)] == []


def test_hsds3_record_key_position_and_raw(hsds3_record):
    assert hsds3_record.key == SERVICE_ID
    assert hsds3_record.position == "services.csv line 2"
    assert hsds3_record.raw["minimum_age"] == "12"  # as read
    assert hsds3_record.raw["program_id"] == "e7ec2e57-4540-43fa-b2c7-6be5a0ef7f42"


def test_hsds3_foreign_keys_are_not_repeated_in_nested_objects(hsds3_record):
    service = hsds3_record.service
    assert "organization_id" not in service and "program_id" not in service
    assert "service_id" not in service["phones"][0]
    assert "location_id" not in service["service_at_locations"][0]
    assert "organization_id" not in service["service_at_locations"][0]["location"]


def test_hsds3_out_of_range_coordinates_are_dropped_with_a_warning(hsds3_record):
    location = hsds3_record.service["service_at_locations"][0]["location"]
    assert "latitude" not in location and "longitude" not in location
    (warning,) = hsds3_record.raw["_warnings"]
    assert "3a19ff88-4620-4d17-9830-ac1d859eb5d5" in warning


def test_attribute_linked_elsewhere_is_not_on_the_service(hsds3_record):
    # attributes.csv links f28dd44b-..., not this service
    assert "attributes" not in hsds3_record.service


def test_zip_gives_the_same_records_as_the_folder(hsds3_folder, hsds3_record, tmp_path):
    files = {p.name: p.read_bytes() for p in hsds3_folder.iterdir()}
    for prefix in ("", "hsds-export/"):
        archive = write_zip(tmp_path / f"package{len(prefix)}.zip", files, prefix)
        (record,) = read_datapackage(archive)
        assert record.service == hsds3_record.service


def test_path_to_the_descriptor_itself(hsds3_folder, hsds3_record):
    (record,) = read_datapackage(hsds3_folder / "datapackage.json")
    assert record.service == hsds3_record.service


def test_shared_example_folder_with_a_link_stub_is_read_by_its_file_names(hsds3_record):
    note, record = read_datapackage(HSDS3_CSV)
    assert isinstance(note, Note) and note.position == "datapackage.json"
    assert note.reason.startswith(
        "datapackage.json is not JSON ('../../datapackage.json': a link saved as text?): "
        "the tables were read by their file names (accessibility.csv, addresses.csv,"
    )
    assert "meta_table_descriptions.csv" not in note.reason  # not an HSDS table
    assert record.service == hsds3_record.service


@pytest.mark.parametrize("prefix", ["", "export/"])
def test_a_zip_of_the_tables_alone_is_read_by_their_file_names(hsds3_record, tmp_path, prefix):
    files = {p.name: p.read_bytes() for p in HSDS3_CSV.glob("*.csv")}
    files["../elsewhere.csv"] = b"id,name\nx,Not in the package\n"
    note, record = read_datapackage(write_zip(tmp_path / "tables.zip", files, prefix))
    assert note.reason.startswith("datapackage.json is missing: the tables were read by")
    assert "elsewhere" not in note.reason
    assert record.service == hsds3_record.service


def test_a_package_imports_by_file_names_saying_so(session, tmp_path):
    report = run_import(
        session, SourceSpec(name="tables", format="datapackage"), read_datapackage(HSDS3_CSV),
        keep_ids=True,
    )  # fmt: skip
    assert (report.created, report.rejected) == (1, 0)
    (note,) = [p for p in report.problems if p.position == "datapackage.json"]
    assert (note.kind, note.key) == ("warning", None)  # printed by `signpost import`


# -- HSDS 1.1 package ------------------------------------------------------------------------


def test_hsds11_reads_every_service(hsds11_records):
    assert len(hsds11_records) == 13
    assert all(isinstance(r, Record) for r in hsds11_records.values())
    assert hsds11_records[NEVER_HOMELESS].position == "services.csv line 2"


def test_hsds11_tables_map_to_hsds3(hsds11_records):
    service = hsds11_records[NEVER_HOMELESS].service
    assert service["organization"]["website"] == "http://example.com"  # 1.1 `url`
    assert service["organization"]["year_incorporated"] == 1997
    assert service["eligibility_description"] == "adult"
    assert [
        (s.get("byday"), s.get("opens_at"), s.get("closes_at")) for s in service["schedules"]
    ] == [
        ("MO", "09:00", "17:00"),
        ("TU", "09:00", "17:00"),
        ("WE", "09:00", "17:00"),
        (None, None, None),
    ]
    assert service["schedules"][3] == {
        "id": "fa9dbdb0-1b0c-11e9-b56e-0800200c9a66",
        "valid_from": "2019-12-24",
        "valid_to": "2019-12-26",
        "notes": "Closed (holiday)",
    }
    assert service["service_areas"] == [
        {
            "id": "c7476db0-1b0e-11e9-b56e-0800200c9a66",
            "name": "Sample service area",
            "description": "A description about the service area",
        }
    ]
    assert [lang["name"] for lang in service["languages"]] == ["English", "Spanish"]
    assert [a["value"] for a in service["attributes"]] == ["cash", "credit card"]
    assert service["attributes"][0]["taxonomy_term"]["name"] == "payment_accepted"
    assert service["funding"][0]["source"] == "Funding source A"
    assert service["required_documents"][0]["document"] == "Sample required document"


def test_hsds11_location_addresses_and_accessibility(hsds11_records):
    location = hsds11_records[NEVER_HOMELESS].service["service_at_locations"][0]["location"]
    assert location["name"] == "Sanctuary on 5th Street"
    assert location["location_type"] == "physical"
    assert [(a["address_type"], a["city"], a["postal_code"]) for a in location["addresses"]] == [
        ("physical", "New York City", "10001"),
        ("postal", "New York City", "10001"),
    ]
    assert location["accessibility"] == [
        {
            "id": "af51e4f0-1b0f-11e9-b56e-0800200c9a66",
            "description": "disabled_parking",
            "details": "Some details regarding the parking lot",
        }
    ]
    assert "latitude" not in location  # empty cells are absent keys


def test_hsds11_coordinates_are_numbers(hsds11_records):
    location = hsds11_records["25870bcf-7528-4e05-8f0c-7e639075ce71"].service[
        "service_at_locations"
    ][0]["location"]
    assert (location["latitude"], location["longitude"]) == (39.428192, -119.897426)


def test_hsds11_phones_with_language_lists(hsds11_records):
    service = hsds11_records["21a1192b-abb9-45e8-bc52-c81ca4087240"].service
    assert service["phones"] == [
        {
            "id": "3d257b44-eff1-4a22-9465-7f96710848bf",
            "number": "(223) 4567 12534",
            "type": "voice",
            "description": "Laundry Line: General information",
            "languages": [{"code": "en"}, {"code": "es"}],
        }
    ]
    assert service["service_at_locations"][0]["phones"][0]["number"] == "(773) 2351 2461"
    assert [p["type"] for p in service["organization"]["phones"]] == ["voice", "textphone"]


# -- own fixtures: attributes, cleaning, per-row errors -------------------------------------

DESCRIPTOR = {
    "name": "tiny",
    "resources": [
        {"name": "service", "path": "data/services.csv"},
        {"name": "attribute", "path": "data/attributes.csv"},
        {"name": "taxonomy_term", "path": "data/taxonomy_terms.csv"},
        {"name": "taxonomy", "path": "data/taxonomies.csv"},
        {"name": "cost_option", "path": "data/cost_options.csv"},
        {"name": "meta_table_description", "path": "data/not_shipped.csv"},
    ],
}
TINY = {
    "data/services.csv": (
        "\ufeffid,name,status,minimum_age,maximum_age,description\r\n"
        "s1,Gardening club,active,16,,Grow food together\r\n"
        "s2,,active,,,No name here\r\n"
        "s3,Bad ages,active,sixteen,99,\r\n"
        "s1,Gardening club again,active,,,\r\n"
    ),
    "data/attributes.csv": (
        "id,link_id,taxonomy_term_id,link_type,link_entity,value\n"
        "a1,s1,t1,,service,\n"
        "a2,s1,unknown-term,,service,\n"
    ),
    "data/taxonomy_terms.csv": (
        "id,code,name,description,parent_id,taxonomy,language,taxonomy_id,term_uri\n"
        "t1,SP-1,Gardening,Growing things,,Signpost,en,x1,\n"
    ),
    "data/taxonomies.csv": "id,name,description,uri,version\nx1,Signpost activities,Ours,,1\n",
    "data/cost_options.csv": "id,service_id,option,amount,currency\nc1,s1,Seeds, 2.50 ,GBP\n",
}


@pytest.fixture()
def tiny_items(tmp_path):
    archive = write_zip(tmp_path / "tiny.zip", TINY | {"datapackage.json": json.dumps(DESCRIPTOR)})
    return list(read_datapackage(archive))


def test_attribute_has_its_taxonomy_term_and_taxonomy_detail(tiny_items):
    service = tiny_items[0].service
    assert service["attributes"] == [
        {
            "id": "a1",
            "link_entity": "service",
            "taxonomy_term": {
                "id": "t1",
                "code": "SP-1",
                "name": "Gardening",
                "description": "Growing things",
                "taxonomy": "Signpost",
                "language": "en",
                "taxonomy_detail": {
                    "id": "x1",
                    "name": "Signpost activities",
                    "description": "Ours",
                    "version": "1",
                },
            },
        }
    ]
    assert "taxonomy term unknown-term is not in the package" in tiny_items[0].raw["_warnings"]


def test_cells_are_cleaned_and_numbers_converted(tiny_items):
    service = tiny_items[0].service
    assert service == service | {"minimum_age": 16, "description": "Grow food together"}
    assert "maximum_age" not in service
    assert service["cost_options"] == [
        {"id": "c1", "option": "Seeds", "amount": 2.5, "currency": "GBP"}
    ]


def test_row_problems_are_reported_per_row(tiny_items):
    assert [type(i).__name__ for i in tiny_items] == [
        "Record",
        "RecordError",
        "Record",
        "RecordError",
    ]
    no_name, duplicate = tiny_items[1], tiny_items[3]
    assert (no_name.position, no_name.key, no_name.field) == ("services.csv line 3", "s2", "name")
    assert (duplicate.position, duplicate.reason) == (
        "services.csv line 5",
        "duplicate service id s1",
    )
    bad_ages = tiny_items[2]
    assert "minimum_age" not in bad_ages.service and bad_ages.service["maximum_age"] == 99
    assert bad_ages.raw["_warnings"] == [
        "services.csv line 4: minimum_age 'sixteen' is not a number; left out"
    ]


HSDS11_TAXONOMY = {
    "datapackage.json": json.dumps(
        {
            "resources": [
                {"name": "service", "path": "services.csv"},
                {"name": "taxonomy", "path": "taxonomy.csv"},
                {"name": "service_taxonomy", "path": "services_taxonomy.csv"},
            ]
        }
    ),
    "services.csv": 'id,name,status,taxonomy_ids\ns1,Food bank,active,"t2, t3"\n',
    "taxonomy.csv": (
        "id,name,parent_id,parent_name,vocabulary\n"
        "t1,Food Pantry,,,AIRS\n"
        "t2,Homeless,,,AIRS\n"
        "t3,Older people,,,\n"
    ),
    "services_taxonomy.csv": (
        "id,service_id,taxonomy_id,taxonomy_detail\nst1,s1,t1,Food Pantry*Homeless\n"
    ),
}


def test_hsds11_service_taxonomy_and_taxonomy_ids_become_attributes(tmp_path):
    (record,) = read_datapackage(write_zip(tmp_path / "tax.zip", HSDS11_TAXONOMY))
    assert record.service["attributes"] == [
        {
            "id": "st1",
            "taxonomy_term": {"id": "t1", "name": "Food Pantry", "taxonomy": "AIRS"},
            "value": "Food Pantry*Homeless",
        },
        {"taxonomy_term": {"id": "t2", "name": "Homeless", "taxonomy": "AIRS"}},
        {"taxonomy_term": {"id": "t3", "name": "Older people"}},
    ]
    assert "taxonomy_ids" not in record.service
    assert record.raw["taxonomy_ids"] == "t2, t3"


# -- broken packages -----------------------------------------------------------------------


def broken(resources):
    return {"resources": resources}


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"phones.csv": "id,number\n1,x\n"}, "has no datapackage.json (nor a services.csv)"),
        ({"datapackage.json": "{not json"}, "datapackage.json is not valid JSON"),
        ({"datapackage.json": "[]"}, "lists no resources"),
        (
            {"datapackage.json": json.dumps(broken([{"name": "services", "path": "nope.csv"}]))},
            "resource 'services' file nope.csv does not exist",
        ),
        (
            {"datapackage.json": json.dumps(broken([{"name": "services", "path": "../evil.csv"}]))},
            "resource path ../evil.csv points outside the package",
        ),
        (
            {"datapackage.json": json.dumps(broken([{"name": "services", "path": "/etc/passwd"}]))},
            "resource path /etc/passwd points outside the package",
        ),
        (
            {"datapackage.json": json.dumps(broken([{"name": "service", "path": "https://x.org/s.csv"}]))},
            "remote resource https://x.org/s.csv is not supported",
        ),
        (
            {"datapackage.json": json.dumps(broken([{"name": "service"}]))},
            "resource 'service' has no path",
        ),
        (
            {
                "datapackage.json": json.dumps(broken([{"name": "location", "path": "l.csv"}])),
                "l.csv": "id,name\n",
            },
            "has no services table",
        ),
    ],
)  # fmt: skip
@pytest.mark.parametrize("form", ["zip", "folder"])
def test_broken_packages_raise_source_format_error(tmp_path, files, message, form):
    if form == "zip":
        target = write_zip(tmp_path / "broken.zip", files)
    else:
        target = tmp_path / "broken"
        target.mkdir()
        for name, content in files.items():
            (target / name).write_text(content, encoding="utf-8")
    with pytest.raises(SourceFormatError, match=re.escape(message)) as caught:
        list(read_datapackage(target))
    assert str(target) in str(caught.value)


def test_zip_slip_path_is_refused_even_when_the_member_exists(tmp_path):
    descriptor = broken([{"name": "services", "path": "data/../../secret.csv"}])
    files = {"datapackage.json": json.dumps(descriptor), "../secret.csv": "id,name\nx,Secret\n"}
    archive = write_zip(tmp_path / "slip.zip", files)
    with pytest.raises(SourceFormatError, match="points outside the package"):
        list(read_datapackage(archive))


def test_folder_symlink_out_of_the_package_is_refused(tmp_path):
    (tmp_path / "secret.csv").write_text("id,name\nx,Secret\n", encoding="utf-8")
    folder = tmp_path / "pkg"
    folder.mkdir()
    (folder / "services.csv").symlink_to(tmp_path / "secret.csv")
    descriptor = broken([{"name": "services", "path": "services.csv"}])
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    with pytest.raises(SourceFormatError, match="points outside the package"):
        list(read_datapackage(folder))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing", None, "does not exist"),
        ("plain.csv", b"id,name\n", "neither a folder nor a zip"),
        ("bad.zip", b"PK\x03\x04 truncated", "neither a folder nor a zip"),
    ],
)
def test_not_a_package(tmp_path, name, content, message):
    target = tmp_path / name
    if content is not None:
        target.write_bytes(content)
    with pytest.raises(SourceFormatError, match=message):
        list(read_datapackage(target))


def test_undecodable_csv_names_the_file(tmp_path):
    descriptor = broken([{"name": "services", "path": "services.csv"}])
    files = {"datapackage.json": json.dumps(descriptor), "services.csv": "id,name\n1,Caf\xe9\n"}
    archive = tmp_path / "latin1.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("datapackage.json", files["datapackage.json"])
        zf.writestr("services.csv", files["services.csv"].encode("latin-1"))
    with pytest.raises(SourceFormatError, match="services.csv cannot be read near line 2"):
        list(read_datapackage(archive))


def test_errors_are_record_errors_not_exceptions(tiny_items):
    assert all(isinstance(i, Record | RecordError) for i in tiny_items)


def test_child_rows_without_ids_are_nested_without_crashing(tmp_path):
    descriptor = broken(
        [
            {"name": "services", "path": "services.csv"},
            {"name": "service_at_locations", "path": "sal.csv"},
            {"name": "phones", "path": "phones.csv"},
            {"name": "contacts", "path": "contacts.csv"},
        ]
    )
    files = {
        "datapackage.json": json.dumps(descriptor),
        "services.csv": "id,name\ns1,Walk\n",
        "sal.csv": "service_id,location_id\ns1,l1\n",  # no id column
        "phones.csv": "service_id,number\ns1,020 7946 0000\n",
        "contacts.csv": "service_id,name\ns1,Ann\n",
    }
    (record,) = read_datapackage(write_zip(tmp_path / "no_ids.zip", files))
    assert record.service["phones"] == [{"number": "020 7946 0000"}]
    assert record.service["contacts"] == [{"name": "Ann"}]


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (  # a taxonomy table's header is read to tell HSDS 1.1 from 3.0
            {"taxonomy.csv": "id,name,vocabulary\n1,Caf\xe9,x\n".encode("utf-16")},
            "taxonomy.csv cannot be read",
        ),
        ({"datapackage.json": "[" * 100_000 + "]" * 100_000}, "datapackage.json is not valid JSON"),
    ],
)
def test_unreadable_descriptor_or_table_header_is_a_source_format_error(tmp_path, files, message):
    descriptor = broken(
        [{"name": "services", "path": "s.csv"}, {"name": "taxonomy", "path": "taxonomy.csv"}]
    )
    files = {"datapackage.json": json.dumps(descriptor), "s.csv": "id,name\n", **files}
    with pytest.raises(SourceFormatError, match=message):
        list(read_datapackage(write_zip(tmp_path / "bad.zip", files)))


def test_a_damaged_table_in_a_zip_is_a_source_format_error(tmp_path):
    descriptor = broken([{"name": "services", "path": "services.csv"}])
    archive = tmp_path / "damaged.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("datapackage.json", json.dumps(descriptor))
        zf.writestr("services.csv", "id,name\n" + "s1,Walk\n" * 2000)
    data = bytearray(archive.read_bytes())
    start = data.index(b"services.csv") + len("services.csv") + 40
    data[start : start + 8] = b"\xff" * 8  # inside the deflated table
    archive.write_bytes(bytes(data))
    with pytest.raises(SourceFormatError, match="services.csv cannot be read"):
        list(read_datapackage(archive))


@pytest.mark.parametrize("form", ["zip", "folder"])
def test_the_size_limit_covers_what_the_package_unzips_to(tmp_path, form):
    descriptor = broken([{"name": "services", "path": "services.csv"}])
    files = {"datapackage.json": json.dumps(descriptor), "services.csv": "id,name\n" * 200}
    if form == "zip":
        target = write_zip(tmp_path / "big.zip", files)
    else:
        target = tmp_path / "big"
        target.mkdir()
        for name, content in files.items():
            (target / name).write_text(content)
    with pytest.raises(SourceFormatError, match="over the 1,000-byte limit"):
        list(read_datapackage(target, size_limit=1000))
