"""Hostile input for every reader: whatever a file holds, a reader yields Records and
RecordErrors (each with a position and a reason), and at most one SourceFormatError
saying what is wrong; never any other exception, and never a hang.

Each test builds a small file from generated parts: random bytes, or random text inside a
valid envelope (CSV cells with quotes, newlines, BOMs and delimiters; KML with random
element text and attributes; JSON of random shape; a data package with random tables;
XLSX with random cells). Records then go through the pipeline's database-free steps
(prepare, ids, flatten), which must turn any of them into rows the database can store.
Each runs 20 examples (the file takes about 20 s); set SIGNPOST_HOSTILE_EXAMPLES=500 to
search harder, and add --hypothesis-show-statistics to see how often each outcome came up.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json
import math
import os
import re
import socket
import struct
import sys
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from types import SimpleNamespace
from xml.sax.saxutils import escape, quoteattr

import openpyxl
import pytest
from hypothesis import HealthCheck, currently_in_test_context, event, given, settings
from hypothesis import strategies as st

from app.records.ids import assign_ids
from app.records.rows import flatten_service
from importers.pipeline.formats import FORMATS, read_source
from importers.pipeline.prepare import Rejected, prepare_service
from importers.readers import careplace
from importers.readers.datapackage import read_datapackage
from importers.readers.hsds_json import read_hsds
from importers.readers.lvsc import read_lvsc
from importers.readers.oruk import V1_SERVICE_KEYS, read_oruk
from importers.readers.postcodes import PostcodeRow, read_postcodes
from importers.readers.record import Note, Record, RecordError, SourceFormatError
from importers.readers.spreadsheet import read_spreadsheet
from importers.readers.tabular import DEFAULT_SIZE_LIMIT

HOSTILE = settings(
    max_examples=int(os.environ.get("SIGNPOST_HOSTILE_EXAMPLES", "20")),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
MAX_ITEMS = 500  # no generated file holds more; more would mean a reader loops

# -- generated parts ------------------------------------------------------------------------

# Text that breaks parsers: quotes, delimiters, line ends, BOMs, markup, escapes, RTL and
# combining marks, astral characters, and any other character now and then.
NASTY = st.sampled_from(
    list("\",;\t\r\n\ufeff\u202e\u0301<>&'\\=+-@%_*{}[]:\u2028\U0001f600") + ["\r\n", "''"]
)
CELL = st.lists(st.one_of(NASTY, st.characters(), st.text(max_size=5)), max_size=8).map("".join)
# Values a reader parses further, so rows get past "no name" to the parts that read them.
PLAUSIBLE = st.sampled_from(
    [
        "", "Walk", "51.55", "-0.15", "NW5 1QR", "nw51qr", "Free", "£2", "Mon 10-12",
        "Tuesdays 10am-12pm", "18+", "Over 50s", "020 7946 0000", "https://x.example",
        "a@b.example", "POINT (-0.15 51.55)", "POINT EMPTY", "-0.1,51.5,0", "Camden; Hackney",
        "1e999", "nan", "S1", "S1@NW5",
    ]
)  # fmt: skip
VALUE = st.one_of(PLAUSIBLE, CELL)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    VALUE,
    st.just("\x00") | st.just("\ud800"),  # NUL and half a surrogate pair: JSON allows both
)
JSON_VALUE = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(CELL, inner, max_size=3),
    max_leaves=12,
)
# Keys the readers and the pipeline look at, so random values land where they matter.
HSDS_KEYS = [
    "id", "name", "description", "url", "email", "status", "fees", "fees_description",
    "eligibility_description", "minimum_age", "maximum_age", "alternate_name", "organization",
    "phones", "schedules", "service_areas", "languages", "cost_options", "funding",
    "contacts", "attributes", "service_at_locations", "location", "addresses",
    "accessibility", "taxonomy_term", "taxonomy_term_id", "latitude", "longitude",
    "postal_code", "address_1", "number", "extension", "byday", "opens_at", "closes_at",
    "timezone", "is_public", "program", "required_documents", "organization_identifiers",
    "identifier", "physical_addresses", "regular_schedules", "holiday_schedules",
    "eligibilitys", "service_taxonomys", "taxonomy", "language", "weekday", "freq",
    "amount", "start_date", "end_date", "closed", *sorted(V1_SERVICE_KEYS),
]  # fmt: skip
SHAPED = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(HSDS_KEYS) | CELL, inner, max_size=5)
    ),
    max_leaves=20,
)
SERVICE = st.one_of(
    SHAPED,
    st.builds(
        lambda fields, key, name: {**fields, "id": key, "name": name},
        st.dictionaries(st.sampled_from(HSDS_KEYS), SHAPED, max_size=6),
        st.uuids().map(str) | VALUE,
        VALUE,
    ),
)


def csv_text(rows: list[list[str]], delimiter: str, quoted: bool) -> str:
    """Rows written properly quoted, or joined raw (stray quotes and all)."""
    if not quoted:
        return "\n".join(delimiter.join(row) for row in rows)
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue()


@st.composite
def tables(draw, required: list[str], optional: list[str], cell=VALUE) -> list[list]:
    """A header with the required columns, some optional and random ones, in any order,
    then rows of random cells, some short and some long."""
    extra = draw(st.lists(st.sampled_from(optional) | CELL, max_size=4)) if optional else []
    header = draw(st.permutations([*required, *extra]))
    width = st.integers(max(0, len(header) - 2), len(header) + 2)
    rows = draw(
        st.lists(width.flatmap(lambda n: st.lists(cell, min_size=n, max_size=n)), max_size=5)
    )
    return [header, *rows]


@st.composite
def csv_files(draw, required: list[str], optional: list[str] = ()) -> bytes:
    """A CSV of `tables`, in a common encoding and delimiter, usually properly quoted.
    (NUL is left out: a CSV holding one is refused as binary, see test_tabular.)"""
    rows = [[cell.replace("\x00", "") for cell in row] for row in draw(tables(required, optional))]
    quoted = draw(st.sampled_from([True, True, True, False]))
    text = csv_text(rows, draw(st.sampled_from(",;\t")), quoted)
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    return text.encode(encoding, errors="replace")


# -- what a reader may do --------------------------------------------------------------------


_opened: list[str] | None = None


def _note_open(event: str, args: tuple) -> None:
    if _opened is not None and event == "open":
        _opened.append(str(args[0]))


sys.addaudithook(_note_open)  # for the whole process, but it notes only inside files_opened()


@contextmanager
def files_opened() -> Iterator[list[str]]:
    """The paths of every file opened inside the block (Python's "open" audit event)."""
    global _opened
    _opened = []
    try:
        yield _opened
    finally:
        _opened = None


def outcomes(read: Callable[[], Iterable]) -> list:
    """The items a reader yields, then its SourceFormatError if it raised one; anything
    else it raises fails the test."""
    items: list = []
    try:
        items.extend(islice(read(), 2 * MAX_ITEMS + 1))
    except SourceFormatError as exc:
        assert str(exc).strip(), "a SourceFormatError says what is wrong"
        items.append(exc)
    records = [item for item in items if not isinstance(item, Note)]  # Notes: per column
    assert len(records) <= MAX_ITEMS, "the reader yielded more items than the file holds"
    for kind in sorted({type(item).__name__ for item in items}):
        if currently_in_test_context():
            event(kind)
    for item in items:
        if isinstance(item, RecordError | Note):
            assert item.position and item.reason, item
        elif isinstance(item, Record):
            assert item.position and isinstance(item.key, str) and item.key
            assert isinstance(item.service, dict) and isinstance(item.raw, dict)
        else:
            assert isinstance(item, SourceFormatError) and item is items[-1], item
    return items


def read_file(read: Callable[[Path], Iterable], name: str, content: bytes) -> list:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        return outcomes(lambda: read(path))


def through_pipeline(items: list, keep_ids: bool) -> None:
    """Each Record becomes rows the database can store (prepare, ids, flatten), or is
    Rejected with a reason."""
    for number, item in enumerate(items):
        if not isinstance(item, Record):
            continue
        try:
            prepared = prepare_service(item.service)
        except Rejected as exc:
            assert exc.reason and exc.field
            continue
        assign_ids(prepared.service, "hostile", f"{item.key}/{number}", keep_ids)
        rows = flatten_service(prepared.service, dt.datetime.now(dt.UTC))
        for model, table in rows.tables.items():
            for row in table:
                assert_storable(model, row)
        for _row, term in rows.attributes:
            assert term is None or isinstance(term.get("name"), str), term


def assert_storable(model: type, row: dict) -> None:
    """Every value has its column's type, in range, with no text the database refuses."""
    for name, value in row.items():
        wanted = model.__table__.columns[name].type.python_type
        where = (model.__name__, name, value)
        if value is None:
            continue
        if wanted is float:
            assert isinstance(value, int | float) and math.isfinite(value), where
        elif wanted is int:
            assert type(value) is int and -(2**31) <= value < 2**31, where
        else:
            assert isinstance(value, wanted), where
        if isinstance(value, str):
            assert "\x00" not in value and not any("\ud800" <= c <= "\udfff" for c in value), where


# -- random bytes, every format --------------------------------------------------------------

MAPPING = """\
name = "Hostile Council"
key = ["Service ref", "Post Code"]
categories_separator = ","
[columns]
service_id = "Service ref"
service_name = "Service"
organization_name = "Organisation"
description = "About"
url = "Website"
email = "Email"
phone = "Phone"
address_1 = "Address 1"
postcode = "Post Code"
opening_times = "When"
cost = "Cost"
age_range = "Ages"
categories = "Categories"
area_covered = "Area"
referral = "How to refer"
[extra]
"Accessibility" = "Access notes"
"""
COUNCIL_COLUMNS = [
    "Service ref", "Service", "Organisation", "About", "Website", "Email", "Phone",
    "Address 1", "Post Code", "When", "Cost", "Ages", "Categories", "Area",
    "How to refer", "Access notes",
]  # fmt: skip
FILE_NAMES = {
    "lvsc": ["map.kml", "map.kmz", "map.csv"],
    "careplace": ["export.csv"],
    "hsds": ["services.json"],
    "oruk": ["feed.json"],
    "datapackage": ["package.zip", "datapackage.json"],
    "csv": ["council.csv", "council.xlsx"],
}


def read_council(path: Path, header_row: int = 1) -> Iterable:
    mapping = path.with_name("mapping.toml")
    mapping.write_text(f"header_row = {header_row}\n{MAPPING}")
    return read_spreadsheet(path, mapping)


def test_every_format_is_fuzzed():
    assert set(FILE_NAMES) == set(FORMATS)


@HOSTILE
@given(
    st.sampled_from([(f, n) for f, names in FILE_NAMES.items() for n in names]),
    st.binary(max_size=2000),
)
def test_any_format_of_random_bytes(format_and_name, content):
    format_name, name = format_and_name
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        mapping = path.with_name("mapping.toml")
        mapping.write_text(MAPPING)
        outcomes(lambda: read_source(format_name, str(path), mapping))


# -- CSV ----------------------------------------------------------------------------------------


@HOSTILE
@given(
    csv_files(
        ["Service ID", "Service name"],
        [alias for aliases in careplace.COLUMNS.values() for alias in aliases],
    )
)
def test_careplace_csv_of_random_cells(content):
    items = read_file(lambda p: careplace.read_careplace(p, "Camden"), "export.csv", content)
    through_pipeline(items, keep_ids=False)


@HOSTILE
@given(
    csv_files(["name"], ["description", "WKT", "Folder", "Postcode", "ID", "Lat", "Lon", "Borough"])
)
def test_lvsc_csv_of_random_cells(content):
    through_pipeline(read_file(read_lvsc, "map.csv", content), keep_ids=False)


@HOSTILE
@given(csv_files(COUNCIL_COLUMNS, ["Notes", "Updated"]), st.integers(1, 2), CELL)
def test_council_csv_of_random_cells(content, header_row, title):
    if header_row == 2:  # a title line above the header
        content = title.replace("\x00", "").encode("utf-8", errors="replace") + b"\n" + content
    items = read_file(lambda p: read_council(p, header_row), "council.csv", content)
    through_pipeline(items, keep_ids=False)


@HOSTILE
@given(
    st.sampled_from([["pcds", "lat", "long"], ["Postcode", "Eastings", "Northings"], []]),
    st.data(),
    st.booleans(),
)
def test_postcode_directory_of_random_cells(columns, data, gzipped):
    cell = st.one_of(st.sampled_from(["NW5 1QR", "51.5", "-0.1", "530000", "180000", "90"]), CELL)
    rows = data.draw(tables(columns, ["doterm", "oslaua", "osward"], cell))
    rows = rows[1:] if not columns else rows  # Code-Point Open as released has no header
    content = csv_text(rows, ",", True).replace("\x00", "").encode("utf-8", errors="replace")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "postcodes.csv"
        path.write_bytes(gzip.compress(content) if gzipped else content)
        try:
            found = list(islice(read_postcodes(path), MAX_ITEMS + 1))
        except SourceFormatError as exc:
            assert str(exc)
            return
    assert all(isinstance(row, PostcodeRow) for row in found)
    assert all(-90 <= row.latitude <= 90 and -180 <= row.longitude <= 180 for row in found)


@HOSTILE
@given(st.binary(max_size=2000), st.booleans())
def test_postcode_directory_of_random_bytes(content, truncated_gzip):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "postcodes.csv"
        path.write_bytes(gzip.compress(content)[: len(content) // 2] if truncated_gzip else content)
        try:
            list(islice(read_postcodes(path), MAX_ITEMS + 1))
        except SourceFormatError as exc:
            assert str(exc)


# -- KML and KMZ --------------------------------------------------------------------------------

DATA_NAMES = ["ID", "Name", "Borough", "Postcode", "Phone", "Website", "Email", "Referral route"]
COORDINATES = st.one_of(
    st.sampled_from(["-0.15,51.55,0", "-0.1,51.5", " -0.1,51.5,0\n-0.2,51.6,0 ", "", "x,y"]),
    st.sampled_from(["1e999,nan", "-0.1", "51.5,-0.1", "0,0"]),
    CELL,
)
# Characters XML 1.0 cannot hold at all, escaped or not (the rest are escaped).
NOT_IN_XML = dict.fromkeys([*range(9), 11, 12, *range(14, 32), 0xFFFE, 0xFFFF])


@st.composite
def kml_documents(draw) -> bytes:
    """A Google My Maps KML with random text, attributes and coordinates; sometimes the
    text goes in unescaped, so the XML may be malformed."""
    raw = draw(st.sampled_from([False, False, False, True]))

    def text(strategy: st.SearchStrategy[str] = VALUE) -> str:
        value = draw(strategy)
        return value if raw else escape(value.translate(NOT_IN_XML))

    def placemark() -> str:
        data = "".join(
            f"<Data name={quoteattr(draw(st.sampled_from(DATA_NAMES) | CELL))}>"
            f"<value>{text()}</value></Data>"
            for _ in range(draw(st.integers(0, 4)))
        )
        return (
            f"<Placemark id={quoteattr(draw(VALUE))}><name>{text()}</name>"
            f"<description>{text()}</description><ExtendedData>{data}</ExtendedData>"
            f"<Point><coordinates>{text(COORDINATES)}</coordinates></Point></Placemark>"
        )

    folders = "".join(
        f"<Folder><name>{text()}</name>{placemark()}{placemark()}</Folder>"
        for _ in range(draw(st.integers(0, 2)))
    )
    namespace = draw(st.sampled_from([' xmlns="http://www.opengis.net/kml/2.2"', ""]))
    document = f"<kml{namespace}><Document>{folders}{placemark()}</Document></kml>"
    return document.encode(errors="surrogatepass")  # a lone surrogate: bytes XML refuses


def kmz(kml: bytes, member: str = "doc.kml") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, kml)
    return buffer.getvalue()


def damaged(content: bytes, offset: int, garbage: bytes) -> bytes:
    data = bytearray(content)
    offset %= len(data)
    data[offset : offset + len(garbage)] = garbage
    return bytes(data)


@HOSTILE
@given(kml_documents())
def test_kml_of_random_text_and_attributes(content):
    through_pipeline(read_file(read_lvsc, "map.kml", content), keep_ids=False)


@HOSTILE
@given(kml_documents(), st.sampled_from(["doc.kml", "other.kml", "x/doc.kml"]))
def test_kmz_of_random_kml(content, member):
    read_file(read_lvsc, "map.kmz", kmz(content, member))


@HOSTILE
@given(kml_documents(), st.integers(0, 10_000), st.binary(min_size=1, max_size=8))
def test_kmz_with_damaged_bytes(content, offset, garbage):
    read_file(read_lvsc, "map.kmz", damaged(kmz(content), offset, garbage))


# -- JSON feeds -----------------------------------------------------------------------------------

JSON_DOCUMENTS = st.one_of(
    JSON_VALUE,
    st.lists(SERVICE, max_size=4),
    st.lists(SERVICE, max_size=4),
    st.fixed_dictionaries({"contents": st.lists(SERVICE, max_size=4), "total_pages": JSON_VALUE}),
    st.fixed_dictionaries({"content": st.lists(SERVICE, max_size=4), "totalPages": JSON_VALUE}),
    SERVICE,
)


def json_bytes(document: object, ndjson: bool) -> bytes:
    """JSON as Python writes it (NaN and lone surrogates included), or one item a line."""
    items = document if ndjson and isinstance(document, list) else [document]
    return "\n".join(json.dumps(item) for item in items).encode()


@HOSTILE
@given(JSON_DOCUMENTS, st.booleans(), st.sampled_from([read_hsds, read_oruk]))
def test_json_feed_of_random_shape(document, ndjson, read):
    items = read_file(read, "feed.json", json_bytes(document, ndjson))
    through_pipeline(items, keep_ids=True)


@HOSTILE
@given(st.lists(st.one_of(CELL, st.binary(max_size=20).map(bytes.hex)), max_size=6))
def test_ndjson_with_broken_lines(lines):
    content = "\n".join(['{"id": "1", "name": "A"}', *lines, '{"id": "2", "name": "B"}'])
    read_file(read_hsds, "feed.ndjson", content.encode(errors="surrogatepass"))


@HOSTILE
@given(st.lists(JSON_DOCUMENTS, min_size=1, max_size=3), st.integers(1, 5), st.data())
def test_json_api_of_random_pages(pages, per_page, data):
    def fetch(url: str) -> bytes:
        if "/services/" in url:  # a service's own page: any shape too
            return json.dumps(data.draw(SERVICE)).encode()
        page = int(url.split("page=")[1].split("&")[0])
        return json.dumps(pages[min(page, len(pages)) - 1]).encode()  # the last one repeats

    for read in (read_hsds, read_oruk):
        items = outcomes(lambda read=read: read("https://x.example/api", fetch, per_page=per_page))
        through_pipeline(items, keep_ids=True)


# -- data packages ----------------------------------------------------------------------------

TABLE_COLUMNS = {
    "services": ["id", "name", "organization_id", "minimum_age", "description", "taxonomy_ids"],
    "organizations": ["id", "name", "url"],
    "locations": ["id", "name", "latitude", "longitude"],
    "service_at_locations": ["id", "service_id", "location_id"],
    "phones": ["id", "service_id", "location_id", "number", "language"],
    "physical_addresses": ["id", "location_id", "address_1", "postal_code"],
    "regular_schedules": ["id", "service_id", "weekday", "opens_at", "closes_at", "freq"],
    "taxonomy": ["id", "name", "vocabulary", "parent_name", "parent"],
    "attributes": ["id", "link_id", "taxonomy_term_id"],
}
IDS = st.one_of(st.sampled_from(["s1", "o1", "l1", "1", ""]), VALUE)


@st.composite
def data_packages(draw) -> dict[str, bytes]:
    """A descriptor naming random tables (services always), each a CSV of random cells
    whose ids often point at each other; sometimes a descriptor of random shape."""
    names = draw(st.lists(st.sampled_from(sorted(TABLE_COLUMNS)), max_size=5, unique=True))
    files: dict[str, bytes] = {}
    resources = []
    for table in ["services", *[name for name in names if name != "services"]]:
        columns = draw(st.permutations(TABLE_COLUMNS[table]))
        rows = draw(tables(columns, [], IDS))
        path = draw(st.sampled_from([f"{table}.csv", f"data/{table}.csv", f"./{table}.csv"]) | CELL)
        files[path] = csv_text(rows, ",", draw(st.booleans())).encode(errors="replace")
        resources.append(
            {"name": draw(st.sampled_from([table, table, table]) | CELL), "path": path}
        )
    descriptor = draw(
        st.just({"resources": resources}) | st.fixed_dictionaries({"resources": JSON_VALUE})
    )
    files["datapackage.json"] = json.dumps(descriptor).encode()
    return files


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            if name and not any("\ud800" <= c <= "\udfff" for c in name):  # zip can name it
                archive.writestr(name, content)
    return buffer.getvalue()


@HOSTILE
@given(data_packages())
def test_data_package_zip_of_random_tables(files):
    through_pipeline(read_file(read_datapackage, "package.zip", zipped(files)), keep_ids=True)


@HOSTILE
@given(data_packages(), st.integers(0, 10_000), st.binary(min_size=1, max_size=8))
def test_data_package_zip_with_damaged_bytes(files, offset, garbage):
    read_file(read_datapackage, "package.zip", damaged(zipped(files), offset, garbage))


@HOSTILE
@given(data_packages())
def test_data_package_folder_of_random_tables(files):
    with tempfile.TemporaryDirectory() as folder:
        for name, content in files.items():
            target = Path(folder) / name
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content)
            except (OSError, ValueError):
                return  # a name this file system cannot hold; the zip test covers it
        outcomes(lambda: read_datapackage(folder))


# -- XLSX -------------------------------------------------------------------------------------

XLSX_TEXT = st.text(st.characters(blacklist_categories=["Cc", "Cs"]), max_size=20)  # as Excel
XLSX_CELL = st.one_of(
    st.none(),
    st.integers(-(10**15), 10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 1, 1)),
    PLAUSIBLE,
    XLSX_TEXT,
)


