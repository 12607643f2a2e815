"""If-Match on PUT, PATCH and DELETE: lost-update protection for the write API.

A client reads an object, edits it and writes it back with `If-Match: <the ETag it
read>`; if someone else changed the object in between, its current ETag differs and the
write is refused with 412 instead of silently overwriting their change. Without If-Match
a write goes ahead as before (the header is optional, as in RFC 9110).

The ETags a write accepts are those the API sends for the object's current state: the
write answer's (the object as its write schema dumps it: every writable object has one)
and, for a service, GET /services/{id}'s (the fully nested service). Both are hashes of
the JSON body, as werkzeug's `add_etag` makes them.
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, request
from werkzeug.http import generate_etag

from app.db import get_session
from app.errors import PreconditionFailed
from app.resources import load_row
from app.services.services import get_service
from schemas.compiled import dumper
from schemas.service import ServiceSchema
from schemas.write import WRITE_SCHEMAS

IF_MATCH_PARAMETER = {
    "in": "header",
    "name": "If-Match",
    "required": False,
    "schema": {"type": "string"},
    "description": "An ETag this API sent for the object (a write's answer or, for a "
    "service, GET /services/{id}): the write happens only if the object is unchanged "
    "since, otherwise 412. `*`: only if the object exists.",
}


def body_etag(document: Any) -> str:
    """The ETag of a JSON body, as `Response.add_etag` computes it."""
    return generate_etag(current_app.json.response(document).get_data())


def current_etags(resource: str, row: Any) -> set[str]:
    tags = {body_etag(WRITE_SCHEMAS[resource]().dump(row))}
    if resource == "service":
        service = get_service(get_session(), row.id)
        tags.add(body_etag(dumper(ServiceSchema())(service)))
    return tags


def check_if_match(resource: str, object_id: str) -> None:
    """412 when the request's If-Match names no current version of the object."""
    condition = request.if_match
    if not condition:
        return
    row = load_row(get_session(), resource, object_id)
    if row is None:
        raise PreconditionFailed(f"If-Match: there is no {resource} with id '{object_id}'.")
    if condition.star_tag:
        return
    if not any(condition.contains(tag) for tag in current_etags(resource, row)):
        raise PreconditionFailed(
            f"If-Match: the {resource} has changed since that version; read it again.",
            {"headers": {"If-Match": ["Not the current ETag."]}},
        )


def tag_write_answer(response: Response) -> Response:
    """A write's 200/201 answer carries the object's ETag, for the next If-Match."""
    if request.method in ("POST", "PUT", "PATCH") and response.status_code in (200, 201):
        if response.is_json and not response.is_streamed:
            response.add_etag()
    return response
