"""The flat CSV: one row per service, the columns a spreadsheet user filters and sorts by."""

import csv

import pytest

from app.export.flat import COLUMNS, spreadsheet_safe


@pytest.fixture
def rows(planted, export):
    with export("csv").open(newline="", encoding="utf-8") as handle:
        return {row["id"]: row for row in csv.DictReader(handle)}


def test_columns_are_the_documented_ones(planted, export):
    with export("csv").open(newline="", encoding="utf-8") as handle:
        assert next(csv.reader(handle)) == COLUMNS
    assert COLUMNS[:17] == [
        "id", "name", "status", "organization", "description", "url", "email", "phone",
        "address", "postcode", "latitude", "longitude", "borough", "taxonomy_terms", "cost",
        "schedule", "last_modified",
    ]  # fmt: skip


def test_one_row_per_service_that_may_be_redistributed(rows, sample, planted):
    assert set(rows) == {service["id"] for service in sample} - {planted.merged["id"]}


def test_a_row_summarises_the_service(rows, planted):
    walk = rows[planted.walk["id"]]
    assert walk["name"] == "Hampstead Heath Health Walk"
    assert walk["organization"] == "Camden Health Walks"
    assert walk["phone"] == "020 7946 0101"
    assert walk["address"] == "Parliament Hill Fields, London"
    assert walk["postcode"] == "NW5 1QR"
    assert (float(walk["latitude"]), float(walk["longitude"])) == (51.5589, -0.1503)
    assert walk["taxonomy_terms"] == "Be active; Loneliness and isolation; Walking groups"
    assert walk["cost"] == "Free"
    assert walk["schedule"] == "Wednesdays 10:30am"
    assert walk["sources"] == "camden-directory"


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-2+3", "'-2+3"),
        ("+44 20 7946 0101", "+44 20 7946 0101"),
        ("-0.1503", "-0.1503"),
        ("Free", "Free"),
        (None, ""),
        (51.5, 51.5),
    ],
)
def test_text_a_spreadsheet_would_run_as_a_formula_is_defused(value, written):
    assert spreadsheet_safe(value) == written
