"""CSRF protection for the server-rendered forms: a random token per session, put into
every form (`{{ csrf_token() }}`) and checked on every POST."""

from __future__ import annotations

import hmac
import secrets

from flask import request, session

from app.errors import BadRequest

FIELD = "csrf_token"


def csrf_token() -> str:
    if FIELD not in session:
        session[FIELD] = secrets.token_urlsafe(32)
    return session[FIELD]


def check_csrf() -> None:
    """400 unless a state-changing request carries this session's token."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    expected = session.get(FIELD)
    given = request.form.get(FIELD) or request.headers.get("X-CSRF-Token") or ""
    if not expected or not hmac.compare_digest(str(expected), given):
        raise BadRequest(
            "This form has expired or did not come from this site; please go back, reload "
            "the page and try again."
        )


def rotate_csrf() -> None:
    """A new token (after signing in or out)."""
    session[FIELD] = secrets.token_urlsafe(32)
