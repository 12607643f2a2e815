import re
import struct
import zipfile
from pathlib import Path

import openpyxl
import pytest

import importers.readers.spreadsheet
from importers.readers.record import Note, Record, RecordError, SourceFormatError
from importers.readers.spreadsheet import SUPPORTED_FIELDS, load_mapping, read_spreadsheet

ROOT = Path(__file__).parents[2]
DATA = ROOT / "tests" / "data" / "spreadsheet"
EXAMPLE = ROOT / "importers" / "mappings" / "example_council.toml"


def records(items):
    return [item for item in items if isinstance(item, Record)]


def notes(items):
    return [item for item in items if isinstance(item, Note)]


def errors(items):
    return [item for item in items if isinstance(item, RecordError)]


@pytest.fixture(scope="module")
def xlsx_items():
    return list(read_spreadsheet(DATA / "example_council.xlsx", EXAMPLE))


def test_example_mapping_on_xlsx(xlsx_items):
    assert [(r.position, r.key) for r in records(xlsx_items)] == [
        ("row 3", "EC-101@E8 3BQ"),
        ("row 4", "EC-101@E5 8RA"),
        ("row 8", "EC-104@N16 0JS"),
    ]
    assert records(xlsx_items)[0].service == {
        "id": "EC-101",
        "name": "Dalston Walking Group",
        "description": "Weekly led walk through Hackney Downs.",
        "url": "https://hackneywalks.example.org",
        "email": "walks@example.org",
        "fees_description": "Free",
        "eligibility_description": "18+\nAnyone able to walk for an hour",
        "last_modified": "2024-04-02",
        "organization": {"id": "4512", "name": "Hackney Health Walks"},
        "phones": [{"number": "020 7946 0201"}],
        "service_areas": [{"name": "Hackney"}],
        "service_at_locations": [
            {
                "location": {
                    "name": "Dalston CLR James Library",
                    "location_type": "physical",
                    "latitude": 51.5465,
                    "longitude": -0.0751,
                    "addresses": [
                        {
                            "address_1": "Dalston CLR James Library",
                            "address_2": "Dalston Square",
                            "city": "London",
                            "postal_code": "E8 3BQ",
                            "country": "GB",
                            "address_type": "physical",
                        }
                    ],
                },
                "schedules": [{"description": "Wednesdays 10:30-11:30"}],
            }
        ],
        "attributes": [
            {
                "taxonomy_term": {
                    "name": "Physical activity",
                    "taxonomy": "Example Council categories",
                }
            },
            {"taxonomy_term": {"name": "Walking", "taxonomy": "Example Council categories"}},
            {
                "taxonomy_term": {"name": "Referral route", "taxonomy": "Example Council fields"},
                "value": "Self-referral",
            },
            {
                "taxonomy_term": {"name": "Accessibility", "taxonomy": "Example Council fields"},
                "value": "Step-free route",
            },
            {
                "taxonomy_term": {"name": "Volunteering", "taxonomy": "Example Council fields"},
                "value": "Yes",
            },
        ],
    }


def test_xlsx_cells_become_text(xlsx_items):
    walks, _, knit = records(xlsx_items)
    assert walks.raw["Org no."] == "4512"
    assert walks.raw["Lat"] == "51.5465"
    assert walks.raw["Updated"] == "2024-04-02"
    assert knit.raw["Updated"] == "2024-05-01T09:15:00"
    assert knit.service["fees_description"] == "£1 for tea"


def test_xlsx_errors_give_row_numbers(xlsx_items):
    assert errors(xlsx_items) == [
        RecordError("row 6", "the service has no name", "EC-102@E9 6AS", "Service"),
        RecordError("row 7", "latitude 'north' is not a number", "EC-103@E8 1HG", "Lat"),
    ]


def test_csv_with_the_same_mapping_gives_the_same_services(xlsx_items):
    csv_items = list(read_spreadsheet(DATA / "example_council.csv", EXAMPLE))
    assert [item.position for item in csv_items] == [
        "line 3",
        "line 4",
        "line 6",
        "line 7",
        "line 8",
    ]
    xlsx_services = [r.service for r in records(xlsx_items)]
    assert [r.service for r in records(csv_items)] == xlsx_services


def test_mapping_defaults_and_insensitive_headers():
    items = list(read_spreadsheet(DATA / "camden_services.csv", DATA / "camden.toml"))
    shed, knit = records(items)
    assert shed.key == "CAM-1"
    assert shed.service["organization"] == {"name": "Camden Sheds"}
    assert shed.service["phones"] == [{"number": "020 7946 0301"}]
    assert shed.service["attributes"] == [
        {"taxonomy_term": {"name": "Social connection", "taxonomy": "camden categories"}},
        {"taxonomy_term": {"name": "Men's health", "taxonomy": "camden categories"}},
    ]
    assert shed.raw["Notes"] == "Ring the bell"  # unmapped columns stay in raw
    assert "Ring the bell" not in repr([r.service for r in records(items)])  # unpublished
    assert notes(items) == [
        Note(
            "header",
            "column 'Notes' has no HSDS field: kept with the source record, not published",
            "Notes",
        )
    ]  # the import report lists it
    assert knit.service["service_at_locations"][0]["location"]["name"] == "NW1 1HS"
    assert errors(items) == [RecordError("line 4", "the row has no key", None, "service_id")]


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ("unknown_field.toml", r"unknown field\(s\) service_title, telephone in \[columns\]"),
        ("not_toml.toml", "the mapping is not valid TOML"),
        ("no_key.toml", "set key to a column"),
    ],
)
def test_bad_mappings(mapping, message):
    with pytest.raises(SourceFormatError, match=f"^{mapping}: {message}"):
        list(read_spreadsheet(DATA / "camden_services.csv", DATA / mapping))


