import csv
import gzip
import math
from pathlib import Path

import pytest

from app.demo import postcode_sample as make_postcode_sample
from app.reference import CODEPOINT_LONDON
from importers.readers import postcodes
from importers.readers.postcodes import (
    PostcodeRow,
    PostcodeSummary,
    format_postcode,
    read_postcodes,
)
from importers.readers.record import SourceFormatError

DATA = Path(__file__).parents[1] / "data" / "postcodes"
SAMPLE = Path(make_postcode_sample.__file__).parent / "data" / "london_postcodes_sample.csv"


def metres_apart(lat1, lon1, lat2, lon2):
    dy = (lat1 - lat2) * 111_320
    dx = (lon1 - lon2) * 111_320 * math.cos(math.radians(lat1))
    return math.hypot(dx, dy)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SW1A 1AA", "SW1A 1AA"),
        ("sw1a1aa", "SW1A 1AA"),
        ("E1  0AA", "E1 0AA"),
        (" e1w 1ab ", "E1W 1AB"),
        ("N1\t9GU", "N1 9GU"),
        ("EC1V4NB", "EC1V 4NB"),
        ("NOT A POSTCODE", None),
        ("", None),
    ],
)
def test_format_postcode(text, expected):
    assert format_postcode(text) == expected


# -- Code-Point Open -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def codepoint_london():
    summary = PostcodeSummary()
    rows = {row.postcode: row for row in read_postcodes(CODEPOINT_LONDON, summary)}
    return rows, summary


def test_codepoint_london_reads_every_postcode(codepoint_london):
    rows, summary = codepoint_london
    assert len(rows) == summary.read == 180_792
    assert summary.skipped == {}
    assert len({row.admin_district for row in rows.values()}) == 33
    assert rows["SW1A 1AA"].admin_district == "E09000033"
    assert rows["SW1A 1AA"].admin_ward == "E05013806"


def test_codepoint_conversion_is_within_10_metres_of_the_reference(codepoint_london):
    rows, _ = codepoint_london
    with gzip.open(CODEPOINT_LONDON, "rt", encoding="utf-8", newline="") as handle:
        reference = [row for number, row in enumerate(csv.DictReader(handle)) if number % 400 == 0]
    assert len(reference) > 400
    for expected in reference:
        row = rows[expected["postcode"]]
        distance = metres_apart(
            row.latitude,
            row.longitude,
            float(expected["lat_wgs84_approx"]),
            float(expected["long_wgs84_approx"]),
        )
        assert distance < 10, (expected["postcode"], distance)


def test_headerless_codepoint_with_padded_postcodes():
    summary = PostcodeSummary()
    rows = list(read_postcodes(DATA / "codepoint_headerless.csv", summary))
    assert [row.postcode for row in rows] == ["E1 0AA", "E1 6AN", "E1W 1AB", "SW1A 1AA", "N1 9GU"]
    e1 = rows[0]
    assert (e1.admin_district, e1.admin_ward) == ("E09000030", "E05009332")
    assert metres_apart(e1.latitude, e1.longitude, 51.512497, -0.052098) < 10
    assert summary.read == 6
    assert summary.skipped == {"no coordinates": 1}  # E1 9ZZ, positional quality 90


