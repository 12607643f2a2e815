"""conform_service: a feed's odd shapes and values become storable ones, with a warning."""

import math

import pytest

from app.records.conform import SHAPES, _columns, conform_service, storable, storable_text


def conformed(service):
    warnings = []
    conform_service(service, warnings)
    return service, warnings


def test_no_nested_key_is_also_a_column():
    for name, shape in SHAPES.items():
        assert not (shape.objects.keys() | shape.lists.keys()) & _columns(shape.model).keys(), name


@pytest.mark.parametrize(
    ("given", "kept", "warning"),
    [
        ({"id": 12, "name": 3.0}, {"id": "12", "name": "3"}, None),
        ({"minimum_age": "18"}, {"minimum_age": 18}, None),
        ({"minimum_age": 17.5}, {}, "minimum_age: 17.5 is not a whole number in range; dropped"),
        ({"maximum_age": True}, {}, "maximum_age: True is not a whole number in range; dropped"),
        ({"description": ["a"]}, {}, "description: ['a'] is not text; dropped"),
        ({"phones": {"number": "1"}}, {}, "phones: {'number': '1'} is not a list; dropped"),
        ({"phones": [{"type": "voice"}]}, {"phones": []}, "phones[0]: no number; left out"),
        ({"organization": None}, {}, None),
        ({"program": {"id": "p"}}, {}, "program: no name; left out"),
        (
            {"contacts": [{"is_public": "Yes", "phones": [{"number": 2079460000}]}]},
            {"contacts": [{"is_public": True, "phones": [{"number": "2079460000"}]}]},
            None,
        ),
        (
            {"service_at_locations": [{"location": {"latitude": "51.5", "longitude": "x"}}]},
            {"service_at_locations": [{"location": {"latitude": 51.5}}]},
            "service_at_locations[0].location.longitude: 'x' is not a finite number; dropped",
        ),
        (
            {"attributes": [{"taxonomy_term_id": "t" * 37}]},
            {"attributes": [{}]},
            "attributes[0].taxonomy_term_id: '" + "t" * 37 + "' is not an ID; dropped",
        ),
        ({"unknown": {"deep": [float("inf"), "a\x00"]}}, {"unknown": {"deep": [None, "a"]}}, None),
    ],
)
def test_values_become_what_their_column_stores(given, kept, warning):
    service, warnings = conformed(given)
    assert service == kept
    assert warnings == ([warning] if warning else [])


def test_long_ids_are_left_for_the_pipeline_to_replace():
    service, warnings = conformed({"id": "x" * 100, "organization": {"id": "y" * 100}})
    assert service == {"id": "x" * 100, "organization": {"id": "y" * 100}}
    assert warnings == []


def test_indexed_text_is_cut_and_other_text_is_not():
    service, warnings = conformed({"description": "d" * 5000, "organization": {"name": "o" * 600}})
    assert len(service["description"]) == 5000
    assert len(service["organization"]["name"]) == 500
    assert warnings == ["organization.name: cut to 500 characters"]


def test_storable_makes_any_json_value_safe_for_both_databases():
    value = {"a\x00": [math.nan, -math.inf, "x\ud800y", 2**70, {"b": None}]}
    assert storable(value) == {"a": [None, None, "x\ufffdy", 2**70, {"b": None}]}


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("Walk", "Walk"),
        ("Wa\x00lk\x00", "Walk"),
        ("Café\x00", "Café"),
        ("Caf\ud83d", "Caf\ufffd"),
        ("\x00é\udfff", "é\ufffd"),
    ],
)
def test_text_is_stored_without_nul_or_unpaired_surrogates(given, stored):
    assert storable_text(given) == stored
