"""The GeoJSON: one point for each place a service runs, that QGIS or a web map opens as is
(RFC 7946: longitude first, WGS 84, no crs member)."""

import json

import pytest
from shapely.geometry import shape

from app.export import ExportSettings
from tests.export.conftest import CAMDEN_ATTRIBUTION, PUBLIC_URL


@pytest.fixture
def collection(planted, export):
    return json.loads(export("geojson").read_text(encoding="utf-8"))


def test_it_is_an_rfc_7946_feature_collection_of_points(collection):
    assert collection["type"] == "FeatureCollection"
    assert "crs" not in collection
    for feature in collection["features"]:
        assert feature["type"] == "Feature"
        assert "crs" not in feature
        point = shape(feature["geometry"])
        assert point.geom_type == "Point" and point.is_valid
        longitude, latitude = feature["geometry"]["coordinates"]
        assert -0.6 < longitude < 0.4 and 51.2 < latitude < 51.8  # London, lon first
        assert isinstance(feature["properties"], dict)


def test_one_feature_per_service_at_location(collection, sample, planted):
    expected = {
        sal["id"]
        for service in sample
        if service["id"] != planted.merged["id"]
        for sal in service["service_at_locations"]
    }
    assert {feature["id"] for feature in collection["features"]} == expected


def test_properties_name_the_service_and_link_to_its_api_record(collection, planted):
    walk_sal = planted.walk["service_at_locations"][0]["id"]
    (feature,) = [f for f in collection["features"] if f["id"] == walk_sal]
    assert feature["geometry"]["coordinates"] == [-0.1503, 51.5589]
    properties = feature["properties"]
    assert properties["service_id"] == planted.walk["id"]
    assert properties["service_name"] == "Hampstead Heath Health Walk"
    assert properties["organization"] == "Camden Health Walks"
    assert properties["taxonomy_terms"] == "Be active; Loneliness and isolation; Walking groups"
    assert "borough" in properties
    assert properties["url"] == f"{PUBLIC_URL}/services/{planted.walk['id']}"


def test_the_collection_carries_licences_and_attribution(collection):
    assert {licence["name"] for licence in collection["licences"]} == {"OGL-UK-3.0", "CC-BY-4.0"}
    assert CAMDEN_ATTRIBUTION in collection["attribution"]


def test_the_url_defaults_to_the_local_server():
    local, public = (
        ExportSettings.from_config({}),
        ExportSettings.from_config({"SIGNPOST_PUBLIC_URL": "https://signpost.example.org/"}),
    )
    assert local.service_url("x") == "http://127.0.0.1:5000/services/x"
    assert public.service_url("x") == "https://signpost.example.org/services/x"