@pytest.mark.parametrize("name", ["codepoint.csv.gz", "codepoint_without_suffix.csv"])
def test_gzip_compressed_codepoint(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(gzip.compress((DATA / "codepoint_headerless.csv").read_bytes()))
    assert list(read_postcodes(path)) == list(read_postcodes(DATA / "codepoint_headerless.csv"))


def test_batches_give_the_same_rows(monkeypatch):
    whole = list(read_postcodes(DATA / "codepoint_headerless.csv"))
    monkeypatch.setattr(postcodes, "BATCH_SIZE", 2)
    assert list(read_postcodes(DATA / "codepoint_headerless.csv")) == whole


def test_one_transformer_is_reused():
    assert postcodes.british_grid_to_wgs84() is postcodes.british_grid_to_wgs84()


def test_codepoint_short_header_from_the_column_headers_file(tmp_path):
    path = tmp_path / "short.csv"
    lines = (DATA / "codepoint_headerless.csv").read_text(encoding="utf-8")
    path.write_text("PC,PQ,EA,NO,CY,RH,LH,CC,DC,WC\n" + lines, encoding="utf-8")
    assert list(read_postcodes(path)) == list(read_postcodes(DATA / "codepoint_headerless.csv"))


# -- ONSPD ---------------------------------------------------------------------------------


def test_onspd_skips_terminated_and_gridless_postcodes():
    summary = PostcodeSummary()
    rows = list(read_postcodes(DATA / "onspd_2020s.csv", summary))
    assert rows == [
        PostcodeRow("E1 0AA", 51.512497, -0.052098, "E09000030", "E05009332"),
        PostcodeRow("SW1A 1AA", 51.501009, -0.141588, "E09000033", "E05013806"),
    ]
    assert summary.read == 4
    assert summary.skipped == {"terminated": 1, "no coordinates": 1}


def test_onspd_renamed_columns_are_found_by_pattern():
    rows = list(read_postcodes(DATA / "onspd_2025.csv"))
    assert rows == [
        PostcodeRow("N1 9GU", 51.534909, -0.121693, "E09000019", "E05013700"),
        PostcodeRow("E1W 1AB", 51.508041, -0.069220, "E09000030", "E05009330"),
    ]


# -- committed sample and its generator ------------------------------------------------------


def test_committed_sample_reads_back():
    rows = list(read_postcodes(SAMPLE))
    assert len(rows) == 3000
    assert {row.admin_district for row in rows} == {f"E090000{n:02d}" for n in range(1, 34)}
    assert all(51.2 < row.latitude < 51.8 and -0.6 < row.longitude < 0.4 for row in rows)
    licence = SAMPLE.with_name("london_postcodes_sample.LICENCE.txt").read_text(encoding="utf-8")
    assert "Contains OS data © Crown copyright and database right 2025" in licence


def test_sample_generator_is_deterministic_and_adds_includes(tmp_path, capsys):
    include = tmp_path / "include.txt"
    include.write_text("n1 9gu\nZZ9 9ZZ\n", encoding="utf-8")
    outputs = []
    for run in (1, 2):
        output = tmp_path / f"run{run}" / "sample.csv"
        args = ["--source", str(DATA / "codepoint_headerless.csv"), "--size", "1"]
        make_postcode_sample.main([*args, "--include", str(include), "--output", str(output)])
        outputs.append(output.read_text(encoding="utf-8"))
    assert outputs[0] == outputs[1]
    rows = list(read_postcodes(tmp_path / "run1" / "sample.csv"))
    # size 1 over 4 districts: one from the first district (E09000001), plus the include
    assert [row.postcode for row in rows] == ["E1 6AN", "N1 9GU"]
    assert "not in the source: ZZ9 9ZZ" in capsys.readouterr().err
    assert outputs[0].splitlines()[0] == "postcode,latitude,longitude,admin_district,admin_ward"
    assert (tmp_path / "run1" / "sample.LICENCE.txt").exists()


def test_sample_spreads_over_districts():
    rows = [PostcodeRow(f"E1 {n}AA", 51.5, -0.05, f"E0900000{n % 3}", None) for n in range(9)]
    chosen = make_postcode_sample.sample_postcodes(rows, 3, include=set())
    assert sorted(row.admin_district for row in chosen) == ["E09000000", "E09000001", "E09000002"]


# -- broken files --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        ((DATA / "no_columns.csv").read_bytes(), "no recognisable postcode and coordinate columns"),
        (gzip.compress(b"pcds,lat,long\n" + b"E1 0AA,51.5,-0.05\n" * 2000)[:-40], "cannot be read"),
    ],
)
def test_unreadable_files_raise_source_format_error(tmp_path, content, message):
    path = tmp_path / "postcodes.csv"
    path.write_bytes(content)
    with pytest.raises(SourceFormatError, match=message):
        list(read_postcodes(path))


def test_missing_file_names_it(tmp_path):
    with pytest.raises(SourceFormatError, match="missing.csv"):
        list(read_postcodes(tmp_path / "missing.csv"))
