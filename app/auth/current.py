"""Who is asking: the account behind a request's bearer token (API) or session (pages).

API clients send `Authorization: Bearer <token>`; pages use the signed session cookie.
The two never mix: the API ignores cookies, so it needs no CSRF protection.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from flask import current_app, g, request, session

from app.auth.accounts import organization_ids
from app.auth.tokens import find_token
from app.db import get_session
from app.errors import Forbidden, Unauthorized
from app.models.accounts import Account

LAST_USED_RESOLUTION = dt.timedelta(minutes=5)


def api_account(scope: str = "read") -> Account:
    """The token's account; 401 without a valid token, 403 when a read token writes."""
    account = optional_api_account()
    if account is None:
        raise Unauthorized("Send an API token: Authorization: Bearer <token>.")
    if scope == "write" and g.token_scope != "write":
        raise Forbidden("This API token is read-only; use a token with the write scope.")
    return account


def optional_api_account() -> Account | None:
    if "api_account" in g:
        return g.api_account
    header = request.headers.get("Authorization", "")
    kind, _, plain = header.partition(" ")
    if not header:
        g.api_account = None
        return None
    if kind.lower() != "bearer" or not plain.strip():
        raise Unauthorized("Use Authorization: Bearer <token>.")
    db = get_session()
    token = find_token(db, plain.strip())
    account = db.get(Account, token.account_id) if token is not None else None
    if token is None or account is None or not account.active:
        raise Unauthorized("That API token is not valid (it may have been revoked).")
    now = dt.datetime.now(dt.UTC)
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        token.last_used_at = now
        db.commit()
    g.api_account, g.token_scope, g.token_id = account, token.scope, token.id
    return account


def own_organizations(account: Account) -> set[str]:
    return organization_ids(get_session(), account)


def session_account() -> Account | None:
    """The signed-in account of a page request, or None (also after a password change)."""
    account_id = session.get("account_id")
    if not account_id:
        return None
    account = get_session().get(Account, account_id)
    if account is None or not account.active or session.get("auth") != session_fingerprint(account):
        session.clear()
        return None
    return account


def sign_in_session(account: Account) -> None:
    session.clear()  # a fresh session: no fixation
    session["account_id"] = account.id
    session["auth"] = session_fingerprint(account)


def sign_out_everywhere(account: Account) -> None:
    """End every session of the account: the cookies they hold stop matching."""
    account.session_version = (account.session_version or 0) + 1


def session_fingerprint(account: Account) -> str:
    """Changes when the password or the session version does (signing out, a new
    password), which signs out every session signed in before."""
    key = current_app.config["SECRET_KEY"].encode()
    message = f"{account.id}:{account.password_hash}:{account.session_version or 0}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def client_ip() -> str | None:
    """The client's address (behind a proxy, configure ProxyFix so this is the client)."""
    return request.remote_addr
