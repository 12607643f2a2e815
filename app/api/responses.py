"""Turning domain results into JSON responses: the HSDS page envelope, single objects."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from flask import Response, json, jsonify, request, stream_with_context
from flask_smorest import Blueprint
from marshmallow import Schema

from app.errors import Unprocessable
from app.services.listing import Listing
from app.services.paging import Page
from schemas.compiled import dumper
from schemas.page import ErrorSchema


def page_response(page: Page, schema: Schema) -> Response:
    """The HSDS page envelope around the page's items, dumped as `schema` says."""
    return jsonify(page.envelope(dumper(schema)(page.items, many=True)))


def listing_response(listing: Listing, schema: Schema, args: dict[str, Any]) -> Response:
    """The page the query asks for in the HSDS envelope, or with `format=ndjson` every
    listed object, one JSON object a line, streamed a chunk at a time (constant memory)."""
    if args.get("format") != "ndjson":
        return page_response(listing.page(args["page"], args["per_page"]), schema)
    dump = dumper(schema)

    def lines() -> Any:
        for chunk in listing.stream():
            yield "".join(json.dumps(item) + "\n" for item in dump(chunk, many=True))

    return Response(stream_with_context(lines()), mimetype="application/x-ndjson")


NDJSON_ANSWER = {
    "responses": {
        200: {
            "content": {
                "application/x-ndjson": {
                    "schema": {
                        "type": "object",
                        "description": "With format=ndjson: every result, one object a line, "
                        "each as the page's `contents` holds it (no envelope, no paging)",
                    }
                }
            }
        }
    }
}
"""What a list operation documents beside its JSON page (`@blp.doc(**NDJSON_ANSWER)`)."""


def object_response(obj: Any, schema: Schema) -> Response:
    return jsonify(dumper(schema)(obj))


CONDITIONAL_HEADERS = {
    "ETag": {"description": "Hash of the body", "schema": {"type": "string"}},
    "Last-Modified": {"description": "When the record last changed", "schema": {"type": "string"}},
}


def conditional_response(response: Response, last_modified: dt.datetime | None) -> Response:
    """`response` with an ETag (a hash of its body) and Last-Modified; a 304 with no body
    when the request's If-None-Match (or, without one, If-Modified-Since) shows the
    client already has it."""
    response.add_etag()
    response.last_modified = last_modified
    return response.make_conditional(request)


def require_uuid(value: str, name: str = "id") -> str:
    """The path id as a canonical UUID string; 422 naming the parameter if it is not one."""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise Unprocessable(
            f"Invalid path parameter '{name}': '{value}' is not a UUID.",
            {"path": {name: ["Not a valid UUID."]}},
        ) from None


def optional_str(value: object) -> str | None:
    """A parsed UUID argument as the string the domain layer compares with."""
    return str(value) if value is not None else None


def errors(blp: Blueprint, described: dict[int, str]) -> Callable[[Callable], Callable]:
    """One decorator for the error answers an operation documents, all in the one error
    format, e.g. `@errors(blp, {404: "No service with that id", 422: "The id is not a UUID"})`.
    """

    def document(view: Callable) -> Callable:
        for code, description in reversed(described.items()):
            view = blp.alt_response(code, schema=ErrorSchema, description=description)(view)
        return view

    return document
