"""openapi.yaml is generated from the code, committed, valid, and never stale."""

from pathlib import Path

import yaml
from openapi_spec_validator import validate

from app.cli import openapi_yaml

OPENAPI = Path(__file__).resolve().parents[1] / "openapi.yaml"


def test_committed_openapi_matches_the_code(app):
    with app.app_context():
        generated = openapi_yaml()
    assert OPENAPI.read_text() == generated, (
        "openapi.yaml is out of date: run `signpost openapi` and commit the result"
    )


def test_openapi_is_a_valid_document():
    validate(yaml.safe_load(OPENAPI.read_text()))


def test_every_hsds_read_endpoint_is_documented():
    paths = yaml.safe_load(OPENAPI.read_text())["paths"]
    for path in [
        "/",
        "/services",
        "/services/{service_id}",
        "/organizations",
        "/organizations/{organization_id}",
        "/locations/{location_id}",
        "/service_at_locations",
        "/service_at_locations/{sal_id}",
        "/taxonomies",
        "/taxonomies/{taxonomy_id}",
        "/taxonomy_terms",
        "/taxonomy_terms/{term_id}",
    ]:
        assert "get" in paths[path], path