@st.composite
def workbooks(draw) -> bytes:
    """A workbook whose first sheet is a table of random cells under the mapped headers."""
    workbook = openpyxl.Workbook()
    rows = draw(tables(COUNCIL_COLUMNS, ["Notes", "Updated"], XLSX_CELL))
    rows[0] = [cell if isinstance(cell, str) else "" for cell in rows[0]]
    rows[0] = [name.translate(dict.fromkeys(range(32))) for name in rows[0]]
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@HOSTILE
@given(workbooks())
def test_xlsx_of_random_cells(content):
    through_pipeline(read_file(read_council, "council.xlsx", content), keep_ids=False)


@HOSTILE
@given(workbooks(), st.integers(0, 100_000), st.binary(min_size=1, max_size=8))
def test_xlsx_with_damaged_bytes(content, offset, garbage):
    read_file(read_council, "council.xlsx", damaged(content, offset, garbage))


# -- size limits ------------------------------------------------------------------------------


def zip_bomb(files: dict[str, bytes], bomb: str, size: int) -> bytes:
    """A zip of `files` (stored as they are) and `bomb`: `size` bytes of spaces deflated
    about a thousandfold. One megabyte is deflated once and its stream repeated (a full
    flush makes each copy stand alone), so a 200 MB bomb takes milliseconds to build."""
    block = b" " * 2**20
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    count, crc = -(-size // len(block)), 0
    for _ in range(count):
        crc = zlib.crc32(block, crc)
    members = [(name, data, 0, zlib.crc32(data), len(data)) for name, data in files.items()]
    members.append((bomb, piece * count + b"\x03\x00", 8, crc, count * len(block)))
    archive, directory = bytearray(), bytearray()
    for name, data, method, checksum, unzipped in members:
        fields = (method, 0, 0x21, checksum, len(data), unzipped, len(name.encode()), 0)
        directory += struct.pack("<IHHH", 0x02014B50, 20, 20, 0)
        directory += struct.pack("<HHHIIIHH", *fields) + struct.pack(
            "<HHHII", 0, 0, 0, 0, len(archive)
        )
        directory += name.encode()
        archive += struct.pack("<IHH", 0x04034B50, 20, 0) + struct.pack("<HHHIIIHH", *fields)
        archive += name.encode() + data
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), len(archive), 0
    )
    return bytes(archive + directory + end)


