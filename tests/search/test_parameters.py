"""Every new parameter is validated (a 422 naming it); ORUK aliases mean what councils expect."""

from pathlib import Path

import pytest
import yaml

from app.taxonomy import builtin_taxonomy_id

OPENAPI = Path(__file__).resolve().parents[2] / "openapi.yaml"


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("proximity=0&lat=51.5&lon=0", "proximity"),
        ("proximity=200001&lat=51.5&lon=0", "proximity"),
        ("proximity=far&postcode=E1", "proximity"),
        ("proximity=1000", "proximity"),  # no place to measure from
        ("lat=91&lon=0", "lat"),
        ("lat=51.5&lon=-181", "lon"),
        ("lat=51.5", "lon"),  # lat without lon
        ("lon=-0.1", "lat"),
        ("lat=51.5&lon=-0.1&postcode=E1", "postcode"),
        ("postcode=SE1%209ZZ", "postcode"),  # well formed, unknown
        ("postcode=SE99", "postcode"),  # an outward code with no postcodes
        ("postcode=hello%20world", "postcode"),
        ("open_at=25:00", "open_at"),
        ("open_at=9am", "open_at"),
        ("open_on=someday", "open_on"),
        ("day=Funday", "day"),
        ("start_time=9am", "start_time"),
        ("end_time=24:00", "end_time"),
        ("start_time=12:00&end_time=11:00", "end_time"),
        ("age=-1", "age"),
        ("age=old", "age"),
        ("minimum_age=30&maximum_age=20", "maximum_age"),
        ("free=perhaps", "free"),
        ("wheelchair_accessible=2", "wheelchair_accessible"),
        ("referral=friend", "referral"),
        ("status=withdrawn", "status"),
        ("language=%3Bdrop", "language"),
        ("borough=Atlantis", "borough"),
        ("taxonomy_term=no%20such%20need", "taxonomy_term"),
        ("vocabulary=No%20such%20taxonomy", "vocabulary"),
    ],
)
@pytest.mark.parametrize("endpoint", ["/services", "/service_at_locations"])
def test_bad_parameters_are_a_422_naming_them(client, london, endpoint, query, parameter):
    response = client.get(f"{endpoint}?{query}")
    assert response.status_code == 422, response.get_json()
    body = response.get_json()
    assert list(body) == ["code", "status", "message", "errors"]
    assert f"'{parameter}'" in body["message"]


@pytest.mark.parametrize(
    "query, parameter",
    [("", "q"), ("q=", "q"), ("q=" + "a" * 101, "q"), ("q=ab&limit=0", "limit")],
)
def test_bad_suggest_parameters(client, query, parameter):
    response = client.get(f"/suggest?{query}")
    assert response.status_code == 422
    assert f"'{parameter}'" in response.get_json()["message"]


@pytest.mark.parametrize(
    "alias, canonical",
    [
        ("text=walks", "search=walks"),
        ("minimum_age=18&maximum_age=30", "age=18"),
        ("vocabulary=signpost%20social%20PRESCRIBING", f"taxonomy_id={builtin_taxonomy_id()}"),
    ],
)
def test_oruk_aliases(client, sample, alias, canonical):
    def ids(query):
        return [item["id"] for item in client.get(f"/services?{query}").get_json()["contents"]]

    assert ids(alias) == ids(canonical)
    assert ids(alias)


def test_place_parameters_and_suggest_are_documented():
    spec = yaml.safe_load(OPENAPI.read_text())
    for path in ("/services", "/service_at_locations"):
        documented = {p["name"] for p in spec["paths"][path]["get"]["parameters"]}
        assert {"postcode", "lat", "lon", "proximity", "taxonomy_term", "age", "free",
                "open_on", "open_at", "language", "wheelchair_accessible", "referral",
                "borough", "text", "vocabulary", "minimum_age", "maximum_age",
                "status", "day", "start_time", "end_time"} <= documented  # fmt: skip
    suggest = spec["paths"]["/suggest"]["get"]
    assert {p["name"] for p in suggest["parameters"]} == {"q", "limit"}
    service = spec["components"]["schemas"]["ServiceList"]["properties"]
    assert {"distance", "area_wide"} <= set(service)
