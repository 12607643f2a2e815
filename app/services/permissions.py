"""Who may do what.

- admin: everything, including managing accounts and roles;
- moderator: change any listing, decide the moderation queue, mark editors trusted;
- editor: change only what their own organisations own (see app.resources);
- referrer: a link worker, practice or PCN: makes referrals for its organisation and
  sees their outcomes (app.referrals), changes no listing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from app.errors import Forbidden
from app.models.accounts import Account
from app.resources import owners, owners_of

STAFF = ("admin", "moderator")


def is_staff(account: Account) -> bool:
    return account.role in STAFF


def require_staff(account: Account) -> None:
    if not is_staff(account):
        raise Forbidden("Only moderators and admins may do that.")


def require_admin(account: Account) -> None:
    if account.role != "admin":
        raise Forbidden("Only admins may do that.")


def may_edit(account: Account, owner_ids: set[str | None], own: set[str]) -> bool:
    """Staff may edit anything; an editor only what is wholly owned by their organisations."""
    if is_staff(account):
        return True
    if account.role == "referrer":
        return False
    return bool(owner_ids) and None not in owner_ids and owner_ids <= own


def require_may_edit(
    session: Session,
    account: Account,
    own: set[str],
    resource: str,
    *versions: Mapping[str, Any],
) -> None:
    """403 unless the account may edit the object in each given version (before and after
    a change: an editor can neither change another's object nor move theirs to another)."""
    if is_staff(account):
        return
    for values in versions:
        if not may_edit(account, owners(session, resource, values), own):
            raise Forbidden(
                f"You may only change your own organisation's listings; this {resource} "
                "belongs to another organisation (or to none)."
            )


def require_may_use_venue(
    session: Session, account: Account, own: set[str], location_id: str | None
) -> None:
    """403 unless an editor may edit the venue they would run a service at: linking one's
    service to another organisation's location would make that location shared, and its
    own editor would lose it (issue 19, M1). Staff may link any service to any venue."""
    if is_staff(account) or not location_id:
        return
    if not may_edit(account, owners_of(session, "location", location_id), own):
        raise Forbidden(
            "You may only run your services at your own organisation's locations; this "
            "location belongs to another organisation (ask a moderator to share it)."
        )


def require_may_view(account: Account, organization_id: str, own: set[str]) -> None:
    if not (is_staff(account) or organization_id in own):
        raise Forbidden("You may only see your own organisation's private details.")
