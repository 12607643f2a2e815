import io
import struct
import zipfile
from pathlib import Path

import pytest

from importers.readers.lvsc import html_to_text, read_lvsc
from importers.readers.record import Record, RecordError, SourceFormatError

DATA = Path(__file__).parents[1] / "data" / "lvsc"
SCHEME = "LVSC scheme fields"


def records(items):
    return [item for item in items if isinstance(item, Record)]


def errors(items):
    return [item for item in items if isinstance(item, RecordError)]


def scheme_fields(service):
    return {
        a["taxonomy_term"]["name"]: a["value"]
        for a in service["attributes"]
        if a["taxonomy_term"]["taxonomy"] == SCHEME
    }


def folders(service):
    return [
        a["taxonomy_term"]["name"]
        for a in service["attributes"]
        if a["taxonomy_term"]["taxonomy"] == "LVSC folder"
    ]


@pytest.fixture(scope="module")
def kml_items():
    return list(read_lvsc(DATA / "social_prescribing_map.kml"))


def test_kml_positions_and_keys(kml_items):
    assert [(item.position, item.key) for item in records(kml_items)] == [
        ("placemark 1 (Physical activity/Brixton Health Walks)", "LVSC-001"),
        ("placemark 2 (Physical activity/Peckham Men's Shed)", "ms-peckham"),
        ("placemark 3 (Social connection/Carers' Café)", records(kml_items)[2].key),
        ("placemark 6 (Knit and Natter)", "LVSC-006"),
    ]
    assert records(kml_items)[2].key.startswith("sha1:")


def test_kml_placemark_to_service(kml_items):
    walks = records(kml_items)[0]
    service = walks.service
    assert service["id"] == "LVSC-001"
    assert service["name"] == "Brixton Health Walks"
    assert service["organization"] == {
        "name": "Lambeth Walking Partnership",
        "website": "https://walks.example.org",
    }
    assert service["url"] == "https://walks.example.org"
    assert service["email"] == "walks@example.org"
    assert service["phones"] == [{"number": "020 7946 0101 / 020 7946 0102"}]
    assert service["service_areas"] == [{"name": "Lambeth"}]
    assert service["funding"] == [{"source": "Lambeth Council public health grant"}]
    assert service["description"].startswith("Free 60-minute led walks around Brockwell Park")
    assert service["service_at_locations"] == [
        {
            "location": {
                "name": "Brixton Library, Brixton Oval",
                "location_type": "physical",
                "latitude": 51.4613,
                "longitude": -0.1145,
                "addresses": [
                    {
                        "address_1": "Brixton Library, Brixton Oval",
                        "city": "London",
                        "postal_code": "SW2 1JQ",
                        "country": "GB",
                        "address_type": "physical",
                    }
                ],
            }
        }
    ]
    assert folders(service) == ["Physical activity"]
    assert scheme_fields(service) == {
        "Referral route": "Self-referral or via a GP link worker",
        "Funding position": "Funded to March 2026",
        "Evaluation": "Annual WEMWBS survey of walkers",
        "Staffing": "1 part-time coordinator, 12 volunteer walk leaders",
        "Sustainability": "Volunteer-led; seeking a second funder",
        "Activities": "Walking, gentle stretching, tea afterwards",
        "Target group": "Adults over 50, people with long-term conditions",
    }


def test_kml_raw_keeps_everything_as_read(kml_items):
    raw = records(kml_items)[0].raw
    assert raw["folder"] == "Physical activity"
    assert raw["name"] == "Brixton Health Walks"
    assert raw["description_html"].startswith(
        "<b>Organisation:</b> Lambeth Walking Partnership<br>"
    )
    assert raw["coordinates"] == "-0.1145,51.4613,0"
    assert raw["Funding source"] == "Lambeth Council public health grant"
    assert raw["Target group"] == "Adults over 50, people with long-term conditions"


