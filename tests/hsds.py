"""Validate payloads against the HSDS 3.0 JSON Schemas Signpost carries
(app/data/reference/hsds), offline.

The schemas and the HSDS OpenAPI document refer to each other by raw.githubusercontent
URLs; the registry below answers those URLs from the local copies.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from app.reference import HSDS_SCHEMAS

SCHEMA_DIR = HSDS_SCHEMAS
BASE_URL = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"


def _retrieve(uri: str) -> Resource:
    if not uri.startswith(BASE_URL):
        raise LookupError(f"refusing to fetch {uri}: HSDS schemas are resolved offline")
    contents = json.loads((SCHEMA_DIR / uri.removeprefix(BASE_URL)).read_text())
    return Resource.from_contents(contents, default_specification=DRAFT202012)


REGISTRY = Registry(retrieve=_retrieve)


@cache
def validator(name: str) -> Draft202012Validator:
    """A validator for e.g. "compiled/service.json" or "taxonomy_term.json"."""
    schema = {"$ref": BASE_URL + name}
    return Draft202012Validator(schema, registry=REGISTRY, format_checker=FormatChecker())


def errors(instance: Any, name: str) -> list[str]:
    """Every validation error as "path: message" (empty when the instance is valid)."""
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator(name).iter_errors(instance)
    ]
