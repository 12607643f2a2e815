"""Webhooks: tell a mirror which services changed, instead of it polling
`modified_after`.

A subscription is made with an API token (`POST /webhooks`) and belongs to it. Every
change to a service, whoever made it (an editor, a moderator's decision, an import, a
merge, a withdrawal), stamps the service's `last_modified`; the worker
(`signpost webhooks deliver`, every minute from cron) posts the changes after the
subscription's cursor, oldest first, in batches:

    POST <url>
    Content-Type: application/json
    X-Signpost-Delivery: <uuid>
    X-Signpost-Timestamp: 1765150000
    X-Signpost-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" with the secret>

    {"subscription_id": "...", "changes": [{"id": "...", "status": "active",
     "last_modified": "2026-12-07T23:30:00+00:00", "path": "/services/..."}], "more": false}

The receiver checks the signature (and that the timestamp is recent), then fetches each
`path`. Only a 2xx answer moves the cursor, so nothing is skipped: a failure is retried
with a doubling delay (1 minute up to 6 hours), and every attempt is in the delivery log
(`GET /webhooks/{id}/deliveries`). A receiver must be on the public internet unless
SIGNPOST_WEBHOOKS_ALLOW_PRIVATE is set (so a subscription cannot make the server post to
its own network); redirects are not followed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from app.errors import NotFound, Unprocessable
from app.models import Service, new_id
from app.models.accounts import ApiToken
from app.models.webhooks import WebhookDelivery, WebhookSubscription

BATCH = 500
MAX_BATCHES_PER_RUN = 100
FIRST_RETRY = dt.timedelta(minutes=1)
LONGEST_RETRY = dt.timedelta(hours=6)
TIMEOUT_SECONDS = 10
MAX_SUBSCRIPTIONS_PER_TOKEN = 10

Post = Callable[[str, bytes, dict[str, str]], int]
"""Sends one delivery; returns the HTTP status, raises OSError when there is none."""


def subscribe(
    session: Session, token_id: str, url: str, now: dt.datetime, *, allow_private: bool
) -> tuple[WebhookSubscription, str]:
    """A new subscription for this token and its secret (shown to the caller once). It
    hears of changes from now on: a mirror first copies the directory (a dump, or
    `format=ndjson`), then follows the webhooks."""
    check_receiver(url, allow_private=allow_private)
    if len(subscriptions_of(session, token_id)) >= MAX_SUBSCRIPTIONS_PER_TOKEN:
        raise Unprocessable(f"A token may have at most {MAX_SUBSCRIPTIONS_PER_TOKEN} webhooks.")
    secret = secrets.token_urlsafe(32)
    row = WebhookSubscription(
        id=new_id(),
        token_id=token_id,
        url=url,
        secret=secret,
        created_at=now,
        cursor_modified=now,
        cursor_id="",
        active=True,
        failures=0,
        next_attempt_at=now,
    )
    session.add(row)
    session.flush()
    return row, secret


def subscriptions_of(session: Session, token_id: str) -> list[WebhookSubscription]:
    query = select(WebhookSubscription).where(
        WebhookSubscription.token_id == token_id, WebhookSubscription.active.is_(True)
    )
    return list(session.scalars(query.order_by(WebhookSubscription.created_at)))


def subscription_of(session: Session, token_id: str, subscription_id: str) -> WebhookSubscription:
    """The token's own subscription; another token's is as if it did not exist."""
    row = session.get(WebhookSubscription, subscription_id)
    if row is None or row.token_id != token_id or not row.active:
        raise NotFound(f"No webhook with id '{subscription_id}' for this token.")
    return row


def deliveries_of(session: Session, subscription: WebhookSubscription) -> list[WebhookDelivery]:
    query = select(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription.id)
    return list(session.scalars(query.order_by(WebhookDelivery.attempted_at.desc()).limit(50)))


def unsubscribe(session: Session, subscription: WebhookSubscription) -> None:
    session.delete(subscription)


def check_receiver(url: str, *, allow_private: bool) -> None:
    """A receiver is an http(s) URL; on the public internet, and https, unless private
    addresses are allowed (a test, or a mirror inside one network)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Unprocessable("A webhook URL starts https:// and names a host.", _field("url"))
    if allow_private:
        return
    if parts.scheme != "https":
        raise Unprocessable("A webhook URL must use https.", _field("url"))
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 443)}
    except OSError as exc:
        raise Unprocessable(f"Cannot find the host {parts.hostname}.", _field("url")) from exc
    if not addresses or not all(ipaddress.ip_address(a).is_global for a in addresses):
        raise Unprocessable("A webhook URL must be on the public internet.", _field("url"))


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The X-Signpost-Signature value a receiver recomputes to trust a delivery.

    >>> sign("s3cret", "1765150000", b"{}")[:7]
    'sha256='
    """
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


@dataclass
class DeliveryReport:
    delivered: int = 0  # changes a receiver accepted
    attempts: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"Webhooks: {self.delivered} changes delivered in {self.attempts} posts, "
            f"{self.failed} failed (retried later)."
        )


def deliver_due(
    session: Session, now: dt.datetime, post: Post | None = None, *, allow_private: bool
) -> DeliveryReport:
    """Post what is due to every subscription whose token still stands; commits after
    each post so a crash never repeats an accepted batch's cursor move."""
    post = post or http_post
    report = DeliveryReport()
    due = select(WebhookSubscription).join(ApiToken, ApiToken.id == WebhookSubscription.token_id)
    due = due.where(
        WebhookSubscription.active.is_(True),
        WebhookSubscription.next_attempt_at <= now,
        ApiToken.revoked_at.is_(None),
    )
    for subscription in list(session.scalars(due.order_by(WebhookSubscription.next_attempt_at))):
        for _ in range(MAX_BATCHES_PER_RUN):
            delivery, more = _deliver_batch(session, subscription, now, post, allow_private)
            session.commit()
            if delivery is None:
                break
            report.attempts += 1
            if not delivery.ok:
                report.failed += 1
                report.errors.append(f"{subscription.id}: {delivery.error}")
                break
            report.delivered += delivery.changes
            if not more:
                break
    return report


