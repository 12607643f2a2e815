"""HTTP behaviour every response shares: CORS for the open read API, caching, security
headers, and one structured JSON access-log line per request (no personal data)."""

from __future__ import annotations

import json
import logging
import time

from flask import Flask, Response, g, request

from app.nul_characters import refuse_nul_characters

access_log = logging.getLogger("signpost.access")

# Pages use only their own static scripts and styles; map tiles come from the configured
# tile server, so images may load from https.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data: https:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
READ_METHODS = ("GET", "HEAD", "OPTIONS")


def prefers_html() -> bool:
    """True when the client would rather have a page than JSON (a browser's Accept)."""
    accept = request.accept_mimetypes
    return accept.best_match(["application/json", "text/html"]) == "text/html"


def register_http(app: Flask) -> None:
    if app.config.get("MAX_CONTENT_LENGTH") is None:
        app.config["MAX_CONTENT_LENGTH"] = 2 * 1024 * 1024  # request bodies: 2 MiB
    app.before_request(_start_timer)
    app.before_request(refuse_nul_characters)
    app.after_request(add_headers)
    app.after_request(log_request)


def add_headers(response: Response) -> Response:
    """Open CORS for reading only (writes stay same-origin), brief public caching of
    successful reads, and the security headers browsers act on."""
    if request.method in READ_METHODS and not request.path.startswith("/account"):
        response.headers.setdefault("Access-Control-Allow-Origin", "*")
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
                "bytes": response.calculate_content_length(),
                "ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
            }
        )
    )
    return response
