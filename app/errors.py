"""The one error format: every 4xx and 5xx is `{code, status, message, errors}`.

`code` is the HTTP status number, `status` its phrase, `message` one sentence naming
what was wrong (the parameter, the ID), `errors` the field-by-field details (possibly
empty). The domain raises the exceptions below; views never build error responses.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from app.negotiation import prefers_html

log = logging.getLogger(__name__)
# marshmallow's message for a field the schema does not have (app/api/blueprint.py).
UNKNOWN_FIELD = "Unknown field."


def first_line(exc: BaseException) -> str:
    """The first line of a database error's cause: enough for a log, never a traceback."""
    cause = getattr(exc, "orig", None) or exc
    return (str(cause).strip().splitlines() or [type(cause).__name__])[0]


class SignpostError(Exception):
    """Base of the errors the domain raises; each maps to one HTTP status."""

    code = 400

    def __init__(self, message: str, errors: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class BadRequest(SignpostError):
    code = 400


class Unauthorized(SignpostError):
    code = 401


class Forbidden(SignpostError):
    code = 403


class NotFound(SignpostError):
    code = 404


class Conflict(SignpostError):
    code = 409


class Unprocessable(SignpostError):
    code = 422


class PreconditionFailed(SignpostError):
    """If-Match named a version that is not the current one (someone changed it since)."""

    code = 412


def error_response(code: int, message: str, errors: dict[str, Any] | None = None):
    body = {
        "code": code,
        "status": HTTPStatus(code).phrase,
        "message": message,
        "errors": errors or {},
    }
    return jsonify(body), code


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(SignpostError, _handle_signpost_error)
    app.register_error_handler(HTTPException, _handle_http_exception)
    for unavailable in (DBAPIError, DisconnectionError, PoolTimeout):
        app.register_error_handler(unavailable, _handle_database_error)
    app.register_error_handler(Exception, _handle_unexpected)


def _handle_signpost_error(exc: SignpostError) -> ResponseReturnValue:
    return error_response(exc.code, exc.message, exc.errors)


PAGE_NOT_FOUND = "There is no page at this address. The link may be wrong or out of date."


def _handle_http_exception(exc: HTTPException) -> ResponseReturnValue:
    code = exc.code or 500
    if code == 404 and request.url_rule is None and prefers_html():
        # A browser at an address no route knows gets a page it can leave by a link;
        # API clients keep the JSON error.
        html = render_template("search/not_found.html", message=PAGE_NOT_FOUND)
        response = Response(html, 404, content_type="text/html; charset=utf-8")
        response.vary.add("Accept")
        return response
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages") or {}
    if messages:
        return error_response(code, describe_validation_errors(messages), messages)
    message = data.get("message") or exc.description or HTTPStatus(code).phrase
    response, status = error_response(code, message)
    for name, value in exc.get_headers() if hasattr(exc, "get_headers") else []:
        if name.lower() not in ("content-type", "content-length"):
            response.headers[name] = value
    if code == 404 and request.url_rule is None:
        response.vary.add("Accept")  # browsers get the page above
    return response, status


def _handle_unexpected(exc: Exception) -> ResponseReturnValue:
    log.exception("unhandled error", exc_info=exc)
    return error_response(500, "Something went wrong on our side; it has been logged.")


DATABASE_RETRY_SECONDS = 30
DATABASE_UNAVAILABLE = "The directory's database is not reachable just now; try again shortly."


def database_unavailable(exc: BaseException) -> bool:
    """True when the error says the database cannot be reached (down, restarting, the
    connection lost, the pool exhausted): the request may succeed later, so it is a 503,
    not a bug. A wrong query (a DBAPIError of another kind) stays a 500."""
    if isinstance(exc, OperationalError | DisconnectionError | PoolTimeout):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


def _handle_database_error(exc: Exception) -> ResponseReturnValue:
    if not database_unavailable(exc):
        return _handle_unexpected(exc)
    log.error("database unavailable: %s", first_line(exc))  # not a traceback per request
    return unavailable_response()


def unavailable_response() -> Response:
    """503 with Retry-After: a page for a browser, the error format for an API client."""

    if prefers_html():
        html = render_template("unavailable.html", message=DATABASE_UNAVAILABLE)
        response = Response(html, status=503, mimetype="text/html")
    else:
        response, _status = error_response(503, DATABASE_UNAVAILABLE)
        response.status_code = 503
    response.headers["Retry-After"] = str(DATABASE_RETRY_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def describe_validation_errors(messages: dict[str, Any]) -> str:
    """One sentence naming each bad parameter, e.g. "Invalid query parameter 'page': ..."."""
    parts = []
    for location, fields in messages.items():
        if not isinstance(fields, dict):
            parts.append(f"Invalid {location}: {_first(fields)}")
            continue
        where = "query parameter" if location == "query" else f"{location} field"
        for name, problems in fields.items():
            if problems == [UNKNOWN_FIELD]:
                parts.append(f"Unknown {where} '{name}' (see the OpenAPI document).")
            else:
                parts.append(f"Invalid {where} '{name}': {_first(problems)}")
    return "; ".join(parts) or "Invalid request."


def _first(problems: Any) -> str:
    if isinstance(problems, list) and problems:
        return str(problems[0])
    if isinstance(problems, dict) and problems:
        key, value = next(iter(problems.items()))
        return f"{key}: {_first(value)}"
    return str(problems)