def _deliver_batch(
    session: Session,
    subscription: WebhookSubscription,
    now: dt.datetime,
    post: Post,
    allow_private: bool,
) -> tuple[WebhookDelivery | None, bool]:
    rows = _changes_after(session, subscription, BATCH + 1)
    if not rows:
        return None, False
    batch, more = rows[:BATCH], len(rows) > BATCH
    body = json.dumps(
        {
            "subscription_id": subscription.id,
            "changes": [
                {
                    "id": service_id,
                    "status": status,
                    "last_modified": modified.isoformat(),
                    "path": f"/services/{service_id}",
                }
                for service_id, status, modified in batch
            ],
            "more": more,
        }
    ).encode()
    delivery = WebhookDelivery(
        id=new_id(), subscription_id=subscription.id, attempted_at=now, changes=len(batch)
    )
    timestamp = str(int(now.timestamp()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Signpost-Webhooks/1",
        "X-Signpost-Delivery": delivery.id,
        "X-Signpost-Timestamp": timestamp,
        "X-Signpost-Signature": sign(subscription.secret, timestamp, body),
    }
    try:
        check_receiver(subscription.url, allow_private=allow_private)
        delivery.status_code = post(subscription.url, body, headers)
        delivery.ok = 200 <= delivery.status_code < 300
        delivery.error = None if delivery.ok else f"the receiver answered {delivery.status_code}"
    except (OSError, Unprocessable) as exc:
        delivery.ok, delivery.error = False, _reason(exc)
    session.add(delivery)
    if delivery.ok:
        _, _, last_modified = batch[-1]
        subscription.cursor_modified, subscription.cursor_id = last_modified, batch[-1][0]
        subscription.failures, subscription.last_error = 0, None
        subscription.next_attempt_at = now
    else:
        subscription.failures += 1
        subscription.last_error = delivery.error
        subscription.next_attempt_at = now + retry_delay(subscription.failures)
    return delivery, more


def retry_delay(failures: int) -> dt.timedelta:
    """1, 2, 4 ... minutes after each failure in a row, at most 6 hours."""
    return min(FIRST_RETRY * 2 ** max(failures - 1, 0), LONGEST_RETRY)


def _changes_after(
    session: Session, subscription: WebhookSubscription, limit: int
) -> list[tuple[str, str, dt.datetime]]:
    after = or_(
        Service.last_modified > subscription.cursor_modified,
        and_(
            Service.last_modified == subscription.cursor_modified,
            Service.id > subscription.cursor_id,
        ),
    )
    query = select(Service.id, Service.status, Service.last_modified).where(after)
    return [
        tuple(row)
        for row in session.execute(query.order_by(Service.last_modified, Service.id).limit(limit))
    ]


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: D102
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def http_post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST with a timeout, following no redirect; the status of any answer."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _OPENER.open(request, timeout=TIMEOUT_SECONDS) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _reason(exc: Exception) -> str:
    message = getattr(exc, "message", None) or str(getattr(exc, "reason", "") or exc)
    return f"could not deliver: {message}"[:300]


def _field(name: str) -> dict:
    return {"json": {name: ["Not a usable webhook URL."]}}