def test_kml_column_names_vary_between_exports(kml_items):
    shed = records(kml_items)[1].service
    assert shed["organization"]["name"] == "Peckham Shed CIC"  # "organisation name"
    assert shed["service_areas"] == [{"name": "Southwark"}]  # "BOROUGH"
    assert shed["url"] == "https://peckhamshed.example.org"  # "web_address"
    assert shed["email"] == "hello@peckhamshed.example.org"  # "E-mail"
    assert shed["phones"] == [{"number": "020 7946 0134"}]  # "Telephone"
    assert shed["funding"] == [{"source": "National Lottery Community Fund"}]  # "Funding"
    location = shed["service_at_locations"][0]["location"]
    assert location["addresses"][0]["postal_code"] == "SE15 4ST"  # "Post code"
    assert (location["latitude"], location["longitude"]) == (51.4695, -0.0692)
    assert scheme_fields(shed) == {
        "Referral route": "Drop in, or referral from a social prescriber"
    }


def test_kml_html_description_as_text_and_organisation_fallback(kml_items):
    shed, cafe = records(kml_items)[1:3]
    assert shed.service["description"] == (
        "A workshop where men (and anyone who wants to) make, mend & chat.\nTools and tea provided."
    )
    assert cafe.service["organization"] == {"name": "Carers' Café"}
    assert cafe.service["description"] == "Monthly café for unpaid carers, with a sitting service."
    location = cafe.service["service_at_locations"][0]["location"]
    assert "latitude" not in location
    assert location["addresses"][0]["postal_code"] == "SE6 2RP"
    assert cafe.raw["coordinates"] == ""


def test_kml_placemark_outside_a_folder(kml_items):
    knit = records(kml_items)[3]
    assert folders(knit.service) == []
    assert knit.raw["folder"] == ""
    location = knit.service["service_at_locations"][0]["location"]
    assert location == {
        "name": "Stockwell Library Friends",
        "location_type": "physical",
        "latitude": 51.472,
        "longitude": -0.1229,
        "addresses": [],
    }


def test_kml_errors(kml_items):
    assert errors(kml_items) == [
        RecordError(
            "placemark 4 (Social connection/)", "the service has no name", "LVSC-004", "name"
        ),
        RecordError(
            "placemark 5 (Advice and money/Debt Advice Drop-in)",
            "longitude 'not-a-number' is not a number",
            "LVSC-005",
            "coordinates",
        ),
    ]


def test_hash_keys_are_stable(kml_items):
    again = records(read_lvsc(DATA / "social_prescribing_map.kml"))
    assert [r.key for r in again] == [r.key for r in records(kml_items)]


def test_kml_without_namespace_and_with_schema_data():
    (choir,) = list(read_lvsc(DATA / "no_namespace.kml"))
    assert choir.position == "placemark 1 (Creative/Hackney Community Choir)"
    assert choir.key == "HC-17"
    service = choir.service
    assert service["organization"] == {"name": "Hackney Sings"}
    assert service["service_areas"] == [{"name": "Hackney"}]
    location = service["service_at_locations"][0]["location"]
    assert (location["latitude"], location["longitude"]) == (51.5503, -0.0553)
    assert location["addresses"][0]["address_1"] == "St John at Hackney, Lower Clapton Road"
    assert location["addresses"][0]["postal_code"] == "E5 0PD"
    assert scheme_fields(service) == {"Funding position": "Unfunded from April"}


def test_kmz_reads_like_its_kml(kml_items):
    kmz_items = list(read_lvsc(DATA / "social_prescribing_map.kmz"))
    assert kmz_items == kml_items


