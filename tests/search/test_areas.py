"""Borough polygons: loading any GeoJSON, the borough of every location, counts per borough."""

import pytest
from sqlalchemy import select

from app.geo import (
    AreaFileError,
    assign_boroughs,
    count_services_by_borough,
    load_areas,
)
from app.models import Area, Location
from app.search import Point, areas_covering
from tests.search.conftest import AREAS, make_service


def borough_of(session, name):
    return session.scalar(select(Location.borough).where(Location.name == name))


def test_every_location_gets_its_borough(session, london):
    assert borough_of(session, "Parliament Hill Café") == "Camden"
    assert borough_of(session, "Islington Mind Centre") == "Islington"
    assert borough_of(session, "The Shed, Dalston") == "Hackney"
    assert borough_of(session, "Loughborough Farm") == "Lambeth"
    assert borough_of(session, "Citizens Advice Whitechapel") is None  # outside them all


def test_assign_boroughs_for_just_the_locations_given(session, boroughs, publish):
    publish(make_service("Dalston Walk", 51.55, -0.07), make_service("Camden Walk", 51.55, -0.2))
    assert borough_of(session, "Dalston Walk venue") is None  # not yet assigned
    location_id = session.scalar(select(Location.id).where(Location.name == "Dalston Walk venue"))
    assert assign_boroughs(session, [location_id]) == 1
    assert borough_of(session, "Dalston Walk venue") == "Hackney"
    assert borough_of(session, "Camden Walk venue") is None
    assert assign_boroughs(session) == 1  # the rest
    assert assign_boroughs(session) == 0  # nothing left to change


def test_without_borough_polygons_boroughs_are_left_alone(session, publish):
    publish(make_service("Somewhere", 51.5, -0.1))
    location = session.scalar(select(Location).where(Location.name == "Somewhere venue"))
    location.borough = "Camden"
    assert assign_boroughs(session) == 0
    assert borough_of(session, "Somewhere venue") == "Camden"


def test_point_in_polygon_covers_multipolygons_and_edges(session, boroughs):
    def covering(lat, lon):
        return [area.name for area in areas_covering(session, Point(lat, lon))]

    assert covering(51.585, -0.015) == ["Hackney"]  # the MultiPolygon's second part
    assert covering(51.55, -0.125) == ["Camden", "Islington"]  # on their shared edge
    assert covering(51.0, 0.0) == []


def test_counts_of_active_services_per_borough(session, london):
    assert count_services_by_borough(session) == {
        "Camden": 2,
        "Hackney": 1,
        "Islington": 1,
        "Lambeth": 2,  # this test Lambeth reaches into Southwark's Carers' Café
    }


def test_loading_again_replaces_rather_than_duplicates(session, boroughs):
    load_areas(session, AREAS / "boroughs.geojson")
    assert session.query(Area).count() == 4


def test_any_feature_collection_with_a_name_property(session):
    result = load_areas(
        session, AREAS / "wards_mixed.geojson", "ward", "WD_NAME", code_property="WD_CODE"
    )
    assert result.loaded == ["Highgate"]
    assert result.skipped == [
        "feature 2: no 'WD_NAME' property",
        "feature 3 (A point): not a polygon",
    ]
    area = session.scalar(select(Area).where(Area.kind == "ward"))
    assert (area.code, area.min_lat, area.max_lon) == ("E05013660", 51.56, -0.14)


@pytest.mark.parametrize("name", ["not_a_collection.geojson", "not_json.geojson", "missing.json"])
def test_files_that_are_not_feature_collections_are_refused(session, name):
    with pytest.raises(AreaFileError):
        load_areas(session, AREAS / name)


def test_areas_load_command(runner, session, sample):
    result = runner.invoke(args=["areas", "load", str(AREAS / "boroughs.geojson")])
    assert result.exit_code == 0, result.output
    assert "Loaded 4 borough areas from boroughs.geojson." in result.output
    assert "Set the borough of 6 locations." in result.output


def test_areas_load_command_explains_a_bad_file(runner):
    result = runner.invoke(args=["areas", "load", str(AREAS / "not_json.geojson")])
    assert result.exit_code == 1
    assert "Nothing was loaded" in result.output
    assert "Traceback" not in result.output
    result = runner.invoke(
        args=["areas", "load", str(AREAS / "wards_mixed.geojson"), "--name-property", "nope"]
    )
    assert result.exit_code == 1
    assert "'nope' property" in result.output


def test_areas_load_defaults_to_the_33_london_boroughs(runner, session, sample):
    result = runner.invoke(args=["areas", "load"])
    assert result.exit_code == 0, result.output
    assert "Loaded 33 borough areas" in result.output
    assert borough_of(session, "Citizens Advice Whitechapel") == "Tower Hamlets"
    assert borough_of(session, "Loughborough Farm") == "Lambeth"
    assert sum(count_services_by_borough(session).values()) == len(sample)
