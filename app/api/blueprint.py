"""The API's blueprint: flask-smorest's, with a parser that refuses unknown query parameters,
and the `id` path converter.

webargs ignores query parameters a schema does not name (EXCLUDE), so a typo such as
`taxonomy_terms=` silently returned everything. Refusing them (marshmallow's RAISE) makes
it a 422 naming the parameter, in the one error format (app/errors.py). Pages parse their
own query strings and may ignore what they do not know.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import flask_smorest
from flask import request
from marshmallow import RAISE
from webargs.flaskparser import FlaskParser
from werkzeug.routing import BaseConverter

from app.errors import Unprocessable


class StrictQueryParser(FlaskParser):
    DEFAULT_UNKNOWN_BY_LOCATION = {
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "query": RAISE,
        "querystring": RAISE,
    }


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = StrictQueryParser()

    def arguments(self, schema: Any, *, location: str = "json", required: bool = True, **kw: Any):
        """flask-smorest's, and a JSON body documented as required is required: webargs
        loads a missing body as {}, so a PUT without one cleared every field and a POST of
        an object with no required member created an empty one."""
        decorator = super().arguments(schema, location=location, required=required, **kw)
        if location != "json" or not required:
            return decorator

        def decorate(view: Callable) -> Callable:
            parsed = decorator(view)

            @functools.wraps(parsed)
            def checked(*args: Any, **kwargs: Any) -> Any:
                # Malformed JSON is webargs' 400; a non-object, marshmallow's 422.
                if not (request.is_json and request.get_data(cache=True)):
                    raise Unprocessable(
                        "A JSON object is required as the request body "
                        "(Content-Type: application/json).",
                        {"json": {"_schema": ["A JSON object body is required."]}},
                    )
                return parsed(*args, **kwargs)

            return checked

        return decorate


class IdConverter(BaseConverter):
    """`<id:service_id>`: an object's UUID. It matches any path segment, as the default
    converter does, so that a malformed id is a 422 naming it (responses.require_uuid), not
    a 404; it is what documents the path parameter as `format: uuid` in the OpenAPI."""


def id_parameter_schema(_converter: IdConverter) -> dict[str, Any]:
    return {"type": "string", "format": "uuid"}