def test_mapped_columns_missing_from_the_sheet():
    with pytest.raises(
        SourceFormatError,
        match=r"^camden_services\.csv: the column\(s\) 'Postal Town Code', 'Car park' named in "
        r"the mapping are not in the sheet \(the headers are: service_id, ",
    ):
        list(read_spreadsheet(DATA / "camden_services.csv", DATA / "missing_column.toml"))


def test_unknown_setting_and_missing_sheet(tmp_path):
    typo = tmp_path / "typo.toml"
    typo.write_text('colums = {service_name = "Service"}\n')
    with pytest.raises(SourceFormatError, match="^typo.toml: unknown setting"):
        load_mapping(typo)
    wrong_sheet = tmp_path / "wrong_sheet.toml"
    wrong_sheet.write_text(EXAMPLE.read_text().replace('sheet = "Services"', 'sheet = "Data"'))
    with pytest.raises(
        SourceFormatError, match=r"no sheet 'Data' \(the sheets are: Read me, Services\)"
    ):
        list(read_spreadsheet(DATA / "example_council.xlsx", wrong_sheet))


def test_first_sheet_is_read_when_none_is_named(tmp_path):
    path = tmp_path / "plain.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(["Service", "Service ref"])
    workbook.active.append(["Walking football", 7])
    workbook.save(path)
    mapping = tmp_path / "plain.toml"
    mapping.write_text('[columns]\nservice_name = "Service"\nservice_id = "Service ref"\n')
    (record,) = read_spreadsheet(path, mapping)
    assert (record.position, record.key, record.service["name"]) == (
        "row 2",
        "7",
        "Walking football",
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("broken.xlsx", b"PK\x03\x04 not really a workbook", "not a readable XLSX workbook"),
        ("empty.xlsx", b"", "the file is empty"),
        ("services.ods", b"whatever", "must be .csv or .xlsx"),
    ],
)
def test_unusable_files(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SourceFormatError, match=f"^{name}: .*{message}"):
        list(read_spreadsheet(path, EXAMPLE))


def test_docs_list_every_supported_field():
    fields_paragraph = importers.readers.spreadsheet.__doc__.split("Fields:")[1].split("\n\n")[0]
    assert set(re.findall(r"\w+", fields_paragraph)) == SUPPORTED_FIELDS
    example = load_mapping(EXAMPLE)
    assert set(example.columns) <= SUPPORTED_FIELDS


def test_damaged_worksheet(tmp_path):
    damaged = tmp_path / "damaged.xlsx"
    with (
        zipfile.ZipFile(DATA / "example_council.xlsx") as source,
        zipfile.ZipFile(damaged, "w") as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet2.xml":
                data = data[: len(data) * 2 // 3]
            target.writestr(info, data)
    with pytest.raises(SourceFormatError, match=r"^damaged\.xlsx: the worksheet is damaged"):
        list(read_spreadsheet(damaged, EXAMPLE))


def header_of(data: bytes, signature: bytes, name_at: int, member: str) -> int:
    """Where the zip header (local or central) naming `member` starts."""
    offset = data.index(signature)
    while data[offset + name_at : offset + name_at + len(member)] != member.encode():
        offset = data.index(signature, offset + 4)
    return offset


@pytest.mark.parametrize(
    ("member", "damage"),
    [
        ("xl/workbook.xml", "deflate"),  # zlib.error while openpyxl loads the workbook
        ("xl/worksheets/sheet1.xml", "method"),  # NotImplementedError on opening the sheet
    ],
)
def test_a_damaged_workbook_is_a_source_format_error_and_leaves_no_file_open(
    tmp_path, member, damage
):
    """(Warnings are errors here: a file openpyxl left open would fail the test too.)"""
    path = tmp_path / "damaged.xlsx"
    with (
        zipfile.ZipFile(DATA / "example_council.xlsx") as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
    data = bytearray(path.read_bytes())
    local = header_of(data, b"PK\x03\x04", 30, member)
    if damage == "method":  # an unknown compression method, in both headers
        struct.pack_into("<H", data, local + 8, 99)
        struct.pack_into("<H", data, header_of(data, b"PK\x01\x02", 46, member) + 10, 99)
    else:  # garbage inside the deflated stream
        start = local + 30 + len(member) + 20
        data[start : start + 16] = b"\xff" * 16
    path.write_bytes(bytes(data))
    with pytest.raises(SourceFormatError, match=r"^damaged\.xlsx: the (file|worksheet)"):
        list(read_spreadsheet(path, EXAMPLE))


def test_the_size_limit_covers_what_the_workbook_unzips_to():
    with pytest.raises(SourceFormatError, match="its contents unzip to .* over the 20,000-byte"):
        list(read_spreadsheet(DATA / "example_council.xlsx", EXAMPLE, size_limit=20_000))
