"""API tokens for machine clients: `Authorization: Bearer <token>`.

A token is "sp_" plus 32 random bytes (urlsafe base64). Only its sha256 is stored, so a
leaked database does not leak working tokens; the token itself is shown once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import Forbidden, NotFound, Unprocessable
from app.models import new_id
from app.models.accounts import TOKEN_SCOPES, Account, ApiToken

PREFIX = "sp_"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    session: Session, account: Account, scope: str, name: str | None = None
) -> tuple[ApiToken, str]:
    """A new token for the account: the stored row and the plain token (show it once)."""
    if scope not in TOKEN_SCOPES:
        raise Unprocessable(f"Unknown token scope '{scope}': use read or write.")
    plain = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        id=new_id(),
        account_id=account.id,
        name=name,
        token_hash=token_hash(plain),
        scope=scope,
        created_at=dt.datetime.now(dt.UTC),
    )
    session.add(row)
    session.flush()
    return row, plain


def find_token(session: Session, plain: str) -> ApiToken | None:
    """The live (unrevoked) token row for a presented token, or None."""
    if not plain.startswith(PREFIX):
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(plain)))
    if row is None or row.revoked_at is not None:
        return None
    return row


def revoke_token(
    session: Session, token_id: str, account: Account | None = None, scope: str = "write"
) -> ApiToken:
    """Revoke a token (only the account's own when `account` is given). A read token
    (`scope` of the token asking) may revoke read tokens only: a leaked read token must
    not let its holder cut off the account's write clients."""
    row = session.get(ApiToken, token_id)
    if row is None or (account is not None and row.account_id != account.id):
        raise NotFound(f"No API token with id '{token_id}'.")
    if row.scope == "write" and scope != "write":
        raise Forbidden("A read-only API token cannot revoke a write token; use a write token.")
    if row.revoked_at is None:
        row.revoked_at = dt.datetime.now(dt.UTC)
    return row


def revoke_all_tokens(session: Session, account: Account) -> int:
    """Revoke every live token of the account; how many were revoked."""
    now = dt.datetime.now(dt.UTC)
    live = select(ApiToken).where(ApiToken.account_id == account.id, ApiToken.revoked_at.is_(None))
    rows = list(session.scalars(live))
    for row in rows:
        row.revoked_at = now
    return len(rows)


def list_tokens(session: Session, account: Account) -> list[ApiToken]:
    query = select(ApiToken).where(ApiToken.account_id == account.id)
    return list(session.scalars(query.order_by(ApiToken.created_at)))