def test_the_zip_bomb_is_a_real_zip():
    with zipfile.ZipFile(io.BytesIO(zip_bomb({"a.txt": b"hello"}, "bomb.txt", 3 * 2**20))) as z:
        assert z.read("a.txt") == b"hello"
        assert z.read("bomb.txt") == b" " * 3 * 2**20
        assert z.getinfo("bomb.txt").compress_size < 2**20 / 300


def workbook_members() -> dict[str, bytes]:
    workbook = openpyxl.Workbook()
    workbook.active.append(["Service", "Service ref"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


OVER_LIMIT = DEFAULT_SIZE_LIMIT + 2**20
BOMBS = {
    "KML in a KMZ": (read_lvsc, "map.kmz", lambda: zip_bomb({}, "doc.kml", OVER_LIMIT)),
    "worksheet in an XLSX": (
        read_council,
        "council.xlsx",
        lambda: zip_bomb(
            {k: v for k, v in workbook_members().items() if k != "xl/worksheets/sheet1.xml"},
            "xl/worksheets/sheet1.xml",
            OVER_LIMIT,
        ),
    ),
    "table in a data package": (
        read_datapackage,
        "package.zip",
        lambda: zip_bomb(
            {"datapackage.json": b'{"resources": [{"name": "services", "path": "s.csv"}]}'},
            "s.csv",
            OVER_LIMIT,
        ),
    ),
}


@pytest.mark.parametrize("what", BOMBS)
def test_a_zip_bomb_is_refused_by_its_declared_size_before_it_is_inflated(what):
    read, name, build = BOMBS[what]
    (error,) = read_file(read, name, build())
    assert isinstance(error, SourceFormatError)
    assert re.search(
        f"unzips? to [0-9,]+ bytes, over the {DEFAULT_SIZE_LIMIT:,}-byte limit", str(error)
    )


@pytest.mark.parametrize(
    "format_name, name",
    [(f, n) for f, names in FILE_NAMES.items() for n in names if n != "datapackage.json"],
)
def test_a_file_over_200_mb_is_refused_before_it_is_read(format_name, name):
    """(The postcode directory has no limit: ONSPD is over a gigabyte, loaded by an
    operator rather than sent by a source, and streamed in constant memory.)"""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        with path.open("wb") as handle:
            handle.truncate(DEFAULT_SIZE_LIMIT + 1)  # sparse: no disk space used
        mapping = path.with_name("mapping.toml")
        mapping.write_text(MAPPING)
        with files_opened() as opened:
            (error,) = outcomes(lambda: read_source(format_name, str(path), mapping))
    assert isinstance(error, SourceFormatError)
    assert f"over the {DEFAULT_SIZE_LIMIT:,}-byte limit" in str(error)
    assert str(path) not in opened, "the size is checked before the file is opened"


# -- unsafe XML ---------------------------------------------------------------------------------


@pytest.fixture
def listener():
    """A TCP port on 127.0.0.1 that notes whether anything connected to it."""
    with socket.create_server(("127.0.0.1", 0)) as sock:
        sock.setblocking(False)

        def connected() -> bool:
            try:
                sock.accept()[0].close()
            except BlockingIOError:
                return False
            return True

        yield SimpleNamespace(url=f"http://127.0.0.1:{sock.getsockname()[1]}", connected=connected)


def kml_with(prologue: str, name: str) -> bytes:
    return (
        f'<?xml version="1.0"?>{prologue}<kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
        f"<Placemark><name>{name}</name></Placemark></Document></kml>"
    ).encode()


LAUGHS = "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10))
UNSAFE_XML = {
    "billion laughs": (f'<!DOCTYPE kml [<!ENTITY l0 "lol">{LAUGHS}]>', "&l9;", "entities"),
    "external entity (file)": (
        '<!DOCTYPE kml [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
        "&x;",
        "entities",
    ),
    "external entity (http)": ('<!DOCTYPE kml [<!ENTITY x SYSTEM "{url}/x">]>', "&x;", "entities"),
    "parameter entity": ('<!DOCTYPE kml [<!ENTITY % p SYSTEM "{url}/p"> %p;]>', "Walk", "entities"),
    "external DTD": ('<!DOCTYPE kml SYSTEM "{url}/kml.dtd">', "&x;", "undefined entity"),
}


@pytest.mark.parametrize("case", UNSAFE_XML)
@pytest.mark.parametrize("container", ["kml", "kmz"])
def test_kml_refuses_entities_and_never_fetches_anything(case, container, listener):
    prologue, name, message = UNSAFE_XML[case]
    kml = kml_with(prologue.replace("{url}", listener.url), name)
    content = kml if container == "kml" else kmz(kml)
    (error,) = read_file(read_lvsc, f"map.{container}", content)
    assert isinstance(error, SourceFormatError) and message in str(error), error
    assert not listener.connected()


def test_xinclude_is_not_followed():
    include = (
        '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="/etc/passwd" parse="text"/>'
    )
    (record,) = read_file(read_lvsc, "map.kml", kml_with("", f"Walk{include}"))
    assert record.service["name"] == "Walk"
    assert "root:" not in json.dumps(record.raw)


@pytest.mark.parametrize("case", UNSAFE_XML)
def test_xlsx_refuses_entities_and_never_fetches_anything(case, listener):
    prologue, name, message = UNSAFE_XML[case]
    members = workbook_members()
    body = members["xl/worksheets/sheet1.xml"].decode().split("?>", 1)[-1]
    cell = f'<c r="A2" t="inlineStr"><is><t>{name}</t></is></c>'
    body = body.replace("</sheetData>", f'<row r="2">{cell}</row></sheetData>')
    prologue = prologue.replace("kml", "worksheet").replace("{url}", listener.url)
    members["xl/worksheets/sheet1.xml"] = f'<?xml version="1.0"?>{prologue}{body}'.encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    with tempfile.TemporaryDirectory() as folder:
        path, mapping = Path(folder) / "council.xlsx", Path(folder) / "mapping.toml"
        path.write_bytes(buffer.getvalue())
        mapping.write_text('key = "Service"\n[columns]\nservice_name = "Service"\n')
        items = outcomes(lambda: read_spreadsheet(path, mapping))
    (error,) = [item for item in items if not isinstance(item, Note)]  # Notes: unmapped columns
    assert isinstance(error, SourceFormatError) and message in str(error), error
    assert not listener.connected()


def test_openpyxl_parses_with_defusedxml():
    assert openpyxl.DEFUSEDXML


def test_xlsx_is_refused_when_openpyxl_does_not_use_defusedxml(monkeypatch):
    monkeypatch.setattr(openpyxl, "DEFUSEDXML", False)
    (error,) = read_file(read_council, "council.xlsx", b"PK")
    assert "only with defusedxml" in str(error)
