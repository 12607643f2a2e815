"""Accounts: creating them, signing in, and which organisations an editor keeps current.

Plain functions of a session (no Flask), shared by the web pages, the API and the CLI.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.passwords import hash_password, needs_rehash, password_problem, verify_password
from app.auth.ratelimit import SIGN_IN, check_limit, clear_events, record_event
from app.errors import Conflict, NotFound, Unauthorized, Unprocessable
from app.models import Organization, new_id
from app.models.accounts import ROLES, Account, AccountOrganization

SIGN_IN_FAILED = "The email address or password is not right."


def normalise_email(email: str) -> str:
    return email.strip().lower()


def account_label(account: Account) -> str:
    """How a person appears in the change history (`updated_by`): an opaque account id,
    never their email address, because the history is public."""
    return f"account:{account.id}"


def create_account(
    session: Session,
    email: str,
    role: str = "editor",
    password: str | None = None,
    *,
    name: str | None = None,
    trusted: bool = False,
    email_verified: bool = True,
) -> Account:
    """A new account. Accounts made by an admin (CLI) count as having a verified email."""
    email = normalise_email(email)
    if "@" not in email.strip("@"):
        raise Unprocessable(f"'{email}' is not an email address.")
    if role not in ROLES:
        raise Unprocessable(f"Unknown role '{role}': use one of {', '.join(ROLES)}.")
    if find_account(session, email) is not None:
        raise Conflict(f"There is already an account for {email}.")
    if password is not None and (problem := password_problem(password)):
        raise Unprocessable(f"That password is too short. {problem}", {"password": [problem]})
    account = Account(
        id=new_id(),
        email=email,
        name=name,
        role=role,
        trusted=trusted or role != "editor",
        email_verified=email_verified,
        active=True,
        password_hash=hash_password(password) if password is not None else None,
        created_at=dt.datetime.now(dt.UTC),
    )
    session.add(account)
    session.flush()
    return account


def find_account(session: Session, email: str) -> Account | None:
    return session.scalar(select(Account).where(Account.email == normalise_email(email)))


def get_account(session: Session, account_id: str) -> Account:
    account = session.get(Account, account_id)
    if account is None:
        raise NotFound(f"No account with id '{account_id}'.")
    return account


def require_account(session: Session, email: str) -> Account:
    account = find_account(session, email)
    if account is None:
        raise NotFound(f"No account for {normalise_email(email)}.")
    return account


def authenticate(
    session: Session, email: str, password: str, ip: str | None, now: dt.datetime
) -> Account:
    """The account for these credentials. Failures are counted per account and per IP
    (5 per 15 minutes, then 429); a success clears the account's count. The caller
    commits either way, so failures are remembered."""
    keys = [f"account:{normalise_email(email)}"] + ([f"ip:{ip}"] if ip else [])
    check_limit(session, SIGN_IN, keys, now)
    account = find_account(session, email)
    stored = account.password_hash if account is not None and account.active else None
    if not verify_password(password, stored):
        record_event(session, SIGN_IN, keys, now)
        raise Unauthorized(SIGN_IN_FAILED)
    assert account is not None
    clear_events(session, SIGN_IN, keys[0])
    if needs_rehash(account.password_hash or ""):
        account.password_hash = hash_password(password)
    account.last_sign_in_at = now
    return account


def set_password(account: Account, password: str) -> None:
    """A new password (which also signs the account out of every other session)."""
    if problem := password_problem(password):
        raise Unprocessable(f"That password is too short. {problem}", {"password": [problem]})
    account.password_hash = hash_password(password)


def organization_ids(session: Session, account: Account) -> set[str]:
    query = select(AccountOrganization.organization_id).where(
        AccountOrganization.account_id == account.id
    )
    return set(session.scalars(query))


def organizations_of(session: Session, account: Account) -> list[Organization]:
    query = (
        select(Organization)
        .join(AccountOrganization, AccountOrganization.organization_id == Organization.id)
        .where(AccountOrganization.account_id == account.id)
        .order_by(Organization.name)
    )
    return list(session.scalars(query))


def link_organization(session: Session, account: Account, organization_id: str) -> None:
    """Let the account edit the organisation (idempotent)."""
    if session.get(Organization, organization_id) is None:
        raise NotFound(f"No organization with id '{organization_id}'.")
    if session.get(AccountOrganization, (account.id, organization_id)) is None:
        session.add(
            AccountOrganization(
                account_id=account.id,
                organization_id=organization_id,
                created_at=dt.datetime.now(dt.UTC),
            )
        )
        session.flush()
