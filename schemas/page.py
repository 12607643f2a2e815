"""The HSDS page envelope, the query arguments of list endpoints, and the error body."""

from __future__ import annotations

import datetime as dt
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from .search import LinkWorkerArgs, TypedText

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 1000


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
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(
        load_default=DEFAULT_PER_PAGE, validate=validate.Range(min=1, max=MAX_PER_PAGE)
    )


class SearchPageArgs(PageArgs):
    search = TypedText(validate=validate.Length(max=200))


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


def page_of(item_schema: Schema | type[Schema], name: str) -> type[Schema]:
    """A Page schema whose contents are `item_schema` objects (for the OpenAPI document)."""
    return type(name, (PageSchema,), {"contents": fields.List(fields.Nested(item_schema))})


class ErrorSchema(Schema):
    code = fields.Integer(required=True, metadata={"description": "HTTP status code"})
    status = fields.String(required=True, metadata={"description": "HTTP status phrase"})
    message = fields.String(required=True, metadata={"description": "What was wrong"})
    errors = fields.Dict(required=True, metadata={"description": "Details per field"})
