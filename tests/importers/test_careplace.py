import csv
import tracemalloc
from pathlib import Path

import pytest

from importers.readers.careplace import read_careplace
from importers.readers.record import Note, Record, RecordError, SourceFormatError

DATA = Path(__file__).parents[1] / "data" / "careplace"


def records(items):
    return [item for item in items if isinstance(item, Record)]


def errors(items):
    return [item for item in items if isinstance(item, RecordError)]


def test_lambeth_export_services():
    items = list(read_careplace(DATA / "lambeth.csv", borough="Lambeth"))
    found = records(items)
    assert [(r.position, r.key) for r in found] == [
        ("line 2", "S-2001@SW21JQ"),
        ("line 3", "S-2001@SW161PL"),
        ("line 5", "S-2002@SE114AS"),
        ("line 11", "S-2005@WEST NORWOOD LIBRARY"),
    ]
    assert found[0].service == {
        "id": "S-2001",
        "name": "Brixton Health Walks",
        "description": "Free 60-minute led walks for all abilities.",
        "url": "https://walks.example.org",
        "email": "walks@example.org",
        "fees_description": "Free",
        "eligibility_description": "50+",
        "last_modified": "2024-03-12",
        "organization": {"id": "P100", "name": "Lambeth Walking Partnership"},
        "phones": [{"number": "020 7946 0101"}],
        "languages": [{"name": "English"}],
        "service_areas": [{"name": "Lambeth"}, {"name": "Southwark"}],
        "service_at_locations": [
            {
                "location": {
                    "name": "Brixton Library",
                    "location_type": "physical",
                    "latitude": 51.4613,
                    "longitude": -0.1145,
                    "addresses": [
                        {
                            "address_1": "Brixton Library",
                            "address_2": "Brixton Oval",
                            "city": "London",
                            "postal_code": "sw2 1jq",
                            "country": "GB",
                            "address_type": "physical",
                        }
                    ],
                },
                "schedules": [{"description": "Tuesdays 10:00-11:00"}],
            }
        ],
        "attributes": [
            {"taxonomy_term": {"name": "Physical activity", "taxonomy": "CarePlace categories"}},
            {"taxonomy_term": {"name": "Walking", "taxonomy": "CarePlace categories"}},
            {"taxonomy_term": {"name": "Older people", "taxonomy": "CarePlace categories"}},
            {
                "taxonomy_term": {"name": "Referral route", "taxonomy": "CarePlace fields"},
                "value": "Self-referral",
            },
            {
                "taxonomy_term": {"name": "Wheelchair access", "taxonomy": "CarePlace fields"},
                "value": "Yes",
            },
        ],
    }
    assert found[0].raw["Postcode"] == "sw2 1jq"
    assert found[0].raw["_export_borough"] == "Lambeth"


def test_one_service_at_two_locations_is_two_records():
    first, second = records(read_careplace(DATA / "lambeth.csv"))[:2]
    assert first.service["id"] == second.service["id"] == "S-2001"
    assert first.key != second.key
    location = second.service["service_at_locations"][0]
    assert location["location"]["addresses"][0]["postal_code"] == "SW16 1PL"
    assert location["schedules"] == [{"description": "Thursdays 14:00-15:00"}]
    assert "_export_borough" not in first.raw


def test_keys_are_stable_on_rereading():
    keys = [r.key for r in records(read_careplace(DATA / "lambeth.csv"))]
    assert keys == [r.key for r in records(read_careplace(DATA / "lambeth.csv"))]


def test_multiline_description_and_no_coordinates():
    shed = records(read_careplace(DATA / "lambeth.csv"))[2]
    assert shed.position == "line 5"
    assert shed.service["description"].splitlines()[1] == "Make, mend and chat over tea."
    assert shed.service["fees_description"] == "£2 per session"
    location = shed.service["service_at_locations"][0]["location"]
    assert "latitude" not in location and "longitude" not in location


def test_row_without_postcode_keys_on_address_and_keeps_no_postal_code():
    cafe = records(read_careplace(DATA / "lambeth.csv"))[3]
    assert cafe.service["name"] == "Carers' Café"
    assert "eligibility_description" not in cafe.service
    address = cafe.service["service_at_locations"][0]["location"]["addresses"][0]
    assert address["address_1"] == "West Norwood Library"
    assert address["postal_code"] == ""


def test_bad_rows_are_reported_with_line_column_and_reason():
    found = errors(read_careplace(DATA / "lambeth.csv"))
    assert found == [
        RecordError("line 8", "the service has no name", "S-2003@", "Service name"),
        RecordError("line 9", "latitude 'fifty-one' is not a number", "S-2004@SW47DB", "Latitude"),
        RecordError("line 12", "the row has no service ID", None, "Service ID"),
    ]


