"""A patient's postcode, however it is typed, is a point to search from."""

import pytest
from sqlalchemy import select

from app.geo import UnknownPostcode, load_postcodes, locate_postcode
from app.geo.postcodes import PostcodeRow
from app.models import Postcode
from tests.search.conftest import AREAS


@pytest.mark.parametrize("typed", ["NW5 1QR", "nw51qr", " Nw5  1qR ", "NW5-1QR"])
def test_full_postcodes_in_any_case_and_spacing(session, postcodes, typed):
    point = locate_postcode(session, typed)
    assert (point.latitude, point.longitude) == (51.556, -0.148)


@pytest.mark.parametrize("typed", ["NW5", "nw5", " n w 5 "])
def test_an_outward_code_is_the_mean_of_its_district(session, postcodes, typed):
    point = locate_postcode(session, typed)
    assert point.latitude == pytest.approx((51.556 + 51.552 + 51.550) / 3)
    assert point.longitude == pytest.approx((-0.148 - 0.142 - 0.138) / 3)


@pytest.mark.parametrize(
    "typed, message",
    [
        ("SE1 9ZZ", "'SE1 9ZZ' is not a postcode we know."),
        ("SE99", "'SE99' is not a postcode district we know."),
        ("not a postcode", "'not a postcode' is not a UK postcode or outward code."),
    ],
)
def test_unknown_postcodes_are_explained(session, postcodes, typed, message):
    with pytest.raises(UnknownPostcode, match=message):
        locate_postcode(session, typed)


def test_an_unknown_postcode_is_a_422_naming_the_parameter(client, postcodes):
    body = client.get("/services?postcode=SE1 9ZZ&proximity=1000").get_json()
    assert body["code"] == 422
    assert (
        body["message"]
        == "Invalid query parameter 'postcode': 'SE1 9ZZ' is not a postcode we know."
    )


def test_loading_is_an_upsert(session):
    rows = [
        PostcodeRow("E1 6AN", 51.52, -0.07, "E09000030", None),
        PostcodeRow("E1 6AN", 51.521, -0.071, "E09000030", "E05009333"),  # repeated: last wins
        PostcodeRow("EC1A 1BB", 51.52, -0.1, "E09000001", None),
    ]
    assert load_postcodes(session, rows) == 2
    assert load_postcodes(session, rows[1:]) == 2
    stored = session.scalars(select(Postcode).order_by(Postcode.postcode)).all()
    assert [(p.postcode, p.district, p.latitude, p.admin_ward) for p in stored] == [
        ("E1 6AN", "E1", 51.521, "E05009333"),
        ("EC1A 1BB", "EC1A", 51.52, None),
    ]


def test_postcodes_load_command(runner, session):
    result = runner.invoke(args=["postcodes", "load", str(AREAS / "postcodes.csv"), "--silent"])
    assert result.exit_code == 0, result.output
    assert "Loaded 6 postcodes from postcodes.csv." in result.output
    assert session.get(Postcode, "E8 2EZ").district == "E8"


def test_postcodes_load_command_explains_a_bad_file(runner):
    result = runner.invoke(args=["postcodes", "load", str(AREAS / "boroughs.geojson"), "--silent"])
    assert result.exit_code == 1
    assert "Nothing was loaded" in result.output
    assert "Traceback" not in result.output