def test_csv_layer_export():
    items = list(read_lvsc(DATA / "social_prescribing_map.csv"))
    found = records(items)
    assert [r.position for r in found] == ["line 2", "line 3", "line 5", "line 7"]
    walks = found[0]
    location = walks.service["service_at_locations"][0]["location"]
    assert (location["latitude"], location["longitude"]) == (51.4613, -0.1145)
    assert walks.service["organization"]["name"] == "Lambeth Walking Partnership"
    assert walks.service["description"] == (
        "Organisation: Lambeth Walking Partnership\nFree led walks for all abilities."
    )
    assert scheme_fields(walks.service)["Staffing"] == (
        "1 part-time coordinator, 12 volunteer walk leaders"
    )
    assert walks.raw["WKT"] == walks.raw["coordinates"] == "POINT (-0.1145 51.4613)"
    assert walks.raw["description_html"].startswith("<b>Organisation:</b>")
    cafe, green_gym = found[2:]
    assert "latitude" not in cafe.service["service_at_locations"][0]["location"]
    assert green_gym.service["service_at_locations"] == []  # an area, not a point
    assert green_gym.raw["coordinates"].startswith("POLYGON")
    (error,) = errors(items)
    assert (error.position, error.field) == ("line 6", "WKT")
    assert error.reason == "longitude 'abc' is not a number"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("billion_laughs.kml", "declares XML entities"),
        ("external_entity.kml", "declares XML entities"),
        ("truncated.kml", r"not well-formed XML, perhaps truncated \(.*line"),
        ("not_kml.kml", r"not a KML file \(its root element is <gpx>\)"),
        ("empty.kml", "the file is empty"),
    ],
)
def test_unusable_kml_is_refused_with_its_reason(name, message):
    with pytest.raises(SourceFormatError, match=f"^{name}: .*{message}"):
        list(read_lvsc(DATA / name))


def test_truncated_kml_fails_after_the_placemarks_it_could_read():
    items = read_lvsc(DATA / "truncated.kml")
    assert [next(items).key, next(items).key] == ["LVSC-001", "ms-peckham"]
    with pytest.raises(SourceFormatError):
        next(items)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("map.kmz", b"not a zip", "not a readable zip file"),
        ("map.kmz", None, "contains no .kml file"),
        ("map.gpx", b"<gpx/>", "must be a .kml, .kmz or .csv file"),
        ("map.csv", b"Foo,Bar\n1,2\n", r"no name column .*headers are: Foo, Bar"),
    ],
)
def test_other_unusable_files(tmp_path, name, content, message):
    path = tmp_path / name
    if content is None:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("images/icon.png", b"png")
    else:
        path.write_bytes(content)
    with pytest.raises(SourceFormatError, match=f"^{name}: .*{message}"):
        list(read_lvsc(path))


def test_size_limit_covers_the_unzipped_kml():
    with pytest.raises(SourceFormatError, match="doc.kml unzips to .* over the 3,000-byte limit"):
        list(read_lvsc(DATA / "social_prescribing_map.kmz", size_limit=3000))


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("Plain text", "Plain text"),
        ("<b>Bold</b> and <i>italic</i>", "Bold and italic"),
        ("One<br>Two<br/><br/>Three", "One\nTwo\nThree"),
        ("<p>Tea &amp; cake &pound;1</p><p>Fridays</p>", "Tea & cake £1\nFridays"),
        ("<style>p {color: red}</style>Text", "Text"),
        ("Ages < 18 welcome", "Ages < 18 welcome"),
        ("", ""),
    ],
)
def test_html_to_text(html, text):
    assert html_to_text(html) == text


def damaged_kmz(path, damage):
    """A KMZ whose doc.kml entry says it is compressed an unknown way, is encrypted, or has
    a name flagged UTF-8 that is not: each once escaped the reader as a crash."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("doc1.kml", (DATA / "no_namespace.kml").read_bytes())
    data = bytearray(buffer.getvalue())
    central = data.index(b"PK\x01\x02")
    for flags, method, name in ((6, 8, 30), (central + 8, central + 10, central + 46)):
        if damage == "compression":
            struct.pack_into("<H", data, method, 99)
        elif damage == "encryption":
            struct.pack_into("<H", data, flags, 1)
        else:
            struct.pack_into("<H", data, flags, 0x800)
            data[name + 3] = 0xFF  # "doc\xff.kml"
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("compression", r"the archive is damaged \(That compression method is not supported\)"),
        ("encryption", r"the archive is damaged \(File .* is encrypted"),
        ("name", "the file is not a readable zip file"),
    ],
)
def test_a_damaged_kmz_is_a_source_format_error(tmp_path, damage, message):
    with pytest.raises(SourceFormatError, match=f"^map.kmz: {message}"):
        list(read_lvsc(damaged_kmz(tmp_path / "map.kmz", damage)))
