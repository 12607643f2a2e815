"""Content negotiation: does this client want a page or JSON?

Low in the house because the error handlers, the rate limiter and `GET /` all ask.
"""

from __future__ import annotations

from flask import request


def prefers_html() -> bool:
    """True when the client would rather have a page than JSON (a browser's Accept)."""
    accept = request.accept_mimetypes
    return accept.best_match(["application/json", "text/html"]) == "text/html"
