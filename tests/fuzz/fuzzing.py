"""What every fuzz test shares: reproducible settings, the checks, and real ids.

The hypothesis settings are derandomized (the same cases on every run, so CI failures
reproduce), never write a database into the repository, and take their size from
SIGNPOST_FUZZ_EXAMPLES (default 10 per operation; a nightly job can raise it).
SIGNPOST_FUZZ_COVERAGE=all adds schemathesis' coverage phase (every parameter's boundary
and invalid values, one at a time) to the write operations too; it always runs for
the read operations, where it is what puts `full=true` and friends on real data.

Ids are partly what schemathesis generates (mostly malformed or unknown: 422 and 404) and
partly ids from the fuzzed directory (half of the path ids, three quarters of those in
query parameters and bodies, where a write often names several), so that operations on
real objects (a full service, a new phone for a real service, an update, a delete) get
past the lookups and their answers are checked too.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import schemathesis
import yaml
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
)
from schemathesis.openapi.checks import UndefinedStatusCode

# Not public: tells the coverage phase's deliberately malformed requests (an unlisted
# method, a wrong content type) apart, as schemathesis' own status check does.
from schemathesis.specs.openapi.checks import is_unexpected_http_status_case

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = int(os.environ.get("SIGNPOST_FUZZ_EXAMPLES") or 10)
COVER_WRITES = os.environ.get("SIGNPOST_FUZZ_COVERAGE") == "all"
SEED = 20260901

FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=False,
    # State is shared across one operation's examples (a savepoint per operation).
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Collection path segment -> ids of real objects in the fuzzed directory (conftest fills it).
KNOWN_IDS: dict[str, list[str]] = {}


def status_is_listed(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every status an operation answers is listed for it, not only covered by `default`.

    flask-smorest gives every operation a `default` error response, which makes
    schemathesis' own status_code_conformance accept anything; this check holds the
    document to the statuses each operation actually lists.
    """
    if is_unexpected_http_status_case(case) or response.status_code >= 500:
        return None  # a deliberately malformed probe; or a 500, not_a_server_error's
    listed = [str(code) for code in case.operation.responses.status_codes if code != "default"]
    if str(response.status_code) not in listed:
        raise UndefinedStatusCode(
            operation=case.operation.label,
            status_code=response.status_code,
            defined_status_codes=listed,
            allowed_status_codes=[int(code) for code in listed],
            message=f"Received: {response.status_code}\nListed: {', '.join(listed)}",
        )
    return None


CHECKS = [
    not_a_server_error,
    status_is_listed,
    response_schema_conformance,
    content_type_conformance,
    response_headers_conformance,
]


def load_schema(path: Path, *, coverage: bool) -> schemathesis.BaseSchema:
    """An OpenAPI document file as a schemathesis schema (see load_document)."""
    return load_document(yaml.safe_load(path.read_text()), coverage=coverage)


def load_document(document: dict, *, coverage: bool) -> schemathesis.BaseSchema:
    """An OpenAPI document as a schemathesis schema whose generated ids (in the path, the
    query and JSON bodies) are often swapped for ids from KNOWN_IDS."""
    config = schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "phases": {"coverage": {"enabled": coverage}, "stateful": {"enabled": False}},
        }
    )
    schema = schemathesis.openapi.from_dict(document, config=config)

    @schema.hook
    def before_generate_path_parameters(context: Any, strategy: st.SearchStrategy):
        collections = path_collections(context.operation.path)
        return strategy.flatmap(lambda values: with_known_ids(values, collections))

    @schema.hook
    def before_generate_query(context: Any, strategy: st.SearchStrategy):
        return strategy.flatmap(lambda values: with_known_ids(values, ID_FIELDS, 3))

    @schema.hook
    def before_generate_body(context: Any, strategy: st.SearchStrategy):
        return strategy.flatmap(lambda values: with_known_ids(values, ID_FIELDS, 3))

    return schema


# Query parameters and body members that name an object, and the collection it is in.
ID_FIELDS = {
    "organization_id": "organizations",
    "parent_organization_id": "organizations",
    "service_id": "services",
    "link_id": "services",
    "location_id": "locations",
    "service_at_location_id": "service_at_locations",
    "contact_id": "contacts",
    "phone_id": "phones",
    "taxonomy_term_id": "taxonomy_terms",
    "parent_id": "taxonomy_terms",
    "taxonomy_id": "taxonomies",
}


def with_known_ids(
    values: Any, collections: dict[str, str], known_share: int = 1
) -> st.SearchStrategy:
    """`values` (a dict of generated parameters), each id in it kept or, `known_share`
    times in `known_share + 1`, replaced by a real one; evaluated as each case is drawn,
    once the fixture has filled KNOWN_IDS."""
    if not isinstance(values, dict):
        return st.just(values)

    def choose(value: str, collection: str) -> st.SearchStrategy:
        known = st.sampled_from(KNOWN_IDS[collection])
        return st.integers(0, known_share).flatmap(lambda n: known if n else st.just(value))

    choices = {
        name: choose(value, collections[name])
        for name, value in values.items()
        if isinstance(value, str) and collections.get(name) in KNOWN_IDS
    }
    return st.fixed_dictionaries(choices).map(lambda chosen: {**values, **chosen})


def path_collections(path: str) -> dict[str, str]:
    """{parameter: the collection segment before it}: /services/{id}/history -> {id: services}."""
    segments = path.strip("/").split("/")
    return {
        segment[1:-1]: before
        for before, segment in zip(segments, segments[1:], strict=False)
        if segment.startswith("{") and segment.endswith("}")
    }
