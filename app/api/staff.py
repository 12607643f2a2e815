"""What moderators' and admins' write views share: a write token of staff, and one
transaction committed when the view's work is done."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from app.auth.current import api_account
from app.db import get_session
from app.models.accounts import Account
from app.services.permissions import require_staff


@contextmanager
def staff_write() -> Iterator[tuple[Account, Session]]:
    """(account, session) for a moderator's or admin's change: 401 without a token, 403
    for a read-only token or another role; commits when the block ends without an error
    (after one, the request's session is rolled back at teardown)."""
    account = api_account("write")
    require_staff(account)
    session = get_session()
    yield account, session
    session.commit()
