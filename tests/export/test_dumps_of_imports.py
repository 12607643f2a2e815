"""A dump is valid HSDS whatever was imported: each reader's test files (tests/data),
imported as `signpost import` would, give a tabular data package frictionless accepts,
partial addresses and all."""

import csv
import json
import zipfile
from pathlib import Path

import frictionless
import pytest

from app.reference import (
    HSDS_1_1_DATAPACKAGE,
    HSDS_DATAPACKAGE,
    HSDS_EXAMPLES,
    ORUK_V3_EXAMPLES,
)
from importers.pipeline.formats import FORMATS, read_source
from importers.pipeline.run import SourceSpec, run_import

DATA = Path(__file__).parents[1] / "data"
# HSDS 3.0's tabular examples, zipped with the real descriptor (the file beside them in
# the specification is a link to it): made per test by `located`.
HSDS3_TABULAR = Path("hsds-3-examples.zip")
MAPPINGS = Path(__file__).parents[2] / "importers" / "mappings"
IMPORTS = [
    ("careplace", DATA / "careplace" / "lambeth.csv", {"borough": "Lambeth"}),
    ("careplace", DATA / "careplace" / "croydon_semicolon.csv", {"borough": "Croydon"}),
    ("careplace", DATA / "careplace" / "lewisham_windows1252.csv", {"borough": "Lewisham"}),
    ("careplace", DATA / "careplace" / "southwark_bom.csv", {"borough": "Southwark"}),
    ("lvsc", DATA / "lvsc" / "social_prescribing_map.kml", {}),
    ("lvsc", DATA / "lvsc" / "social_prescribing_map.kmz", {}),
    ("lvsc", DATA / "lvsc" / "social_prescribing_map.csv", {}),
    ("csv", DATA / "spreadsheet" / "camden_services.csv",
     {"mapping": DATA / "spreadsheet" / "camden.toml"}),
    ("csv", DATA / "spreadsheet" / "example_council.xlsx",
     {"mapping": MAPPINGS / "example_council.toml"}),
    ("hsds", DATA / "hsds" / "services_array.json", {}),
    ("hsds", DATA / "hsds" / "page.json", {}),
    ("hsds", DATA / "hsds" / "services.ndjson", {}),
    ("hsds", HSDS_EXAMPLES / "service_full.json", {}),
    ("hsds", HSDS_EXAMPLES / "organization_full.json", {}),
    ("oruk", DATA / "oruk" / "v1_services_page.json", {}),
    ("oruk", ORUK_V3_EXAMPLES / "service_full.json", {}),
    ("oruk", ORUK_V3_EXAMPLES / "organization_full.json", {}),
    ("oruk", HSDS_EXAMPLES / "service_full.json", {}),
    ("datapackage", HSDS_1_1_DATAPACKAGE, {}),
    ("datapackage", HSDS3_TABULAR, {}),
]  # fmt: skip
FORMATS_COVERED = {format_name for format_name, _path, _options in IMPORTS}


def located(path: Path, folder: Path) -> Path:
    """The file to import: the path itself, or the HSDS 3.0 tabular examples zipped."""
    if path != HSDS3_TABULAR:
        return path
    target = folder / path
    if not target.exists():
        folder.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(target, "w") as archive:
            for table in sorted((HSDS_EXAMPLES / "csv").glob("*.csv")):
                archive.write(table, table.name)
            archive.write(HSDS_DATAPACKAGE, "datapackage.json")
    return target


def import_fixture(session, format_name: str, path: Path, options: dict, name: str, folder=None):
    spec = SourceSpec(name=name, format=format_name, licence="CC-BY-4.0")
    path = located(path, folder or Path("."))
    items = read_source(format_name, str(path), options.get("mapping"), options.get("borough"))
    report = run_import(session, spec, items, keep_ids=FORMATS[format_name].keep_ids)
    session.commit()
    return report


def validate(package: Path, folder: Path) -> frictionless.Report:
    with zipfile.ZipFile(package) as archive:
        archive.extractall(folder)
    return frictionless.validate(folder / "datapackage.json")


def problems(report: frictionless.Report) -> list:
    return report.flatten(["resourcePath", "rowNumber", "fieldName", "message"])[:10]


@pytest.mark.parametrize(("format_name", "path", "options"), IMPORTS, ids=lambda v: str(v)[-30:])
def test_the_dump_of_each_readers_files_is_valid_hsds(
    session, export, tmp_path, format_name, path, options
):
    name = f"{format_name}-{path.stem}"
    report = import_fixture(session, format_name, path, options, name, tmp_path / "files")
    assert report.created
    result = validate(export("datapackage"), tmp_path / "unzipped")
    assert result.valid, problems(result)


def test_the_dump_of_every_reader_at_once_is_valid_hsds(session, export, tmp_path):
    for number, (format_name, path, options) in enumerate(IMPORTS):
        import_fixture(session, format_name, path, options, f"source-{number}", tmp_path / "files")
    result = validate(export("datapackage"), tmp_path / "unzipped")
    assert result.valid, problems(result)


def test_every_format_signpost_imports_has_a_file_here():
    assert FORMATS_COVERED == set(FORMATS)


def test_an_address_hsds_cannot_hold_whole_stays_in_the_json_forms(session, export, tmp_path):
    service = {
        "id": "s1",
        "name": "Knit and natter",
        "service_at_locations": [
            {"location": {"id": "l1", "name": "Library", "addresses": [{
                "address_1": "1 High Street", "city": "London", "region": "Camden",
                "postal_code": "NW1 1AA", "country": "GB", "address_type": "physical"}]}},
            {"location": {"id": "l2", "name": "Park", "addresses": [{
                "address_1": "", "city": "London", "postal_code": "NW1 2BB",
                "country": "GB", "address_type": "physical"}]}},
        ],
    }  # fmt: skip
    path = tmp_path / "services.json"
    path.write_text(json.dumps([service]))
    import_fixture(session, "hsds", path, {}, "hsds-partial")

    package = export("datapackage")
    assert validate(package, tmp_path / "unzipped").valid
    with (tmp_path / "unzipped" / "addresses.csv").open(newline="", encoding="utf-8") as handle:
        (row,) = csv.DictReader(handle)
    assert (row["address_1"], row["state_province"]) == ("1 High Street", "Camden")
    (published,) = json.loads(export("json").read_text())
    postcodes = sorted(
        address["postal_code"]
        for sal in published["service_at_locations"]
        for address in sal["location"]["addresses"]
    )
    assert postcodes == ["NW1 1AA", "NW1 2BB"]
