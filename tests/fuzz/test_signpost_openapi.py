"""schemathesis against Signpost's own openapi.yaml: every documented operation and
parameter, on both engines, the writes with an admin's token. No answer is a 5xx; every
answer's status is one the operation lists, and its body, content type and headers are
as documented.

The read operations also get schemathesis' coverage phase (each parameter's boundary
and invalid values, one at a time); the writes get it with SIGNPOST_FUZZ_COVERAGE=all,
which takes several times longer.
"""

from __future__ import annotations

from tests.fuzz.fuzzing import CHECKS, COVER_WRITES, FUZZ_SETTINGS, ROOT, load_schema

OPENAPI = ROOT / "openapi.yaml"
READS = load_schema(OPENAPI, coverage=True).include(method="GET")
WRITES = load_schema(OPENAPI, coverage=COVER_WRITES).exclude(method="GET")


@READS.parametrize()
@FUZZ_SETTINGS
def test_read_operations_answer_as_documented(case, fuzzed):
    # format=ndjson streams inside the request's session, and schemathesis never closes
    # a streamed answer, which leaves that session's savepoint open under the test's:
    # the streams are proven by tests/api/test_ndjson.py and test_oruk_validator.py.
    if (case.query or {}).get("format") == "ndjson":
        case.query["format"] = "json"
    case.call_and_validate(app=fuzzed.app, headers=fuzzed.headers, checks=CHECKS)


@WRITES.parametrize()
@FUZZ_SETTINGS
def test_write_operations_answer_as_documented(case, fuzzed):
    case.call_and_validate(app=fuzzed.app, headers=fuzzed.headers, checks=CHECKS)