def test_renamed_reordered_headers_with_bom():
    found = records(read_careplace(DATA / "southwark_bom.csv", borough="Southwark"))
    assert [r.position for r in found] == ["line 2", "line 3"]
    shed = found[0].service
    assert shed["name"] == "Peckham Men's Shed"
    assert shed["organization"] == {"id": "P200", "name": "Peckham Shed CIC"}
    assert shed["phones"] == [{"number": "020 7946 0134"}]
    assert shed["url"] == "https://peckhamshed.example.org"
    assert shed["fees_description"] == "£3 per session"
    assert shed["eligibility_description"] == "18+"
    assert shed["last_modified"] == "2024-02-01"
    at_location = shed["service_at_locations"][0]
    assert at_location["schedules"] == [{"description": "Tue & Thu 10am-3pm"}]
    assert at_location["location"]["addresses"][0]["address_1"] == "Unit 4, Copeland Park"
    assert found[1].service["name"] == "Carers' Café Bermondsey"
    assert "Service Title" in found[0].raw  # the BOM is not part of the first header


def test_windows_1252_export():
    found = records(read_careplace(DATA / "lewisham_windows1252.csv"))
    assert [r.service["name"] for r in found] == ["Café Créatif", "Sydenham Hill Wood Walk"]
    assert found[0].service["fees_description"] == "£1.50 including refreshments"
    assert found[1].service["description"] == "Gentle guided walk – all welcome."


def test_semicolon_export():
    items = list(read_careplace(DATA / "croydon_semicolon.csv"))
    assert errors(items) == []
    walk, knit = items
    assert (walk.position, knit.position) == ("line 2", "line 5")
    assert walk.service["description"] == "Walk, talk and coffee, at an easy pace."
    assert [a["taxonomy_term"]["name"] for a in walk.service["attributes"]] == [
        "Mental health",
        "Walking",
    ]
    assert knit.service["fees_description"] == "£1"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("no_columns.csv", r"no service name or service ID column .*headers are: Foo, Bar, Baz"),
        ("missing_service_id.csv", r"no service ID column .*Provider name, Service name"),
        ("empty.csv", "the file is empty"),
    ],
)
def test_unusable_files(name, message):
    with pytest.raises(SourceFormatError, match=f"^{name}: .*{message}"):
        list(read_careplace(DATA / name))


def test_size_limit():
    with pytest.raises(SourceFormatError, match="over the 1,000-byte limit"):
        list(read_careplace(DATA / "lambeth.csv", size_limit=1000))


def _big_export(path: Path, rows: int) -> Path:
    with (DATA / "lambeth.csv").open(encoding="utf-8", newline="") as handle:
        header, first = list(csv.reader(handle))[:2]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for number in range(rows):
            writer.writerow(
                [
                    f"S-{number}" if h == "Service ID" else v
                    for h, v in zip(header, first, strict=True)
                ]
            )
    return path


def _peak_memory(path: Path) -> tuple[int, int]:
    """(rows read, peak bytes allocated while reading)."""
    tracemalloc.start()
    try:
        count = sum(1 for _ in read_careplace(path))
        return count, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_file_size(tmp_path):
    small_count, small_peak = _peak_memory(_big_export(tmp_path / "small.csv", 1_000))
    large_count, large_peak = _peak_memory(_big_export(tmp_path / "large.csv", 10_000))
    assert (small_count, large_count) == (1_000, 10_000)
    assert large_peak < small_peak * 2 + 200_000


def test_a_column_with_no_hsds_field_is_listed_not_published(tmp_path):
    path = tmp_path / "camden.csv"
    path.write_text(
        "Service ID,Service name,Wheelchair access,Lead contact (internal - do not publish)\n"
        "S1,Heath Walk,Yes,Jo Bloggs 07700 900123\n"
    )
    items = list(read_careplace(path))
    (record,) = records(items)
    assert [a["taxonomy_term"]["name"] for a in record.service["attributes"]] == [
        "Wheelchair access"
    ]
    assert "Jo Bloggs" not in repr(record.service)
    assert record.raw["Lead contact (internal - do not publish)"] == "Jo Bloggs 07700 900123"
    notes = [(n.position, n.field, n.reason) for n in items if isinstance(n, Note)]
    assert notes == [
        (
            "header",
            "Lead contact (internal - do not publish)",
            "column 'Lead contact (internal - do not publish)' has no HSDS field: "
            "kept with the source record, not published",
        )
    ]
