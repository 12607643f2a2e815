import re
from pathlib import Path

import pytest

from importers.readers.record import SourceFormatError
from importers.readers.tabular import check_size, match_columns, name_headers, open_csv

DATA = Path(__file__).parents[1] / "data" / "careplace"


def read(path, **kwargs):
    with open_csv(path, **kwargs) as table:
        return table.headers, list(table.rows)


def write(tmp_path, data: bytes, name="file.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


TEXT = "Service name,Cost\nCafé Créatif,£1.50\n"


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        b"\xef\xbb\xbf" + TEXT.encode("utf-8"),
        TEXT.encode("cp1252"),
        TEXT.replace("\n", "\r\n").encode("cp1252"),
    ],
    ids=["utf-8", "utf-8-bom", "windows-1252", "windows-1252-crlf"],
)
def test_encodings_decode_pound_and_accents(tmp_path, data):
    headers, rows = read(write(tmp_path, data))
    assert headers == ["Service name", "Cost"]  # no BOM left on the first header
    assert rows == [(2, {"Service name": "Café Créatif", "Cost": "£1.50"})]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('a,b\n1,"x; y"\n', {"a": "1", "b": "x; y"}),
        ('a;b\n1;"x, y"\n', {"a": "1", "b": "x, y"}),
        ("a\tb\n1\tx, y; z\n", {"a": "1", "b": "x, y; z"}),
        (
            "a;b\n1;Walk, talk and coffee, at an easy pace\n",
            {"a": "1", "b": "Walk, talk and coffee, at an easy pace"},
        ),
        ("only\nvalue\n", {"only": "value"}),
    ],
    ids=["comma", "semicolon", "tab", "semicolon-with-commas-in-text", "one-column"],
)
def test_delimiters(tmp_path, text, expected):
    _, rows = read(write(tmp_path, text.encode()))
    assert rows == [(2, expected)]


def test_line_numbers_are_physical_lines_skipping_blank_rows(tmp_path):
    text = 'a,b\n1,one\n\n2,"two\nlines"\n,\n  ,  \n3,three\n'
    _, rows = read(write(tmp_path, text.encode()))
    assert [(line, row["a"]) for line, row in rows] == [(2, "1"), (4, "2"), (8, "3")]
    assert rows[1][1]["b"] == "two\nlines"


def test_short_and_long_rows(tmp_path):
    _, rows = read(write(tmp_path, b"a,b\n1\n1,2,3\n"))
    assert rows == [(2, {"a": "1", "b": ""}), (3, {"a": "1", "b": "2", "column 3": "3"})]


def test_header_line_skips_a_title(tmp_path):
    path = write(tmp_path, b"Council directory, May 2024\n\nname;phone\nShed;020 7946 0000\n")
    headers, rows = read(path, header_line=2)
    assert headers == ["name", "phone"]
    assert rows == [(4, {"name": "Shed", "phone": "020 7946 0000"})]


def test_windows_1252_after_a_long_ascii_head(tmp_path):
    data = b"a,b\n" + b"x,y\n" * 20_000 + b"caf\xe9,\xa31\n"  # first "\xa3" past 64 KiB
    _, rows = read(write(tmp_path, data))
    assert rows[-1] == (20_002, {"a": "café", "b": "£1"})


def test_mixed_encodings_are_refused_before_any_row(tmp_path):
    data = "a,b\ncafé,£1\n".encode() + b"x,y\n" * 20_000 + b"caf\xe9,\xa31\n"
    with pytest.raises(SourceFormatError, match=r"^file\.csv: .*neither all UTF-8 nor all Windows"):
        with open_csv(write(tmp_path, data)):
            pass


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"\n\n  \n", "no header row"),
        (b"a,b\n\x81\x8d,\x90\n", "neither all UTF-8 nor all Windows-1252"),
        ("a,b\n1,2\n".encode("utf-16"), "binary or UTF-16"),
    ],
    ids=["empty", "blank", "undecodable", "utf-16"],
)
def test_unreadable_files(tmp_path, data, message):
    with pytest.raises(SourceFormatError, match=f"^file.csv: .*{message}"):
        read(write(tmp_path, data))


def test_check_size(tmp_path):
    path = write(tmp_path, b"a,b\n1,2\n")
    check_size(path, 100)
    with pytest.raises(
        SourceFormatError, match=r"^file\.csv: the file is 8 bytes, over the 7-byte"
    ):
        check_size(path, 7)
    with pytest.raises(SourceFormatError, match="cannot be opened"):
        check_size(tmp_path / "missing.csv", 100)


def test_size_limit_applies_to_open_csv():
    with pytest.raises(SourceFormatError, match="over the 100-byte limit"):
        read(DATA / "lambeth.csv", size_limit=100)


def test_name_headers():
    assert name_headers([" Name ", "", None, "Name", "Name"]) == [
        "Name",
        "column 2",
        "column 3",
        "Name (2)",
        "Name (3)",
    ]


@pytest.mark.parametrize(
    "header",
    ["Provider name", "provider_name", "ProviderName", " PROVIDER-NAME ", "Provider  Name."],
)
def test_match_columns_ignores_case_spacing_punctuation(header):
    aliases = {"organization_name": ["Provider name", "Organisation"]}
    assert match_columns(["ID", header], aliases) == {"organization_name": header}


def test_match_columns_follows_alias_order_and_uses_a_header_once():
    aliases = {
        "service_id": ["Service ID", "ID"],
        "organization_id": ["Provider ID", "ID"],
        "service_name": ["Service name"],
    }
    headers = ["ID", "Service ID", "Organisation"]
    assert match_columns(headers, aliases) == {"service_id": "Service ID", "organization_id": "ID"}


ROWS = "".join(f"S{n},Walk {n},Free\n" for n in range(3, 9))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # An unclosed quote once swallowed every row after it into one field.
        ('ID,Name,Cost\nS1,"Walk 1,Free\n' + ROWS, "line 2 is not valid CSV (a quoted field is"),
        ('ID,Name,Cost\nS1,Walk 1,Free\nS2,"Walk" 2,Free\n' + ROWS, "line 3 is not valid CSV"),
        # A stray quote closed by another one rows later: the rows between are one field.
        (
            'ID,Name,Cost\nS1,"Walk 1,Free\nS2,Walk 2,Free\nS3,Walk 3,Free\nS4,x",Free\n',
            "line 2 has a quoted field that runs on over lines shaped like rows",
        ),
    ],
    ids=["unclosed", "text-after-quote", "closed-rows-later"],
)
def test_a_stray_quote_is_an_error_naming_the_line_not_a_shorter_file(tmp_path, text, message):
    with pytest.raises(SourceFormatError, match=re.escape(f"file.csv: {message}")):
        read(write(tmp_path, text.encode()))


def test_a_quoted_multi_line_description_is_still_one_field(tmp_path):
    text = 'ID,Name,Description\nS1,Walk,"Meet at the gate.\nBring water, a hat.\nAll ages"\n'
    headers, rows = read(write(tmp_path, text.encode()))
    description = "Meet at the gate.\nBring water, a hat.\nAll ages"
    assert rows == [(2, {"ID": "S1", "Name": "Walk", "Description": description})]
