"""schemathesis against HSDS 3.0's own OpenAPI document (vendored in
app/data/reference/hsds/schema/openapi.json): the read operations HSDS defines, whose
answers must be what HSDS's schemas say.

HSDS documents only each operation's 200 answer, so the checks here are "never a 5xx"
and "a documented answer matches HSDS's schema"; the 404s and 422s Signpost gives for
unknown ids and malformed parameters are checked against Signpost's own document
(test_signpost_openapi), on both engines. This runs on SQLite only, to save time: the
answers' shape comes from the same serialisers on both engines, and the same operations
are fuzzed on PostGIS against Signpost's document.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from schemathesis.checks import not_a_server_error, response_schema_conformance

from tests.fuzz.fuzzing import FUZZ_SETTINGS, load_document
from tests.hsds import BASE_URL as HSDS_BASE_URL
from tests.hsds import SCHEMA_DIR as HSDS_SCHEMA_DIR


def offline(node: Any, base: str = "") -> Any:
    """`node` with every reference to an HSDS schema file replaced by that file's content.

    HSDS's openapi.json refers to its schemas by raw.githubusercontent.com URLs (and
    those to each other by relative names, e.g. taxonomy.json -> metadata.json); the
    suite must not fetch anything, so the local copies are inlined instead. The files
    have no reference cycles, so inlining ends.
    """
    if isinstance(node, list):
        return [offline(item, base) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref", "")
    if ref and not ref.startswith("#"):
        url = ref if ref.startswith("https://") else base + ref
        name = url.removeprefix(HSDS_BASE_URL)
        folder = name.rpartition("/")[0]
        return offline(
            json.loads((HSDS_SCHEMA_DIR / name).read_text()),
            HSDS_BASE_URL + folder + ("/" if folder else ""),
        )
    return {key: offline(value, base) for key, value in node.items()}


def hsds_document() -> dict:
    document = json.loads((HSDS_SCHEMA_DIR / "openapi.json").read_text())
    # HSDS 3.0's openapi.json gives GET /service_at_locations/{id} the schema of a service
    # (compiled/service.json: requires name and status), though the operation's own
    # description, like the HSDS API reference, says it returns the fully nested
    # service_at_location. Only that one reference is corrected, while it is still wrong.
    answer = document["paths"]["/service_at_locations/{id}"]["get"]["responses"]["200"]
    schema = answer["content"]["application/json"]["schema"]
    if schema["$ref"] == HSDS_BASE_URL + "compiled/service.json":
        schema["$ref"] = HSDS_BASE_URL + "compiled/service_at_location.json"
    return offline(document)


HSDS = load_document(hsds_document(), coverage=True)


@HSDS.parametrize()
@FUZZ_SETTINGS
@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_hsds_read_operations_answer_as_hsds_says(case, fuzzed):
    case.call_and_validate(app=fuzzed.app, checks=[not_a_server_error, response_schema_conformance])
