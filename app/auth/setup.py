"""Wiring accounts into the app: the secret key, the sign-in cookie, the 401/429 headers.

`SECRET_KEY` signs the session cookie. When it is not set, a random key is generated
once into the instance folder (`instance/secret_key`, readable only by its owner) and
reused, so sign-ins survive restarts and every process of one instance agrees.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask
from flask.typing import ResponseReturnValue
from werkzeug.middleware.proxy_fix import ProxyFix

from app.auth.csrf import csrf_token
from app.auth.ratelimit import TooManyRequests
from app.errors import Unauthorized, error_response

KEY_FILE = "secret_key"


def flag(value: Any) -> bool:
    """A boolean setting from the environment ("true", "1", "yes") or from a mapping."""
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def init_auth(app: Flask) -> None:
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(Path(app.instance_path))
    app.config.update(
        SESSION_COOKIE_NAME="signpost_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=flag(app.config.get("SIGNPOST_SECURE_COOKIES", True)),
    )
    app.jinja_env.globals["csrf_token"] = csrf_token
    proxies = int(app.config.get("SIGNPOST_PROXY_COUNT") or 0)
    if proxies:
        # Behind nginx every request comes from 127.0.0.1: rate limits per IP address
        # need the client's address from X-Forwarded-For (only as many hops as we trust).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    app.register_error_handler(TooManyRequests, _too_many_requests)
    app.register_error_handler(Unauthorized, _unauthorized)


def instance_secret_key(instance: Path) -> str:
    """The instance's generated key, created on first use (safe when processes race)."""
    path = instance / KEY_FILE
    instance.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(descriptor, "w") as handle:
        handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def _too_many_requests(exc: TooManyRequests) -> ResponseReturnValue:
    response, status = error_response(exc.code, exc.message, exc.errors)
    response.headers["Retry-After"] = str(exc.retry_after)
    return response, status


def _unauthorized(exc: Unauthorized) -> ResponseReturnValue:
    response, status = error_response(exc.code, exc.message, exc.errors)
    response.headers["WWW-Authenticate"] = 'Bearer realm="signpost"'
    return response, status
