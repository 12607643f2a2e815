"""HTTP behaviour every response shares: CORS for the open read API, caching, security
headers, and one structured JSON access-log line per request (no personal data)."""

from __future__ import annotations

import json
import logging
import time

from flask import Flask, Response, current_app, g, request, url_for
from flask_cors import CORS

from app.nul_characters import refuse_nul_characters

access_log = logging.getLogger("signpost.access")

# Pages use only their own static scripts and styles; map tiles come from the configured
# tile server, so images may load from https.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data: https:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
READ_METHODS = ("GET", "HEAD", "OPTIONS")
# CORS (flask-cors) for every answer but the account pages (cookies): `*` to any site, on
# reads and writes alike (the API ignores cookies; writes need a bearer token), preflights
# naming the methods and headers a client sends, and the headers browser code may read.
CORS_OPTIONS = {
    "origins": "*",
    "send_wildcard": True,
    "methods": ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"],
    "allow_headers": [
        "Authorization", "Content-Type", "If-None-Match", "If-Modified-Since", "If-Match",
    ],
    "expose_headers": [
        "ETag", "Last-Modified", "Location", "Retry-After", "RateLimit-Limit",
        "RateLimit-Remaining", "RateLimit-Reset",
    ],
    "max_age": 86400,
    "vary_header": False,
}  # fmt: skip


def register_http(app: Flask) -> None:
    if app.config.get("MAX_CONTENT_LENGTH") is None:
        app.config["MAX_CONTENT_LENGTH"] = 2 * 1024 * 1024  # request bodies: 2 MiB
    CORS(app, resources={r"^/(?!account)": CORS_OPTIONS})
    app.before_request(_start_timer)
    app.before_request(refuse_nul_characters)
    app.after_request(add_headers)
    app.after_request(log_request)


def external_url(endpoint: str, **values) -> str:
    """An absolute URL for a response: on SIGNPOST_PUBLIC_URL when it is set. Without it
    the URL comes from the request's Host header, which anyone can forge, so the response
    is then not cached publicly (issue 19, L7: a cache would hand the forged host on)."""
    base = str(current_app.config.get("SIGNPOST_PUBLIC_URL") or "").rstrip("/")
    if base:
        return base + url_for(endpoint, **values)
    g.url_from_host = True
    return url_for(endpoint, _external=True, **values)


def add_headers(response: Response) -> Response:
    """Brief public caching of successful reads, and the security headers browsers act
    on (CORS: flask-cors, see CORS_OPTIONS); a response naming the Host header's host
    (see `external_url`) only in the asker's own cache."""
    if g.get("url_from_host") and "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "private, no-cache"
    if request.method in READ_METHODS and not request.path.startswith("/account"):
        if response.status_code == 200 and "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "public, max-age=60"
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def _start_timer() -> None:
    g.request_started = time.perf_counter()


def log_request(response: Response) -> Response:
    """One JSON line per request: method, route, status, size, duration. No query string
    (it can hold a patient's postcode), no IP address, no user agent."""
    started = g.get("request_started")
    access_log.info(
        json.dumps(
            {
                "method": request.method,
                "endpoint": request.url_rule.rule if request.url_rule else None,
                "status": response.status_code,
                # A stream's length is unknown until it has been sent: asking would
                # read it whole into memory (format=ndjson).
                "bytes": response.content_length
                if response.is_streamed
                else response.calculate_content_length(),
                "ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
            }
        )
    )
    return response
