"""Claiming: a group asks to manage its organisation's listings.

A claim is a change_request of kind "claim" that a moderator approves; it is approved at
once when the account's (verified) email address is at the host of the organisation's
website (jo@hackneyshed.org for https://www.hackneyshed.org/), unless that host is a
shared platform (facebook.com, wordpress.com, ...) where anyone could have an address.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.accounts import link_organization, organization_ids
from app.errors import Conflict, NotFound, Unprocessable
from app.models import Organization, new_id
from app.models.accounts import Account, ChangeRequest
from app.sql_text import escape_like

SHARED_HOSTS = {
    "blogspot.com",
    "eventbrite.co.uk",
    "eventbrite.com",
    "facebook.com",
    "gmail.com",
    "google.com",
    "googlemail.com",
    "hotmail.com",
    "icloud.com",
    "instagram.com",
    "linktr.ee",
    "live.co.uk",
    "meetup.com",
    "outlook.com",
    "sites.google.com",
    "squarespace.com",
    "twitter.com",
    "weebly.com",
    "wix.com",
    "wixsite.com",
    "wordpress.com",
    "x.com",
    "yahoo.co.uk",
    "yahoo.com",
}
AUTO_APPROVED = "Approved automatically: the email address is at the organisation's website."


def website_host(website: str | None) -> str | None:
    if not website:
        return None
    url = website if "://" in website else f"https://{website}"
    host = (urlsplit(url.strip()).hostname or "").lower().rstrip(".")
    return host.removeprefix("www.") or None


def domain_matches(email: str, website: str | None) -> bool:
    """True when the email's domain is the website's host (ignoring "www.")."""
    host = website_host(website)
    domain = email.rpartition("@")[2].lower().strip().rstrip(".")
    if not host or not domain or host in SHARED_HOSTS:
        return False
    return domain == host and not any(host.endswith(f".{shared}") for shared in SHARED_HOSTS)


def request_claim(
    session: Session,
    account: Account,
    organization_id: str,
    message: str | None = None,
    *,
    auto_approve: bool = True,
) -> ChangeRequest:
    """Ask to manage an organisation; approved at once on a domain match (if enabled)."""
    organization = session.get(Organization, organization_id)
    if organization is None:
        raise NotFound(f"No organization with id '{organization_id}'.")
    if organization_id in organization_ids(session, account):
        raise Conflict(f"You already manage {organization.name}.")
    pending = session.scalar(
        select(ChangeRequest).where(
            ChangeRequest.kind == "claim",
            ChangeRequest.status == "pending",
            ChangeRequest.resource_id == organization_id,
            ChangeRequest.submitted_by == account.id,
        )
    )
    if pending is not None:
        raise Conflict(
            "You have already asked to manage this organisation; a moderator will look at it soon."
        )
    message = (message or "").strip() or None
    if message and len(message) > 2000:
        raise Unprocessable(
            "Keep the message under 2000 characters.", {"json": {"message": ["Too long."]}}
        )
    now = dt.datetime.now(dt.UTC)
    claim = ChangeRequest(
        id=new_id(),
        kind="claim",
        status="pending",
        action="claim",
        resource_type="organization",
        resource_id=organization_id,
        organization_id=organization_id,
        proposed={},
        diff=[],
        message=message,
        submitted_by=account.id,
        submitted_by_label=f"account:{account.id}",
        created_at=now,
    )
    session.add(claim)
    if (
        auto_approve
        and account.email_verified
        and domain_matches(account.email, organization.website)
    ):
        link_organization(session, account, organization_id)
        claim.status, claim.decided_at, claim.reason = "approved", now, AUTO_APPROVED
    session.flush()
    return claim


def find_organizations(session: Session, text: str, limit: int = 20) -> list[Organization]:
    """Organisations whose name contains the text (for the claim form)."""
    text = text.strip()
    if not text:
        return []
    pattern = f"%{escape_like(text)}%"
    query = (
        select(Organization)
        .where(Organization.name.ilike(pattern, escape="\\"))
        .order_by(Organization.name)
        .limit(limit)
    )
    return list(session.scalars(query))
