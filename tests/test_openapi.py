"""openapi.yaml is generated from the code, committed, valid, and never stale."""

from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

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


def documented_response(path: str, status: str = "200") -> Draft202012Validator:
    """A validator for what openapi.yaml says GET `path` answers with `status`."""
    document = yaml.safe_load(OPENAPI.read_text())
    registry = Registry().with_resource(
        "urn:signpost:openapi", Resource.from_contents(document, DRAFT202012)
    )
    pointer = "/paths/" + path.replace("/", "~1") + f"/get/responses/{status}"
    pointer += "/content/application~1json/schema"
    return Draft202012Validator({"$ref": f"urn:signpost:openapi#{pointer}"}, registry=registry)


@pytest.mark.parametrize(
    "path, query",
    [
        ("/services", ""),
        ("/services", "?minimal=true"),
        ("/services", "?full=true"),
        ("/service_at_locations", ""),
        ("/service_at_locations", "?full=true"),
        ("/organizations", ""),
        ("/organizations", "?full=true"),
    ],
)
def test_list_items_match_the_document_in_every_form_a_parameter_asks_for(
    client, sample, path, query
):
    page = client.get(path + query).get_json()
    assert page["contents"]
    problems = [error.message for error in documented_response(path).iter_errors(page)]
    assert problems == []


def test_every_operation_lists_the_errors_it_can_answer():
    """401 where a token is needed, 400 where a JSON body is read, and 404 and 422 where
    the path names an object by id (unknown; not a UUID), besides the `default` entry."""
    missing = []
    for path, operations in yaml.safe_load(OPENAPI.read_text())["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            expected = set()
            if operation.get("security"):
                expected.add("401")
            if "requestBody" in operation:
                expected.add("400")
            if "{" in path:
                expected |= {"404", "422"}
            listed = {str(status) for status in operation["responses"]}
            missing += [f"{method.upper()} {path}: {code}" for code in expected - listed]
    assert missing == []
