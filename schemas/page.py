"""The HSDS page envelope, the query arguments of list endpoints, and the error body."""

from __future__ import annotations

import datetime as dt
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from schemas.search import LinkWorkerArgs

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 1000
# Far past any real last page (an empty page), and small enough that the offset,
# (page - 1) * per_page, stays inside a 64-bit database integer.
MAX_PAGE = 1_000_000


class FlexibleDateTime(fields.DateTime):
    """An ISO 8601 date or date-time; a bare date means midnight UTC that day."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> dt.datetime:
        if isinstance(value, str) and len(value) == 10:
            try:
                day = dt.date.fromisoformat(value)
            except ValueError as exc:
                raise ValidationError("Not a valid date or date-time (ISO 8601).") from exc
            return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
        try:
            moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError as exc:
            raise ValidationError("Not a valid date or date-time (ISO 8601).") from exc
        return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


class PageArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = fields.Integer(
        load_default=DEFAULT_PER_PAGE, validate=validate.Range(min=1, max=MAX_PER_PAGE)
    )


class SearchPageArgs(PageArgs):
    search = fields.String(validate=validate.Length(max=200))
    # HSDS's `format`: json (one page in the envelope) or ndjson (every result, no paging).
    format = fields.String(
        validate=validate.OneOf(["json", "ndjson"]),
        metadata={
            "description": "HSDS: `json` (default) answers one page in the envelope; `ndjson` "
            "streams every result without pagination (application/x-ndjson, one object a "
            "line, all filters applied, `page`/`per_page` ignored)."
        },
    )


class ServiceListArgs(SearchPageArgs, LinkWorkerArgs):
    taxonomy_term_id = fields.UUID()
    taxonomy_id = fields.UUID()
    organization_id = fields.UUID()
    modified_after = FlexibleDateTime()
    minimal = fields.Boolean(load_default=False)
    full = fields.Boolean(load_default=False)


class ServiceAtLocationListArgs(SearchPageArgs, LinkWorkerArgs):
    taxonomy_term_id = fields.UUID()
    taxonomy_id = fields.UUID()
    organization_id = fields.UUID()
    modified_after = FlexibleDateTime()
    full = fields.Boolean(load_default=False)


class OrganizationListArgs(SearchPageArgs):
    full = fields.Boolean(load_default=False)
    full_service = fields.Boolean(load_default=False)


class OrganizationArgs(Schema):
    full_service = fields.Boolean(load_default=False)


class TaxonomyTermListArgs(SearchPageArgs):
    taxonomy_id = fields.UUID()
    parent_id = fields.UUID()
    top_only = fields.Boolean(load_default=False)


class PageSchema(Schema):
    total_items = fields.Integer(required=True)
    total_pages = fields.Integer(required=True)
    page_number = fields.Integer(required=True)
    size = fields.Integer(required=True)
    first_page = fields.Boolean(required=True)
    last_page = fields.Boolean(required=True)
    empty = fields.Boolean(required=True)


class AnyOf(fields.Raw):
    """Documents a value that is one of several schemas (an item of a list whose form a
    query parameter chooses, such as `full=true`); documentation only, dumps as is."""

    def __init__(self, *schemas: type[Schema], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.schemas = schemas


def any_of_property(converter: Any, field: fields.Field, **_kwargs: Any) -> dict[str, Any]:
    """apispec attribute function: an AnyOf field as `anyOf` of its schemas' components."""
    if not isinstance(field, AnyOf):
        return {}
    return {"anyOf": [converter.resolve_nested_schema(schema) for schema in field.schemas]}


def page_of(item_schema: type[Schema], name: str, *other_forms: type[Schema]) -> type[Schema]:
    """A Page schema whose contents are `item_schema` objects, or any of `other_forms`
    (the fuller or shorter items some query parameters ask for), for the OpenAPI document."""
    item = AnyOf(item_schema, *other_forms) if other_forms else fields.Nested(item_schema)
    return type(name, (PageSchema,), {"contents": fields.List(item)})


class ErrorSchema(Schema):
    code = fields.Integer(required=True, metadata={"description": "HTTP status code"})
    status = fields.String(required=True, metadata={"description": "HTTP status phrase"})
    message = fields.String(required=True, metadata={"description": "What was wrong"})
    errors = fields.Dict(required=True, metadata={"description": "Details per field"})
